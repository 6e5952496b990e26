/**
 * Timing commands for the benchmarks: wall time of whole processes and their peak resident memory, from GNU
 * `time` (`/usr/bin/time -f %M`) when it is installed, otherwise by polling `/proc/<pid>/status` (VmHWM).
 *
 * @module
 */

/** One run of a command. */
export interface Sample {
  /** Wall time from spawn to exit, in milliseconds. */
  ms: number;
  /** Peak resident set size in KiB, when it could be read. */
  peakKib: number | null;
  /** Milliseconds from spawn to the first byte on stdout, when measured (see `CommandSpec.firstByte`). */
  firstByteMs?: number;
}

/** Median, minimum and maximum of some numbers. */
export interface Stats {
  /** The median (mean of the middle two for an even count). */
  median: number;
  /** The smallest. */
  min: number;
  /** The largest. */
  max: number;
}

/** A benchmarked command and its runs. */
export interface Measurement {
  /** What ran, as shown in the report. */
  name: string;
  /** The runs, in order. */
  samples: Sample[];
  /** Wall-time statistics. */
  wall: Stats;
  /** Peak-memory statistics in KiB, or `null` when it could not be read. */
  peakKib: Stats | null;
  /** Time-to-first-byte statistics, when measured. */
  firstByte: Stats | null;
}

/** A command to benchmark. */
export interface CommandSpec {
  /** The name in the report. */
  name: string;
  /** The program and its arguments. */
  cmd: string[];
  /** Environment variables added to the benchmark's own. */
  env?: Record<string, string>;
  /** The working directory. */
  cwd?: string;
  /** Read stdout through a pipe in every run and record when its first byte arrives. */
  firstByte?: boolean;
  /** Runs before every run (and the check run), e.g. to queue a server reply. */
  before?: () => void;
  /**
   * Checks the output of the first, untimed run; throws when the command does not do what it should. Timed
   * runs only need exit code 0.
   */
  check?: (out: { code: number; stdout: string; stderr: string }) => void;
}

/** Thrown when a benchmarked command fails its check. */
export class BenchCommandError extends Error {
  /** Creates the error for `name`, with what went wrong. */
  constructor(name: string, detail: string) {
    super(`Benchmark command '${name}' did not work: ${detail}`);
    this.name = "BenchCommandError";
  }
}

/** Median, min and max of `values` (which must not be empty). */
export function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

const GNU_TIME = "/usr/bin/time";

function gnuTimeWorks(): boolean {
  try {
    const out = new Deno.Command(GNU_TIME, { args: ["-f", "%M", "true"], stderr: "piped" }).outputSync();
    return out.code === 0 && /^\d+\s*$/.test(new TextDecoder().decode(out.stderr));
  } catch {
    return false;
  }
}

/** How peak memory is read: `"gnu-time"`, `"proc"` (polling VmHWM) or `"none"`. */
export const memorySource: "gnu-time" | "proc" | "none" = gnuTimeWorks()
  ? "gnu-time"
  : Deno.build.os === "linux"
  ? "proc"
  : "none";

function readVmHwm(pid: number): number | null {
  try {
    const match = Deno.readTextFileSync(`/proc/${pid}/status`).match(/^VmHWM:\s+(\d+) kB/m);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

async function drain(
  stream: ReadableStream<Uint8Array>,
  started: number,
  keep: boolean,
): Promise<{ text: string; firstByteMs?: number }> {
  const decoder = new TextDecoder();
  let text = "";
  let firstByteMs: number | undefined;
  for await (const bytes of stream) {
    firstByteMs ??= performance.now() - started;
    if (keep) text += decoder.decode(bytes, { stream: true });
  }
  return { text, firstByteMs };
}

async function runOnce(spec: CommandSpec, capture: boolean): Promise<Sample & { out?: string }> {
  const memFile = memorySource === "gnu-time" ? await Deno.makeTempFile({ prefix: "llm-bench-mem-" }) : null;
  const [program, ...args] = memFile ? [GNU_TIME, "-f", "%M", "-o", memFile, ...spec.cmd] : spec.cmd;
  spec.before?.();
  const started = performance.now();
  const child = new Deno.Command(program, {
    args,
    env: spec.env,
    cwd: spec.cwd,
    stdin: "null",
    stdout: capture || spec.firstByte ? "piped" : "null",
    stderr: "piped",
  }).spawn();
  const reading = capture || spec.firstByte ? drain(child.stdout, started, capture) : undefined;
  let polledKib: number | null = null;
  let polling: ReturnType<typeof setInterval> | undefined;
  if (memorySource === "proc") {
    polling = setInterval(() => {
      polledKib = readVmHwm(child.pid) ?? polledKib;
    }, 2);
  }
  const [status, stderrBytes, read] = await Promise.all([
    child.status,
    new Response(child.stderr).arrayBuffer(),
    reading,
  ]);
  const ms = performance.now() - started;
  if (polling !== undefined) clearInterval(polling);
  let peakKib: number | null = polledKib;
  if (memFile) {
    const text = (await Deno.readTextFile(memFile)).trim().split("\n").at(-1) ?? "";
    peakKib = /^\d+$/.test(text) ? Number(text) : null;
    await Deno.remove(memFile);
  }
  const stderr = new TextDecoder().decode(stderrBytes);
  const out = capture ? read?.text ?? "" : undefined;
  if (spec.check && out !== undefined) {
    try {
      spec.check({ code: status.code, stdout: out, stderr });
    } catch (error) {
      throw new BenchCommandError(spec.name, (error as Error).message);
    }
  } else if (status.code !== 0) {
    throw new BenchCommandError(spec.name, `exit code ${status.code}: ${stderr.slice(0, 500)}`);
  }
  return { ms, peakKib, out, firstByteMs: read?.firstByteMs };
}

/**
 * Runs each of `specs` once with its output checked (untimed, which also warms caches), then `runs` rounds
 * of all of them in turn, so that a change in the machine's load hits them all alike. Timed runs send stdout
 * to /dev/null (or drain it through a pipe with `firstByte`). Returns one measurement a spec, in order.
 */
export async function measureCommands(specs: CommandSpec[], runs: number): Promise<Measurement[]> {
  for (const spec of specs) await runOnce(spec, true);
  const samples: Sample[][] = specs.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [j, spec] of specs.entries()) {
      const { ms, peakKib, firstByteMs } = await runOnce(spec, false);
      samples[j].push({ ms, peakKib, firstByteMs });
    }
  }
  return specs.map((spec, j) => fromSamples(spec.name, samples[j]));
}

/** A measurement from samples taken some other way (e.g. in-process timings without memory). */
export function fromSamples(name: string, samples: Sample[]): Measurement {
  const peaks = samples.map((s) => s.peakKib).filter((k): k is number => k !== null);
  const firsts = samples.map((s) => s.firstByteMs).filter((k): k is number => k !== undefined);
  return {
    name,
    samples,
    wall: stats(samples.map((s) => s.ms)),
    peakKib: peaks.length ? stats(peaks) : null,
    firstByte: firsts.length ? stats(firsts) : null,
  };
}

/** Times `fn` `runs` times in this process (after one untimed call) and returns the timings. */
export async function measureInProcess(
  name: string,
  runs: number,
  fn: (i: number) => unknown | Promise<unknown>,
): Promise<Measurement> {
  await fn(-1);
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn(i);
    samples.push({ ms: performance.now() - started, peakKib: null });
  }
  return fromSamples(name, samples);
}
