/**
 * Where the time of a command goes: runs it once under V8's sampling profiler (`deno run --cpu-prof`) and
 * sums the self time of the samples by place (a file of ours, a Deno runtime extension, an npm package, the
 * garbage collector, idle time waiting for the network).
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repoUrl = new URL("../", import.meta.url).href;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time spent in one place. */
export interface ProfileEntry {
  /** The place: `lib/cli/io.ts`, `ext:deno_fetch`, `npm:zod`, `(idle)`, ... */
  place: string;
  /** Milliseconds of samples whose innermost frame was there. */
  ms: number;
}

/** A summarised profile. */
export interface ProfileSummary {
  /** Sampled milliseconds in total. */
  totalMs: number;
  /** Self time by place, largest first. */
  places: ProfileEntry[];
  /** Self time by function (`name (place:line)`), largest first. */
  functions: ProfileEntry[];
}

/** The place a frame belongs to. */
export function placeOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith(repoUrl)) return url.slice(repoUrl.length);
  const ext = url.match(/^(ext:[^/]+|node:[^/]+)/);
  if (ext) return ext[1];
  const npm = url.match(/\/npm\/[^/]+\/((?:@[^/]+\/)?[^/]+)\//);
  if (npm) return `npm:${npm[1]}`;
  return url;
}

function add(map: Map<string, number>, key: string, ms: number): void {
  map.set(key, (map.get(key) ?? 0) + ms);
}

function sorted(map: Map<string, number>): ProfileEntry[] {
  return [...map].map(([place, ms]) => ({ place, ms })).sort((a, b) => b.ms - a.ms);
}

/** Sums a `.cpuprofile` by place and by function. */
export function summarise(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const places = new Map<string, number>();
  const functions = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    const place = placeOf(frame.url, frame.functionName);
    totalMs += ms;
    add(places, place, ms);
    add(functions, `${frame.functionName || "(anonymous)"} (${place}:${frame.lineNumber + 1})`, ms);
  });
  return { totalMs, places: sorted(places), functions: sorted(functions) };
}

/** Runs `deno run --cpu-prof <args>` once (after `before`) and summarises its profile. */
export async function profileCommand(
  args: string[],
  options: { env?: Record<string, string>; before?: () => void } = {},
): Promise<ProfileSummary> {
  const dir = await Deno.makeTempDir({ prefix: "llm-bench-prof-" });
  try {
    options.before?.();
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--cpu-prof", `--cpu-prof-dir=${dir}`, ...args],
      cwd: fileURLToPath(repoUrl),
      env: options.env,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(
        `Profiling 'deno run ${args.join(" ")}' failed: ${new TextDecoder().decode(out.stderr)}`,
      );
    }
    const [file] = [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".cpuprofile"));
    if (!file) throw new Error(`deno run --cpu-prof wrote no profile into ${dir}`);
    return summarise(JSON.parse(await Deno.readTextFile(join(dir, file.name))));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
