/**
 * `loadTemplate` of `mod.ts`, with the template loader (URLs, plugin loaders, the templates directory)
 * loaded on first use rather than with the library.
 * @module
 */
import { lazyImport } from "../lazy_import.ts";
import type { Template } from "../templates/template.ts";

/**
 * Loads the template `-t name` names: an `http(s)://` URL, `prefix:rest` for a plugin's template loader
 * (unless a file of that name exists), a file path, or a name in the user directory's `templates/`.
 *
 * @example
 * ```ts ignore
 * import { loadTemplate } from "../../mod.ts";
 * const template = await loadTemplate("summarize"); // <user_dir>/templates/summarize.yaml
 * ```
 * @throws {TemplateLoadError} when it cannot be found, fetched or parsed.
 * @throws {InvalidTemplateError} when its fields are wrong.
 */
export async function loadTemplate(name: string): Promise<Template> {
  const { loadTemplate } = await lazyImport<typeof import("../templates/load.ts")>(
    "../templates/load.ts",
    import.meta.url,
  );
  return await loadTemplate(name);
}
