/**
 * Continuing a logged conversation (`-c`, `--cid`): the latest one, or one by id, with the exact message
 * chain of its last turn, read from logs.db.
 * @module
 */
import "../deps/sqlite_ready.ts"; // node:sqlite loaded before this module opens a database
import type { DatabaseSync } from "node:sqlite";
import { NoConversationError } from "./errors.ts";
import type { Message } from "../models/messages.ts";
import { loadConversation, newestConversationId } from "../logs/history.ts";

export { NoConversationError } from "./errors.ts";

/** A conversation loaded from logs.db. */
export interface LoggedConversation {
  /** Its id. */
  id: string;
  /** Its name. */
  name?: string;
  /** The model it used. */
  model: string;
  /** The exact message chain to send before the next prompt. */
  messages: Message[];
}

/**
 * The conversation `id`, or the latest one.
 * @throws {NoConversationError} when there is none.
 */
export function loggedConversation(db: DatabaseSync, id?: string): LoggedConversation {
  const wanted = id ?? newestConversationId(db) ?? undefined;
  if (!wanted) throw new NoConversationError(undefined);
  const loaded = loadConversation(db, wanted);
  if (!loaded) throw new NoConversationError(wanted);
  return { id: loaded.id, name: loaded.name ?? undefined, model: loaded.model, messages: loaded.messages };
}
