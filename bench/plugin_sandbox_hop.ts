/**
 * The hop to a running plugin Worker, measured in one process (for bench/plugin_sandbox.ts): milliseconds
 * from `model.prompt()` to the first chunk of a one-chunk answer from a loopback Anthropic server, for
 * llm-anthropic's model in-process and for the same model in its Worker. Prints `{ inProcess, sandboxed }`
 * (one number per run) as JSON. Expects llm-anthropic installed (with its grant) in `LLM_USER_PATH`.
 *
 * ```sh
 * deno run -A bench/plugin_sandbox_hop.ts RUNS
 * ```
 * @module
 */
import { startAnthropicServer, textStreamEvents } from "../tests/support/anthropic_server.ts";
import { CLAUDE_MODELS, ClaudeModel } from "../plugins/anthropic/mod.ts";
import { getModel } from "../lib/default_registry.ts";
import type { Model } from "../lib/models/model.ts";
import { registerInstalledPlugins } from "../lib/plugins/runtime.ts";
import { stopPluginWorkers } from "../lib/plugins/sandbox_host.ts";

const runs = Number(Deno.args[0] ?? "10");
await using server = await startAnthropicServer();
Deno.env.set("ANTHROPIC_BASE_URL", server.url);
Deno.env.set("ANTHROPIC_API_KEY", "sk-bench");

async function firstChunkMs(model: Model): Promise<number> {
  server.enqueue({ kind: "events", events: textStreamEvents(["Hi"]), perEvent: true });
  const started = performance.now();
  const response = model.prompt("hi");
  let ms = 0;
  for await (const _ of response) {
    ms ||= performance.now() - started;
  }
  return ms;
}

const spec = CLAUDE_MODELS.find((s) => s.aliases.includes("claude-haiku-4.5"))!;
const local = new ClaudeModel(spec);
registerInstalledPlugins();
const sandboxed = getModel("claude-haiku-4.5");
await firstChunkMs(local);
await firstChunkMs(sandboxed); // starts the Worker
const inProcess: number[] = [];
const inWorker: number[] = [];
for (let i = 0; i < runs; i++) {
  inProcess.push(await firstChunkMs(local));
  inWorker.push(await firstChunkMs(sandboxed));
}
stopPluginWorkers();
console.log(JSON.stringify({ inProcess, sandboxed: inWorker }));
