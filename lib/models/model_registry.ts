/**
 * The model registry: models registered by providers and plugins, their aliases, and the user's aliases.
 *
 * A registry holds `Model` objects by default; it can also hold lighter {@link ModelListing}s (what
 * `llm models list` shows), which is how the CLI lists the built-in models without loading any model class.
 * @module
 */
import { loadUserAliases } from "../user/aliases.ts";
import { LlmError, UnknownModelError } from "./errors.ts";
import type { Model } from "./model.ts";

/** Options of {@link ModelRegistry.register}. */
export interface RegisterOptions {
  /** Aliases the provider or plugin gives the model. */
  aliases?: Iterable<string>;
  /** Who registered it (a plugin name), for messages. */
  source?: string;
}

/**
 * What a listing of models needs to know of one: a `Model` has all of it, and so can a plain object made
 * from a provider's data without loading the model's class.
 */
export interface ModelListing {
  /** The model id, e.g. `gpt-4o-mini`. */
  readonly id: string;
  /** How `llm models` shows it, e.g. `OpenAI Chat: gpt-4o-mini`. */
  readonly label: string;
  /** Whether it accepts a JSON Schema for its output. */
  readonly supportsSchema: boolean;
  /** Whether it can call tools. */
  readonly supportsTools: boolean;
  /**
   * False for a model Python llm has no async version of (OpenAI's completion models): every model here runs
   * asynchronously, but `llm models list --async` and `supports_async` list what Python llm 0.32 lists.
   * Absent means true.
   */
  readonly supportsAsync?: boolean;
}

/** The function a model source (provider or plugin hook) calls to add a model. */
export type RegisterModel<M extends ModelListing = Model> = (model: M, options?: RegisterOptions) => void;

/** Something that registers models when the registry is first used: a built-in provider or a plugin. */
export interface ModelSource<M extends ModelListing = Model> {
  /** Its name, for warnings. */
  name: string;
  /** Registers its models. */
  load(register: RegisterModel<M>): void;
}

/** A model with every alias that points at it. */
export interface ModelWithAliases<M extends ModelListing = Model> {
  /** The model. */
  model: M;
  /** Provider aliases first, then the user's aliases.json ones. */
  aliases: string[];
}

/** True when every query is a case-insensitive substring of one of the model's aliases, its label or its id. */
export function modelMatchesQueries(
  { model, aliases }: ModelWithAliases<ModelListing>,
  queries: string[],
): boolean {
  const names = [...aliases, model.label, model.id].map((s) => s.toLowerCase());
  return queries.every((q) => names.some((name) => name.includes(q.toLowerCase())));
}

/** Two sources registered the same model id. */
export class DuplicateModelError extends LlmError {
  /** Creates the error for `id`. */
  constructor(
    readonly id: string,
    readonly source: string | undefined,
    readonly existing: string | undefined,
  ) {
    super(
      `Model '${id}' from ${source ?? "a plugin"} is already registered by ${
        existing ?? "another source"
      }; ` +
        `the first one is kept`,
    );
  }
}

interface Entry<M> {
  model: M;
  aliases: string[];
  source?: string;
}

/** Edit distance between two strings (for "did you mean" suggestions). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/**
 * Models by id and alias. Sources are loaded the first time the registry is used; a source that throws is
 * reported through `onWarning` and the others keep working.
 *
 * @example
 * ```ts
 * import { type ModelListing, ModelRegistry } from "./model_registry.ts";
 * const listing = new ModelRegistry<ModelListing>([{
 *   name: "demo",
 *   load: (register) => register({ id: "m1", label: "Demo: m1", supportsSchema: false, supportsTools: false }),
 * }]);
 * console.log(listing.get("m1").label); // "Demo: m1"
 * ```
 */
export class ModelRegistry<M extends ModelListing = Model> {
  #sources: ModelSource<M>[];
  #entries = new Map<string, Entry<M>>();
  #loaded = false;
  /** Called with a message for each source that fails or registers a duplicate id. */
  onWarning: (message: string) => void = (message) => console.warn(`Warning: ${message}`);

  /** Creates a registry that loads `sources` on first use. */
  constructor(sources: ModelSource<M>[] = []) {
    this.#sources = [...sources];
  }

  /** Adds a source; if the registry is already loaded, the source is loaded now. */
  addSource(source: ModelSource<M>): void {
    this.#sources.push(source);
    if (this.#loaded) this.#loadSource(source);
  }

  /** Forgets every model; sources are loaded again on next use (after the user directory changes, say). */
  reload(): void {
    this.#entries.clear();
    this.#loaded = false;
  }

  #ensureLoaded(): void {
    if (this.#loaded) return;
    this.#loaded = true;
    for (const source of this.#sources) this.#loadSource(source);
  }

  #loadSource(source: ModelSource<M>): void {
    try {
      source.load((model, options) => this.register(model, { source: source.name, ...options }));
    } catch (error) {
      this.onWarning(`${source.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Registers a model (ids must be unique: a duplicate is reported and skipped). */
  register(model: M, options: RegisterOptions = {}): void {
    this.#ensureLoaded();
    const existing = this.#entries.get(model.id);
    if (existing) {
      this.onWarning(new DuplicateModelError(model.id, options.source, existing.source).message);
      return;
    }
    this.#entries.set(model.id, { model, aliases: [...(options.aliases ?? [])], source: options.source });
  }

  /** Every model with its aliases, in registration order. */
  modelsWithAliases(): ModelWithAliases<M>[] {
    this.#ensureLoaded();
    const user = loadUserAliases();
    return [...this.#entries.values()].map(({ model, aliases }) => ({
      model,
      aliases: [
        ...aliases,
        ...Object.entries(user).filter(([a, id]) => id === model.id && !aliases.includes(a)).map(([a]) => a),
      ],
    }));
  }

  /** Every model, in registration order. */
  models(): M[] {
    this.#ensureLoaded();
    return [...this.#entries.values()].map((e) => e.model);
  }

  /** Every id and alias mapped to its model (user aliases win over provider aliases). */
  aliasMap(): Map<string, M> {
    this.#ensureLoaded();
    const map = new Map<string, M>();
    for (const { model, aliases } of this.#entries.values()) {
      map.set(model.id, model);
      for (const alias of aliases) if (!map.has(alias)) map.set(alias, model);
    }
    for (const [alias, id] of Object.entries(loadUserAliases())) {
      const target = map.get(id);
      if (target) map.set(alias, target);
    }
    return map;
  }

  /** The model with this id or alias, or `undefined`. */
  find(nameOrAlias: string): M | undefined {
    return this.aliasMap().get(nameOrAlias);
  }

  /**
   * The model with this id or alias.
   * @throws {UnknownModelError} naming close matches.
   */
  get(nameOrAlias: string): M {
    const map = this.aliasMap();
    const model = map.get(nameOrAlias);
    if (model) return model;
    throw new UnknownModelError(nameOrAlias, this.suggest(nameOrAlias, [...map.keys()]));
  }

  /** Up to three known names close to `name`. */
  suggest(name: string, names: string[] = [...this.aliasMap().keys()]): string[] {
    const lower = name.toLowerCase();
    const limit = Math.max(2, Math.floor(lower.length / 3));
    return names
      .map((n) => ({ n, d: distance(lower, n.toLowerCase()) }))
      .filter(({ n, d }) => d <= limit || (lower.length >= 3 && n.toLowerCase().includes(lower)))
      .sort((a, b) => a.d - b.d || a.n.length - b.n.length)
      .slice(0, 3)
      .map(({ n }) => n);
  }
}
