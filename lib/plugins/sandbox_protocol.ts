/**
 * The messages between `llm` (the host) and a sandboxed plugin's Worker. The host starts the Worker with an
 * `init`; the Worker answers `ready` (what the plugin is and what it registered) or `failed`. Each call has an
 * id; the Worker answers it with `result` or `error`, and before that, for a model, `chunks` (batched) and
 * `response` (usage, tool calls, response JSON), for a command, `write` and `stdin` requests. `cancel` aborts
 * a call's signal in the Worker.
 * @module
 */
import type { CommandSpec } from "../commands/spec.ts";
import type { EmbeddingInput } from "../embeddings/embedding_model.ts";
import type { Chunk, ToolCall } from "../models/stream.ts";
import type { ToolSpec } from "../models/tool_spec.ts";
import type { Registrations } from "./record.ts";
import type { WireError, WirePrompt } from "./sandbox_wire.ts";

/** What the Worker says of the plugin once it is imported. */
export interface ReadyInfo {
  /** The plugin's name. */
  name: string;
  /** Its version. */
  version?: string;
  /** Its `permissions`, as declared (checked by the host). */
  permissions?: unknown;
  /** The hooks it implements. */
  hooks: string[];
}

/** A command as it crosses: its spec without the function. */
export type WireCommand = Omit<CommandSpec, "run" | "subcommands"> & {
  /** Whether it has a `run`. */
  hasRun: boolean;
  /** Its subcommands. */
  subcommands?: WireCommand[];
};

/** A toolbox class as it crosses: its name and methods. */
export interface WireToolbox {
  /** The class name. */
  name: string;
  /** Its methods. */
  methods: Record<string, { description?: string; inputSchema: Record<string, unknown> }>;
}

/** An embedding model's settings as they cross. */
export interface WireEmbeddingModel {
  /** Its id. */
  id: string;
  /** Its label. */
  label?: string;
  /** Most items in a batch. */
  batchSize?: number;
  /** Embeds text. */
  supportsText: boolean;
  /** Embeds bytes. */
  supportsBinary: boolean;
  /** Its key's keys.json name. */
  needsKey?: string;
  /** Its key's variable. */
  keyEnvVar?: string;
}

/** The operations a call can be. */
export type CallOp =
  | "execute"
  | "embed"
  | "tool"
  | "toolbox.new"
  | "toolbox.call"
  | "command"
  | "template"
  | "fragment";

/** A call from the host; which fields are set depends on `op`. */
export interface CallMessage {
  /** Always `call`. */
  t: "call";
  /** The call's id. */
  id: number;
  /** What to do. */
  op: CallOp;
  /** The stored keys the plugin declared, by name, as keys.json has them now. */
  keys?: Record<string, string>;
  /** A model's id (`execute`, `embed`). */
  model?: string;
  /** The prompt (`execute`). */
  prompt?: WirePrompt;
  /** Whether to stream (`execute`). */
  stream?: boolean;
  /** The resolved key (`execute`). */
  key?: string;
  /** The host response's id (`execute`). */
  responseId?: string;
  /** Items to embed (`embed`). */
  items?: EmbeddingInput[];
  /** A tool's, toolbox's or method's name. */
  name?: string;
  /** A tool's arguments. */
  toolArgs?: Record<string, unknown>;
  /** The tool call, as the model made it. */
  toolCall?: ToolCall;
  /** A toolbox's configuration (`toolbox.new`). */
  config?: Record<string, unknown>;
  /** A toolbox instance (`toolbox.call`). */
  instance?: number;
  /** A command's names from the plugin's top command (`command`). */
  path?: string[];
  /** A command's names from the root of the CLI. */
  fullPath?: string[];
  /** Option values (`command`). */
  values?: Record<string, unknown>;
  /** Positional arguments (`command`). */
  args?: Record<string, unknown>;
  /** Which streams are terminals (`command`). */
  terminal?: { stdout: boolean; stderr: boolean; stdin: boolean };
  /** The terminal width (`command`). */
  columns?: number;
  /** A loader's prefix (`template`, `fragment`). */
  prefix?: string;
  /** What follows the prefix. */
  arg?: string;
}

/** A message from the host to the Worker. */
export type HostMessage =
  | {
    t: "init";
    url: string;
    userDir: string;
    inspect: boolean;
    withOptions: boolean;
  }
  | CallMessage
  | { t: "cancel"; id: number }
  | { t: "stdin"; id: number; data: Uint8Array | null }
  | FetchedMessage;

/** The answer to a {@link FetchMessage}: the response (its body for `GET`), or why there is none. */
export type FetchedMessage =
  | {
    t: "fetched";
    req: number;
    status: number;
    statusText: string;
    headers: [string, string][];
    body: Uint8Array<ArrayBuffer> | null;
  }
  | { t: "fetched"; req: number; error: WireError };

/**
 * The Worker asks `llm` to fetch a URL the user attached to a running prompt (the plugin may not reach that
 * host itself; `llm` fetches only URLs attached to prompts the Worker is running).
 */
export interface FetchMessage {
  /** Always `fetch`. */
  t: "fetch";
  /** Numbers the request, for its answer. */
  req: number;
  /** The attachment's URL. */
  url: string;
  /** `HEAD` (its type) or `GET` (its bytes). */
  method: "GET" | "HEAD";
}

/** What the Worker sends once the plugin's hooks ran. */
export interface ReadyMessage {
  /** Always `ready`. */
  t: "ready";
  /** The plugin. */
  info: ReadyInfo;
  /** What it registered (absent when only inspected). */
  registrations?: Registrations;
  /** Hooks that failed. */
  problems?: string[];
  /** Its commands. */
  commands?: WireCommand[];
  /** Its tools. */
  tools?: ToolSpec[];
  /** Its toolboxes. */
  toolboxes?: WireToolbox[];
  /** Its embedding models. */
  embeddingModels?: WireEmbeddingModel[];
}

/** A message from the Worker to the host. */
export type WorkerMessage =
  | ReadyMessage
  | { t: "failed"; error: WireError }
  | { t: "crashed"; message: string }
  | { t: "chunks"; id: number; chunks: Chunk[] }
  | { t: "response"; id: number; method: string; arg: unknown }
  | { t: "write"; id: number; stream: "stdout" | "stderr"; data: string | Uint8Array }
  | { t: "stdin"; id: number }
  | FetchMessage
  | { t: "result"; id: number; value: unknown }
  | { t: "error"; id: number; error: WireError };
