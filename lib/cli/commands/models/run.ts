/**
 * `llm models`: list models with their aliases, options and features, show or set the default model, and
 * manage default options in model_options.json, with Python llm 0.32's output.
 *
 * Listing without `--options` loads no npm package: option types and descriptions come from zod, which is
 * loaded only for `--options` (and `models options set`, which validates the value).
 *
 * Every model here can run asynchronously (JavaScript has no sync/async split), but `--async`, `--json`'s
 * `supports_async` and `--options`'s `async` feature follow Python llm 0.32, which has no async version of
 * some models (OpenAI's completion models: `supportsAsync: false`).
 *
 * @module
 */
import { listingRegistry } from "../../../default_registry_listing.ts";
import type { Model } from "../../../models/model.ts";
import {
  type ModelListing,
  modelMatchesQueries,
  type ModelRegistry,
  type ModelWithAliases,
} from "../../../models/model_registry.ts";
import {
  clearModelOptions,
  loadAllModelOptions,
  loadModelOptions,
  readDefaultModel,
  setModelOption,
  writeDefaultModel,
} from "../../../user/settings.ts";
import type { CommandContext } from "../../../commands/spec.ts";
import { lazyImport } from "../../../lazy_import.ts";

/** What `llm models list` is asked for, as its flags. */
export interface ModelsListFlags {
  /** `--options`: show options, attachment types, features and keys. */
  options?: boolean;
  /** `--async`: only models Python llm has an async version of (all but `supportsAsync: false` ones). */
  async?: boolean;
  /** `--schemas`: only models that support schemas. */
  schemas?: boolean;
  /** `--tools`: only models that support tools. */
  tools?: boolean;
  /** `-q`: every string must be a case-insensitive substring of an alias, the label or the id. */
  query?: string[];
  /** `-m`: only these model ids or aliases. */
  model?: string[];
}

/** The default registry (and with it every model class), for what needs whole models: options, --json. */
async function loadRegistry(): Promise<ModelRegistry> {
  return (await lazyImport<typeof import("../../../default_registry.ts")>(
    "../../../default_registry.ts",
    import.meta.url,
  ))
    .registry;
}

/**
 * The models of `registry` that `llm models list` shows for these flags, in registration order.
 * @throws {UnknownModelError} when a `-m` name is neither a model id nor an alias.
 */
export function selectModels<M extends ModelListing>(
  flags: ModelsListFlags,
  registry: ModelRegistry<M>,
): ModelWithAliases<M>[] {
  const wanted = flags.model ?? [];
  for (const name of wanted) registry.get(name);
  return registry.modelsWithAliases().filter((entry) => {
    if (flags.query?.length && !modelMatchesQueries(entry, flags.query)) return false;
    if (wanted.length && !wanted.some((n) => n === entry.model.id || entry.aliases.includes(n))) return false;
    if (flags.schemas && !entry.model.supportsSchema) return false;
    if (flags.tools && !entry.model.supportsTools) return false;
    if (flags.async && entry.model.supportsAsync === false) return false;
    return true;
  });
}

/** Python prints JSON Schema types it has no short name for as they are (`boolean`, `array`). */
const PYTHON_TYPE_NAMES: Record<string, string> = { bool: "boolean", list: "array", any: "str" };

function pythonTypeName(type: string): string {
  return type.split(", ").map((t) => PYTHON_TYPE_NAMES[t] ?? t).join(", ");
}

/**
 * `text` wrapped to `width` columns including `indent`, as Python's `textwrap.fill` wraps attachment types
 * (at spaces only: Python would also split words longer than a line, and break after hyphens).
 */
function fillIndented(
  wrapText: (text: string, width: number) => string[],
  text: string,
  width: number,
  indent: string,
): string {
  return wrapText(text, width - indent.length).map((line) => indent + line).join("\n");
}

/** The option helpers (and through them zod), loaded only when options are shown or checked. */
function loadOptions(): Promise<typeof import("../../../models/options.ts")> {
  return lazyImport<typeof import("../../../models/options.ts")>(
    "../../../models/options.ts",
    import.meta.url,
  );
}

/** One model's line in `llm models list`: `label (aliases: a, b)`. */
export function listingLine({ model, aliases }: ModelWithAliases<ModelListing>): string {
  return model.label + (aliases.length ? ` (aliases: ${aliases.join(", ")})` : "");
}

/**
 * One model as `llm models list` prints it: its {@link listingLine}, then with `options` its Options,
 * Attachment types, Features and Keys blocks. Option descriptions are shown for the first model of each
 * class only; `shownClasses` remembers which classes have had them.
 */
export async function renderModel(
  { model, aliases }: ModelWithAliases,
  options: { options?: boolean; columns?: number; shownClasses?: Set<unknown> } = {},
): Promise<string> {
  let out = listingLine({ model, aliases });
  if (!options.options) return out;
  // The help module's wrapping, loaded only for --options (a plain listing stays as small as it can be).
  const { wrapText } = await lazyImport<typeof import("../../help.ts")>("../../help.ts", import.meta.url);
  const shown = options.shownClasses;
  const { describeOptions } = await loadOptions();
  const described = await describeOptions(model.options);
  if (described.length) {
    out += "\n  Options:";
    for (const info of described) {
      out += `\n    ${info.name}: ${pythonTypeName(info.type)}`;
      if (info.description && shown && !shown.has(model.constructor)) {
        out += wrapText(info.description, 70).map((line) => `\n      ${line}`).join("");
      }
    }
    shown?.add(model.constructor);
  }
  if (model.attachmentTypes.size) {
    const width = Math.min(Math.max(options.columns ?? 80, 30), 70);
    out += `\n  Attachment types:\n${
      fillIndented(wrapText, (await sortedTypes(model)).join(", "), width, "    ")
    }`;
  }
  const features = [
    ...(model.canStream ? ["streaming"] : []),
    ...(model.supportsSchema ? ["schemas"] : []),
    ...(model.supportsTools ? ["tools"] : []),
    ...(model.supportsAsync === false ? [] : ["async"]),
  ];
  out += "\n  Features:" + features.map((f) => `\n  - ${f}`).join("");
  if (model.needsKey) {
    out += `\n  Keys:\n    key: ${model.needsKey}`;
    if (model.keyEnvVar) out += `\n    env_var: ${model.keyEnvVar}`;
  }
  return out;
}

/** The model's attachment types in code-point order, as Python sorts them. */
async function sortedTypes(model: Model): Promise<string[]> {
  const { compareCodePoints } = await loadPythonJson();
  return [...model.attachmentTypes].sort(compareCodePoints);
}

/** Python's json.dumps and string order, loaded only for --json and --options. */
function loadPythonJson(): Promise<typeof import("../../../compat/python_json.ts")> {
  return lazyImport<typeof import("../../../compat/python_json.ts")>(
    "../../../compat/python_json.ts",
    import.meta.url,
  );
}

/** One model as `llm models list --json` gives it; `withOptions` adds each option's JSON Schema. */
export async function modelJson(
  { model, aliases }: ModelWithAliases,
  withOptions = false,
): Promise<Record<string, unknown>> {
  const json: Record<string, unknown> = {
    model_id: model.id,
    aliases,
    can_stream: model.canStream,
    supports_schema: model.supportsSchema,
    supports_tools: model.supportsTools,
    supports_async: model.supportsAsync !== false,
    attachment_types: await sortedTypes(model),
    server_side_tools: model.serverSideTools.map((tool) => ({
      name: tool.className,
      plugin: (model as { plugin?: string }).plugin ?? null,
    })),
  };
  if (withOptions) {
    const { describeOptions } = await loadOptions();
    const described = await describeOptions(model.options);
    json.options = Object.fromEntries(described.map((info) => [info.name, info.jsonSchema]));
  }
  return json;
}

/** `llm models list` (also plain `llm models`). */
export async function modelsList(ctx: CommandContext): Promise<void> {
  const flags: ModelsListFlags = {
    options: ctx.values.options as boolean,
    async: ctx.values.async as boolean,
    schemas: ctx.values.schemas as boolean,
    tools: ctx.values.tools as boolean,
    query: ctx.values.query as string[],
    model: ctx.values.model as string[],
  };
  const out = ctx.io.stdout;
  if (ctx.values.json) {
    const selected = selectModels(flags, await loadRegistry());
    const models = [];
    for (const entry of selected) models.push(await modelJson(entry, flags.options));
    const { pythonJsonDumps } = await loadPythonJson();
    out.write(pythonJsonDumps(models, { indent: 2 }) + "\n");
    return;
  }
  // One write for the whole listing: many small writes cost more than the listing itself.
  let text = "";
  if (flags.options) {
    const shownClasses = new Set<unknown>();
    const columns = ctx.io.columns();
    for (const entry of selectModels(flags, await loadRegistry())) {
      text += await renderModel(entry, { options: true, columns, shownClasses }) + "\n";
    }
  } else {
    // Names only: listed from the models' data unless the default registry is loaded (see default_registry_listing.ts).
    for (const entry of selectModels(flags, listingRegistry())) text += listingLine(entry) + "\n";
  }
  if (!flags.query?.length && !flags.options && !flags.schemas && !flags.model?.length) {
    text += `Default: ${readDefaultModel()}\n`;
  }
  out.write(text);
}

/**
 * `llm models default [MODEL]`: prints the default model, or sets it (an alias is stored as its model id).
 * @throws {UnknownModelError} for an unknown model.
 */
export function modelsDefault(ctx: CommandContext): Promise<void> {
  const name = ctx.args.model as string | undefined;
  if (!name) ctx.io.stdout.write(`${readDefaultModel()}\n`);
  else writeDefaultModel(listingRegistry().get(name).id);
  return Promise.resolve();
}

/** The id of a known model or alias; an unknown name is used as it is (as Python llm does). */
function resolveModelId(name: string): string {
  return listingRegistry().find(name)?.id ?? name;
}

/** `llm models options list`: every model's default options; a note on stderr when there are none. */
export function modelsOptionsList(ctx: CommandContext): Promise<void> {
  const all = Object.entries(loadAllModelOptions());
  if (all.length === 0) ctx.io.stderr.write("No default options set for any models.\n");
  for (const [modelId, options] of all) {
    ctx.io.stdout.write(`${modelId}:\n`);
    for (const [key, value] of Object.entries(options)) ctx.io.stdout.write(`  ${key}: ${value}\n`);
  }
  return Promise.resolve();
}

/** `llm models options show MODEL`: one model's default options as `key: value` lines. */
export function modelsOptionsShow(ctx: CommandContext): Promise<void> {
  const modelId = resolveModelId(String(ctx.args.model));
  const options = Object.entries(loadModelOptions(modelId));
  if (options.length === 0) ctx.io.stderr.write(`No default options set for model '${modelId}'.\n`);
  for (const [key, value] of options) ctx.io.stdout.write(`${key}: ${value}\n`);
  return Promise.resolve();
}

/**
 * `llm models options set MODEL KEY VALUE`: stores the value as given (a string), after checking it against
 * the model's options when the model is known.
 * @throws {InvalidOptionError} for an option the model does not have or a value it does not accept.
 */
export async function modelsOptionsSet(ctx: CommandContext): Promise<void> {
  const name = String(ctx.args.model);
  const key = String(ctx.args.key);
  const value = String(ctx.args.value);
  const model = (await loadRegistry()).find(name);
  if (model) await (await loadOptions()).validateOptions(model.options, { [key]: value }, model.id);
  const modelId = model?.id ?? name;
  setModelOption(modelId, key, value);
  ctx.io.stderr.write(`Set default option ${key}=${value} for model ${modelId}\n`);
}

/** `llm models options clear MODEL [KEY]`: removes one default option, or all of a model's. */
export function modelsOptionsClear(ctx: CommandContext): Promise<void> {
  const modelId = resolveModelId(String(ctx.args.model));
  const key = ctx.args.key as string | undefined;
  const removed = clearModelOptions(modelId, key);
  // Python names the key it was asked to clear even when it was not set.
  const cleared = key === undefined ? removed : [key];
  if (cleared.length === 1) ctx.io.stdout.write(`Cleared option '${cleared[0]}' for model ${modelId}\n`);
  else if (cleared.length > 1) {
    ctx.io.stdout.write(`Cleared ${cleared.join(", ")} options for model ${modelId}\n`);
  }
  return Promise.resolve();
}
