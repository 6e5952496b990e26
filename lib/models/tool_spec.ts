/**
 * What a model is told of the tools a prompt offers: function tools (run by this library) and server-side
 * tools (run by the provider). The runnable tools with their implementations are in `lib/tools/`.
 * @module
 */

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
}

/** A server-side tool asked for in one prompt, with its settings (e.g. `{ allowed_domains: [...] }`). */
export interface ServerSideToolRequest {
  /** The name `-T` took, e.g. `WebSearch`. */
  className: string;
  /** The tool's name, e.g. `web_search`. */
  name: string;
  /** Its settings, provider-specific; empty for the defaults. */
  config: Record<string, unknown>;
}
