/**
 * Finding and loading templates for `-t`: an `http(s)://` URL, `prefix:rest` for a plugin's template loader
 * (unless a file of that name exists), a file path, or a name in the user directory's `templates/`.
 *
 * @example
 * ```ts
 * import { loadTemplate } from "./load.ts";
 * const template = await loadTemplate("summarize"); // <user_dir>/templates/summarize.yaml
 * template.apply("some text", undefined, {});
 * ```
 * @module
 */
import { fetchText, FetchTextError, isHttpUrl } from "../loaders/fetch_text.ts";
import { parseSimpleYaml, SimpleYamlError } from "../compat/pyyaml_load.ts";
import { userPath } from "../user/dir.ts";
import { resolveInside } from "../user/path.ts";
import { templateLoaderRegistry } from "../loaders/registries.ts";
import { UnknownLoaderPrefixError } from "../loaders/prefix_registry.ts";
import { pluginReference } from "../loaders/prefix_registry.ts";
import { Template } from "./template.ts";
import { NoSuchTemplateError, TemplateLoadError, TemplateNameEscapesError } from "./errors.ts";

export { NoSuchTemplateError, TemplateLoadError, TemplateNameEscapesError } from "./errors.ts";

/** The templates directory, `<user_dir>/templates` (created if missing). */
export function templatesDir(): string {
  const dir = userPath("templates");
  Deno.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * The file of the stored template `name`: `<user_dir>/templates/<name>.yaml`.
 * @throws {TemplateNameEscapesError} when the name leads out of the directory (`../x`).
 */
export function templateFile(name: string): string {
  const dir = templatesDir();
  // Plain string work, not node:path: importing mod.ts must not cost the first node: import (see BENCHMARKS.md).
  const { path, inside } = resolveInside(dir, `${name}.yaml`);
  if (!inside) throw new TemplateNameEscapesError(name, dir);
  return path;
}

/**
 * Parses template YAML (`where` names its file or URL in errors). A YAML string is a prompt.
 * @throws {TemplateLoadError} for YAML that does not parse.
 * @throws {import("./template.ts").InvalidTemplateError} for fields that are wrong.
 */
export function parseTemplateYaml(name: string, text: string, where: string): Promise<Template> {
  let data: unknown;
  try {
    // The one YAML reader, with PyYAML's YAML 1.1 semantics (`yes`/`no`/`on`/`off` are booleans).
    data = parseSimpleYaml(text, where);
  } catch (error) {
    if (!(error instanceof SimpleYamlError)) throw error;
    throw new TemplateLoadError(
      name,
      `Invalid YAML in template ${where}: line ${error.line}, column ${error.column}: ${error.reason}. ` +
        "Fix the file and try again",
      { cause: error },
    );
  }
  return Promise.resolve(Template.fromData(name, data, where));
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

async function fromLoader(
  name: string,
  { prefix, rest }: { prefix: string; rest: string },
): Promise<Template> {
  const entry = await templateLoaderRegistry.get(prefix);
  if (!entry) {
    throw new UnknownLoaderPrefixError("template", prefix);
  }
  let data: unknown;
  try {
    data = await entry.loader(rest);
  } catch (error) {
    throw new TemplateLoadError(
      name,
      `Could not load template ${name}: ${(error as Error)?.message ?? error}`,
      {
        cause: error,
      },
    );
  }
  const own = typeof data === "object" && data !== null &&
    typeof (data as { name?: unknown }).name === "string";
  // Code from a plugin's template is never run: functions stay untrusted.
  return Template.fromData(own ? (data as { name: string }).name : name, data, `'${name}'`);
}

/**
 * Loads the template `-t name` names.
 * @throws {TemplateLoadError} when it cannot be found, fetched or parsed.
 * @throws {import("./template.ts").InvalidTemplateError} when its fields are wrong.
 */
export async function loadTemplate(name: string): Promise<Template> {
  if (isHttpUrl(name)) {
    let text: string;
    try {
      text = await fetchText(name);
    } catch (error) {
      if (!(error instanceof FetchTextError)) throw error;
      throw new TemplateLoadError(name, `Could not load template ${name}: ${error.reason}`, { cause: error });
    }
    return await parseTemplateYaml(name, text, name);
  }
  const reference = pluginReference(name);
  if (reference) return await fromLoader(name, reference);
  const path = isFile(name) ? name : templateFile(name);
  if (!isFile(path)) {
    throw new NoSuchTemplateError(name, path);
  }
  const template = await parseTemplateYaml(name, await Deno.readTextFile(path), path);
  template.functionsTrusted = true;
  return template;
}
