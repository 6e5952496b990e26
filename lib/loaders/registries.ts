/**
 * The two loader registries: template loaders (`-t prefix:rest`) and fragment loaders (`-f prefix:arg`).
 * Plugins fill them through their `registerTemplateLoaders` / `registerFragmentLoaders` hooks; the plugin
 * system adds a "before lookup" hook that imports the plugins which recorded loaders, the first time a prefix
 * is looked up.
 *
 * @example
 * ```ts
 * import { fragmentLoaderRegistry } from "./registries.ts";
 * fragmentLoaderRegistry.register("upper", (arg) => ({ content: arg.toUpperCase(), source: `upper:${arg}` }));
 * // llm -f upper:hello 'what does it say?'
 * ```
 * @module
 */
import { PrefixRegistry } from "./prefix_registry.ts";
import type { FragmentLoader, TemplateLoader } from "./types.ts";

/** Template loaders by prefix. */
export const templateLoaderRegistry: PrefixRegistry<TemplateLoader> = new PrefixRegistry<TemplateLoader>();

/** Fragment loaders by prefix. */
export const fragmentLoaderRegistry: PrefixRegistry<FragmentLoader> = new PrefixRegistry<FragmentLoader>();
