/**
 * What a model is told of the tools a prompt offers: function tools (run by this library) and server-side
 * tools (run by the provider). The runnable tools with their implementations are in `lib/tools/`.
 * @module
 */
import type { ToolCall } from "./stream.ts";

/** A function tool as a provider sends it: a name, a description and a JSON Schema of its arguments. */
export interface ToolSpec {
  /** The tool's name, e.g. `llm_version`. */
  name: string;
  /** What it does; the model reads this. */
  description?: string | null;
  /** JSON Schema of its arguments (`{"type": "object", "properties": ...}`). */
  inputSchema: Record<string, unknown>;
}

/** A tool the provider runs itself (OpenAI's web search, Gemini's code execution), as a model offers it. */
export interface ServerSideToolInfo {
  /** The name `-T` takes, e.g. `WebSearch`. */
  className: string;
  /** The tool's name in requests, events and logs, e.g. `web_search`. */
  name: string;
  /** What it does. */
  description?: string;
  /** Its settings and their defaults, in order (what `Name(key=value, ...)` on the command line may give). */
  parameters?: { name: string; default: unknown; type?: string }[];
}

/** A server-side tool asked for in one prompt, with its settings (e.g. `{ allowed_domains: [...] }`). */
export interface ServerSideToolRequest {
  /** The name `-T` took, e.g. `WebSearch`. */
  className: string;
  /** The tool's name, e.g. `web_search`. */
  name: string;
  /** Its settings, provider-specific; empty for the defaults. */
  config: Record<string, unknown>;
  /**
   * How many of the prompt's function tools come before it, so a provider can send the tools in the order they
   * were asked for (`-T WebSearch -T llm_version` puts web search first). Absent: after all of them.
   */
  position?: number;
}

/** What a tool's function receives besides its arguments. */
export interface ToolCallContext {
  /** The call, as the model made it. */
  call: ToolCall;
  /** Aborted when the call times out or the chain is cancelled. */
  signal: AbortSignal;
}

/**
 * A tool this library runs when a model calls it: a {@link ToolSpec} and the function that does the work. The
 * function gets the arguments the model sent (checked against `inputSchema` first) and returns a string, or any
 * value JSON can hold (sent as Python's `json.dumps` would write it). Make one with `defineTool()`, or group some
 * with a `Toolbox`.
 */
export interface Tool extends ToolSpec {
  /** Runs the tool. A thrown error becomes `Error: <message>`, sent back to the model. */
  implementation: (args: Record<string, unknown>, context: ToolCallContext) => unknown;
  /** The plugin that registered it, if any (logged with the tool, as Python `llm` does). */
  plugin?: string;
  /**
   * Checks arguments before the call: a message saying what is wrong, or `undefined` when they are fine.
   * `defineTool()` sets it from the JSON Schema or the zod schema.
   */
  check?: (args: Record<string, unknown>) => string | undefined;
  /** How `llm tools list` shows its call, e.g. `llm_time() -> dict` (default: made from `inputSchema`). */
  signature?: string;
  /** The toolbox it belongs to, for logs (`tool_instances`): its name and the configuration it was made with. */
  instance?: { name: string; config: Record<string, unknown> };
}

/** The result of running a tool call, sent back to the model in the next round. */
export interface ToolResult {
  /** The tool's name. */
  name: string;
  /** What the tool returned, as text (`Error: ...` when it failed). */
  output: string;
  /** The id of the call it answers. */
  toolCallId?: string;
  /** Python's form of the error when the tool failed: `ValueError: ...`, `KeyError: ...`. */
  exception?: string;
}
