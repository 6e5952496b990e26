/**
 * `deno task bench`: runs every benchmark side by side in one run, prints a summary and writes BENCHMARKS.md.
 *
 * ```sh
 * deno task bench                                   # everything, ~9 minutes on 2 cores
 * deno task bench --only=startup,stream --runs=5    # a quicker look, BENCHMARKS.md not written
 * ```
 *
 * Options: `--runs=N` (timed runs of each command, default 10), `--turns=N` (turns seeded into the logs
 * benchmark's database, default 100000), `--chunks=N` (chunks of the streamed response, default 20000),
 * `--vectors=N` (vectors in the embeddings benchmark's database, default 100000; it is seeded once and kept
 * in the temporary directory), `--rows=N` (CSV rows for `llm embed-multi`, default 10000),
 * `--only=startup,stream,markdown,chain,attachments,logs,embeddings,sandbox,profile` (a subset; BENCHMARKS.md is
 * then only written with `--write`), `--out=FILE` (default BENCHMARKS.md at the repository root), `--no-write`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { startOpenAIServer } from "../tests/support/openai_server.ts";
import { memorySource } from "./measure.ts";
import { logsGroup } from "./logs_bench.ts";
import { profileCommand } from "./profile.ts";
import { type Group, groupText, type ProfiledCommand, reportMarkdown } from "./report.ts";
import {
  benchUserDir,
  chunkedText,
  importBreakdownGroup,
  startupGroup,
  streamingGroup,
} from "./startup_stream.ts";
import { findings } from "./findings.ts";
import { embeddingsGroups } from "./embeddings_bench.ts";
import { chainGroups } from "./chain_bench.ts";
import { anthropicStreamGroup } from "./anthropic_stream.ts";
import { attachmentGroup } from "./attachment_memory.ts";
import { sandboxGroups } from "./plugin_sandbox.ts";
import { markdownGroups } from "./markdown_bench.ts";

const ALL = [
  "startup",
  "stream",
  "markdown",
  "chain",
  "attachments",
  "logs",
  "embeddings",
  "sandbox",
  "profile",
];

const { values } = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "10" },
    turns: { type: "string", default: "100000" },
    chunks: { type: "string", default: "20000" },
    vectors: { type: "string", default: "100000" },
    rows: { type: "string", default: "10000" },
    only: { type: "string" },
    out: { type: "string", default: fileURLToPath(new URL("../BENCHMARKS.md", import.meta.url)) },
    write: { type: "boolean" },
    "no-write": { type: "boolean" },
  },
});

function positive(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`Error: --${name} must be a positive whole number, got '${text}'`);
    Deno.exit(2);
  }
  return n;
}

const runs = positive("runs", values.runs);
const turns = positive("turns", values.turns);
const chunkCount = positive("chunks", values.chunks);
const vectors = positive("vectors", values.vectors);
const csvRows = positive("rows", values.rows);
const only = values.only ? values.only.split(",").map((s) => s.trim()) : ALL;
const unknown = only.filter((s) => !ALL.includes(s));
if (unknown.length) {
  console.error(`Error: unknown benchmark '${unknown[0]}' in --only; choose from ${ALL.join(", ")}`);
  Deno.exit(2);
}
const write = !values["no-write"] && (values.write || only.length === ALL.length);

function cpuModel(): string {
  try {
    return Deno.readTextFileSync("/proc/cpuinfo").match(/^model name\s*:\s*(.+)$/m)?.[1] ?? "unknown CPU";
  } catch {
    return "unknown CPU";
  }
}

const environment = [
  `Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC with Deno ${Deno.version.deno} ` +
  `(V8 ${Deno.version.v8}) on ${Deno.build.os}/${Deno.build.arch}, ${cpuModel()}, ` +
  `${navigator.hardwareConcurrency} cores, load average ${
    Deno.loadavg().map((n) => n.toFixed(2)).join(" ")
  } ` +
  "at the start.",
  `Peak memory: ${
    memorySource === "gnu-time"
      ? "maximum resident set size from GNU time (`/usr/bin/time -f %M`)"
      : memorySource === "proc"
      ? "VmHWM polled from /proc every 2 ms"
      : "not available on this system"
  }.`,
  `Each command ran ${runs} times, interleaved with the others of its group, after one untimed run whose ` +
  "output was checked. Processes are `deno run -A` from the repository with its deno.json and lock file.",
];

await using user = await benchUserDir();
const groups: Group[] = [];
const profiles: ProfiledCommand[] = [];

async function step<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  console.error(`… ${label}`);
  const result = await work();
  console.error(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

if (only.includes("startup")) {
  groups.push(await step("startup", () => startupGroup(runs, user.path)));
  groups.push(await step("startup steps", () => importBreakdownGroup(runs, user.path)));
}
if (only.includes("stream")) {
  groups.push(await step("streaming", () => streamingGroup(runs, user.path, chunkCount)));
  groups.push(await step("streaming, batched", () => streamingGroup(runs, user.path, chunkCount, 64)));
  // In a user directory of its own: it installs llm-anthropic, which the other groups must not see.
  await using claudeUser = await benchUserDir();
  groups.push(await step("Claude streaming", () => anthropicStreamGroup(runs, claudeUser.path, chunkCount)));
}
if (only.includes("markdown")) {
  groups.push(...await step("Markdown rendering", () => markdownGroups(runs, chunkCount)));
}
if (only.includes("chain")) {
  groups.push(...await step("tool chain", () => chainGroups(runs, user.path)));
}
if (only.includes("attachments")) {
  groups.push(await step("attachments", () => attachmentGroup(Math.min(runs, 5))));
}
if (only.includes("logs")) {
  groups.push(await step(`logs (seeding ${turns} turns)`, () => logsGroup(runs, user.path, turns)));
}
if (only.includes("embeddings")) {
  groups.push(
    ...await step(
      `embeddings (${vectors} vectors, ${csvRows} rows)`,
      () => embeddingsGroups(runs, user.path, { vectors, rows: csvRows }),
    ),
  );
}
if (only.includes("sandbox")) {
  // Its own user directory: it installs llm-anthropic, which the other groups must not see.
  await using sandboxUser = await benchUserDir();
  groups.push(...await step("plugin sandbox", () => sandboxGroups(runs, sandboxUser.path, chunkCount)));
}
if (only.includes("profile")) {
  await step("profiles", async () => {
    await using server = await startOpenAIServer();
    const chunks = chunkedText(chunkCount);
    const text = chunks.join("");
    const env = { LLM_USER_PATH: user.path, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-bench" };
    const before = () => server.enqueue({ kind: "text", text, chunks });
    const streamed = (name: string, args: string[]) => ({
      name: `${name}, ${chunkCount} chunks`,
      args,
      before,
    });
    const cases = [
      { name: "llm --version", args: ["-A", "cli.ts", "--version"], before: undefined },
      streamed("bare fetch reader", ["-A", "bench/bare_reader.ts", server.url]),
      streamed("llm -n", ["-A", "cli.ts", "-m", "4o-mini", "-n", "hi"]),
      streamed("llm (logged)", ["-A", "cli.ts", "-m", "4o-mini", "hi"]),
    ];
    for (const { name, args, before } of cases) {
      profiles.push({ name, summary: await profileCommand(args, { env, before }) });
    }
  });
}

const report = { environment, groups, profiles, findings: findings(groups, profiles) };
console.log(groups.map(groupText).join("\n\n"));
if (report.findings.length) console.log(`\n${report.findings.map((f) => `- ${f}`).join("\n")}`);
if (write) {
  await Deno.writeTextFile(values.out, reportMarkdown(report));
  // In the project's style, so that `deno fmt --check` (part of `deno task test`) accepts it.
  await new Deno.Command(Deno.execPath(), { args: ["fmt", "--quiet", values.out], stderr: "inherit" })
    .output();
  console.error(`Wrote ${values.out}`);
} else {
  console.error("BENCHMARKS.md not written (a subset was run; add --write to write it anyway)");
}
