/**
 * Migration m023: the content-addressed message store of llm 0.32 (messages, parts, threads, turns and
 * the tables linking them to fragments, attachments, tools and tool instances), in the exact shape
 * Python llm 0.32 creates.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { type ColumnType, createIndex, createTable, enableFts, type ForeignKeySpec } from "./_schema_ops.ts";

const T: ColumnType = "TEXT";
const I: ColumnType = "INTEGER";

function fk(column: string, table: string, otherColumn = "id"): ForeignKeySpec {
  return { column, table, otherColumn };
}

/** The content-addressed message store of llm 0.32 (messages, parts, threads, turns and their links). */
export function createMessageStore(db: DatabaseSync): void {
  createTable(db, "messages", [["hash", T], ["parent_hash", T], ["role", T], ["provider_metadata", T]], {
    pk: "hash",
    foreignKeys: [fk("parent_hash", "messages", "hash")],
  });
  createIndex(db, "messages", ["parent_hash"]);
  createTable(
    db,
    "parts",
    [["id", I], ["message_hash", T], ["position", I], ["type", T], ["tool_name", T], ["text", T], [
      "payload",
      T,
    ]],
    { pk: "id", foreignKeys: [fk("message_hash", "messages", "hash")] },
  );
  createIndex(db, "parts", ["message_hash", "position"], { unique: true });
  createTable(db, "part_attachments", [["part_id", I], ["attachment_id", T], ["order", I]], {
    pk: ["part_id", "attachment_id", "order"],
    foreignKeys: [fk("part_id", "parts"), fk("attachment_id", "attachments")],
  });
  createTable(db, "part_fragments", [["part_id", I], ["fragment_id", I], ["order", I]], {
    pk: ["part_id", "fragment_id", "order"],
    foreignKeys: [fk("part_id", "parts"), fk("fragment_id", "fragments")],
  });
  createIndex(db, "part_fragments", ["fragment_id"]);
  createTable(
    db,
    "threads",
    [["id", T], ["name", T], ["tip_message_hash", T], ["forked_from", T], ["datetime_utc", T]],
    { pk: "id", foreignKeys: [fk("tip_message_hash", "messages", "hash"), fk("forked_from", "threads")] },
  );
  createTable(
    db,
    "turns",
    [
      ["id", T],
      ["thread_id", T],
      ["parent_message_hash", T],
      ["tip_message_hash", T],
      ["model", T],
      ["resolved_model", T],
      ["options_json", T],
      ["schema_id", T],
      ["input_tokens", I],
      ["output_tokens", I],
      ["token_details", T],
      ["duration_ms", I],
      ["datetime_utc", T],
    ],
    {
      pk: "id",
      foreignKeys: [
        fk("thread_id", "threads"),
        fk("parent_message_hash", "messages", "hash"),
        fk("tip_message_hash", "messages", "hash"),
        fk("schema_id", "schemas"),
      ],
    },
  );
  createIndex(db, "turns", ["thread_id"]);
  createTable(db, "turn_tools", [["turn_id", T], ["tool_id", I]], {
    pk: ["turn_id", "tool_id"],
    foreignKeys: [fk("turn_id", "turns"), fk("tool_id", "tools")],
  });
  createTable(db, "turn_fragments", [["turn_id", T], ["fragment_id", I], ["order", I], ["kind", T]], {
    pk: ["turn_id", "fragment_id", "kind", "order"],
    foreignKeys: [fk("turn_id", "turns"), fk("fragment_id", "fragments")],
  });
  createIndex(db, "turn_fragments", ["fragment_id"]);
  createTable(db, "turn_search", [["id", I], ["turn_id", T], ["prompt", T], ["response", T]], {
    pk: "id",
    foreignKeys: [fk("turn_id", "turns")],
  });
  createIndex(db, "turn_search", ["turn_id"], { unique: true });
  enableFts(db, "turn_search", ["prompt", "response"]);
  createTable(
    db,
    "tool_instantiations",
    [["turn_id", T], ["tool_call_id", T], ["name", T], ["plugin", T], ["arguments", T]],
    { pk: ["turn_id", "tool_call_id"], foreignKeys: [fk("turn_id", "turns")] },
  );
}
