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
  /** The plugin and server-side tools its first turn offered, as `-T` specs (see {@link firstTurnTools}). */
  tools: FirstTurnTool[];
}

/** A tool the first turn of a logged conversation offered. */
export interface FirstTurnTool {
  /** The tool's name (`llm_version`, `web_search`). */
  name: string;
  /** The plugin that provided it; null for `--functions` tools (and server-side tools). */
  plugin: string | null;
  /** The `-T` spec that offers it again: its name, or `Class(arguments)` for a configured instance. */
  spec: string;
  /** The class of its instance (a toolbox or server-side tool), if any. */
  instance?: string;
}

/**
 * The tools the first turn of thread `id` offered, one per tool or instance, as Python llm reads them to
 * offer them again on `-c` (its `turn_tools` rows); none for a database without those tables.
 */
export function firstTurnTools(db: DatabaseSync, id: string): FirstTurnTool[] {
  let rows: Record<string, unknown>[];
  try {
    rows = db.prepare(
      `SELECT tools.name, tools.plugin, turn_tools.instance_id, tool_instances.name AS instance_name,
         tool_instances.arguments AS instance_arguments
       FROM tools JOIN turn_tools ON turn_tools.tool_id = tools.id
       LEFT JOIN tool_instances ON tool_instances.id = turn_tools.instance_id
       WHERE turn_tools.turn_id = (SELECT id FROM turns WHERE thread_id = ? ORDER BY id LIMIT 1)`,
    ).all(id) as Record<string, unknown>[];
  } catch {
    return [];
  }
  const seen = new Set<unknown>();
  const tools: FirstTurnTool[] = [];
  for (const row of rows) {
    const plugin = (row.plugin as string | null) ?? null;
    if (row.instance_id === null || row.instance_id === undefined) {
      tools.push({ name: String(row.name), plugin, spec: String(row.name) });
    } else if (!seen.has(row.instance_id)) {
      seen.add(row.instance_id);
      const instance = String(row.instance_name);
      const args = row.instance_arguments as string | null;
      const spec = args && args !== "{}" ? `${instance}(${args})` : instance;
      tools.push({ name: String(row.name), plugin, spec, instance });
    }
  }
  return tools;
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
  return {
    id: loaded.id,
    name: loaded.name ?? undefined,
    model: loaded.model,
    messages: loaded.messages,
    tools: firstTurnTools(db, loaded.id),
  };
}
