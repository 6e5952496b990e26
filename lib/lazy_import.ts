/**
 * Imports a module of this package only when the import runs.
 *
 * Deno loads the whole module graph of every *literal* dynamic import (`import("./x.ts")`) when a program
 * starts, whether or not the import ever runs: with the CLI's command table that was about 110 modules and
 * 20 ms on every `llm --version`. A specifier computed at run time is loaded only when imported. The price:
 * `deno compile` must be told to embed these files (`--include lib/`, in the `compile` task), and `deno publish`
 * warns that it cannot analyse the import (the files are in the package all the same).
 *
 * @module
 */

/**
 * Imports `specifier`, resolved against `base` (pass `import.meta.url`), when called. Give the module's type
 * as `T` (`typeof import("./x.ts")`: a type-only reference, which loads nothing).
 *
 * @example
 * ```ts ignore
 * import { lazyImport } from "../lazy_import.ts";
 * const { keysList } = await lazyImport<typeof import("./commands/keys.ts")>("./commands/keys.ts", import.meta.url);
 * ```
 */
export function lazyImport<T>(specifier: string, base: string): Promise<T> {
  return import(new URL(specifier, base).href) as Promise<T>;
}
