/**
 * The template and fragment loaders, by prefix (Python llm's `get_template_loaders()` and
 * `get_fragment_loaders()`), and registering one from code. Plugin loaders are there once `loadPlugins()`
 * has run (they are imported the first time the list is read).
 *
 * @example
 * ```ts
 * import { getFragmentLoaders, registerFragmentLoader } from "./lists.ts";
 * registerFragmentLoader("upper", (arg) => ({ content: arg.toUpperCase(), source: `upper:${arg}` }));
 * const loaders = await getFragmentLoaders();
 * console.log(await loaders.upper("hi")); // { content: "HI", source: "upper:hi" }
 * ```
 * @module
 */
import { fragmentLoaderRegistry, templateLoaderRegistry } from "./registries.ts";
import type { PrefixRegistry } from "./prefix_registry.ts";
import type { FragmentLoader, TemplateLoader } from "./types.ts";

async function byPrefix<L>(registry: PrefixRegistry<L>): Promise<Record<string, L>> {
  return Object.fromEntries((await registry.entries()).map((e) => [e.prefix, e.loader]));
}

/** Every template loader (`-t prefix:rest`), keyed by prefix, in registration order. */
export function getTemplateLoaders(): Promise<Record<string, TemplateLoader>> {
  return byPrefix(templateLoaderRegistry);
}

/** Every fragment loader (`-f prefix:arg`), keyed by prefix, in registration order. */
export function getFragmentLoaders(): Promise<Record<string, FragmentLoader>> {
  return byPrefix(fragmentLoaderRegistry);
}

/**
 * Registers a template loader for `-t prefix:rest` (and `Template.load("prefix:rest")`); returns the prefix
 * used (`prefix_1` when it was taken, as Python llm does).
 */
export function registerTemplateLoader(prefix: string, loader: TemplateLoader, description = ""): string {
  return templateLoaderRegistry.register(prefix, loader, description);
}

/** Registers a fragment loader for `-f prefix:arg`; returns the prefix used (`prefix_1` when it was taken). */
export function registerFragmentLoader(prefix: string, loader: FragmentLoader, description = ""): string {
  return fragmentLoaderRegistry.register(prefix, loader, description);
}
