/**
 * Reading a conversation back from `logs.db` so it can be continued (`llm -c`, `--cid`): the 0.32
 * content-addressed tables (`threads`, `turns`, `messages`, `parts`) and the legacy `responses` rows written
 * by older versions.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { LogsDatabaseError } from "./errors.ts";
import type { AttachmentData, Message, Part, Role } from "../models/messages.ts";
import { parsePythonJson } from "../compat/python_json.ts";

/** One turn of a loaded conversation. */
export interface LoadedTurn {
  /** Turn (response) id. */
  id: string;
  /** Model id used for the turn. */
  model: string;
  /** The text the user typed for this turn. */
  prompt: string;
  /** The system prompt in force, or `null`. */
  system: string | null;
  /** The response text. */
  response: string;
  /** Options that were set (`{}` when none). */
  options: Record<string, unknown>;
  /** The full input chain that was sent. */
  input: Message[];
  /** The messages the turn produced. */
  output: Message[];
  /** When it ran, as stored. */
  datetimeUtc: string | null;
  /** True for a row of the legacy `responses` table. */
  legacy: boolean;
}

/** A conversation as stored, ready to continue. */
export interface LoadedConversation {
  /** Conversation (thread) id. */
  id: string;
  /** Its name, or `null`. */
  name: string | null;
  /** The model of its latest turn (legacy: the conversation's model). */
  model: string;
  /** Its turns, oldest first. */
  turns: LoadedTurn[];
  /** The exact message chain to send before the next prompt: the last turn's input plus output. */
  messages: Message[];
}

type Row = Record<string, unknown>;

function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function attachmentFromRow(row: Row | undefined): AttachmentData {
  const a: AttachmentData = {};
  if (!row) return a;
  if (row.type) a.type = String(row.type);
  if (row.url) a.url = String(row.url);
  if (row.path) a.path = String(row.path);
  if (row.content instanceof Uint8Array && row.content.length) a.content = base64(row.content);
  return a;
}

/**
 * The chain of messages ending at `tip`, oldest first (`[]` for `null`). Fragment references and attachment
 * ids are resolved, so the messages hash to what they were stored under. Throws when `tip` is unknown.
 */
export function loadChain(db: DatabaseSync, tip: string | null): Message[] {
  const rows: Row[] = [];
  const getMessage = db.prepare(
    "SELECT hash, parent_hash, role, provider_metadata FROM messages WHERE hash = ?",
  );
  for (let hash: string | null = tip; hash !== null;) {
    const row = getMessage.get(hash) as Row | undefined;
    if (!row) {
      throw new LogsDatabaseError(
        db.location() ?? ":memory:",
        `Message '${hash}' is not in the logs database; it may have been deleted`,
      );
    }
    rows.push(row);
    hash = str(row.parent_hash);
  }
  rows.reverse();
  const getParts = db.prepare("SELECT * FROM parts WHERE message_hash = ? ORDER BY position");
  const getAttachment = db.prepare("SELECT * FROM attachments WHERE id = ?");
  const getFragment = db.prepare("SELECT content FROM fragments WHERE id = ?");
  return rows.map((row) => {
    const parts = (getParts.all(String(row.hash)) as Row[]).map((p): Part => {
      const payload = (p.payload ? parsePythonJson(String(p.payload)) : {}) as Record<string, unknown>;
      if (p.text !== null) payload.text = p.text;
      if (Array.isArray(payload.text_ref)) {
        payload.text = (payload.text_ref as Row[]).map((piece) =>
          "literal" in piece
            ? String(piece.literal)
            : String((getFragment.get(piece.fragment as number) as Row | undefined)?.content ?? "")
        ).join("");
        delete payload.text_ref;
      }
      const ref = (r: unknown) =>
        attachmentFromRow(getAttachment.get(String((r as Row).id)) as Row | undefined);
      if (p.type === "attachment" && payload.attachment) payload.attachment = ref(payload.attachment);
      if (p.type === "tool_result" && Array.isArray(payload.attachments)) {
        payload.attachments = payload.attachments.map(ref);
      }
      return { type: p.type, ...payload } as Part;
    });
    const message: Message = { role: String(row.role) as Role, parts };
    if (row.provider_metadata) {
      message.provider_metadata = parsePythonJson(String(row.provider_metadata)) as Record<string, unknown>;
    }
    return message;
  });
}

function textOf(messages: Message[], type: "text" | "reasoning" = "text"): string {
  return messages.flatMap((m) => m.parts).map((p) => (p.type === type ? p.text : "")).join("");
}

/**
 * The id of the most recently created conversation (threads and legacy conversations alike, newest ULID
 * first), or `null`: what `llm prompt -c` continues, as in Python `llm`. `llm logs -c` instead shows the
 * conversation of the latest turn (`conversationOfLatestTurn` in query.ts).
 */
export function newestConversationId(db: DatabaseSync): string | null {
  const row = db.prepare(
    "SELECT id FROM (SELECT id FROM threads UNION SELECT id FROM conversations) ORDER BY id DESC LIMIT 1",
  ).get() as Row | undefined;
  return row ? String(row.id) : null;
}

function threadTurns(db: DatabaseSync, id: string): LoadedTurn[] {
  const rows = db.prepare("SELECT * FROM turns WHERE thread_id = ? ORDER BY id").all(id) as Row[];
  return rows.map((row) => {
    const input = loadChain(db, str(row.parent_message_hash));
    const output = loadChain(db, str(row.tip_message_hash)).slice(input.length);
    // The turn's own input is the trailing run of user and tool messages.
    let boundary = input.length;
    while (boundary && (input[boundary - 1].role === "user" || input[boundary - 1].role === "tool")) {
      boundary--;
    }
    const own = input.slice(boundary).filter((m) => m.role === "user");
    return {
      id: String(row.id),
      model: String(row.model),
      prompt: textOf(own),
      system: input[0]?.role === "system" ? textOf([input[0]]) || null : null,
      response: textOf(output),
      options: row.options_json ? parsePythonJson(String(row.options_json)) as Record<string, unknown> : {},
      input,
      output,
      datetimeUtc: str(row.datetime_utc),
      legacy: false,
    };
  });
}

function legacyTurns(db: DatabaseSync, id: string, skip: Set<string>): LoadedTurn[] {
  const rows = db.prepare("SELECT * FROM responses WHERE conversation_id = ? ORDER BY id").all(id) as Row[];
  const fragments = (table: string, responseId: string) =>
    (db.prepare(
      `SELECT fragments.content FROM ${table} JOIN fragments ON fragments.id = ${table}.fragment_id
       WHERE ${table}.response_id = ? ORDER BY ${table}."order"`,
    ).all(responseId) as Row[]).map((r) => String(r.content));
  const toolResults = db.prepare("SELECT * FROM tool_results WHERE response_id = ?");
  const toolCalls = db.prepare("SELECT * FROM tool_calls WHERE response_id = ? ORDER BY tool_call_id");
  let previous: Message[] = [];
  const turns: LoadedTurn[] = [];
  for (const row of rows) {
    const rid = String(row.id);
    const promptFragments = fragments("prompt_fragments", rid);
    const prompt = [...promptFragments, ...(row.prompt ? [String(row.prompt)] : [])].join("\n");
    const system = [...(row.system ? [String(row.system)] : []), ...fragments("system_fragments", rid)].join(
      "\n",
    );
    const own: Message[] = [];
    if (system) own.push({ role: "system", parts: [{ type: "text", text: system }] });
    const results = toolResults.all(rid) as Row[];
    if (results.length) {
      own.push({
        role: "tool",
        parts: results.map((r) => ({
          type: "tool_result" as const,
          name: String(r.name),
          output: String(r.output ?? ""),
          ...(r.tool_call_id != null ? { tool_call_id: String(r.tool_call_id) } : {}),
          ...(r.exception != null ? { exception: String(r.exception) } : {}),
        })),
      });
    }
    if (prompt) own.push({ role: "user", parts: [{ type: "text", text: prompt }] });
    const outParts: Part[] = [];
    if (row.response) outParts.push({ type: "text", text: String(row.response) });
    for (const c of toolCalls.all(rid) as Row[]) {
      outParts.push({
        type: "tool_call",
        name: String(c.name),
        arguments: (c.arguments ? parsePythonJson(String(c.arguments)) : {}) as Record<string, unknown>,
        ...(c.tool_call_id != null ? { tool_call_id: String(c.tool_call_id) } : {}),
      });
    }
    const input = [...previous, ...own];
    const output: Message[] = outParts.length ? [{ role: "assistant", parts: outParts }] : [];
    previous = [...input, ...output];
    if (skip.has(rid)) continue;
    turns.push({
      id: rid,
      model: String(row.model),
      prompt,
      system: system || null,
      response: String(row.response ?? ""),
      options: row.options_json ? parsePythonJson(String(row.options_json)) as Record<string, unknown> : {},
      input,
      output,
      datetimeUtc: str(row.datetime_utc),
      legacy: true,
    });
  }
  return turns;
}

/**
 * Loads conversation `id` with its turns, oldest first, or returns `null` when neither a thread nor a legacy
 * conversation has that id. A conversation that has a thread takes its history (`messages`) from the
 * thread's exact chain; legacy rows rebuild the chain from their prompt, system and response columns.
 */
export function loadConversation(db: DatabaseSync, id: string): LoadedConversation | null {
  const thread = db.prepare("SELECT * FROM threads WHERE id = ?").get(id) as Row | undefined;
  const legacy = db.prepare("SELECT * FROM conversations WHERE id = ?").get(id) as Row | undefined;
  if (!thread && !legacy) return null;
  const newTurns = thread ? threadTurns(db, id) : [];
  const turns = [...legacyTurns(db, id, new Set(newTurns.map((t) => t.id))), ...newTurns]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const model = legacy?.model ? String(legacy.model) : newTurns.at(-1)?.model;
  if (!model) return null;
  const last = turns.at(-1);
  const messages = thread && str(thread.tip_message_hash)
    ? loadChain(db, str(thread.tip_message_hash))
    : last
    ? [...last.input, ...last.output]
    : [];
  return { id, name: legacy ? str(legacy.name) : str(thread?.name), model, turns, messages };
}
