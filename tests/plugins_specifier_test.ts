/**
 * The pure parts of plugin installation: reading specifiers, picking versions for a range, finding the
 * relative imports of a module, and checking recorded checksums.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parsePluginSpecifier } from "../lib/plugins/specifier.ts";
import { compareVersions, maxSatisfying, satisfies } from "../lib/plugins/semver.ts";
import { findImports } from "../lib/plugins/download_url.ts";
import { sha256Hex, verifyPluginFiles } from "../lib/plugins/checksum.ts";

Deno.test("parsePluginSpecifier reads jsr:, npm:, URLs and paths", () => {
  assert.deepEqual(parsePluginSpecifier("jsr:@me/llm-shout@^1.2/plugin"), {
    kind: "jsr",
    specifier: "jsr:@me/llm-shout@^1.2/plugin",
    scope: "me",
    packageName: "llm-shout",
    range: "^1.2",
    subpath: "./plugin",
  });
  assert.deepEqual(parsePluginSpecifier("jsr:@me/x"), {
    kind: "jsr",
    specifier: "jsr:@me/x",
    scope: "me",
    packageName: "x",
    range: undefined,
    subpath: ".",
  });
  assert.deepEqual(parsePluginSpecifier("npm:@scope/llm-thing@2"), {
    kind: "npm",
    specifier: "npm:@scope/llm-thing@2",
    packageName: "@scope/llm-thing",
    range: "2",
  });
  assert.equal(parsePluginSpecifier("npm:left-pad").range, undefined);
  assert.deepEqual(parsePluginSpecifier("https://example.com/p.ts"), {
    kind: "url",
    specifier: "https://example.com/p.ts",
  });
  assert.deepEqual(parsePluginSpecifier("plugins/p.ts", "/home/me"), {
    kind: "path",
    specifier: "/home/me/plugins/p.ts",
  });
  assert.deepEqual(parsePluginSpecifier("file:///tmp/p.ts"), { kind: "path", specifier: "/tmp/p.ts" });
  assert.throws(() => parsePluginSpecifier("jsr:nope"), /write it as jsr:@scope\/name/);
  assert.throws(() => parsePluginSpecifier("npm:Bad Name"), /write it as npm:name@version/);
  assert.throws(() => parsePluginSpecifier("git:repo"), /give an https:\/\/ URL/);
});

Deno.test("semver ranges pick the highest matching version; pre-releases only when asked", () => {
  const versions = ["0.1.0", "0.1.5", "0.2.0", "1.0.0", "1.4.2", "1.10.0", "2.0.0-beta.1", "2.0.0"];
  assert.equal(maxSatisfying(versions, "^1"), "1.10.0");
  assert.equal(maxSatisfying(versions, "^0.1"), "0.1.5");
  assert.equal(maxSatisfying(versions, "~1.4"), "1.4.2");
  assert.equal(maxSatisfying(versions, "1.x"), "1.10.0");
  assert.equal(maxSatisfying(versions, ">=1.0.0 <1.5.0"), "1.4.2");
  assert.equal(maxSatisfying(versions, "^3 || ^0.2"), "0.2.0");
  assert.equal(maxSatisfying(versions, "*"), "2.0.0");
  assert.equal(maxSatisfying(["1.0.0", "2.0.0-beta.1"], "*"), "1.0.0");
  assert.equal(maxSatisfying(["1.0.0", "2.0.0-beta.1"], "*", true), "2.0.0-beta.1");
  assert.equal(maxSatisfying(versions, "^5"), undefined);
  assert.ok(satisfies("1.2.3", "1.2.3"));
  assert.ok(!satisfies("1.2.4", "1.2.3"));
  assert.ok(compareVersions("1.0.0-alpha", "1.0.0") < 0);
  assert.ok(compareVersions("1.0.0-alpha.2", "1.0.0-alpha.10") < 0);
  assert.ok(compareVersions("1.10.0", "1.9.0") > 0);
});

Deno.test("findImports lists static, re-exported, side-effect and literal dynamic imports, not comments", () => {
  const source = `
    import { a } from "./a.ts";
    import type { T } from './types.ts';
    import * as ns from "../up/ns.js";
    export { b } from "./b.ts";
    export * from "./star.ts";
    import "./side.ts";
    const lazy = await import("./lazy.ts");
    import { Model } from "jsr:@denollm/llm";
    // import { gone } from "./commented.ts";
    /* import { gone2 } from "./block.ts"; */
    const url = "https://example.com/not-an-import.ts";
  `;
  assert.deepEqual(findImports(source).sort(), [
    "../up/ns.js",
    "./a.ts",
    "./b.ts",
    "./lazy.ts",
    "./side.ts",
    "./star.ts",
    "./types.ts",
    "jsr:@denollm/llm",
  ]);
});

Deno.test("verifyPluginFiles accepts matching files and names the one that changed or is missing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "mod.ts"), "export default {}\n");
    const files = { "mod.ts": await sha256Hex("export default {}\n") };
    await verifyPluginFiles("llm-x", dir, files);
    await Deno.writeTextFile(join(dir, "mod.ts"), "export default { evil: true }\n");
    await assert.rejects(verifyPluginFiles("llm-x", dir, files), (e: Error & { file?: string }) => {
      assert.equal(e.name, "PluginIntegrityError");
      assert.equal(e.file, "mod.ts");
      return true;
    });
    await assert.rejects(
      verifyPluginFiles("llm-x", dir, { "gone.ts": files["mod.ts"] }),
      /is missing its file/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
