/**
 * The Claude streaming benchmark: a 20,000-event Messages API stream from the loopback Anthropic server,
 * printed by `llm -m claude-haiku-4.5` with the llm-anthropic plugin installed (logged, and with `-n`),
 * against a bare `fetch` reader of the same stream (bench/anthropic_bare_reader.ts). Target: within 1.3x.
 *
 * ```sh
 * deno run -A bench/anthropic_stream.ts [--runs=10] [--chunks=20000]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { startAnthropicServer, textStreamEvents } from "../tests/support/anthropic_server.ts";
import { type CommandSpec, measureCommands } from "./measure.ts";
import { type Group, groupText } from "./report.ts";
import { anthropicBenchEnv } from "./anthropic_setup.ts";
import { benchUserDir, chunkedText } from "./startup_stream.ts";

const repoDir = fileURLToPath(new URL("../", import.meta.url));
const deno = Deno.execPath();

/** The Claude streaming group: `chunkCount` text deltas through `llm` and through the bare reader. */
export async function anthropicStreamGroup(
  runs: number,
  userDir: string,
  chunkCount = 20_000,
): Promise<Group> {
  await using server = await startAnthropicServer();
  const chunks = chunkedText(chunkCount);
  const text = chunks.join("");
  const events = textStreamEvents(chunks);
  const before = () => server.enqueue({ kind: "events", events, perEvent: true });
  const env = await anthropicBenchEnv(server.url, userDir);
  const printsText = (out: { code: number; stdout: string; stderr: string }) => {
    if (out.code !== 0) throw new Error(`exit code ${out.code}: ${out.stderr.slice(0, 500)}`);
    if (out.stdout !== `${text}\n`) {
      throw new Error(`printed ${out.stdout.length} characters, expected ${text.length + 1}`);
    }
  };
  const common = { cwd: repoDir, env, before, firstByte: true, check: printsText };
  const specs: CommandSpec[] = [
    {
      name: "bare fetch reader",
      cmd: [deno, "run", "-A", "bench/anthropic_bare_reader.ts", server.url],
      ...common,
    },
    {
      name: "llm -m claude-haiku-4.5 -n",
      cmd: [deno, "run", "-A", "cli.ts", "-m", "claude-haiku-4.5", "-n", "hi"],
      ...common,
    },
    {
      name: "llm -m claude-haiku-4.5 (logged)",
      cmd: [deno, "run", "-A", "cli.ts", "-m", "claude-haiku-4.5", "hi"],
      ...common,
    },
  ];
  const target = { ratio: 1.3 };
  return {
    title: `Claude streaming ${chunkCount.toLocaleString("en")} events`,
    description: `One Messages API answer streamed from the loopback Anthropic server as ${chunkCount} ` +
      "content_block_delta events (each written to the socket on its own), printed by llm with the " +
      "llm-anthropic plugin installed from the workspace, against a bare fetch reader of the same stream. " +
      "Wall time includes process startup. Target: within 1.3x of the bare reader.",
    measurements: await measureCommands(specs, runs),
    targets: { "llm -m claude-haiku-4.5 -n": target, "llm -m claude-haiku-4.5 (logged)": target },
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { runs: { type: "string", default: "10" }, chunks: { type: "string", default: "20000" } },
  });
  await using user = await benchUserDir();
  console.log(groupText(await anthropicStreamGroup(Number(values.runs), user.path, Number(values.chunks))));
}
