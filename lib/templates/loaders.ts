/**
 * Template loaders from plugins: `-t prefix:rest` calls the loader registered for `prefix` with `rest`. The
 * plugin system calls {@link registerTemplateLoader} for each `registerTemplateLoaders` hook.
 *
 * @example
 * ```ts
 * import { registerTemplateLoader } from "./loaders.ts";
 * registerTemplateLoader("shout", (rest) => ({ prompt: `${rest.toUpperCase()}: $input` }), "Shouting templates");
 * // llm -t shout:hello 'text'
 * ```
 * @module
 */
import type { TemplateLoader } from "../plugins/api.ts";
import { type PrefixEntry, PrefixRegistry } from "./prefix_registry.ts";

const registry = new PrefixRegistry<TemplateLoader>();

/** Registers a template loader for `prefix`; returns the prefix used (`prefix_1` when it was taken). */
export function registerTemplateLoader(prefix: string, loader: TemplateLoader, description = ""): string {
  return registry.register(prefix, loader, description);
}

/** Removes the template loader registered under `prefix`. */
export function unregisterTemplateLoader(prefix: string): boolean {
  return registry.unregister(prefix);
}

/** Runs `hook` before template loaders are listed or looked up (the plugin system loads plugins there). */
export function beforeTemplateLoaderLookup(hook: () => void | Promise<void>): void {
  registry.beforeLookup(hook);
}

/** Every template loader, in registration order. */
export function templateLoaders(): Promise<PrefixEntry<TemplateLoader>[]> {
  return registry.entries();
}

/** The template loader for `prefix`, if any. */
export function templateLoader(prefix: string): Promise<PrefixEntry<TemplateLoader> | undefined> {
  return registry.get(prefix);
}

/** Removes every template loader and hook (for tests). */
export function clearTemplateLoaders(): void {
  registry.clear();
}
