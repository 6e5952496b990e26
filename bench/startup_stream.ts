/**
 * The process benchmarks: how long `llm` takes to start (`--version`, `--help`, `models list`, against
 * `deno run` of an empty script), and how fast it prints a 20,000-chunk streamed response from the loopback
 * server (logged, and with `-n`), against a bare `fetch` reader of the same stream and `curl -N`.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { startOpenAIServer } from "../tests/support/openai_server.ts";
import { type CommandSpec, fromSamples, measureCommands } from "./measure.ts";
import type { Group } from "./report.ts";

const repoDir = fileURLToPath(new URL("../", import.meta.url));
const deno = Deno.execPath();

function expectExit0(out: { code: number; stderr: string }): void {
  if (out.code !== 0) throw new Error(`exit code ${out.code}: ${out.stderr.slice(0, 500)}`);
}

/** A user directory with the example echo plugin installed (`llm install examples/plugins/echo.ts`). */
async function userDirWithPlugin(): Promise<AsyncDisposable & { path: string }> {
  const path = await Deno.makeTempDir({ prefix: "llm-bench-plugin-" });
  const out = await new Deno.Command(deno, {
    args: ["run", "-A", "cli.ts", "install", "examples/plugins/echo.ts"],
    cwd: repoDir,
    env: { LLM_USER_PATH: path, NO_COLOR: "1" },
  }).output();
  expectExit0({ code: out.code, stderr: new TextDecoder().decode(out.stderr) });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/** `llm` startup against an empty Deno script; also with one plugin installed (no target: for the record). */
export async function startupGroup(runs: number, userDir: string): Promise<Group> {
  await using pluginUser = await userDirWithPlugin();
  const env = { LLM_USER_PATH: userDir, NO_COLOR: "1" };
  const llm = (name: string, args: string[], expect: RegExp, user = userDir): CommandSpec => ({
    name,
    cmd: [deno, "run", "-A", "cli.ts", ...args],
    cwd: repoDir,
    env: { ...env, LLM_USER_PATH: user },
    check(out) {
      expectExit0(out);
      if (!expect.test(out.stdout)) throw new Error(`unexpected output: ${out.stdout.slice(0, 200)}`);
    },
  });
  const specs: CommandSpec[] = [
    { name: "deno run empty.ts", cmd: [deno, "run", "-A", "bench/empty.ts"], cwd: repoDir, env },
    llm("llm --version", ["--version"], /^llm, version /),
    llm("llm --help", ["--help"], /^Usage: llm /),
    llm("llm models list", ["models", "list"], /gpt-4o-mini/),
    llm("llm --version, one plugin installed", ["--version"], /^llm, version /, pluginUser.path),
    llm("llm models list, one plugin installed", ["models", "list"], /Echo: echo/, pluginUser.path),
    {
      name: "script: import mod.ts + getModels()",
      cmd: [deno, "run", "-A", "bench/library_models.ts"],
      cwd: repoDir,
      env,
    },
  ];
  const target = { ratio: 1.5 };
  return {
    title: "Startup",
    description: "Wall time of the whole process, run from the repository (`deno run -A cli.ts ...`, as " +
      "`deno task llm` does), against `deno run` of an empty script. Target: within 1.5x. The rows with a " +
      "plugin installed (examples/plugins/echo.ts) have no target; they show what installed plugins add.",
    measurements: await measureCommands(specs, runs),
    targets: { "llm --version": target, "llm --help": target, "llm models list": target },
  };
}

/** Step-by-step import times of the CLI's start-up, from `runs` runs of bench/import_cost.ts. */
export async function importBreakdownGroup(runs: number, userDir: string): Promise<Group> {
  const runsOfSteps: Record<string, number>[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const out = await new Deno.Command(deno, {
      args: ["run", "-A", "bench/import_cost.ts"],
      cwd: repoDir,
      env: { LLM_USER_PATH: userDir },
      stderr: "inherit",
    }).output();
    if (!out.success) throw new Error("bench/import_cost.ts failed");
    if (i > 0) runsOfSteps.push(JSON.parse(new TextDecoder().decode(out.stdout)));
  }
  const names = Object.keys(runsOfSteps[0]);
  return {
    title: "Start-up, step by step",
    description: "Milliseconds of each step of `llm`'s start-up measured inside one process " +
      "(bench/import_cost.ts); module loading is from Deno's warm caches.",
    measurements: names.map((name) =>
      fromSamples(name, runsOfSteps.map((steps) => ({ ms: steps[name], peakKib: null })))
    ),
    targets: {},
    noRatio: true,
  };
}

/** The text of a `chunks`-chunk answer: `w0 w1 w2 ...`, about six bytes a chunk. */
export function chunkedText(chunks: number): string[] {
  return Array.from({ length: chunks }, (_, i) => `w${i} `);
}

/** A 20,000-chunk stream through `llm` (logged and with `-n`), the library, the bare reader and `curl -N`. */
export async function streamingGroup(
  runs: number,
  userDir: string,
  chunkCount = 20_000,
  eventsPerWrite = 1,
): Promise<Group> {
  await using server = await startOpenAIServer();
  const chunks = chunkedText(chunkCount);
  const text = chunks.join("");
  const before = () =>
    server.enqueue({ kind: "text", text, chunks, usage: { input: 1, output: chunkCount }, eventsPerWrite });
  const env = {
    LLM_USER_PATH: userDir,
    OPENAI_BASE_URL: server.url,
    OPENAI_API_KEY: "sk-bench",
    LLM_OPENAI_MAX_RETRIES: "0",
    NO_COLOR: "1",
  };
  const printsText = (out: { code: number; stdout: string; stderr: string }) => {
    expectExit0(out);
    if (out.stdout !== `${text}\n`) {
      throw new Error(`printed ${out.stdout.length} characters, expected ${text.length + 1}`);
    }
  };
  const body = JSON.stringify({
    model: "gpt-4o-mini",
    stream: true,
    messages: [{ role: "user", content: "hi" }],
  });
  const common = { cwd: repoDir, env, before, firstByte: true };
  const specs: CommandSpec[] = [
    {
      name: "bare fetch reader",
      cmd: [deno, "run", "-A", "bench/bare_reader.ts", server.url],
      check: printsText,
      ...common,
    },
    {
      name: "curl -N (raw SSE)",
      cmd: [
        "curl",
        "-sSN",
        "-X",
        "POST",
        `${server.url}/chat/completions`,
        "-H",
        "content-type: application/json",
        "-d",
        body,
      ],
      check(out) {
        expectExit0(out);
        if (!out.stdout.includes("data: [DONE]")) throw new Error("no [DONE] event");
      },
      ...common,
    },
    {
      name: "library: getModel().prompt() script",
      cmd: [deno, "run", "-A", "bench/library_reader.ts"],
      check: printsText,
      ...common,
    },
    {
      name: "library: eventBatches() script",
      cmd: [deno, "run", "-A", "bench/library_batches_reader.ts"],
      check: printsText,
      ...common,
    },
    {
      name: "llm -n (not logged)",
      cmd: [deno, "run", "-A", "cli.ts", "-m", "4o-mini", "-n", "hi"],
      check: printsText,
      ...common,
    },
    {
      name: "llm (logged)",
      cmd: [deno, "run", "-A", "cli.ts", "-m", "4o-mini", "hi"],
      check: printsText,
      ...common,
    },
  ];
  if (!curlWorks()) specs.splice(1, 1);
  const target = { ratio: 1.3 };
  const writes = eventsPerWrite === 1
    ? "each written to the socket on its own"
    : `${eventsPerWrite} to a socket write (as a fast network delivers them: parsing, not the network, dominates)`;
  return {
    title: `Streaming ${chunkCount.toLocaleString("en")} chunks` +
      (eventsPerWrite === 1 ? "" : `, ${eventsPerWrite} events per write`),
    description: `One chat completion streamed from the loopback test server as ${chunkCount} SSE events ` +
      `(${Math.round(text.length / 1024)} KiB of text), ${writes}. The bare ` +
      "reader is the loopback limit: `fetch`, split SSE lines, one stdout write per network read. Wall time " +
      "includes process startup; the first-byte column is when the first text reached stdout. The library " +
      "scripts import mod.ts: one writes each chunk as `for await` yields it, the other once per " +
      "`eventBatches()` batch, as the bare reader and `llm` do. Target: within 1.3x of the bare reader.",
    measurements: await measureCommands(specs, runs),
    targets: {
      "library: eventBatches() script": target,
      "llm -n (not logged)": target,
      "llm (logged)": target,
    },
  };
}

function curlWorks(): boolean {
  try {
    return new Deno.Command("curl", { args: ["--version"], stdout: "null" }).outputSync().success;
  } catch {
    return false;
  }
}

/** A temporary user directory for the benchmarks, removed when disposed. */
export async function benchUserDir(): Promise<AsyncDisposable & { path: string }> {
  const path = await Deno.makeTempDir({ prefix: "llm-bench-" });
  await Deno.mkdir(join(path, "user"));
  return {
    path: join(path, "user"),
    [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }),
  };
}
