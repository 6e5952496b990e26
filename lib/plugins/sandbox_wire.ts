/**
 * What crosses between `llm` and a sandboxed plugin's Worker besides plain JSON: prompts (rebuilt as
 * `Prompt` objects in the Worker) and errors (rebuilt on the host with their types, so that a plugin's
 * `ModelError`, `NeedsKeyError` or `InvalidOptionError` reaches the CLI as if the plugin ran in-process, and a
 * Deno permission refusal becomes a {@link PluginPermissionError} naming what was refused).
 * @module
 */
import { Attachment } from "../attachments/attachment.ts";
import { LlmError } from "../errors.ts";
import { UsageError } from "../commands/spec.ts";
import {
  CancelledError,
  CancelToolCall,
  InvalidOptionError,
  ModelError,
  type ModelErrorKind,
  NeedsKeyError,
  UnsupportedFeatureError,
} from "../models/errors.ts";
import type { Message } from "../models/messages.ts";
import { Prompt } from "../models/prompt.ts";
import type { ServerSideToolRequest, ToolSpec } from "../models/tool_spec.ts";
import type { Fragment } from "../models/fragment.ts";
import { PluginCrashError, PluginPermissionError } from "./errors.ts";

export { PluginCrashError, PluginPermissionError };

/** An error as it crosses the Worker boundary. */
export interface WireError {
  /** The error's class name. */
  name: string;
  /** Its message. */
  message: string;
  /** Its stack, for debugging. */
  stack?: string;
  /** Fields of the typed errors, when it has them. */
  fields?: Record<string, unknown>;
  /** The error it wraps. */
  cause?: WireError;
}

const FIELDS = ["kind", "status", "keyName", "envVar", "option", "unknownFor", "model", "exitCode", "path"];

/** An error made safe to post: its name, message, typed fields and cause. */
export function errorToWire(error: unknown, depth = 0): WireError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const wire: WireError = { name: error.name, message: error.message, stack: error.stack };
  const fields: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const value = (error as unknown as Record<string, unknown>)[field];
    if (value !== undefined && (typeof value !== "object" || Array.isArray(value))) fields[field] = value;
  }
  if (Object.keys(fields).length) wire.fields = fields;
  if (error.cause !== undefined && depth < 3) wire.cause = errorToWire(error.cause, depth + 1);
  return wire;
}

const DENIED = /^Requires (\w+) access to (.+?)(?:, run again with the --allow-\w+ flag|,|$)/;

/** The permission a Deno refusal names, if `wire` (or an error it wraps) is one. */
export function deniedPermission(wire: WireError): { permission: string; target: string } | undefined {
  for (let e: WireError | undefined = wire; e; e = e.cause) {
    const match = DENIED.exec(e.message);
    if (match && (e.name === "NotCapable" || e.name === "PermissionDenied" || e.name === "TypeError")) {
      return { permission: match[1], target: match[2] };
    }
  }
  return undefined;
}

/** An error of a plugin whose class is not one of the library's: its name and message kept. */
class PluginRaisedError extends LlmError {
  constructor(name: string, message: string, cause?: unknown) {
    super(message, { cause });
    this.name = name;
  }
}

/** The error `wire` stands for, rebuilt on the host with its type; `plugin` names the plugin in messages. */
export function errorFromWire(wire: WireError, plugin: string): Error {
  const f = wire.fields ?? {};
  const cause = wire.cause ? errorFromWire(wire.cause, plugin) : undefined;
  // A refusal is the error, even wrapped by the plugin or the library ("Cannot read attachment ...: Requires
  // read access ..."): it says what the plugin lacks, where Deno's own words say to pass a flag.
  const denied = deniedPermission(wire);
  if (denied) {
    return new PluginPermissionError(plugin, denied.permission, denied.target, { cause: wire.message });
  }
  let error: Error;
  switch (wire.name) {
    case "CancelledError":
      error = new CancelledError(wire.message, { cause });
      break;
    case "ModelError":
      error = new ModelError(wire.message, {
        kind: f.kind as ModelErrorKind | undefined,
        status: f.status as number | undefined,
        keyName: f.keyName as string | undefined,
        cause,
      });
      break;
    case "NeedsKeyError":
      error = new NeedsKeyError(String(f.keyName ?? ""), f.envVar as string | undefined);
      error.message = wire.message;
      break;
    case "InvalidOptionError":
      error = new InvalidOptionError(String(f.option ?? ""), wire.message, {
        unknownFor: f.unknownFor as string | undefined,
      });
      break;
    case "UnsupportedFeatureError":
      error = new UnsupportedFeatureError(String(f.model ?? ""), wire.message);
      break;
    case "CancelToolCall":
      error = new CancelToolCall(wire.message);
      break;
    case "UsageError":
      error = new UsageError(wire.message, f.path as string[] | undefined);
      break;
    default: {
      const raised = new PluginRaisedError(wire.name, wire.message, cause);
      if (typeof f.exitCode === "number") raised.exitCode = f.exitCode;
      error = raised;
    }
  }
  if (wire.stack) error.stack = `${wire.stack}\n    (in the Worker of plugin ${plugin})`;
  return error;
}

/** A prompt as it crosses to the Worker: what the model reads, without functions or class instances. */
export interface WirePrompt {
  /** The typed text. */
  text?: string;
  /** Fragments. */
  fragments: Fragment[];
  /** The system prompt as given. */
  system?: string;
  /** System fragments. */
  systemFragments: Fragment[];
  /** Option values (validated again in the Worker against the plugin's own definition). */
  options: Record<string, unknown>;
  /** The JSON Schema of the output. */
  schema?: Record<string, unknown>;
  /** Whether the schema asks for a list. */
  schemaMulti: boolean;
  /** Whether to hide reasoning. */
  hideReasoning: boolean;
  /** The whole message chain, attachments of local files inlined. */
  messages: Message[];
  /** The tools offered, without their functions. */
  tools: ToolSpec[];
  /** Server-side tools asked for. */
  serverSideTools: ServerSideToolRequest[];
}

/**
 * The wire form of `prompt`. Attachments of local files get their bytes inlined: the Worker may not read
 * the user's files, only what the user attached.
 */
export async function promptToWire(prompt: Prompt): Promise<WirePrompt> {
  const messages = await Promise.all(prompt.messages.map(async (message) => {
    if (!message.parts.some((p) => p.type === "attachment" && p.attachment?.path && !p.attachment.content)) {
      return message;
    }
    const parts = await Promise.all(message.parts.map(async (part) => {
      if (part.type !== "attachment" || !part.attachment?.path || part.attachment.content) return part;
      const content = await Attachment.fromData(part.attachment).base64Content();
      return { ...part, attachment: { ...part.attachment, content } };
    }));
    return { ...message, parts };
  }));
  return {
    text: prompt.text,
    fragments: prompt.fragmentRecords.map((f) => ({ ...f })),
    system: prompt.systemText,
    systemFragments: prompt.systemFragmentRecords.map((f) => ({ ...f })),
    options: { ...prompt.options },
    schema: prompt.schema,
    schemaMulti: prompt.schemaMulti,
    hideReasoning: prompt.hideReasoning,
    messages,
    tools: prompt.tools.map((t) => ({
      name: t.name,
      description: t.description ?? null,
      inputSchema: t.inputSchema,
    })),
    serverSideTools: prompt.serverSideTools.map((t) => ({ ...t, config: { ...t.config } })),
  };
}

/** The `Prompt` the plugin's model receives in the Worker. */
export function promptFromWire(wire: WirePrompt): Prompt {
  const prompt = new Prompt({
    prompt: wire.text,
    fragments: wire.fragments,
    system: wire.system,
    systemFragments: wire.systemFragments,
    options: wire.options,
    hideReasoning: wire.hideReasoning,
    messages: wire.messages,
    tools: wire.tools,
    serverSideTools: wire.serverSideTools,
  });
  prompt.messages = wire.messages;
  prompt.schema = wire.schema;
  return prompt;
}
