/**
 * `@denollm/llm-anthropic` as a JSR package: it imports the library only through its public plugin API
 * (`jsr:@denollm/llm@^0.1/plugin`, resolved to the workspace member here), its documentation is complete,
 * and `deno publish --dry-run` packs it without tests.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const repoDir = fileURLToPath(new URL("../", import.meta.url));
const pluginDir = fileURLToPath(new URL("../plugins/anthropic/", import.meta.url));

async function deno(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  const out = await new Deno.Command(Deno.execPath(), { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const decoder = new TextDecoder();
  const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
  return {
    code: out.code,
    output: (decoder.decode(out.stdout) + decoder.decode(out.stderr)).replace(ansi, ""),
  };
}

Deno.test("the plugin's files import only each other and the public plugin API", async () => {
  for await (const entry of Deno.readDir(pluginDir)) {
    if (!entry.name.endsWith(".ts")) continue;
    const source = await Deno.readTextFile(pluginDir + entry.name);
    const specifiers = [...source.matchAll(/^(?:import|export)[^"']*from\s+["']([^"']+)["']/gm)].map((m) =>
      m[1]
    );
    for (const specifier of specifiers) {
      const allowed = entry.name === "_llm.ts"
        ? specifier === "jsr:@denollm/llm@^0.1/plugin"
        : /^\.\/[a-z_]+\.ts$/.test(specifier);
      assert.ok(allowed, `${entry.name} imports ${specifier}`);
    }
  }
});

Deno.test("deno doc --lint is clean with the library's entry points; publish --dry-run packs no tests", async () => {
  const doc = await deno(["doc", "--lint", "mod.ts", "plugin.ts", "plugins/anthropic/mod.ts"], repoDir);
  assert.equal(doc.code, 0, doc.output);
  const publish = await deno(["publish", "--dry-run", "--allow-dirty"], pluginDir);
  assert.equal(publish.code, 0, publish.output);
  assert.match(publish.output, /Simulating publish of @denollm\/llm-anthropic@0\.1\.0/);
  const packed = [...publish.output.matchAll(/file:\/\/\S+/g)].map((m) =>
    m[0].slice(`file://${pluginDir}`.length)
  );
  assert.ok(packed.includes("mod.ts") && packed.includes("deno.json"), packed.join(", "));
  assert.deepEqual(packed.filter((p) => !/^([a-z_]+\.(ts|json)|README\.md)$/.test(p)), []);
});
