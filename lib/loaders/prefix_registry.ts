/**
 * A registry of loaders keyed by prefix, for `-t prefix:rest` (template loaders) and `-f prefix:arg`
 * (fragment loaders). A prefix registered twice gets `_1`, `_2`... as in Python `llm`. Plugins register
 * loaders while they load; code that looks a prefix up first awaits any registered "before lookup" hooks,
 * so the plugin system can load plugins lazily.
 * @module
 */
import { LlmError } from "../errors.ts";

/** `-t prefix:rest` or `-f prefix:arg` named a prefix no plugin registered. */
export class UnknownLoaderPrefixError extends LlmError {
  /** Which kind of loader: `template` or `fragment`. */
  readonly kind: "template" | "fragment";
  /** The prefix, without the colon. */
  readonly prefix: string;
  /** Creates the error. */
  constructor(kind: "template" | "fragment", prefix: string) {
    super(`Unknown ${kind} prefix: ${prefix}`);
    this.kind = kind;
    this.prefix = prefix;
  }
}

/** A registered loader: its prefix, the function, and the description `llm ... loaders` prints. */
export interface PrefixEntry<L> {
  /** The prefix, without the colon. */
  prefix: string;
  /** The loader. */
  loader: L;
  /** What it loads (shown by `llm templates loaders` / `llm fragments loaders`); may be empty. */
  description: string;
}

/** A value that starts with a plugin prefix: letters, digits, `_` or `-`, then `:`. */
const PREFIXED = /^[a-zA-Z0-9_-]+:/;

/** True when `value` starts with `prefix:` (Python `llm`'s `has_plugin_prefix`). */
export function hasPluginPrefix(value: string): boolean {
  return PREFIXED.test(value);
}

/**
 * Splits `prefix:rest` for a plugin loader, or returns `undefined` when `value` has no prefix or names a file
 * or directory that exists (a path such as `C:notes.txt` or `docs:v2.md` wins over a loader).
 */
export function pluginReference(value: string): { prefix: string; rest: string } | undefined {
  if (!PREFIXED.test(value)) return undefined;
  try {
    Deno.statSync(value);
    return undefined;
  } catch {
    const colon = value.indexOf(":");
    return { prefix: value.slice(0, colon), rest: value.slice(colon + 1) };
  }
}

/** Loaders keyed by prefix, in registration order. */
export class PrefixRegistry<L> {
  #entries = new Map<string, PrefixEntry<L>>();
  #beforeLookup: (() => void | Promise<void>)[] = [];

  /** Registers `loader` for `prefix`; returns the prefix actually used (`prefix_1` if it was taken). */
  register(prefix: string, loader: L, description = ""): string {
    let used = prefix;
    for (let n = 1; this.#entries.has(used); n++) used = `${prefix}_${n}`;
    this.#entries.set(used, { prefix: used, loader, description });
    return used;
  }

  /** Removes the loader registered under exactly `prefix`; true if there was one. */
  unregister(prefix: string): boolean {
    return this.#entries.delete(prefix);
  }

  /** Runs `hook` (once per lookup) before loaders are listed or looked up, e.g. to load plugins. */
  beforeLookup(hook: () => void | Promise<void>): void {
    this.#beforeLookup.push(hook);
  }

  /** Every loader, in registration order, after the lookup hooks have run. */
  async entries(): Promise<PrefixEntry<L>[]> {
    for (const hook of this.#beforeLookup) await hook();
    return [...this.#entries.values()];
  }

  /** The loader for `prefix`, after the lookup hooks have run. */
  async get(prefix: string): Promise<PrefixEntry<L> | undefined> {
    for (const hook of this.#beforeLookup) await hook();
    return this.#entries.get(prefix);
  }

  /** Removes every loader and hook (for tests). */
  clear(): void {
    this.#entries.clear();
    this.#beforeLookup = [];
  }
}
