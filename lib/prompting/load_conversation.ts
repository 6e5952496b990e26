/**
 * Loading a logged conversation from logs.db as a `Conversation` (what `Conversation.load()` does): its turns
 * become finished responses (their text, messages and options, no request made), and the next prompt sends
 * the exact message chain of its last turn. Importing this module installs it as `Conversation.load`'s
 * reader (the models floor cannot import logs.db's code).
 *
 * @example
 * ```ts ignore
 * import { loadConversation } from "./load_conversation.ts";
 * const conversation = await loadConversation("01j...", { database: "/tmp/logs.db" });
 * console.log(conversation.responses.length, await conversation.responses.at(-1)?.text());
 * ```
 * @module
 */
import "../deps/sqlite_ready.ts"; // node:sqlite loaded before this module opens a database
import { Conversation } from "../models/conversation.ts";
import { type ConversationLoadOptions, setConversationLoader } from "../models/late_bound.ts";
import { Response } from "../models/response.ts";
import type { Model } from "../models/model.ts";
import { logsDbPath, openLogsDb, sqliteFileKind } from "../logs/db.ts";
import { loadConversation as readConversation, newestConversationId } from "../logs/history.ts";
import { getModel } from "../default_registry.ts";
import { ConversationModelError } from "./model_choice.ts";
import { NoConversationError } from "./resume.ts";
import { UnknownModelError } from "../models/errors.ts";
import type { UsageJson } from "../models/response_json.ts";
import { parsePythonJson } from "../compat/python_json.ts";
import type { DatabaseSync } from "node:sqlite";

export type { ConversationLoadOptions } from "../models/late_bound.ts";

function modelNamed(id: string): Model {
  try {
    return getModel(id);
  } catch (error) {
    if (error instanceof UnknownModelError) throw new ConversationModelError(id);
    throw error;
  }
}

/**
 * The conversation `id` of logs.db (the latest one when `id` is undefined), with its turns as responses.
 * A logs.db that does not exist holds no conversation (it is not created).
 * @throws {NoConversationError} when there is no such conversation.
 * @throws {ConversationModelError} when its model is not installed and `options.model` is not given.
 */
export function loadConversation(id?: string, options: ConversationLoadOptions = {}): Promise<Conversation> {
  return Promise.resolve().then(() => readLogged(id, options));
}

function readLogged(id: string | undefined, options: ConversationLoadOptions): Conversation {
  const path = options.database ?? logsDbPath();
  if (sqliteFileKind(path) === "missing") throw new NoConversationError(id);
  const db = openLogsDb(path);
  try {
    const wanted = id ?? newestConversationId(db) ?? undefined;
    if (!wanted) throw new NoConversationError(undefined);
    const loaded = readConversation(db, wanted);
    if (!loaded) throw new NoConversationError(wanted);
    const model = options.model ?? modelNamed(loaded.model);
    const conversation = new Conversation(model, {
      id: loaded.id,
      name: loaded.name ?? undefined,
      loadedMessages: loaded.messages,
    });
    for (const turn of loaded.turns) {
      const turnModel = options.model ?? (turn.model === model.id ? model : undefined);
      conversation.responses.push(Response.fromJSON({
        model: turn.model,
        prompt: {
          messages: turn.input,
          ...(Object.keys(turn.options).length ? { options: turn.options } : {}),
          ...(turn.system ? { system: turn.system } : {}),
        },
        messages: turn.output,
        id: turn.id,
        ...usageOf(db, turn.id, turn.legacy),
        ...(turn.datetimeUtc ? { datetime_utc: turn.datetimeUtc } : {}),
      }, { model: turnModel ?? lookupTurnModel(turn.model, model), conversation }));
    }
    return conversation;
  } finally {
    db.close();
  }
}

/** A logged turn's token usage, as a response's JSON holds it. */
function usageOf(db: DatabaseSync, id: string, legacy: boolean): { usage?: UsageJson } {
  const row = db.prepare(
    `SELECT input_tokens, output_tokens, token_details FROM ${legacy ? "responses" : "turns"} WHERE id = ?`,
  ).get(id) as Record<string, unknown> | undefined;
  if (!row || (row.input_tokens == null && row.output_tokens == null)) return {};
  const usage: UsageJson = {};
  if (typeof row.input_tokens === "number") usage.input = row.input_tokens;
  if (typeof row.output_tokens === "number") usage.output = row.output_tokens;
  if (typeof row.token_details === "string" && row.token_details) {
    usage.details = parsePythonJson(row.token_details) as Record<string, unknown>;
  }
  return { usage };
}

/** An earlier turn's model, or the conversation's when that one is no longer installed. */
function lookupTurnModel(id: string, fallback: Model): Model {
  try {
    return getModel(id);
  } catch {
    return fallback;
  }
}

setConversationLoader(loadConversation);
