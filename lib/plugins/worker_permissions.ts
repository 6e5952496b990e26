/**
 * Whether this Deno can give a Worker its own permissions. Deno 2 keeps `new Worker(url, { deno: {
 * permissions } })` behind `--unstable-worker-options`, and a process without it does not throw: it exits (code
 * 70). So this is found out before any Worker is made: the flag on the command line (read from
 * `/proc/self/cmdline` where there is one), or `"unstable": ["worker-options"]` in the deno.json that applies
 * (the one given with `--config`, else the nearest one above the main module, as Deno finds it). A compiled
 * binary is taken to have it: the project's `deno task compile` builds it with the flag.
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Flags of `deno run` that take their value as the next argument. */
const VALUE_FLAGS = new Set([
  "-c",
  "--config",
  "--import-map",
  "--lock",
  "--location",
  "--cert",
  "--seed",
  "--ext",
]);

/** Deno's own arguments: those before the script (or before `-` / the first plain word after the command). */
function denoArgs(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i];
    if (i === 1 && !arg.startsWith("-")) continue; // the subcommand (run, test, eval...)
    if (!arg.startsWith("-")) break;
    out.push(arg);
    if (VALUE_FLAGS.has(arg) && i + 1 < argv.length) out.push(argv[++i]);
  }
  return out;
}

/** A deno.json(c) text's `unstable` list, tolerating comments and trailing commas. */
function unstableOf(text: string): string[] {
  const json = text
    .replace(/("(?:\\.|[^"\\])*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_, string) => string ?? "")
    .replace(/,(\s*[}\]])/g, "$1");
  try {
    const unstable = JSON.parse(json)?.unstable;
    return Array.isArray(unstable) ? unstable.map(String) : [];
  } catch {
    return [];
  }
}

function configEnables(path: string): boolean {
  try {
    return unstableOf(Deno.readTextFileSync(path)).includes("worker-options");
  } catch {
    return false;
  }
}

/** Whether a deno.json(c) in `dir` or above it turns the feature on. */
function nearestConfigEnables(dir: string): boolean {
  for (let current = dir;;) {
    for (const name of ["deno.json", "deno.jsonc"]) {
      const path = join(current, name);
      if (configEnables(path)) return true;
    }
    const parent = dirname(current);
    if (parent === current) return false;
    current = parent;
  }
}

let known: boolean | undefined;

/** True when Workers can be given their own permissions in this process (worked out once). */
export function workerPermissionsAvailable(): boolean {
  if (known === undefined) known = detect();
  return known;
}

function detect(): boolean {
  if ((Deno.build as { standalone?: boolean }).standalone) return true;
  let argv: string[] | undefined;
  try {
    argv = Deno.readTextFileSync("/proc/self/cmdline").split("\0").filter(Boolean);
  } catch {
    argv = undefined;
  }
  if (argv) {
    const args = denoArgs(argv);
    if (args.some((a) => a === "--unstable-worker-options" || a === "--unstable")) return true;
    if (args.includes("--no-config")) return false;
    const at = args.findIndex((a) => a === "-c" || a === "--config" || a.startsWith("--config="));
    if (at >= 0) {
      const value = args[at].startsWith("--config=") ? args[at].slice("--config=".length) : args[at + 1];
      return value ? configEnables(value) : false;
    }
  }
  const main = Deno.mainModule;
  if (main.startsWith("file:") && nearestConfigEnables(dirname(fileURLToPath(main)))) return true;
  // Without a command line to read (not Linux), try: a Deno without the flag says so itself.
  return argv === undefined;
}
