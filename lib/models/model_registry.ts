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
  /**
   * True when the names its models lose to earlier ones are reported elsewhere (plugins: by `llm install` and
   * `llm plugins`), so loading it warns of none; {@link ModelRegistry.conflicts} still lists them.
   */
  quiet?: boolean;
}

/**
 * A name (model id or alias) that a registration wanted but an earlier one holds. Names belong to whoever
 * registered them first, and the built-in models are registered first, so they keep their ids and aliases.
 */
export interface ModelNameConflict {
  /** What was asked for: a model `id` (the model was left out) or an `alias` (the alias was left out). */
  kind: "id" | "alias";
  /** The name. */
  name: string;
  /** The model that asked, and its source (a plugin name). */
  modelId: string;
  /** The source that asked. */
  source?: string;
  /** The model that keeps the name, and whether the name is its id or one of its aliases. */
  heldBy: { modelId: string; source?: string; as: "id" | "alias" };
}

/**
 * How a conflict is reported, e.g. `alias '4o-mini' of 'clash-model' is already an alias of 'gpt-4o-mini'
 * (openai), which keeps it; the alias is left out`, without the asking source's name (callers prefix it).
 */
export function conflictMessage(conflict: ModelNameConflict): string {
  const { heldBy } = conflict;
  const source = heldBy.source ?? "another source";
  const holder = heldBy.as === "id"
    ? `a model id of ${source}`
    : `an alias of '${heldBy.modelId}' (${source})`;
  return conflict.kind === "id"
    ? `model id '${conflict.name}' is already ${holder}, which keeps it; this model is left out`
    : `alias '${conflict.name}' of '${conflict.modelId}' is already ${holder}, which keeps it; the alias is left out`;
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
  /** The aliases it holds (those it asked for that no earlier registration held). */
  aliases: string[];
  source?: string;
}

/** What holds a name: an entry (or, for a dry run, its id and source). */
interface NameHolder {
  model: { id: string };
  aliases?: string[];
  source?: string;
}

/**
 * Claims `holder`'s model id and `aliases` in `names`, first come first served: a taken id claims nothing, a
 * taken alias is skipped; the aliases it got are added to `holder.aliases`. Returns what it did not get.
 */
function claimNames(
  names: Map<string, NameHolder>,
  holder: NameHolder,
  aliases: Iterable<string>,
): ModelNameConflict[] {
  const id = holder.model.id;
  const conflict = (kind: "id" | "alias", name: string, held: NameHolder): ModelNameConflict => ({
    kind,
    name,
    modelId: id,
    source: holder.source,
    heldBy: { modelId: held.model.id, source: held.source, as: held.model.id === name ? "id" : "alias" },
  });
  const heldId = names.get(id);
  if (heldId) return [conflict("id", id, heldId)];
  names.set(id, holder);
  const found: ModelNameConflict[] = [];
  for (const alias of aliases) {
    const held = names.get(alias);
    if (held === holder) continue;
    if (held) {
      found.push(conflict("alias", alias, held));
      continue;
    }
    names.set(alias, holder);
    holder.aliases?.push(alias);
  }
  return found;
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
 * reported through `onWarning` and the others keep working. A name (id or alias) belongs to the first
 * registration that claims it: a later model with that id is left out, a later alias is dropped, and the
 * listings, {@link ModelRegistry.get} and {@link ModelRegistry.conflicts} all say so alike. The user's
 * aliases.json comes on top of all of it.
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
  /** Every claimed id and alias, with the entry holding it. */
  #names = new Map<string, Entry<M>>();
  #conflicts: ModelNameConflict[] = [];
  #loaded = false;
  /** Called with a message for each source that fails, or (unless it is quiet) loses a name to another. */
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
    this.#names.clear();
    this.#conflicts = [];
    this.#loaded = false;
  }

  #ensureLoaded(): void {
    if (this.#loaded) return;
    this.#loaded = true;
    for (const source of this.#sources) this.#loadSource(source);
  }

  #loadSource(source: ModelSource<M>): void {
    try {
      source.load((model, options) => this.#add(model, { source: source.name, ...options }, source.quiet));
    } catch (error) {
      this.onWarning(`${source.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * Registers a model. Its id and aliases must be names no earlier registration holds: a model whose id is
   * taken is reported and skipped, a taken alias is reported and dropped.
   */
  register(model: M, options: RegisterOptions = {}): void {
    this.#ensureLoaded();
    this.#add(model, options, false);
  }

  #add(model: M, options: RegisterOptions, quiet = false): void {
    const entry: Entry<M> = { model, aliases: [], source: options.source };
    const held = this.#names.get(model.id);
    const found = claimNames(this.#names, entry, options.aliases ?? []);
    if (!held) this.#entries.set(model.id, entry);
    this.#conflicts.push(...found);
    if (quiet) return;
    for (const conflict of found) {
      // A duplicate id keeps its established wording.
      this.onWarning(
        conflict.kind === "id" && conflict.heldBy.as === "id"
          ? new DuplicateModelError(model.id, options.source, held?.source).message
          : `${options.source ?? "Registration"}: ${conflictMessage(conflict)}`,
      );
    }
  }

  /** Every name a registration asked for but did not get, in registration order. */
  conflicts(): ModelNameConflict[] {
    this.#ensureLoaded();
    return [...this.#conflicts];
  }

  /**
   * The conflicts `models` (ids with the aliases they ask for) would meet if `source` registered them now, its
   * own current registrations set aside: what `llm install` warns of before a plugin is recorded.
   */
  conflictsFor(
    models: Iterable<{ id: string; aliases?: Iterable<string> }>,
    source: string,
  ): ModelNameConflict[] {
    this.#ensureLoaded();
    const names = new Map<string, NameHolder>();
    for (const [name, entry] of this.#names) if (entry.source !== source) names.set(name, entry);
    return [...models].flatMap(({ id, aliases }) =>
      claimNames(names, { model: { id }, source }, aliases ?? [])
    );
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
    for (const [name, { model }] of this.#names) map.set(name, model);
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
