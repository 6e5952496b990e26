/**
 * Just enough semver to pick a JSR version for a range: exact versions, `^`, `~`, `>=`/`<`-style comparisons,
 * `x` wildcards, `*` and `latest`.
 * @module
 */

/** A parsed version. */
interface Version {
  major: number;
  minor: number;
  patch: number;
  pre: string[];
}

/** Parses `1.2.3` or `1.2.3-beta.1`; undefined when it is not a version. */
function parse(text: string): Version | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(text.trim());
  if (!m) return undefined;
  return { major: +m[1], minor: +m[2], patch: +m[3], pre: m[4] ? m[4].split(".") : [] };
}

/** Compares two versions: negative, zero or positive. */
export function compareVersions(a: string, b: string): number {
  const x = parse(a), y = parse(b);
  if (!x || !y) return a.localeCompare(b);
  return compare(x, y);
}

function compare(x: Version, y: Version): number {
  const d = x.major - y.major || x.minor - y.minor || x.patch - y.patch;
  if (d) return d;
  if (!x.pre.length || !y.pre.length) return y.pre.length - x.pre.length;
  for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
    const a = x.pre[i], b = y.pre[i];
    if (a === undefined) return -1;
    if (b === undefined) return 1;
    const na = /^\d+$/.test(a), nb = /^\d+$/.test(b);
    if (na && nb && +a !== +b) return +a - +b;
    if (na !== nb) return na ? -1 : 1;
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}

type Test = (v: Version) => boolean;

/** A partial version (`1`, `1.2`, `1.x`) as its numbers, with undefined for wildcards. */
function partial(text: string): [number | undefined, number | undefined, number | undefined, string[]] {
  const [core, pre] = text.replace(/^v/, "").split(/-(.*)/s);
  const parts = core.split(".").map((p) => (p === "" || /^[x*]$/i.test(p) ? undefined : Number(p)));
  return [parts[0], parts[1], parts[2], pre ? pre.split(".") : []];
}

function lower(text: string): Version {
  const [major, minor, patch, pre] = partial(text);
  return { major: major ?? 0, minor: minor ?? 0, patch: patch ?? 0, pre };
}

function comparator(text: string): Test {
  const m = /^(\^|~|>=|<=|>|<|=)?\s*(.*)$/.exec(text.trim())!;
  const op = m[1] ?? "";
  const [major, minor, patch] = partial(m[2]);
  const low = lower(m[2]);
  if (op === "^") {
    const upper = low.major > 0 || major === undefined || minor === undefined
      ? { major: (major ?? 0) + 1, minor: 0, patch: 0, pre: [] }
      : low.minor > 0 || patch === undefined
      ? { major: 0, minor: low.minor + 1, patch: 0, pre: [] }
      : { major: 0, minor: 0, patch: low.patch + 1, pre: [] };
    return (v) => compare(v, low) >= 0 && compare(v, { ...upper, pre: ["0"] }) < 0;
  }
  if (op === "~") {
    const upper = minor === undefined
      ? { major: low.major + 1, minor: 0, patch: 0, pre: ["0"] }
      : { major: low.major, minor: low.minor + 1, patch: 0, pre: ["0"] };
    return (v) => compare(v, low) >= 0 && compare(v, upper) < 0;
  }
  if (op === ">=") return (v) => compare(v, low) >= 0;
  if (op === ">") return (v) => compare(v, low) > 0;
  if (op === "<") return (v) => compare(v, low) < 0;
  if (op === "<=") return (v) => compare(v, low) <= 0;
  // Exact, or a wildcard such as 1.x.
  return (v) =>
    (major === undefined || v.major === major) && (minor === undefined || v.minor === minor) &&
    (patch === undefined || (v.patch === patch && v.pre.join(".") === low.pre.join(".")));
}

/** Whether `version` satisfies `range` (`1.2.3`, `^1.2`, `~1`, `>=1 <2`, `1 || 2`, `*`, `latest`). */
export function satisfies(version: string, range: string): boolean {
  const v = parse(version);
  if (!v) return false;
  return range.split("||").some((alt) => {
    const parts = alt.trim().split(/\s+/).filter(Boolean);
    if (!parts.length || parts.every((p) => p === "*" || p === "latest")) return true;
    return parts.every((p) => comparator(p)(v));
  });
}

/** Whether `version` is a pre-release (`1.0.0-beta.1`). */
export function isPrerelease(version: string): boolean {
  return (parse(version)?.pre.length ?? 0) > 0;
}

/**
 * The highest version in `versions` that satisfies `range`; pre-releases only when `pre` is set or the range
 * names one.
 */
export function maxSatisfying(versions: string[], range: string, pre = false): string | undefined {
  const allowPre = pre || range.includes("-");
  return versions
    .filter((v) => parse(v) && (allowPre || !isPrerelease(v)) && satisfies(v, range))
    .sort(compareVersions)
    .at(-1);
}
