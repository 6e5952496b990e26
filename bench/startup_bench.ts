/**
 * Startup benchmark: wall time of `deno run` for a script that imports mod.ts and lists the models, against an
 * empty script (Deno's own start-up), and against one that also loads zod (what the lazy loading
 * saves). Each is run once to warm Deno's caches, then `--runs` times (default 15); the median, minimum and
 * 90th percentile are printed as a Markdown table.
 *
 * ```sh
 * deno run -A bench/startup_bench.ts --runs=20
 * ```
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";

const MOD_URL = new URL("../mod.ts", import.meta.url).href;
const ZOD_LOADER_URL = new URL("../lib/deps/zod.ts", import.meta.url).href;
const CONFIG_PATH = new URL("../deno.json", import.meta.url).pathname;

/** A script to time. */
interface Case {
  /** The row label. */
  name: string;
  /** The script's source. */
  source: string;
}

const CASES: Case[] = [
  { name: "empty script (Deno start-up)", source: "" },
  {
    name: "import mod.ts + getModels()",
    source: `import { getModels } from ${
      JSON.stringify(MOD_URL)
    };\nif (getModels().length === 0) Deno.exit(1);\n`,
  },
  {
    name: "… + load zod (option validation)",
    source: `import { getModels } from ${JSON.stringify(MOD_URL)};\n` +
      `import { loadZod } from ${JSON.stringify(ZOD_LOADER_URL)};\n` +
      `getModels();\nawait loadZod();\n`,
  },
];

/** Timings of one case, in milliseconds. */
interface Timing {
  median: number;
  min: number;
  p90: number;
}

function quantile(sorted: number[], q: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index];
}

/** Median of a sorted list (the mean of the two middle values for an even count). */
function median(sorted: number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function runOnce(script: string, env: Record<string, string>): Promise<number> {
  const started = performance.now();
  const output = await new Deno.Command(Deno.execPath(), {
    // The project's deno.json and lockfile, as `deno task` would use them (npm packages resolve as pinned there).
    args: ["run", "-A", "--config", CONFIG_PATH, script],
    env,
    stdout: "null",
    stderr: "piped",
  }).output();
  const elapsed = performance.now() - started;
  if (output.code !== 0) {
    throw new Error(`Benchmark script ${script} failed: ${new TextDecoder().decode(output.stderr).trim()}`);
  }
  return elapsed;
}

async function time(script: string, runs: number, env: Record<string, string>): Promise<Timing> {
  await runOnce(script, env); // warm the transpile and npm caches
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await runOnce(script, env));
  samples.sort((a, b) => a - b);
  return { median: median(samples), min: samples[0], p90: quantile(samples, 0.9) };
}

/** Runs the benchmark and returns the Markdown table. */
export async function startupBench(runs = 15): Promise<string> {
  if (!Number.isInteger(runs) || runs < 10) {
    throw new RangeError(`Cannot benchmark with --runs=${runs}: use a whole number of at least 10`);
  }
  const dir = await Deno.makeTempDir({ prefix: "llm-startup-bench-" });
  try {
    const env = { LLM_USER_PATH: join(dir, "user"), NO_COLOR: "1" };
    const rows: string[] = [];
    let base: number | undefined;
    for (const [index, { name, source }] of CASES.entries()) {
      const script = join(dir, `case_${index}.ts`);
      await Deno.writeTextFile(script, source);
      const timing = await time(script, runs, env);
      base ??= timing.median;
      const over = index === 0 ? "–" : `+${(timing.median - base).toFixed(0)} ms`;
      const cells = [timing.median, timing.min, timing.p90].map((ms) => ms.toFixed(0));
      rows.push(`| ${name} | ${cells.join(" | ")} | ${over} |`);
    }
    return [
      `Startup, wall time of \`deno run\` in a subprocess, ${runs} runs after one warm-up (Deno ${Deno.version.deno}, ` +
      `${Deno.build.os}/${Deno.build.arch}):`,
      "",
      "| script | median ms | min ms | p90 ms | over empty |",
      "| --- | ---: | ---: | ---: | ---: |",
      ...rows,
    ].join("\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Deno.args, options: { runs: { type: "string", default: "15" } } });
  console.log(await startupBench(Number(values.runs)));
}
