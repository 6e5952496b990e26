/**
 * The modules a program loads before its first line runs: the static import graph of an entry point, from
 * `deno info --json`, without type-only imports (erased at run time) and without dynamic imports (loaded when
 * they run), which are collected on their own.
 *
 * @example
 * ```ts
 * import { staticImportGraph } from "./static_graph.ts";
 * const { modules } = await staticImportGraph(new URL("../../mod.ts", import.meta.url));
 * const local = await staticRepoImports(new URL("../../lib/cli/main.ts", import.meta.url)); // ["lib/cli/main.ts", ...]
 * ```
 * @module
 */
import { fileURLToPath } from "node:url";

const REPO_URL = new URL("../../", import.meta.url).href;

/** What {@link staticImportGraph} found. */
export interface StaticImportGraph {
  /** Every module reached through static imports, the entry included (resolved specifiers). */
  modules: Set<string>;
  /** Specifiers of the literal dynamic imports met on the way (not followed). */
  dynamicImports: Set<string>;
}

interface Dependency {
  specifier: string;
  code?: { specifier: string };
  isDynamic?: boolean;
}

interface DenoInfo {
  roots: string[];
  modules: { specifier: string; dependencies?: Dependency[] }[];
  redirects?: Record<string, string>;
}

/** The static import graph of `entry` (a file URL). */
export async function staticImportGraph(entry: URL): Promise<StaticImportGraph> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", fileURLToPath(entry)],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) throw new Error(`deno info failed: ${new TextDecoder().decode(output.stderr)}`);
  const graph = JSON.parse(new TextDecoder().decode(output.stdout)) as DenoInfo;
  const bySpecifier = new Map(graph.modules.map((m) => [m.specifier, m]));
  const resolve = (specifier: string) => graph.redirects?.[specifier] ?? specifier;
  const modules = new Set<string>();
  const dynamicImports = new Set<string>();
  const pending = [...graph.roots];
  while (pending.length) {
    const specifier = resolve(pending.pop()!);
    if (modules.has(specifier)) continue;
    modules.add(specifier);
    for (const dep of bySpecifier.get(specifier)?.dependencies ?? []) {
      if (!dep.code) continue; // type-only imports are erased at run time
      if (dep.isDynamic) dynamicImports.add(dep.code.specifier);
      else pending.push(dep.code.specifier);
    }
  }
  return { modules, dynamicImports };
}

/** The repository's modules in the static import graph of `entry`, as paths from the repository root. */
export async function staticRepoImports(entry: URL): Promise<string[]> {
  const { modules } = await staticImportGraph(entry);
  return [...modules].filter((s) => s.startsWith(REPO_URL)).map((s) => s.slice(REPO_URL.length));
}
