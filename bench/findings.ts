/**
 * Conclusions drawn from the figures of one benchmark run, so that BENCHMARKS.md says in words what the tables
 * show: which targets are met, and where the time of the streaming path goes.
 *
 * @module
 */
import type { Group, ProfiledCommand } from "./report.ts";
import type { ProfileSummary } from "./profile.ts";

const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value.toFixed(1));

function targetFindings(group: Group): string[] {
  const baseline = group.measurements[0];
  return group.measurements.flatMap((m) => {
    const target = group.targets[m.name];
    if (!target) return [];
    if ("ratio" in target) {
      const ratio = m.wall.median / baseline.wall.median;
      const met = ratio <= target.ratio;
      return [
        `${group.title}: \`${m.name}\` takes ${ms(m.wall.median)} ms, ${
          ratio.toFixed(2)
        }x \`${baseline.name}\` ` +
        `(${ms(baseline.wall.median)} ms): ${met ? "within" : "**over**"} the ${target.ratio}x target.`,
      ];
    }
    const met = m.wall.median <= target.ms;
    return [
      `${group.title}: \`${m.name}\` takes ${ms(m.wall.median)} ms (median): ` +
      `${met ? "within" : "**over**"} the ${target.ms} ms target.`,
    ];
  });
}

function selfMs(summary: ProfileSummary, test: (place: string) => boolean): number {
  return summary.places.filter((e) => test(e.place)).reduce((n, e) => n + e.ms, 0);
}

function functionMs(summary: ProfileSummary, prefix: string): number {
  return summary.functions.filter((e) => e.place.startsWith(prefix)).reduce((n, e) => n + e.ms, 0);
}

function profileFindings(profiles: ProfiledCommand[]): string[] {
  const bare = profiles.find((p) => p.name.startsWith("bare"))?.summary;
  const llm = profiles.find((p) => p.name.startsWith("llm -n"))?.summary;
  if (!bare || !llm) return [];
  const ours = (s: ProfileSummary) => selfMs(s, (p) => p.startsWith("lib/") || p.endsWith(".ts"));
  const npm = selfMs(llm, (p) => p.startsWith("npm:"));
  const busy = (s: ProfileSummary) => s.totalMs - selfMs(s, (p) => p === "(idle)");
  const writes = (s: ProfileSummary) => functionMs(s, "op_write_sync");
  const gc = (s: ProfileSummary) => selfMs(s, (p) => p === "(garbage collector)");
  const top = llm.places.filter((e) => e.place.startsWith("lib/")).slice(0, 3)
    .map((e) => `${e.place} ${ms(e.ms)} ms`).join(", ");
  return [
    `Streaming profile: \`llm -n\` is busy for ${ms(busy(llm))} ms against ${
      ms(busy(bare))
    } ms for the bare ` +
    `reader. Our own code accounts for ${ms(ours(llm))} ms (${top}); stdout writes for ` +
    `${ms(writes(llm))} ms against ${ms(writes(bare))} ms (both write once per network read)` +
    `; the garbage collector for ${ms(gc(llm))} ms against ${ms(gc(bare))} ms` +
    (npm > 0 ? `; npm packages for ${ms(npm)} ms.` : "; no npm package runs on this path."),
  ];
}

/** Sentences summing up the run: one per target, then what the profiles show. */
export function findings(groups: Group[], profiles: ProfiledCommand[]): string[] {
  return [...groups.flatMap(targetFindings), ...profileFindings(profiles)];
}
