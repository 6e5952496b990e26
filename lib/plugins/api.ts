/**
 * The plugin API: a plugin is an ES module whose default export is a {@link Plugin}. Its hooks receive a
 * `register` callback, as the hooks of Python `llm` do.
 *
 * @example
 * ```ts
 * import { definePlugin, Model, type Prompt } from "jsr:@denollm/llm/plugin";
 * class Shout extends Model {
 *   constructor() { super("shout"); }
 *   override async *execute(prompt: Prompt) { yield prompt.prompt.toUpperCase(); }
 * }
 * export default definePlugin({
 *   name: "llm-shout",
 *   registerModels(register) { register(new Shout(), { aliases: ["yell"] }); },
 * });
 * ```
 *
 * @module
 */
import type { Model } from "../models/model.ts";
import type { ToolCallContext } from "../models/tool_spec.ts";
import type { Toolbox } from "../tools/toolbox.ts";
import type { FragmentLoader, TemplateLoader } from "../loaders/types.ts";

export type {
  AttachmentLoad,
  FragmentData,
  FragmentLoader,
  LoadedTemplate,
  TemplateLoader,
} from "../loaders/types.ts";
import type { CommandSpec } from "../commands/spec.ts";
import type { EmbeddingModelLike } from "../embeddings/embedding_model.ts";

/** A value a hook may return: nothing, or a promise of nothing (hooks may be async). */
export type HookResult = void | Promise<void>;

/** Registers a model; `aliases` are its plugin-given aliases. */
export type RegisterModelHook = (model: Model, options?: { aliases?: Iterable<string> }) => void;

/**
 * An embedding model as a plugin registers it: an `EmbeddingModel` subclass (from `plugin.ts`), or any object
 * with an `id` and an `embedBatch()` (see `lib/embeddings/embedding_model.ts`).
 */
export type { EmbeddingModelLike } from "../embeddings/embedding_model.ts";
/** Registers an embedding model. */
export type RegisterEmbeddingModelHook = (
  model: EmbeddingModelLike,
  options?: { aliases?: Iterable<string> },
) => void;

/**
 * A tool a model can call: a function with a name, a description and a JSON Schema for its arguments (what
 * `defineTool()` makes; a zod schema can be given to `defineTool()` instead).
 */
export interface ToolDefinition {
  /** The tool's name. */
  name: string;
  /** What it does (the model reads this). */
  description?: string | null;
  /** JSON Schema of its arguments. */
  inputSchema?: Record<string, unknown>;
  /** Runs it; gets the arguments and, when a chain runs it, the call's context (its id, an abort signal). */
  implementation: (args: Record<string, unknown>, context: ToolCallContext) => unknown;
  /** Checks the arguments before a call (set by `defineTool()`). */
  check?: (args: Record<string, unknown>) => string | undefined;
}

/** A `Toolbox` subclass: `-T 'Name({...})'` makes one with that configuration. */
export type ToolboxClass = new (config?: Record<string, unknown>) => Toolbox;

/** Registers a tool, or a toolbox class (its tools are `Name_method`). */
export type RegisterToolHook = (tool: ToolDefinition | ToolboxClass) => void;

/** Registers a template loader for `prefix`; `description` is shown by `llm templates loaders`. */
export type RegisterTemplateLoaderHook = (
  prefix: string,
  loader: TemplateLoader,
  description?: string,
) => void;

/** Registers a fragment loader for `prefix`; `description` is shown by `llm fragments loaders`. */
export type RegisterFragmentLoaderHook = (
  prefix: string,
  loader: FragmentLoader,
  description?: string,
) => void;

/** Adds top-level commands to the `llm` CLI. */
export interface CommandRegistry {
  /** Adds a command (or a group with subcommands). */
  add(command: CommandSpec): void;
}

/** A plugin: a name, an optional version, and any of the hooks. */
export interface Plugin {
  /** The plugin's name, e.g. `llm-ollama`. */
  name: string;
  /** Its version. */
  version?: string;
  /** Registers chat models. */
  registerModels?(register: RegisterModelHook): HookResult;
  /** Registers embedding models. */
  registerEmbeddingModels?(register: RegisterEmbeddingModelHook): HookResult;
  /** Adds commands to the CLI. */
  registerCommands?(cli: CommandRegistry): HookResult;
  /** Registers tools. */
  registerTools?(register: RegisterToolHook): HookResult;
  /** Registers template loaders (`-t prefix:name`). */
  registerTemplateLoaders?(register: RegisterTemplateLoaderHook): HookResult;
  /** Registers fragment loaders (`-f prefix:arg`). */
  registerFragmentLoaders?(register: RegisterFragmentLoaderHook): HookResult;
}

/** The names of the hooks, as `llm plugins` lists them (Python `llm`'s names). */
export const HOOK_NAMES: Record<string, string> = {
  registerModels: "register_models",
  registerEmbeddingModels: "register_embedding_models",
  registerCommands: "register_commands",
  registerTools: "register_tools",
  registerTemplateLoaders: "register_template_loaders",
  registerFragmentLoaders: "register_fragment_loaders",
};

/**
 * Declares a plugin; the identity function, for type checking.
 *
 * @example
 * ```ts
 * import { definePlugin } from "./api.ts";
 * export default definePlugin({ name: "llm-nothing" });
 * ```
 */
export function definePlugin<P extends Plugin>(plugin: P): P {
  return plugin;
}
