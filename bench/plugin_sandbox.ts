/**
 * What running a plugin in its sandbox (a Worker with only its permissions) costs: llm-anthropic, installed
 * from the workspace, run in its Worker against the same plugin run in-process (`LLM_PLUGIN_SANDBOX=off`), for
 * a prompt's start (the first byte of a one-chunk answer, in a fresh process; and the first chunk of a prompt
 * in a process whose Worker is running) and for a 20,000-chunk stream. Targets: under 5 ms added to a
 * prompt's start, under 5% added to the stream. Also checked: `llm --version`, `--help` and `models list`
 * start no Worker with the plugin installed.
 *
 * ```sh
 * deno run -A bench/plugin_sandbox.ts [--runs=10] [--chunks=20000]
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { startAnthropicServer, textStreamEvents } from "../tests/support/anthropic_server.ts";
import { type CommandSpec, fromSamples, measureCommands, type Measurement, type Sample } from "./measure.ts";
import { type Group, groupText } from "./report.ts";
import { anthropicBenchEnv } from "./anthropic_setup.ts";
import { benchUserDir, chunkedText } from "./startup_stream.ts";

const repoDir = fileURLToPath(new URL("../", import.meta.url));
const deno = Deno.execPath();

/** The per-run differences of two measurements (b − a), as a measurement of their own. */
function difference(name: string, a: Measurement, b: Measurement, pick: (s: Sample) => number): Measurement {
  return fromSamples(
    name,
    a.samples.map((s, i) => ({ ms: pick(b.samples[i]) - pick(s), peakKib: null })),
  );
}

/** The sandbox groups: prompt start (fresh process and warm Worker) and a `chunkCount`-chunk stream. */
export async function sandboxGroups(runs: number, userDir: string, chunkCount = 20_000): Promise<Group[]> {
  await using server = await startAnthropicServer();
  const env = await anthropicBenchEnv(server.url, userDir);
  await noWorkerForListing(env);

  const oneChunk = ["Hi"];
  const chunks = chunkedText(chunkCount);
  const spec = (name: string, answer: string[], off: boolean): CommandSpec => ({
    name,
    cmd: [deno, "run", "-A", "cli.ts", "-m", "claude-haiku-4.5", "-n", "hi"],
    cwd: repoDir,
    env: off ? { ...env, LLM_PLUGIN_SANDBOX: "off" } : env,
    firstByte: true,
    before: () => server.enqueue({ kind: "events", events: textStreamEvents(answer), perEvent: true }),
    check(out) {
      if (out.code !== 0 || out.stdout !== `${answer.join("")}\n`) {
        throw new Error(
          `exit ${out.code}, printed ${out.stdout.length} characters: ${out.stderr.slice(0, 300)}`,
        );
      }
    },
  });
  const [startOff, startSandboxed] = await measureCommands([
    spec("in-process (LLM_PLUGIN_SANDBOX=off), first byte", oneChunk, true),
    spec("sandboxed, first byte", oneChunk, false),
  ], runs);
  const firstByteOf = (m: Measurement) =>
    fromSamples(m.name, m.samples.map((s) => ({ ms: s.firstByteMs ?? s.ms, peakKib: s.peakKib })));
  const added = difference("added by the sandbox", startOff, startSandboxed, (s) => s.firstByteMs ?? s.ms);
  const startGroup: Group = {
    title: "Plugin sandbox: a prompt's start",
    description: "Milliseconds from spawn to the first byte of a one-chunk Claude answer, `llm -m " +
      "claude-haiku-4.5 -n hi` with llm-anthropic installed, run in-process and in its Worker (which starts " +
      "while the CLI gets ready). The last row is the per-run difference. Target: under 5 ms added.",
    measurements: [firstByteOf(startOff), firstByteOf(startSandboxed), added],
    targets: { "added by the sandbox": { ms: 5 } },
  };
  const hop = await warmHop(runs, env);

  const streams = await measureCommands([
    spec(`in-process (LLM_PLUGIN_SANDBOX=off), ${chunkCount} chunks`, chunks, true),
    spec(`sandboxed, ${chunkCount} chunks`, chunks, false),
  ], runs);
  const streamGroup: Group = {
    title: `Plugin sandbox: streaming ${chunkCount.toLocaleString("en")} chunks`,
    description: `One Messages API answer of ${chunkCount} content_block_delta events (each written to the ` +
      "socket on its own) through llm-anthropic, in-process and in its Worker (chunks cross in batches, one " +
      "message per turn of the Worker's event loop). Wall time of the whole process. Target: within 1.05x.",
    measurements: streams,
    targets: { [streams[1].name]: { ratio: 1.05 } },
  };
  return [startGroup, await workerStart(runs), hop, streamGroup];
}

/**
 * What `new Worker()` costs the thread that calls it, in fresh processes (bench/worker_start.ts): the floor
 * under the sandbox's added start-up, since the CLI's thread can do nothing while it lasts.
 */
async function workerStart(runs: number): Promise<Group> {
  const samples: Record<string, number[]> = {};
  const add = (name: string, ms: number) => (samples[name] ??= []).push(ms);
  for (let i = 0; i < runs; i++) {
    for (const variant of ["plain", "permissions"]) {
      const out = await new Deno.Command(deno, {
        args: ["run", "-A", "--unstable-worker-options", "bench/worker_start.ts", variant],
        cwd: repoDir,
        stderr: "inherit",
      }).output();
      if (!out.success) throw new Error("bench/worker_start.ts failed");
      const { blocked, answered } = JSON.parse(new TextDecoder().decode(out.stdout));
      const own = variant === "permissions" ? "with permissions of its own" : "with the caller's permissions";
      add(`new Worker() blocks its caller, ${own}`, blocked);
      add(`until it answers a first message, ${own}`, answered);
    }
  }
  return {
    title: "Plugin sandbox: what starting a Worker costs the thread that starts it",
    description: "Milliseconds, in a fresh process, that `new Worker()` of an empty module blocks its " +
      "caller (Deno builds the Worker's runtime before the constructor returns) and until the Worker answers " +
      "a first message. The sandbox starts its Worker while the CLI gets ready, but the CLI's thread waits " +
      "for the constructor: a prompt's added start-up cannot fall below the blocked time less what the " +
      "in-process plugin's modules cost that thread.",
    measurements: Object.entries(samples).map(([name, ms]) =>
      fromSamples(name, ms.map((m) => ({ ms: m, peakKib: null })))
    ),
    targets: {},
  };
}

/** The first chunk of a prompt once the Worker runs: the hop itself, measured in one process. */
async function warmHop(runs: number, env: Record<string, string>): Promise<Group> {
  const out = await new Deno.Command(deno, {
    args: ["run", "-A", "bench/plugin_sandbox_hop.ts", String(runs)],
    cwd: repoDir,
    env,
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("bench/plugin_sandbox_hop.ts failed");
  const { inProcess, sandboxed } = JSON.parse(new TextDecoder().decode(out.stdout)) as Record<
    string,
    number[]
  >;
  const toMeasurement = (name: string, ms: number[]) =>
    fromSamples(name, ms.map((m) => ({ ms: m, peakKib: null })));
  const a = toMeasurement("in-process model", inProcess);
  const b = toMeasurement("sandboxed model (Worker running)", sandboxed);
  return {
    title: "Plugin sandbox: the hop to a running Worker",
    description:
      "Milliseconds from `model.prompt()` to the first chunk of a one-chunk Claude answer from the " +
      "loopback server, in one process: llm-anthropic's model in-process, then the same model in its Worker " +
      "(started before the timed runs). The last row is the per-run difference. Target: under 5 ms added.",
    measurements: [a, b, difference("added by the hop", a, b, (s) => s.ms)],
    targets: { "added by the hop": { ms: 5 } },
  };
}

/** Fails unless `--version`, `--help` and `models list` leave the plugin's Worker unstarted. */
async function noWorkerForListing(env: Record<string, string>): Promise<void> {
  for (const args of [["--version"], ["--help"], ["models", "list"]]) {
    const out = await new Deno.Command(deno, {
      args: ["run", "-A", "cli.ts", ...args],
      cwd: repoDir,
      env: { ...env, LLM_PLUGIN_SANDBOX_TRACE: "1" },
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    if (!out.success || /Worker started/.test(stderr)) {
      throw new Error(`llm ${args.join(" ")} started a plugin Worker: ${stderr.slice(0, 300)}`);
    }
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { runs: { type: "string", default: "10" }, chunks: { type: "string", default: "20000" } },
  });
  await using user = await benchUserDir();
  const groups = await sandboxGroups(Number(values.runs), join(user.path), Number(values.chunks));
  console.log(groups.map(groupText).join("\n\n"));
}
