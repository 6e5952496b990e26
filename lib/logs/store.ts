/**
 * Writing one turn to `logs.db` the way Python `llm` 0.32 does, and reading a conversation back to resume it.
 *
 * A turn stores its input chain and output as content-addressed `messages` + `parts` (a message already
 * stored is never written again), creates the `threads` row on first use, and writes `turns`, `turn_search`
 * (its FTS index follows through triggers) and `schemas`, all in one `BEGIN IMMEDIATE` transaction that is
 * retried while another writer holds the database.
 *
 * @module
 */
import { LlmError } from "../errors.ts";

import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type { Message, Part } from "../models/messages.ts";
import { type CondenseContext, condensePayload } from "./condense.ts";
import { attachmentBytes, attachmentId, chainHashes, partDict, schemaId, schemaJson } from "./hash.ts";
import { pythonDatetimeStr } from "../compat/isoformat.ts";
import { pythonJsonDumps } from "../compat/python_json.ts";
import { sha256Hex } from "../compat/sha256.ts";
import { compileBlake2b } from "../compat/blake2b.ts";

export {
  loadChain,
  loadConversation,
  type LoadedConversation,
  type LoadedTurn,
  newestConversationId,
} from "./history.ts";

/**
 * Gets ready to write a turn: compiles the message hash's WebAssembly off the thread, so that the first turn
 * logged does not wait for it.
 */
export function prepareTurnStore(): Promise<void> {
  return compileBlake2b();
}

/** Everything about one prompt/response exchange that `logs.db` records. */
export interface TurnRecord {
  /** Response ULID, lowercase; the `turns.id`. */
  id: string;
  /** The conversation (thread) this turn belongs to. `name` defaults to the first prompt, shortened. */
  conversation: { id: string; name?: string; model: string };
  /** The model id the user asked for. */
  model: string;
  /** The model the provider reports having used, when it differs. */
  resolvedModel?: string | null;
  /** The full chain sent: system message (if any), earlier turns, the new user message. */
  input: Message[];
  /** The assistant message(s) produced. */
  output: Message[];
  /** The typed prompt text (names a new thread). */
  promptText: string;
  /** The response text. */
  responseText: string;
  /** Options that were set; `null` values are dropped and `{}` is stored as NULL. Wrap float-typed whole
   * numbers in `pyFloat()` so they serialise as Python does (`1.0`). */
  options: Record<string, unknown>;
  /** The raw provider payload (or the data gathered from a stream); stored condensed. */
  responseJson: unknown | null;
  /** Token usage. */
  usage: { input?: number | null; output?: number | null; details?: Record<string, unknown> | null };
  /** Wall time of the request in milliseconds. */
  durationMs: number;
  /** Start time as Python writes it (`pythonIsoformat(date)`): `2025-01-02T03:04:05.123000+00:00`. */
  datetimeUtc: string;
  /** The JSON schema the response was asked to follow. */
  schema?: Record<string, unknown> | null;
  /** Extra context for condensing `responseJson` (tools, the model's boilerplate dictionary). */
  condense?: Omit<CondenseContext, "schema">;
  /** The tools the turn was given, for the `tools`, `tool_instances` and `turn_tools` tables. */
  tools?: LoggedTool[];
}

/** A tool as logs.db records it with a turn. */
export interface LoggedTool {
  /** Its name. */
  name: string;
  /** Its description (`null` when it has none). */
  description: string | null;
  /** The JSON Schema of its arguments (`{}` for a server-side tool). */
  inputSchema: Record<string, unknown>;
  /** The plugin it came from. */
  plugin?: string;
  /** True for a tool the provider runs (its hash says so, as Python's ServerSideTool.hash does). */
  serverSide?: boolean;
  /** The configured instance it belongs to (a toolbox, a server-side tool): its name and settings. */
  instance?: { name: string; config: Record<string, unknown> };
}

/** A tool's id in the `tools` table: sha256 of Python's json.dumps of its name, description and schema. */
export function toolHash(tool: LoggedTool): string {
  const fields: Record<string, unknown> = {
    name: tool.name,
    description: tool.description,
    input_schema: tool.inputSchema,
  };
  if (tool.serverSide) fields.server_side = true;
  if (tool.plugin) fields.plugin = tool.plugin;
  return sha256Hex(pythonJsonDumps(fields));
}

/** Records the turn's tools (Python's ensure_tool, ensure_tool_instance and the turn_tools rows). */
function writeTools(db: DatabaseSync, turnId: string, tools: LoggedTool[]): void {
  const insertTool = db.prepare(
    "INSERT INTO tools (hash, name, description, input_schema, plugin) VALUES (?, ?, ?, ?, ?) ON CONFLICT(hash) DO NOTHING",
  );
  const toolId = db.prepare("SELECT id FROM tools WHERE hash = ?");
  const findInstance = db.prepare(
    "SELECT id FROM tool_instances WHERE name IS ? AND plugin IS ? AND arguments IS ?",
  );
  const insertInstance = db.prepare("INSERT INTO tool_instances (plugin, name, arguments) VALUES (?, ?, ?)");
  const link = db.prepare(
    "INSERT OR REPLACE INTO turn_tools (turn_id, tool_id, instance_id) VALUES (?, ?, ?)",
  );
  for (const tool of tools) {
    const hash = toolHash(tool);
    insertTool.run(hash, tool.name, tool.description, pythonJsonDumps(tool.inputSchema), tool.plugin ?? null);
    const id = (toolId.get(hash) as { id: number }).id;
    let instance: number | bigint | null = null;
    if (tool.instance) {
      const args = pythonJsonDumps(tool.instance.config);
      const plugin = tool.plugin ?? null;
      const found = findInstance.get(tool.instance.name, plugin, args) as { id: number } | undefined;
      instance = found?.id ?? insertInstance.run(plugin, tool.instance.name, args).lastInsertRowid;
    }
    link.run(turnId, id, instance);
  }
}

/** Thrown when the database stayed locked by other writers for longer than the retry budget. */
export class LogsBusyError extends LlmError {
  /** Creates the error. */
  constructor(readonly waitedMs: number) {
    super(`The logs database stayed locked by another process for ${waitedMs} ms; try again when it is free`);
  }
}

/** Options for {@link logTurn}. */
export interface LogTurnOptions {
  /** How long to keep retrying while another writer holds the database (default 60 000 ms). */
  busyTimeoutMs?: number;
}

const CONVERSATION_NAME_LENGTH = 32;
// Python's \s for str patterns: everything str.isspace() accepts (note \x1c-\x1f and \x85, and not \ufeff).
// deno-lint-ignore no-control-regex
const PY_WHITESPACE = /[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;

/** A thread name from a prompt: whitespace runs collapsed to one space, cut to 32 characters with `…`. */
export function conversationName(text: string): string {
  const chars = [...text.replace(PY_WHITESPACE, " ")];
  if (chars.length <= CONVERSATION_NAME_LENGTH) return chars.join("");
  return chars.slice(0, CONVERSATION_NAME_LENGTH - 1).join("") + "…";
}

/** Python's `_dump`: `json.dumps(value)` when it is a non-empty object, otherwise NULL. */
function dumpOrNull(value: Record<string, unknown> | null | undefined): string | null {
  return value && Object.keys(value).length ? pythonJsonDumps(value) : null;
}

/** A part's row: type and literal text in their own columns, the rest as JSON with attachments by id. */
interface PartRow {
  type: string;
  toolName: string | null;
  text: string | null;
  payload: string | null;
  attachments: AttachmentRow[];
}

interface AttachmentRow {
  id: string;
  type: string | null;
  path: string | null;
  url: string | null;
  content: Uint8Array | null;
}

async function prepareAttachment(att: NonNullable<Part & { type: "attachment" }>["attachment"]) {
  const a = att!;
  return {
    id: await attachmentId(a),
    type: a.type ?? null,
    path: a.path ?? null,
    url: a.url ?? null,
    content: a.content ? await attachmentBytes(a) : null,
  };
}

async function preparePart(part: Part): Promise<PartRow> {
  const payload = partDict(part);
  delete payload.type;
  let attachments: AttachmentRow[] = [];
  if (part.type === "attachment" && part.attachment && payload.attachment) {
    attachments = [await prepareAttachment(part.attachment)];
    payload.attachment = { id: attachments[0].id };
  } else if (part.type === "tool_result" && part.attachments?.length) {
    attachments = await Promise.all(part.attachments.map(prepareAttachment));
    payload.attachments = attachments.map((a) => ({ id: a.id }));
  }
  let text: string | null = null;
  if ((part.type === "text" || part.type === "reasoning") && "text" in payload) {
    text = payload.text as string;
    delete payload.text;
  }
  return {
    type: part.type,
    toolName: typeof payload.name === "string" ? payload.name : null,
    text,
    payload: Object.keys(payload).length ? pythonJsonDumps(payload) : null,
    attachments,
  };
}

interface PreparedMessage {
  hash: string;
  parent: string | null;
  role: string;
  providerMetadata: string | null;
  parts: PartRow[];
}

async function prepareChain(parent: string | null, messages: Message[]): Promise<PreparedMessage[]> {
  const hashes = await chainHashes(parent, messages);
  return Promise.all(messages.map(async (m, i) => ({
    hash: hashes[i],
    parent: i === 0 ? parent : hashes[i - 1],
    role: m.role,
    providerMetadata: dumpOrNull(m.provider_metadata),
    parts: await Promise.all(m.parts.map(preparePart)),
  })));
}

/** Text of the text parts of `message`, in order (Python's turn_search counts only literal text). */
function textOf(message: Message): string {
  return message.parts.map((p) => (p.type === "text" ? p.text : "")).join("");
}

function writeMessages(db: DatabaseSync, chain: PreparedMessage[]): void {
  const insertMessage = db.prepare(
    "INSERT OR IGNORE INTO messages (hash, parent_hash, role, provider_metadata) VALUES (?, ?, ?, ?)",
  );
  const insertPart = db.prepare(
    "INSERT INTO parts (message_hash, position, type, tool_name, text, payload) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const insertAttachment = db.prepare(
    // Keyed by content: the first write wins, as in Python llm (a later use of the same bytes keeps the row).
    "INSERT OR IGNORE INTO attachments (id, type, path, url, content) VALUES (?, ?, ?, ?, ?)",
  );
  const linkAttachment = db.prepare(
    'INSERT INTO part_attachments (part_id, attachment_id, "order") VALUES (?, ?, ?)',
  );
  for (const m of chain) {
    // Only the writer whose insert took the row writes its parts: a message that exists has its parts.
    if (insertMessage.run(m.hash, m.parent, m.role, m.providerMetadata).changes === 0) continue;
    m.parts.forEach((p, position) => {
      for (const a of p.attachments) insertAttachment.run(a.id, a.type, a.path, a.url, a.content);
      const partId = insertPart.run(m.hash, position, p.type, p.toolName, p.text, p.payload).lastInsertRowid;
      p.attachments.forEach((a, order) => linkAttachment.run(partId, a.id, order));
    });
  }
}

function isBusy(error: unknown): boolean {
  const e = error as { errcode?: number; message?: string };
  return (e?.errcode !== undefined && (e.errcode & 0xff) === 5) ||
    /database is locked|SQLITE_BUSY/i.test(String(e?.message));
}

/**
 * Runs `work` inside `BEGIN IMMEDIATE ... COMMIT`, retrying while another connection holds the write lock.
 * Inside an open transaction it uses a savepoint instead, so callers can group several turns.
 */
export async function writeTransaction<T>(
  db: DatabaseSync,
  work: () => T,
  busyTimeoutMs = 60_000,
): Promise<T> {
  if (db.isTransaction) {
    db.exec("SAVEPOINT llm_log_turn");
    try {
      const result = work();
      db.exec("RELEASE llm_log_turn");
      return result;
    } catch (error) {
      db.exec("ROLLBACK TO llm_log_turn");
      db.exec("RELEASE llm_log_turn");
      throw error;
    }
  }
  const started = Date.now();
  let pause = 2;
  while (true) {
    try {
      db.exec("BEGIN IMMEDIATE");
    } catch (error) {
      if (!isBusy(error)) throw error;
      const waited = Date.now() - started;
      if (waited > busyTimeoutMs) throw new LogsBusyError(waited);
      await new Promise((r) => setTimeout(r, pause + Math.random() * pause));
      pause = Math.min(pause * 2, 50);
      continue;
    }
    try {
      const result = work();
      // COMMIT can be refused while readers finish (rollback-journal mode); the transaction stays open.
      while (true) {
        try {
          db.exec("COMMIT");
          return result;
        } catch (error) {
          if (!isBusy(error) || Date.now() - started > busyTimeoutMs) throw error;
          await new Promise((r) => setTimeout(r, 5));
        }
      }
    } catch (error) {
      if (db.isTransaction) db.exec("ROLLBACK");
      throw error;
    }
  }
}

/**
 * Writes one turn to `db` (a `logs.db` with the 0.32 schema) exactly as Python `llm` 0.32 would, in one
 * transaction. Returns the turn id. Writing the same history again stores no new messages.
 */
export async function logTurn(
  db: DatabaseSync,
  record: TurnRecord,
  options: LogTurnOptions = {},
): Promise<string> {
  // Everything that needs hashing or file reads happens before the write lock is taken.
  const input = await prepareChain(null, record.input);
  const parent = input.at(-1)?.hash ?? null;
  const output = await prepareChain(parent, record.output);
  const tip = output.at(-1)?.hash ?? parent;
  const schema = record.schema
    ? { id: await schemaId(record.schema), json: schemaJson(record.schema) }
    : null;
  const filteredOptions = Object.fromEntries(Object.entries(record.options).filter(([, v]) => v != null));
  const system = record.input[0]?.role === "system" ? textOf(record.input[0]) : "";
  const threadName = record.conversation.name ?? conversationName(record.promptText || system);
  const responseJson = condensePayload(record.responseJson, record.output, {
    ...record.condense,
    schema: record.schema ?? null,
  });
  const last = record.input.at(-1);
  const promptSearch = last?.role === "user" ? textOf(last) : "";
  // Python's search query walks the output from the tip back, so later messages come first.
  const responseSearch = record.output.filter((m) => m.role === "assistant").reverse().map(textOf).join("");

  return writeTransaction(db, () => {
    db.prepare(
      "INSERT OR IGNORE INTO threads (id, name, tip_message_hash, forked_from, datetime_utc) VALUES (?, ?, NULL, NULL, ?)",
    ).run(record.conversation.id, threadName, pythonDatetimeStr(new Date()));
    writeMessages(db, input);
    writeMessages(db, output);
    if (schema) {
      db.prepare("INSERT OR IGNORE INTO schemas (id, content) VALUES (?, ?)").run(schema.id, schema.json);
    }
    const values: SQLInputValue[] = [
      record.id,
      record.conversation.id,
      parent,
      tip,
      record.model,
      record.resolvedModel ?? null,
      dumpOrNull(filteredOptions),
      schema?.id ?? null,
      record.usage.input ?? null,
      record.usage.output ?? null,
      dumpOrNull(record.usage.details),
      Math.trunc(record.durationMs),
      record.datetimeUtc,
      responseJson,
    ];
    db.prepare(
      `INSERT OR REPLACE INTO turns (id, thread_id, parent_message_hash, tip_message_hash, model, resolved_model,
        options_json, schema_id, input_tokens, output_tokens, token_details, duration_ms, datetime_utc, response_json)
       VALUES (${values.map(() => "?").join(", ")})`,
    ).run(...values);
    db.prepare("DELETE FROM turn_search WHERE turn_id = ?").run(record.id);
    if (promptSearch || responseSearch) {
      db.prepare("INSERT INTO turn_search (turn_id, prompt, response) VALUES (?, ?, ?)")
        .run(record.id, promptSearch, responseSearch);
    }
    db.prepare("UPDATE threads SET tip_message_hash = ? WHERE id = ?").run(tip, record.conversation.id);
    if (record.tools?.length) writeTools(db, record.id, record.tools);
    return record.id;
  }, options.busyTimeoutMs);
}
