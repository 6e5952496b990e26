/**
 * A sandboxed plugin through the library: its model's stream, usage, tool calls and response JSON come back
 * from its Worker; its errors keep their types; a call it hangs in is cancelled and its Worker replaced, a
 * crash fails only the call it was in; embeddings run in the Worker; and the permission declarations are
 * checked, compared and turned into Worker permissions.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { getModel } from "../lib/default_registry.ts";
import { CancelledError, isLlmError, ModelError } from "../lib/models/errors.ts";
import { getPluginEmbeddingModels } from "../lib/plugins/extensions.ts";
import { installPlugin } from "../lib/plugins/install.ts";
import { registerInstalledPlugins } from "../lib/plugins/runtime.ts";
import { PluginCrashError, PluginPermissionError } from "../lib/plugins/errors.ts";
import { stopPluginWorkers, workersStarted } from "../lib/plugins/sandbox_host.ts";
import {
  hostOfEnvValue,
  normalizePermissions,
  permissionsBeyond,
  workerPermissions,
} from "../lib/plugins/permissions.ts";
import { tempUserDir } from "./support/env.ts";

const pluginPath = fileURLToPath(new URL("./fixtures/plugins/sandboxed/plugin.ts", import.meta.url));

async function withSandboxed(fn: () => Promise<void>): Promise<void> {
  await using _dir = await tempUserDir();
  await installPlugin(pluginPath, { approve: () => true });
  registerInstalledPlugins();
  try {
    await fn();
  } finally {
    stopPluginWorkers();
  }
}

Deno.test("a sandboxed model's stream, usage, tool calls and response JSON come back from its Worker", () =>
  withSandboxed(async () => {
    const before = workersStarted();
    const model = getModel("sandboxed-nokey");
    assert.equal(model.label, "Sandboxed: sandboxed-nokey");
    const response = model.prompt("stream");
    const chunks: string[] = [];
    for await (const chunk of response) chunks.push(chunk);
    assert.equal(chunks.join(""), "c0 c1 c2 ");
    assert.deepEqual(await response.usage(), { input: 1, output: 3, details: null });
    assert.deepEqual(await response.toolCalls(), [
      { name: "sandboxed_tool", arguments: { action: "read-keys" }, toolCallId: "t1" },
    ]);
    assert.deepEqual(await response.json(), { done: true });
    assert.equal(await model.prompt("again").text(), "echo: again");
    assert.equal(workersStarted() - before, 1, "one Worker for both prompts");
  }));

Deno.test("a sandboxed plugin's errors keep their types; a refusal is a PluginPermissionError", () =>
  withSandboxed(async () => {
    const failed = getModel("sandboxed-nokey").prompt("fail");
    await failed.start();
    assert.ok(failed.error instanceof ModelError);
    assert.equal((failed.error as ModelError).status, 429);
    assert.equal((failed.error as ModelError).message, "The fake API said no");
    const partial = getModel("sandboxed-nokey").prompt("partial");
    const pieces: string[] = [];
    await assert.rejects(async () => {
      for await (const chunk of partial) pieces.push(chunk);
    }, /The connection was lost/);
    assert.equal(pieces.join(""), "Half an answer", "chunks sent before the error arrive before it");
    const refused = getModel("sandboxed-nokey").prompt("run");
    await refused.start();
    assert.ok(refused.error instanceof PluginPermissionError, String(refused.error));
    assert.equal((refused.error as PluginPermissionError).permission, "run");
    assert.equal((refused.error as PluginPermissionError).target, '"true"');
    assert.ok(isLlmError(refused.error));
  }));

Deno.test("cancelling stops the call in the Worker; a plugin stuck in a loop loses its Worker, not llm", () =>
  withSandboxed(async () => {
    const model = getModel("sandboxed-nokey");
    const slow = model.prompt("slow");
    void slow.start();
    await new Promise((r) => setTimeout(r, 200));
    slow.cancel();
    await slow.start();
    assert.equal(slow.status, "cancelled");
    const before = workersStarted();
    assert.equal(await model.prompt("still there").text(), "echo: still there");
    assert.equal(workersStarted(), before, "a call that stopped when asked keeps its Worker");

    const started = performance.now();
    const stuck = model.prompt("hang", { signal: AbortSignal.timeout(300) });
    await stuck.start();
    assert.equal(stuck.status, "cancelled");
    assert.ok(stuck.error instanceof CancelledError);
    assert.ok(performance.now() - started < 10_000);
    assert.equal(await model.prompt("after").text(), "echo: after", "a new Worker takes its place");
    assert.equal(workersStarted(), before + 1);
  }));

Deno.test("a plugin that crashes fails only the call it was in", () =>
  withSandboxed(async () => {
    const model = getModel("sandboxed-nokey");
    const crashed = model.prompt("crash");
    await crashed.start();
    assert.ok(crashed.error instanceof PluginCrashError, String(crashed.error));
    assert.match((crashed.error as Error).message, /^Plugin 'llm-sandboxed' crashed: .*boom/);
    assert.equal(await model.prompt("next").text(), "echo: next");
  }));

Deno.test("a sandboxed plugin's embedding model embeds in its Worker", () =>
  withSandboxed(async () => {
    const [entry] = (await getPluginEmbeddingModels()).filter((e) => e.plugin === "llm-sandboxed");
    assert.equal(entry.model.id, "sandboxed-embed");
    assert.deepEqual(await entry.model.embedBatch(["abc", "d"]), [[3, 1], [1, 1]]);
  }));

Deno.test("declarations are checked and ordered; an upgrade's extra asks are found", () => {
  assert.deepEqual(normalizePermissions({ net: ["b", "a", "a"], ffi: false, env: [] }, "p"), {
    net: ["a", "b"],
  });
  assert.equal(normalizePermissions(undefined, "p"), undefined);
  assert.throws(() => normalizePermissions({ net: "a" }, "p"), /permissions\.net .* must be a list/);
  assert.throws(() => normalizePermissions({ network: ["a"] }, "p"), /unknown permission 'network'/);
  assert.throws(() => normalizePermissions({ env: ["NOT OK"] }, "p"), /is not a variable name/);
  assert.throws(() => normalizePermissions({ net: ["https://x.example/"] }, "p"), /is not a host/);
  assert.deepEqual(
    permissionsBeyond({ net: ["a", "c"], env: ["X"], run: ["git"] }, { net: ["a"], env: ["X"] }),
    ["network: c", "run programs: git"],
  );
  assert.deepEqual(permissionsBeyond({ net: ["a"] }, { net: ["a", "b"] }), []);
  assert.equal(hostOfEnvValue("http://127.0.0.1:8080/v1"), "127.0.0.1:8080");
  assert.equal(hostOfEnvValue("gpu-box:1234"), "gpu-box:1234");
  assert.equal(hostOfEnvValue("0.0.0.0"), "127.0.0.1");
  const perms = workerPermissions(
    {
      net: ["api.example.com", "$BASE", "$UNSET"],
      env: ["KEY"],
      read: ["cache.json", "/etc/x"],
      keys: ["k"],
    },
    {
      userDir: "/u",
      codeDirs: ["/code"],
      dataDir: "/u/plugin-data/p",
      env: (name) => name === "BASE" ? "https://proxy.example:8443/" : undefined,
    },
  );
  assert.deepEqual(perms, {
    env: ["KEY"],
    net: ["api.example.com", "proxy.example:8443"],
    read: ["/code", "/u/plugin-data/p", "/u/cache.json", "/etc/x"],
    write: ["/u/plugin-data/p"],
    run: false,
    ffi: false,
    sys: false,
    import: ["jsr.io"],
  });
});
