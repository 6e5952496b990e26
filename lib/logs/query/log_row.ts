/**
 * The row shape `llm logs` reads out of `logs.db`: one prompt and its response, with what it used.
 *
 * The fields and their order are those of a row of `llm logs --json` from Python `llm` 0.32. Rows built from
 * the 0.32 tables (`turns`) and rows from the legacy `responses` table carry the same keys, in the slightly
 * different orders Python prints them in.
 *
 * @module
 */

import type { JsonObject, JsonValue } from "../../compat/json_value.ts";

/** A fragment a prompt or system prompt used. */
export interface LogFragment {
  /** SHA-256 of the fragment's content. */
  hash: string;
  /** The full content (renderers shorten it unless asked to expand). */
  content: string;
  /** Aliases pointing at this fragment. */
  aliases: string[];
}

/** The configured toolbox instance that provided a tool or served a call. */
export interface LogToolInstance {
  /** Toolbox name. */
  name: string;
  /** Plugin that registered it (only on tool results). */
  plugin?: string | null;
  /** Its configuration, as JSON text. */
  arguments: string | null;
}

/** A tool made available to the model. */
export interface LogTool {
  /** Row id in `tools`. */
  id: number;
  /** Content hash of the tool definition. */
  hash: string;
  /** Tool name. */
  name: string;
  /** Tool description. */
  description: string | null;
  /** JSON schema of the tool's input. */
  input_schema: JsonValue;
  /** The toolbox instance it came from, if any. */
  instance: LogToolInstance | null;
}

/** A tool call the model made in its response. */
export interface LogToolCall {
  /** Row id (the `parts` row for 0.32 rows, `tool_calls` for legacy ones). */
  id: number | null;
  /** Id of the tool in `tools`, when known. */
  tool_id: number | null;
  /** Tool name. */
  name: string;
  /** Arguments, as parsed JSON. */
  arguments: JsonValue;
  /** The provider's id for the call. */
  tool_call_id: string | null;
}

/** An attachment's summary. */
export interface LogAttachment {
  /** Content-addressed id. */
  id: string;
  /** MIME type. */
  type: string | null;
  /** Local path, when it was a file. */
  path: string | null;
  /** URL, when it was remote. */
  url: string | null;
  /** True when the bytes are stored in the database (absent on legacy rows). */
  content?: boolean | null;
  /** Size of the stored bytes. */
  content_length?: number | null;
}

/** A tool result fed to the model as part of the prompt. */
export interface LogToolResult {
  /** Row id (the `parts` row for 0.32 rows, `tool_results` for legacy ones). */
  id: number | null;
  /** Id of the tool in `tools`, when known. */
  tool_id: number | null;
  /** Tool name. */
  name: string;
  /** The tool's output. */
  output: string | null;
  /** The id of the call this answers. */
  tool_call_id: string | null;
  /** Error message when the tool failed. */
  exception: string | null;
  /** The toolbox instance that served the call. */
  instance: LogToolInstance | null;
  /** Attachments the tool returned. */
  attachments: LogAttachment[];
}

/**
 * One row of `llm logs`, exactly as `llm logs --json` prints it (before `--truncate`): `options_json`,
 * `prompt_json`, `response_json` and `schema_json` are parsed; `token_details` stays JSON text.
 */
export interface LogRow {
  /** Response id (a ULID). */
  id: string;
  /** Model id as requested. */
  model: string | null;
  /** The model the provider says answered, when it differs. */
  resolved_model: string | null;
  /** Options (`{}` when none). */
  options_json: JsonValue;
  /** Conversation (thread) id. */
  conversation_id: string | null;
  /** Duration in milliseconds. */
  duration_ms: number | null;
  /** When it ran, ISO 8601 as Python wrote it. */
  datetime_utc: string | null;
  /** Input tokens. */
  input_tokens: number | null;
  /** Output tokens. */
  output_tokens: number | null;
  /** Extra usage details, as JSON text. */
  token_details: string | null;
  /** Conversation name. */
  conversation_name: string | null;
  /** Conversation model. */
  conversation_model: string | null;
  /** JSON schema used, if any. */
  schema_json: JsonValue;
  /** The typed prompt text. */
  prompt: string | null;
  /** System prompt (`null` when none). */
  system: string | null;
  /** Response text. */
  response: string | null;
  /** Reasoning text (`null` when none). */
  reasoning: string | null;
  /** Always `null` for 0.32 rows. */
  prompt_json: JsonValue;
  /** The provider's raw response payload, or `null`. */
  response_json: JsonValue;
  /** Fragments the prompt used. */
  prompt_fragments: LogFragment[];
  /** Fragments the system prompt used. */
  system_fragments: LogFragment[];
  /** Tools offered to the model. */
  tools: LogTool[];
  /** Tool calls in the response. */
  tool_calls: LogToolCall[];
  /** Tool results in the prompt. */
  tool_results: LogToolResult[];
  /** Attachments of the prompt. */
  attachments: LogAttachment[];
}

/** Options of {@linkcode queryLogs}, mirroring the filters of `llm logs list`. */
export interface QueryLogsOptions {
  /** Most recent rows to return: default 3, or all when a conversation is selected; 0 or less means all. */
  count?: number | null;
  /** Only rows of this model id (matched against model and resolved model). */
  model?: string | null;
  /** FTS5 search over typed prompts and responses, ranked by relevance. */
  query?: string | null;
  /** With `query`, order by most recent instead of relevance. */
  latest?: boolean;
  /** Only rows of this conversation. */
  conversationId?: string | null;
  /** Only rows of the most recent conversation. */
  current?: boolean;
  /** Only rows whose id is greater than this ULID. */
  idGt?: string | null;
  /** Only rows whose id is at least this ULID. */
  idGte?: string | null;
  /** Only rows that used all of these fragments (SHA-256 content hashes, already resolved). */
  fragments?: readonly string[];
  /** Only rows with results from all of these tools. */
  tools?: readonly string[];
  /** Only rows with any tool result. */
  anyTools?: boolean;
  /** Only rows that used this schema (its id, as `schemaId` computes it). */
  schemaId?: string | null;
  /** Only these row ids. */
  ids?: readonly string[];
  /**
   * A model's `json_replacements` table, used to expand stored provider payloads that were condensed
   * against it. Without it such payloads read as `null`, as in Python when the model's plugin is missing.
   */
  jsonReplacements?: (modelId: string) => JsonObject | null | undefined;
}
