/**
 * `PluginModel`: a model of a plugin as the registry holds it. Either it wraps a model object the plugin
 * registered (possibly made with another copy of this library), or it stands in for a model recorded in
 * plugins.json and imports the plugin the first time it runs.
 * @module
 */
import { Model, type ModelSettings } from "../models/model.ts";
import { type OptionsDefinition, validateOptions } from "../models/options.ts";
import type { Prompt } from "../models/prompt.ts";
import type { ExecuteContext } from "../models/response.ts";
import type { Chunk } from "../models/stream.ts";
import type { ModelLike } from "./collect.ts";
import { modelLabel } from "./collect.ts";
import type { ModelRecord } from "./record.ts";

/** Returns the real model, importing its plugin if needed. */
export type ModelResolver = () => Promise<ModelLike>;

/** Options built from recorded JSON Schemas, so options can be listed and checked before the plugin loads. */
export function recordedOptions(record: ModelRecord): OptionsDefinition | undefined {
  if (!record.options.length) return undefined;
  return (z) =>
    Object.fromEntries(record.options.map((o) => {
      const { $schema: _, ...schema } = o.jsonSchema;
      let type = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
      if (o.description && !type.description) type = type.describe(o.description);
      return [o.name, type.optional()];
    }));
}

/** The settings of a model recorded in plugins.json, as a `Model` of this library takes them. */
export function recordedSettings(record: ModelRecord): ModelSettings {
  return {
    needsKey: record.needsKey,
    keyEnvVar: record.keyEnvVar,
    canStream: record.canStream,
    supportsSchema: record.supportsSchema,
    supportsTools: record.supportsTools,
    attachmentTypes: record.attachmentTypes,
    options: recordedOptions(record),
    serverSideTools: record.serverSideTools,
  };
}

/** A plugin's model, wrapped so that `prompt()`, `conversation()` and the rest come from this library. */
export class PluginModel extends Model {
  /** The plugin that registered it. */
  readonly plugin: string;
  #label: string;
  #target?: ModelLike;
  #resolve?: ModelResolver;
  #loading?: Promise<ModelLike>;
  #resolveKey?: (model: Model, explicit?: string) => string | undefined;

  /** Wraps a loaded model object. */
  static wrap(model: ModelLike, plugin: string): PluginModel {
    const wrapped = new PluginModel(model.id, plugin, modelLabel(model));
    wrapped.#adopt(model);
    return wrapped;
  }

  /**
   * A model recorded in plugins.json; `resolve` imports the plugin and returns the real model. `resolveKey`,
   * for a sandboxed plugin, finds its key as its grant allows (only keys it declared).
   */
  static lazy(
    record: ModelRecord,
    plugin: string,
    resolve: ModelResolver,
    resolveKey?: (model: Model, explicit?: string) => string | undefined,
  ): PluginModel {
    const model = new PluginModel(record.id, plugin, record.label, recordedSettings(record));
    model.#resolve = resolve;
    model.#resolveKey = resolveKey;
    return model;
  }

  private constructor(
    id: string,
    plugin: string,
    label: string,
    settings?: ConstructorParameters<typeof Model>[1],
  ) {
    super(id, settings);
    this.plugin = plugin;
    this.#label = label;
  }

  #adopt(model: ModelLike): void {
    this.#target = model;
    this.#label = modelLabel(model);
    this.needsKey = model.needsKey;
    this.keyEnvVar = model.keyEnvVar;
    this.canStream = model.canStream ?? true;
    this.supportsSchema = model.supportsSchema ?? false;
    this.supportsTools = model.supportsTools ?? false;
    this.attachmentTypes = new Set([...(model.attachmentTypes ?? [])].map(String));
    this.options = typeof model.options === "function" ? model.options : undefined;
    this.serverSideTools = [...(model.serverSideTools ?? [])];
  }

  /** The label the plugin gave it (recorded until the plugin is loaded). */
  override get label(): string {
    return this.#label;
  }

  /** The key to use; a sandboxed plugin's model gets only a key its plugin was granted. */
  override resolveKey(explicit?: string): string | undefined {
    if (this.#resolveKey) return this.#resolveKey(this, explicit ?? this.key);
    return super.resolveKey(explicit);
  }

  /** True once the plugin's own model object is at hand. */
  get loaded(): boolean {
    return this.#target !== undefined;
  }

  /** The plugin's own model object, importing the plugin first if needed. */
  async target(): Promise<ModelLike> {
    if (this.#target) return this.#target;
    this.#loading ??= this.#resolve!().then((model) => {
      this.#adopt(model);
      return model;
    }, (error) => {
      this.#loading = undefined;
      throw error;
    });
    return await this.#loading;
  }

  /** Loads the plugin if needed, then runs the plugin's model. */
  override async *execute(prompt: Prompt, context: ExecuteContext): AsyncIterable<Chunk | Chunk[]> {
    const wasLoaded = this.loaded;
    const target = await this.target();
    if (!wasLoaded && Object.keys(prompt.options).length) {
      // Checked against the recorded schemas so far; the plugin's own definition has the final word.
      prompt.options = await validateOptions(this.options, prompt.options, this.id);
    }
    yield* (target.execute as (p: Prompt, c: ExecuteContext) => AsyncIterable<Chunk | Chunk[]>).call(
      target,
      prompt,
      context,
    );
  }
}
