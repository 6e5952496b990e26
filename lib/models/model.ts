/**
 * `Model`: the class every provider and plugin model extends. Implement `execute()`; the rest comes with it.
 * @module
 */
import { getKey } from "../user/keys.ts";
import { Conversation, type ConversationInit } from "./conversation.ts";
import type { ChainOptions, ChainResponse } from "./chain.ts";
import { NeedsKeyError } from "./errors.ts";
import type { Attachment } from "../attachments/attachment.ts";
import type { Fragment } from "./fragment.ts";
import type { Message, ToolResultPart } from "./messages.ts";
import type { ServerSideToolInfo, ServerSideToolRequest, ToolSpec } from "./tool_spec.ts";
import type { OptionsDefinition } from "./options.ts";
import { Prompt } from "./prompt.ts";
import { type ExecuteContext, Response } from "./response.ts";
import type { Chunk } from "./stream.ts";
import type { SchemaInput, StructuredOutput } from "./structured.ts";

/**
 * Options of `model.prompt()` and `conversation.prompt()`; `S` and `M` are the schema's and `schemaMulti`'s
 * types, from which `response.object()` takes its type.
 */
export interface PromptOptions<S extends SchemaInput = SchemaInput, M extends boolean = boolean> {
  /** The system prompt. */
  system?: string;
  /** Fragments placed before the prompt text: texts, or texts with their source (`{ content, source }`). */
  fragments?: (string | Fragment)[];
  /** System fragments placed before the system prompt. */
  systemFragments?: (string | Fragment)[];
  /** Model options, e.g. `{ temperature: 0.5 }`; validated when the response runs. */
  options?: Record<string, unknown>;
  /** An API key, or the name of one in keys.json; overrides `model.key`. */
  key?: string;
  /** Stream the response (default true). */
  stream?: boolean;
  /**
   * The schema the output must follow (models with `supportsSchema`): a JSON schema, the concise DSL
   * (`"name, age int"`), or a zod 4 schema, which also types `response.object()`.
   */
  schema?: S;
  /** Ask for a list of results: `response.object()` gives `{ items: [...] }` (`--schema-multi`). */
  schemaMulti?: M;
  /** Do not ask for reasoning summaries. */
  hideReasoning?: boolean;
  /** An explicit message history; the new turn is appended to it. */
  messages?: Message[];
  /** Cancels the response when aborted. */
  signal?: AbortSignal;
  /** The conversation the response belongs to (set by `conversation.prompt()`). */
  conversation?: Conversation;
  /** Files sent with the prompt (models with `attachmentTypes`). */
  attachments?: Attachment[];
  /** Function tools the model may call (models with `supportsTools`). */
  tools?: ToolSpec[];
  /** Tools the provider runs itself; each must be one the model lists in `serverSideTools`. */
  serverSideTools?: ServerSideToolRequest[];
  /** Results of the previous response's tool calls, sent before the text. */
  toolResults?: ToolResultPart[];
}

/** Capabilities and settings a model declares; every field is optional. */
export interface ModelSettings {
  /** The keys.json name of the key it needs, e.g. `openai`. */
  needsKey?: string;
  /** The environment variable that may hold its key, e.g. `OPENAI_API_KEY`. */
  keyEnvVar?: string;
  /** Whether it can stream (default true). */
  canStream?: boolean;
  /** MIME types of the attachments it accepts (vision, audio, documents). */
  attachmentTypes?: Iterable<string>;
  /** Whether it accepts a JSON Schema for its output. */
  supportsSchema?: boolean;
  /** Whether it can call tools. */
  supportsTools?: boolean;
  /** Its options. */
  options?: OptionsDefinition;
  /** The tools its provider can run itself (web search, code execution). */
  serverSideTools?: ServerSideToolInfo[];
}

/**
 * The base class of every model. Subclasses call `super(id, settings)` and implement `execute()`.
 *
 * @example
 * ```ts
 * import { Model, type Prompt } from "../../mod.ts";
 * class Shout extends Model {
 *   constructor() { super("shout"); }
 *   override async *execute(prompt: Prompt) { yield prompt.prompt.toUpperCase(); }
 * }
 * console.log(await new Shout().prompt("hi").text()); // "HI"
 * ```
 */
export abstract class Model {
  /** The model id, e.g. `gpt-4o-mini`. */
  readonly id: string;
  /** The keys.json name of the key it needs. */
  needsKey?: string;
  /** The environment variable that may hold its key. */
  keyEnvVar?: string;
  /** A key set directly; beats keys.json and the environment. */
  key?: string;
  /** Whether it can stream. */
  canStream: boolean;
  /** MIME types of the attachments it accepts. */
  attachmentTypes: Set<string>;
  /** Whether it accepts a JSON Schema for its output. */
  supportsSchema: boolean;
  /** Whether it can call tools. */
  supportsTools: boolean;
  /**
   * False for a model Python llm has no async version of (every model here runs async): `llm models --async`
   * leaves it out and `--json` gives `supports_async: false`, as Python llm 0.32 does. Unset means true.
   */
  supportsAsync?: boolean;
  /** Its options, declared with zod (loaded only when they are used). */
  options?: OptionsDefinition;
  /** The tools its provider can run itself (`-T WebSearch`); empty for most models. */
  serverSideTools: ServerSideToolInfo[];
  /**
   * Boilerplate that logs.db stores by reference in this model's `response_json` (Python `llm`'s
   * `json_replacements`): only ever append entries, never change one.
   */
  jsonReplacements?: Record<string, unknown>;

  /** Creates a model with an id and its settings. */
  constructor(id: string, settings: ModelSettings = {}) {
    this.id = id;
    this.needsKey = settings.needsKey;
    this.keyEnvVar = settings.keyEnvVar;
    this.canStream = settings.canStream ?? true;
    this.attachmentTypes = new Set(settings.attachmentTypes ?? []);
    this.supportsSchema = settings.supportsSchema ?? false;
    this.supportsTools = settings.supportsTools ?? false;
    this.options = settings.options;
    this.serverSideTools = settings.serverSideTools ?? [];
  }

  /**
   * Runs a prompt: yields text chunks (or stream events) as they arrive, one at a time or as an array (all the
   * chunks of one network read, which lets a fast stream be written once per read). Report usage, the raw
   * response and the resolved model through `context.response`; pass `context.signal` to `fetch`.
   */
  abstract execute(prompt: Prompt, context: ExecuteContext): AsyncIterable<Chunk | Chunk[]>;

  /** How `llm models` shows it, e.g. `OpenAI Chat: gpt-4o`; by default `ClassName: id`. */
  get label(): string {
    return `${this.constructor.name}: ${this.id}`;
  }

  /** The label. */
  toString(): string {
    return this.label;
  }

  /** Whether it accepts any attachments (images and the like). */
  get vision(): boolean {
    return [...this.attachmentTypes].some((t) => t.startsWith("image/"));
  }

  /**
   * The API key to use: `explicit` (or `model.key`), which may name a keys.json entry, then keys.json, then the
   * environment variable.
   *
   * @throws {NeedsKeyError} when the model needs a key and none is set.
   */
  resolveKey(explicit?: string): string | undefined {
    const key = getKey({ explicit: explicit ?? this.key, alias: this.needsKey, envVar: this.keyEnvVar });
    if (!key && this.needsKey) throw new NeedsKeyError(this.needsKey, this.keyEnvVar);
    return key;
  }

  /**
   * Sends a prompt; returns the `Response` at once. Nothing runs until it is iterated or `text()` is called.
   *
   * @example
   * ```ts
   * import { getModel } from "../../mod.ts";
   * const text = await getModel("4o-mini").prompt("Hi", { system: "Be brief" }).text();
   * ```
   */
  prompt<S extends SchemaInput = SchemaInput, M extends boolean = false>(
    text?: string,
    options: PromptOptions<S, M> = {},
  ): Response<StructuredOutput<S, M>> {
    const prompt = new Prompt({
      prompt: text,
      system: options.system,
      fragments: options.fragments,
      systemFragments: options.systemFragments,
      options: options.options,
      schema: options.schema,
      schemaMulti: options.schemaMulti,
      hideReasoning: options.hideReasoning,
      messages: options.messages,
      attachments: options.attachments,
      tools: options.tools,
      serverSideTools: options.serverSideTools,
      toolResults: options.toolResults,
    });
    return new Response<StructuredOutput<S, M>>({
      model: this,
      prompt,
      stream: options.stream,
      conversation: options.conversation,
      key: options.key,
      signal: options.signal,
    });
  }

  /**
   * Runs `text` with tools as a chain (in a new conversation): model, tool calls, results, model... until the
   * model answers without calling a tool, or the chain limit (default 5 rounds) is reached.
   *
   * @example
   * ```ts ignore
   * const chain = getModel("4o-mini").chain("What time is it?", { tools: [llmTime] });
   * console.log(await chain.text());
   * ```
   */
  chain(text?: string, options: ChainOptions = {}): ChainResponse {
    return this.conversation().chain(text, options);
  }

  /** Starts a conversation with this model. */
  conversation(init: ConversationInit = {}): Conversation {
    return new Conversation(this, init);
  }
}
