/**
 * The benchmark report: groups of measurements rendered as Markdown tables (for BENCHMARKS.md) and as a short
 * plain-text summary (for the terminal).
 *
 * @module
 */
import type { Measurement, Stats } from "./measure.ts";
import type { ProfileSummary } from "./profile.ts";

/** What a measurement should achieve. */
export type Target =
  /** At most this many times the median of the group's baseline (its first measurement). */
  | { ratio: number }
  /** A median of at most this many milliseconds. */
  | { ms: number };

/** A group of measurements, the first of which is the baseline of the others. */
export interface Group {
  /** The heading. */
  title: string;
  /** What the group measures, how, and its targets. */
  description: string;
  /** The baseline first, then the rest. */
  measurements: Measurement[];
  /** The target of each measurement by name; measurements without one are shown for comparison only. */
  targets: Record<string, Target>;
  /** Leave out the ratio column (for a breakdown whose rows are steps, not alternatives). */
  noRatio?: boolean;
}

/** A profile of one command, for the "where the time goes" section. */
export interface ProfiledCommand {
  /** The command, as shown. */
  name: string;
  /** Its summarised profile. */
  summary: ProfileSummary;
}

/** The whole report. */
export interface Report {
  /** When, on what, how. */
  environment: string[];
  /** The groups, in order. */
  groups: Group[];
  /** Profiles of some commands. */
  profiles: ProfiledCommand[];
  /** Conclusions written by the runner from the figures. */
  findings: string[];
}

const ms = (value: number): string => value >= 100 ? value.toFixed(0) : value.toFixed(1);
const range = (s: Stats): string => `${ms(s.min)}–${ms(s.max)}`;
const mib = (kib: number): string => (kib / 1024).toFixed(0);

/** The verdict of `m` against its target: `✅ 1.12x ≤ 1.3x`, `❌ 140 ms > 100 ms`, or `""` without one. */
export function verdict(group: Group, m: Measurement): string {
  const target = group.targets[m.name];
  if (!target) return "";
  if ("ratio" in target) {
    const ratio = m.wall.median / group.measurements[0].wall.median;
    return `${ratio <= target.ratio ? "✅" : "❌"} ≤ ${target.ratio}x`;
  }
  return `${m.wall.median <= target.ms ? "✅" : "❌"} ≤ ${target.ms} ms`;
}

/** One group as a Markdown section with a table. */
export function groupMarkdown(group: Group): string {
  const baseline = group.measurements[0].wall.median;
  const hasFirstByte = group.measurements.some((m) => m.firstByte);
  const hasMemory = group.measurements.some((m) => m.peakKib);
  const header = [
    "Command",
    "Median ms",
    "Min–max ms",
    ...(group.noRatio ? [] : ["Ratio"]),
    ...(hasFirstByte ? ["First byte ms"] : []),
    ...(hasMemory ? ["Peak RSS MiB"] : []),
    "Target",
  ];
  const rows = group.measurements.map((m, i) => [
    i === 0 && !group.noRatio ? `${m.name} (baseline)` : m.name,
    ms(m.wall.median),
    range(m.wall),
    ...(group.noRatio ? [] : [`${(m.wall.median / baseline).toFixed(2)}x`]),
    ...(hasFirstByte ? [m.firstByte ? ms(m.firstByte.median) : ""] : []),
    ...(hasMemory ? [m.peakKib ? mib(m.peakKib.median) : "–"] : []),
    verdict(group, m),
  ]);
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [
    `## ${group.title}`,
    "",
    group.description,
    "",
    line(header),
    line(header.map((_, i) => (i === 0 ? "---" : "---:"))),
    ...rows.map(line),
    "",
    `${group.measurements[0].samples.length} runs of each.`,
  ].join("\n");
}

function profileMarkdown(p: ProfiledCommand): string {
  const pct = (v: number) => `${((v / p.summary.totalMs) * 100).toFixed(0)}%`;
  const places = p.summary.places.slice(0, 12).map((e) => `| ${e.place} | ${ms(e.ms)} | ${pct(e.ms)} |`);
  const fns = p.summary.functions.slice(0, 10).map((e) => `| ${e.place} | ${ms(e.ms)} | ${pct(e.ms)} |`);
  return [
    `### ${p.name}: ${ms(p.summary.totalMs)} ms sampled`,
    "",
    "| Self time in | ms | share |",
    "|---|---:|---:|",
    ...places,
    "",
    "| Function | ms | share |",
    "|---|---:|---:|",
    ...fns,
  ].join("\n");
}

/** The whole report as the Markdown of BENCHMARKS.md. */
export function reportMarkdown(report: Report): string {
  return [
    "# Benchmarks",
    "",
    "Written by `deno task bench` (bench/run.ts); do not edit by hand. Every figure is from the same run, on the",
    "machine described below; compare ratios rather than milliseconds across machines.",
    "",
    ...report.environment.map((e) => `- ${e}`),
    "",
    ...(report.findings.length ? ["## Findings", "", ...report.findings.map((f) => `- ${f}`), ""] : []),
    ...report.groups.flatMap((g) => [groupMarkdown(g), ""]),
    ...(report.profiles.length
      ? [
        "## Where the time goes",
        "",
        "One run of each under `deno run --cpu-prof`, self time summed by where the innermost frame was",
        "(`(idle)` is waiting for the network; `ext:` are Deno's runtime extensions).",
        "",
        ...report.profiles.flatMap((p) => [profileMarkdown(p), ""]),
      ]
      : []),
  ].join("\n").trimEnd() + "\n";
}

/** A short plain-text summary of a group for the terminal. */
export function groupText(group: Group): string {
  const baseline = group.measurements[0].wall.median;
  const width = Math.max(...group.measurements.map((m) => m.name.length));
  return [
    group.title,
    ...group.measurements.map((m) =>
      `  ${m.name.padEnd(width)}  ${ms(m.wall.median).padStart(6)} ms  (${range(m.wall)})  ` +
      (group.noRatio ? "" : `${(m.wall.median / baseline).toFixed(2)}x`) +
      `${m.peakKib ? `  ${mib(m.peakKib.median)} MiB` : ""}  ` +
      verdict(group, m)
    ),
  ].join("\n");
}
