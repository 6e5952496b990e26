/**
 * Building `llm logs` rows from the 0.32 tables (`turns`, `messages`, `parts`, `threads`).
 *
 * A turn stores only where its input ended (`parent_message_hash`) and where its output ended
 * (`tip_message_hash`). Its prompt is the trailing run of user and tool messages before the parent, its
 * system prompt the root message when that is a system message, and its response the messages after the
 * parent up to the tip. Everything a page of rows needs is read in a few batched queries; message lookups
 * are memoised so rows of one long conversation walk its chain once.
 *
 * @module
 */

import type { DatabaseSync, StatementSync } from "node:sqlite";
import { isJsonObject, type JsonObject, type JsonValue, parseJson } from "../../compat/json_value.ts";
import { uncondense, UncondenseError } from "./payload.ts";
import { payloadReplacements } from "../condense.ts";
import type { Message } from "../../models/messages.ts";
import { loadExtras } from "./turn_extras.ts";
import { allIn } from "./sql.ts";
import type {
  LogAttachment,
  LogRow,
  LogTool,
  LogToolCall,
  LogToolResult,
  QueryLogsOptions,
} from "./log_row.ts";

/** The columns the turn query selects. */
export interface TurnSqlRow {
  id: string;
  model: string | null;
  resolved_model: string | null;
  options_json: string | null;
  conversation_id: string | null;
  duration_ms: number | null;
  datetime_utc: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  token_details: string | null;
  parent_message_hash: string | null;
  tip_message_hash: string | null;
  response_json: string | null;
  conversation_name: string | null;
  conversation_model: string | null;
  schema_json: string | null;
}

interface MessageInfo {
  hash: string;
  parent: string | null;
  role: string;
  providerMetadata: string | null;
}

interface LoadedPart {
  id: number;
  type: string;
  dict: JsonObject;
  attachments: LogAttachment[];
}

class MessageWalker {
  #lookup: StatementSync;
  #info = new Map<string, MessageInfo | null>();
  #root = new Map<string, string>();

  constructor(db: DatabaseSync) {
    this.#lookup = db.prepare(
      "select hash, parent_hash, role, provider_metadata from messages where hash = ?",
    );
  }

  get(hash: string): MessageInfo | null {
    let info = this.#info.get(hash);
    if (info === undefined) {
      const row = this.#lookup.get(hash) as Record<string, string | null> | undefined;
      info = row
        ? { hash, parent: row.parent_hash, role: row.role ?? "", providerMetadata: row.provider_metadata }
        : null;
      this.#info.set(hash, info);
    }
    return info;
  }

  /** The root of the chain ending at `hash`. */
  root(hash: string): MessageInfo | null {
    const path: string[] = [];
    let current: string | null = hash;
    let root: string | null = null;
    while (current !== null) {
      const known = this.#root.get(current);
      if (known !== undefined) {
        root = known;
        break;
      }
      path.push(current);
      const info = this.get(current);
      if (!info) return null;
      if (info.parent === null) {
        root = current;
        break;
      }
      current = info.parent;
    }
    if (root === null) return null;
    for (const step of path) this.#root.set(step, root);
    return this.get(root);
  }

  /** The whole chain ending at `hash`, oldest first. */
  chain(hash: string | null): MessageInfo[] {
    const out: MessageInfo[] = [];
    for (let current = hash; current !== null;) {
      const info = this.get(current);
      if (!info) break;
      out.push(info);
      current = info.parent;
    }
    return out.reverse();
  }

  /** The turn's input segment (trailing user/tool messages up to `parent`) and its output messages. */
  segments(parent: string | null, tip: string | null): { input: MessageInfo[]; output: MessageInfo[] } {
    const input: MessageInfo[] = [];
    for (let current = parent; current !== null;) {
      const info = this.get(current);
      if (!info || (info.role !== "user" && info.role !== "tool")) break;
      input.push(info);
      current = info.parent;
    }
    input.reverse();
    const output: MessageInfo[] = [];
    let current = tip;
    while (current !== null && current !== parent) {
      const info = this.get(current);
      if (!info) break;
      output.push(info);
      current = info.parent;
    }
    if (current !== parent) {
      // The parent is not an ancestor of the tip: split by length, as Python does
      return { input, output: this.chain(tip).slice(this.chain(parent).length) };
    }
    return { input, output: output.reverse() };
  }
}

function attachmentRef(dict: JsonObject, type: string): string[] {
  if (type === "attachment" && isJsonObject(dict.attachment) && typeof dict.attachment.id === "string") {
    return [dict.attachment.id];
  }
  if (type === "tool_result" && Array.isArray(dict.attachments)) {
    return dict.attachments.flatMap((
      ref,
    ) => (isJsonObject(ref) && typeof ref.id === "string" ? [ref.id] : []));
  }
  return [];
}

function loadParts(db: DatabaseSync, hashes: string[]): Map<string, LoadedPart[]> {
  const rows = allIn<Record<string, string | number | null>>(
    db,
    "select id, message_hash, type, text, payload from parts where message_hash in ($LIST)" +
      " order by message_hash, position",
    hashes,
  );
  const dicts = rows.map((row) => {
    const payload = row.payload ? parseJson(String(row.payload)) : {};
    const dict: JsonObject = isJsonObject(payload) ? payload : {};
    dict.type = String(row.type);
    if (row.text !== null) dict.text = String(row.text);
    return dict;
  });
  const fragmentIds = new Set<number>();
  const attachmentIds = new Set<string>();
  dicts.forEach((dict) => {
    if (Array.isArray(dict.text_ref)) {
      for (const piece of dict.text_ref) {
        if (isJsonObject(piece) && typeof piece.fragment === "number") fragmentIds.add(piece.fragment);
      }
    }
    for (const id of attachmentRef(dict, String(dict.type))) attachmentIds.add(id);
  });
  const fragments = new Map<number, string>();
  for (
    const row of allIn<{ id: number; content: string }>(
      db,
      "select id, content from fragments where id in ($LIST)",
      [...fragmentIds],
    )
  ) {
    fragments.set(row.id, row.content);
  }
  const attachments = new Map<string, LogAttachment>();
  const attachmentSql = "select id, type, path, url, length(content) as content_length from attachments" +
    " where id in ($LIST)";
  for (const row of allIn<Record<string, string | number | null>>(db, attachmentSql, [...attachmentIds])) {
    const length = Number(row.content_length ?? 0);
    attachments.set(String(row.id), {
      id: String(row.id),
      type: row.type as string | null,
      path: (row.path as string | null) || null,
      url: (row.url as string | null) || null,
      content: length > 0 ? true : null,
      content_length: length || null,
    });
  }
  const out = new Map<string, LoadedPart[]>();
  rows.forEach((row, index) => {
    const dict = dicts[index];
    if (Array.isArray(dict.text_ref)) {
      dict.text = dict.text_ref.map((piece) => {
        if (!isJsonObject(piece)) return "";
        if ("literal" in piece) return String(piece.literal);
        return fragments.get(Number(piece.fragment)) ?? "";
      }).join("");
      delete dict.text_ref;
    }
    const found = attachmentRef(dict, String(dict.type)).flatMap((id) => attachments.get(id) ?? []);
    const list = out.get(String(row.message_hash)) ?? [];
    list.push({ id: Number(row.id), type: String(dict.type), dict, attachments: found });
    out.set(String(row.message_hash), list);
  });
  return out;
}

function textOf(parts: LoadedPart[], type: string): string {
  return parts.filter((p) => p.type === type && typeof p.dict.text === "string").map((p) => p.dict.text).join(
    "",
  );
}

function optionalString(value: JsonValue | undefined): string | null {
  return typeof value === "string" ? value : null;
}

function nullable(value: JsonValue | undefined): JsonValue {
  return value === undefined ? null : value;
}

/** Builds the `llm logs` rows for turn query results, in the order given. */
export function buildTurnRows(
  db: DatabaseSync,
  turns: TurnSqlRow[],
  jsonReplacements: QueryLogsOptions["jsonReplacements"],
): LogRow[] {
  if (!turns.length) return [];
  const walker = new MessageWalker(db);
  const plans = turns.map((turn) => {
    const { input, output } = walker.segments(turn.parent_message_hash, turn.tip_message_hash);
    const root = turn.parent_message_hash ? walker.root(turn.parent_message_hash) : null;
    return { turn, input, output, system: root?.role === "system" ? root : null };
  });
  const needed = new Set<string>();
  for (const plan of plans) {
    for (const m of [...plan.input, ...plan.output]) needed.add(m.hash);
    if (plan.system) needed.add(plan.system.hash);
  }
  const parts = loadParts(db, [...needed]);
  const extras = loadExtras(db, turns.map((t) => t.id));
  return plans.map(({ turn, input, output, system }) => {
    const extra = extras.get(turn.id)!;
    const partsOf = (messages: MessageInfo[]) => messages.flatMap((m) => parts.get(m.hash) ?? []);
    const promptParts = partsOf(input.filter((m) => m.role === "user"));
    const inputParts = partsOf(input);
    const outParts = partsOf(output);
    const schema = turn.schema_json === null ? null : parseJson(turn.schema_json);
    const toolIds = new Map(extra.tools.map((tool) => [tool.name, tool.id]));
    const idsByCallId = (messages: MessageInfo[], type: string) =>
      new Map(
        partsOf(messages).filter((p) => p.type === type).map((
          p,
        ) => [optionalString(p.dict.tool_call_id), p.id]),
      );
    const tip = output.length && output[output.length - 1].hash === turn.tip_message_hash
      ? [output[output.length - 1]]
      : [];
    const callIds = idsByCallId(tip, "tool_call");
    const resultIds = idsByCallId(input, "tool_result");
    const tool_calls: LogToolCall[] = outParts.filter((p) => p.type === "tool_call").map((p) => ({
      id: callIds.get(optionalString(p.dict.tool_call_id)) ?? null,
      tool_id: toolIds.get(String(p.dict.name)) ?? null,
      name: String(p.dict.name),
      arguments: nullable(p.dict.arguments),
      tool_call_id: optionalString(p.dict.tool_call_id),
    }));
    const tool_results: LogToolResult[] = inputParts.filter((p) => p.type === "tool_result").map((p) => {
      const callId = optionalString(p.dict.tool_call_id);
      return {
        id: resultIds.get(callId) ?? null,
        tool_id: toolIds.get(String(p.dict.name)) ?? null,
        name: String(p.dict.name),
        output: optionalString(p.dict.output),
        tool_call_id: callId,
        exception: optionalString(p.dict.exception),
        instance: (callId && extra.instances.get(callId)) || null,
        attachments: p.attachments,
      };
    });
    const row: LogRow = {
      id: turn.id,
      model: turn.model,
      resolved_model: turn.resolved_model,
      options_json: parseJson(turn.options_json || "{}"),
      conversation_id: turn.conversation_id,
      duration_ms: turn.duration_ms,
      datetime_utc: turn.datetime_utc,
      input_tokens: turn.input_tokens,
      output_tokens: turn.output_tokens,
      token_details: turn.token_details,
      conversation_name: turn.conversation_name,
      conversation_model: turn.conversation_model,
      schema_json: schema,
      prompt: textOf(promptParts, "text"),
      system: (system && textOf(parts.get(system.hash) ?? [], "text")) || null,
      response: textOf(outParts, "text"),
      reasoning: textOf(outParts, "reasoning") || null,
      prompt_json: null,
      response_json: resolveResponseJson(
        turn,
        output,
        parts,
        extra.tools,
        schema,
        jsonReplacements,
      ),
      prompt_fragments: extra.prompt_fragments,
      system_fragments: extra.system_fragments,
      tools: extra.tools,
      tool_calls,
      tool_results,
      attachments: inputParts.filter((p) => p.type === "attachment").flatMap((p) => p.attachments),
    };
    return row;
  });
}

function resolveResponseJson(
  turn: TurnSqlRow,
  output: MessageInfo[],
  parts: Map<string, LoadedPart[]>,
  tools: LogTool[],
  schema: JsonValue,
  jsonReplacements: QueryLogsOptions["jsonReplacements"],
): JsonValue {
  if (!turn.response_json) return null;
  // The output messages as stored; only their text, outputs, arguments and metadata are read here
  const messages = output.map((m) =>
    ({
      role: m.role,
      parts: (parts.get(m.hash) ?? []).map((p) => p.dict),
      provider_metadata: m.providerMetadata ? parseJson(m.providerMetadata) : undefined,
    }) as unknown as Message
  );
  const replacements = payloadReplacements(messages, {
    tools: tools.map((tool) => ({ name: tool.name, description: tool.description })),
    schema: isJsonObject(schema) ? schema : null,
    modelReplacements: turn.model ? jsonReplacements?.(turn.model) : null,
  });
  try {
    return uncondense(parseJson(turn.response_json), replacements);
  } catch (error) {
    if (error instanceof UncondenseError) return null;
    throw error;
  }
}
