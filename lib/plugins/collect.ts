/**
 * Runs a plugin's hooks and gathers what they register. Each hook runs on its own: one that throws is
 * reported and the others still count. Nothing here uses `instanceof` on library classes, because a plugin
 * may carry its own copy of this library.
 * @module
 */
import type { CommandSpec } from "../commands/spec.ts";
import { describeOptions } from "../models/options.ts";
import type { OptionsDefinition } from "../models/options.ts";
import type { Chunk } from "../models/stream.ts";
import type { ServerSideToolInfo } from "../models/tool_spec.ts";
import {
  type EmbeddingModelLike,
  type FragmentLoader,
  HOOK_NAMES,
  type Plugin,
  type TemplateLoader,
  type ToolboxClass,
  type ToolDefinition,
} from "./api.ts";
import { errorMessage } from "./errors.ts";
import type { ModelRecord, Registrations } from "./record.ts";

/** Anything with an `id` and an `execute()`: a model from this or another copy of the library. */
export interface ModelLike {
  /** The model id. */
  readonly id: string;
  /** Runs a prompt. */
  execute(prompt: never, context: never): AsyncIterable<Chunk | Chunk[]>;
  /** Its label, e.g. `Ollama: llama3`. */
  readonly label?: string;
  /** Optional capabilities, as on `Model`. */
  needsKey?: string;
  /** The environment variable of its key. */
  keyEnvVar?: string;
  /** Whether it can stream. */
  canStream?: boolean;
  /** Whether it accepts a JSON Schema. */
  supportsSchema?: boolean;
  /** Whether it can call tools. */
  supportsTools?: boolean;
  /** Attachment MIME types. */
  attachmentTypes?: Iterable<string>;
  /** Its options. */
  options?: OptionsDefinition;
  /** The tools its provider runs itself. */
  serverSideTools?: ServerSideToolInfo[];
}

/** A loader with its prefix and description. */
export interface LoaderEntry<L> {
  /** The prefix it was registered for. */
  prefix: string;
  /** The loader. */
  loader: L;
  /** Its description. */
  description?: string;
}

/** Everything one plugin registered. */
export interface Collected {
  /** Models with their aliases. */
  models: { model: ModelLike; aliases: string[] }[];
  /** Embedding models with their aliases. */
  embeddingModels: { model: EmbeddingModelLike; aliases: string[] }[];
  /** Commands. */
  commands: CommandSpec[];
  /** Tools. */
  tools: ToolDefinition[];
  /** Toolbox classes. */
  toolboxes: ToolboxClass[];
  /** Template loaders. */
  templateLoaders: LoaderEntry<TemplateLoader>[];
  /** Fragment loaders. */
  fragmentLoaders: LoaderEntry<FragmentLoader>[];
  /** One message per hook that threw or registered something unusable. */
  problems: string[];
}

/** Whether `value` looks like a plugin: an object with a string `name`. */
export function isPluginLike(value: unknown): value is Plugin {
  return typeof value === "object" && value !== null && typeof (value as Plugin).name === "string" &&
    (value as Plugin).name.length > 0;
}

/** Whether `value` looks like a model: a string `id` and an `execute` function. */
export function isModelLike(value: unknown): value is ModelLike {
  return typeof value === "object" && value !== null && typeof (value as ModelLike).id === "string" &&
    typeof (value as ModelLike).execute === "function";
}

/** The hooks a plugin implements, by Python `llm`'s names. */
export function pluginHooks(plugin: Plugin): string[] {
  return Object.entries(HOOK_NAMES)
    .filter(([key]) => typeof (plugin as unknown as Record<string, unknown>)[key] === "function")
    .map(([, name]) => name);
}

/** Runs every hook of `plugin` and gathers what they register. Hooks may be async. */
export async function collectRegistrations(plugin: Plugin): Promise<Collected> {
  const c: Collected = {
    models: [],
    embeddingModels: [],
    commands: [],
    tools: [],
    toolboxes: [],
    templateLoaders: [],
    fragmentLoaders: [],
    problems: [],
  };
  const run = async (hook: keyof typeof HOOK_NAMES, arg: unknown) => {
    const fn = (plugin as unknown as Record<string, unknown>)[hook];
    if (typeof fn !== "function") return;
    try {
      await fn.call(plugin, arg);
    } catch (error) {
      c.problems.push(`${hook} failed: ${errorMessage(error)}`);
    }
  };
  const aliasList = (options?: { aliases?: Iterable<string> }) => [...(options?.aliases ?? [])].map(String);
  await run("registerModels", (model: unknown, options?: { aliases?: Iterable<string> }) => {
    if (!isModelLike(model)) {
      c.problems.push(
        "registerModels registered something that is not a model (it needs an id and execute())",
      );
      return;
    }
    c.models.push({ model, aliases: aliasList(options) });
  });
  await run(
    "registerEmbeddingModels",
    (model: EmbeddingModelLike, options?: { aliases?: Iterable<string> }) => {
      if (typeof model?.id !== "string" || typeof model.embedBatch !== "function") {
        c.problems.push(
          "registerEmbeddingModels registered something that is not an embedding model " +
            "(it needs an id and embedBatch())",
        );
        return;
      }
      c.embeddingModels.push({ model, aliases: aliasList(options) });
    },
  );
  await run("registerCommands", {
    add(command: CommandSpec) {
      if (typeof command?.name !== "string") {
        c.problems.push("registerCommands added a command without a name");
        return;
      }
      c.commands.push(command);
    },
  });
  await run("registerTools", (tool: ToolDefinition | ToolboxClass) => {
    if (typeof tool === "function") {
      c.toolboxes.push(tool);
      return;
    }
    if (typeof tool?.name !== "string" || typeof tool.implementation !== "function") {
      c.problems.push("registerTools registered a tool without a name or an implementation");
      return;
    }
    c.tools.push(tool);
  });
  await run("registerTemplateLoaders", (prefix: string, loader: TemplateLoader, description?: string) => {
    c.templateLoaders.push({ prefix, loader, description });
  });
  await run("registerFragmentLoaders", (prefix: string, loader: FragmentLoader, description?: string) => {
    c.fragmentLoaders.push({ prefix, loader, description });
  });
  return c;
}

/** The label of a model from any copy of the library: its `label`, else `ClassName: id` (`Model: id` for a plain object). */
export function modelLabel(model: ModelLike): string {
  if (typeof model.label === "string" && model.label) return model.label;
  const className = (model as { constructor?: { name?: string } }).constructor?.name;
  return `${className && className !== "Object" ? className : "Model"}: ${model.id}`;
}

/** Options described once per definition: a plugin's models usually share a few option definitions. */
const described = new WeakMap<OptionsDefinition, ReturnType<typeof describeOptions>>();

function describeOnce(definition: OptionsDefinition): ReturnType<typeof describeOptions> {
  let info = described.get(definition);
  if (!info) {
    info = describeOptions(definition);
    described.set(definition, info);
    info.catch(() => described.delete(definition));
  }
  return info;
}

/** How a model is recorded in plugins.json. */
export async function modelRecord(
  model: ModelLike,
  aliases: string[],
  withOptions = true,
): Promise<ModelRecord> {
  const record: ModelRecord = {
    id: model.id,
    aliases,
    label: modelLabel(model),
    canStream: model.canStream ?? true,
    supportsSchema: model.supportsSchema ?? false,
    supportsTools: model.supportsTools ?? false,
    attachmentTypes: [...(model.attachmentTypes ?? [])].map(String).sort(),
    options: [],
  };
  if (model.needsKey) record.needsKey = model.needsKey;
  if (model.keyEnvVar) record.keyEnvVar = model.keyEnvVar;
  if (model.serverSideTools?.length) {
    record.serverSideTools = model.serverSideTools.map(({ className, name, description }) => ({
      className,
      name,
      ...(description === undefined ? {} : { description }),
    }));
  }
  if (withOptions && typeof model.options === "function") {
    record.options = (await describeOnce(model.options)).map((
      { name, type, description, jsonSchema },
    ) => ({
      name,
      type,
      ...(description === undefined ? {} : { description }),
      jsonSchema,
    }));
  }
  return record;
}

/** What `collected` amounts to, as plugins.json records it. */
export async function registrationsOf(
  plugin: Plugin,
  collected: Collected,
  options: { withOptions?: boolean } = {},
): Promise<Registrations> {
  const withOptions = options.withOptions ?? true;
  return {
    hooks: pluginHooks(plugin),
    models: await Promise.all(
      collected.models.map(({ model, aliases }) => modelRecord(model, aliases, withOptions)),
    ),
    embeddingModels: collected.embeddingModels.map(({ model, aliases }) => ({
      id: String(model.id),
      aliases,
    })),
    commands: collected.commands.map((c) => ({ name: c.name, summary: String(c.summary ?? "") })),
    tools: [...collected.tools.map((t) => t.name), ...collected.toolboxes.map((t) => t.name)],
    templateLoaders: collected.templateLoaders.map(({ prefix, description }) =>
      loaderRecord(prefix, description)
    ),
    fragmentLoaders: collected.fragmentLoaders.map(({ prefix, description }) =>
      loaderRecord(prefix, description)
    ),
  };
}

function loaderRecord(prefix: string, description?: string): { prefix: string; description?: string } {
  return description === undefined ? { prefix } : { prefix, description };
}
