/**
 * Fragment loaders from plugins: `-f prefix:arg` calls the loader registered for `prefix` with `arg`. The
 * plugin system calls {@link registerFragmentLoader} for each `registerFragmentLoaders` hook.
 *
 * @example
 * ```ts
 * import { registerFragmentLoader } from "./loaders.ts";
 * registerFragmentLoader("upper", (arg) => ({ content: arg.toUpperCase(), source: `upper:${arg}` }), "Upper case");
 * // llm -f upper:hello 'what does it say?'
 * ```
 * @module
 */
import type { FragmentLoader } from "../plugins/api.ts";
import { type PrefixEntry, PrefixRegistry } from "../templates/prefix_registry.ts";

const registry = new PrefixRegistry<FragmentLoader>();

/** Registers a fragment loader for `prefix`; returns the prefix used (`prefix_1` when it was taken). */
export function registerFragmentLoader(prefix: string, loader: FragmentLoader, description = ""): string {
  return registry.register(prefix, loader, description);
}

/** Removes the fragment loader registered under `prefix`. */
export function unregisterFragmentLoader(prefix: string): boolean {
  return registry.unregister(prefix);
}

/** Runs `hook` before fragment loaders are listed or looked up (the plugin system loads plugins there). */
export function beforeFragmentLoaderLookup(hook: () => void | Promise<void>): void {
  registry.beforeLookup(hook);
}

/** Every fragment loader, in registration order. */
export function fragmentLoaders(): Promise<PrefixEntry<FragmentLoader>[]> {
  return registry.entries();
}

/** The fragment loader for `prefix`, if any. */
export function fragmentLoader(prefix: string): Promise<PrefixEntry<FragmentLoader> | undefined> {
  return registry.get(prefix);
}

/** Removes every fragment loader and hook (for tests). */
export function clearFragmentLoaders(): void {
  registry.clear();
}
