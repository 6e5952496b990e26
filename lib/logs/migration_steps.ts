/**
 * The 30 named steps that build logs.db, as Python llm 0.32 defines them (names, tables, columns, indexes,
 * full-text search, the `message_tree` view), in order. `migrations.ts` runs them.
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import {
  addColumn,
  columnNames,
  type ColumnType,
  createIndex,
  createTable,
  enableFts,
  quoteId,
  tableExists,
  transformTable,
} from "./_schema_ops.ts";
import { MESSAGE_TREE_VIEW_SQL } from "./_message_tree_view.ts";
import { createMessageStore } from "./_message_store.ts";

/** One named schema step: its name as Python llm records it, and what it does. */
export interface Migration {
  readonly name: string;
  readonly up: (db: DatabaseSync) => void;
}

const T: ColumnType = "TEXT";
const I: ColumnType = "INTEGER";

const LOG_COLUMN_ORDER = [
  "id",
  "model",
  "prompt",
  "system",
  "prompt_json",
  "options_json",
  "response",
  "response_json",
  "reply_to_id",
  "chat_id",
  "duration_ms",
  "timestamp_utc",
];

function fk(
  column: string,
  table: string,
  otherColumn = "id",
): { column: string; table: string; otherColumn: string } {
  return { column, table, otherColumn };
}

/** Returns the id of the `tool_instances` row for this configuration, inserting it when new. */
function toolInstanceId(db: DatabaseSync, name: unknown, plugin: unknown, args: unknown): number {
  const found = db.prepare(
    "SELECT id FROM tool_instances WHERE name IS ? AND plugin IS ? AND arguments IS ?",
  ).get(name as string, plugin as string, args as string) as { id: number } | undefined;
  if (found) return found.id;
  const result = db.prepare("INSERT INTO tool_instances (plugin, name, arguments) VALUES (?, ?, ?)")
    .run(plugin as string, name as string, args as string);
  return Number(result.lastInsertRowid);
}

// The ancient `log` table of llm 0.1-0.4 is carried forward by m001-m008 and dropped by m009 when empty;
// on a new database these steps create it and remove it again, exactly as Python llm does.
export const MIGRATIONS: readonly Migration[] = [
  {
    name: "m001_initial",
    up(db) {
      if (tableExists(db, "log")) {
        if (!columnNames(db, "log").includes("chat_id")) addColumn(db, "log", "chat_id", T);
        return;
      }
      createTable(db, "log", [
        ["provider", T],
        ["system", T],
        ["prompt", T],
        ["chat_id", T],
        ["response", T],
        ["model", T],
        ["timestamp", T],
      ]);
    },
  },
  { name: "m002_id_primary_key", up: (db) => transformTable(db, "log", { pk: "id" }) },
  {
    name: "m003_chat_id_foreign_key",
    up(db) {
      transformTable(db, "log", { types: { chat_id: I } });
      transformTable(db, "log", { addForeignKeys: [fk("chat_id", "log")] });
    },
  },
  {
    name: "m004_column_order",
    up: (db) =>
      transformTable(db, "log", {
        columnOrder: ["id", "model", "timestamp", "prompt", "system", "response", "chat_id"],
      }),
  },
  { name: "m004_drop_provider", up: (db) => transformTable(db, "log", { drop: ["provider"] }) },
  {
    name: "m005_debug",
    up(db) {
      addColumn(db, "log", "debug", T);
      addColumn(db, "log", "duration_ms", I);
    },
  },
  {
    name: "m006_new_logs_table",
    up(db) {
      const existing = columnNames(db, "log");
      const wanted: Array<[string, ColumnType]> = [
        ["options_json", T],
        ["prompt_json", T],
        ["response_json", T],
        ["reply_to_id", I],
      ];
      for (const [column, type] of wanted) {
        if (!existing.includes(column)) addColumn(db, "log", column, type);
      }
      transformTable(db, "log", {
        columnOrder: LOG_COLUMN_ORDER,
        rename: { timestamp: "timestamp_utc", options: "options_json" },
      });
    },
  },
  {
    name: "m007_finish_logs_table",
    up(db) {
      transformTable(db, "log", {
        drop: ["debug"],
        rename: { timestamp_utc: "datetime_utc" },
        dropForeignKeys: ["chat_id"],
      });
      db.exec("ALTER TABLE log RENAME TO logs");
    },
  },
  {
    name: "m008_reply_to_id_foreign_key",
    up: (db) => transformTable(db, "logs", { addForeignKeys: [fk("reply_to_id", "logs")] }),
  },
  {
    name: "m008_fix_column_order_in_logs",
    up: (db) => transformTable(db, "logs", { columnOrder: LOG_COLUMN_ORDER }),
  },
  {
    name: "m009_delete_logs_table_if_empty",
    up(db) {
      // Rows in the old table are history someone may want: keep the table unless it is empty.
      if (!tableExists(db, "logs")) return;
      if (db.prepare("SELECT 1 FROM logs LIMIT 1").get() === undefined) db.exec("DROP TABLE logs");
    },
  },
  {
    name: "m010_create_new_log_tables",
    up(db) {
      createTable(db, "conversations", [["id", T], ["name", T], ["model", T]], { pk: "id" });
      createTable(
        db,
        "responses",
        [
          ["id", T],
          ["model", T],
          ["prompt", T],
          ["system", T],
          ["prompt_json", T],
          ["options_json", T],
          ["response", T],
          ["response_json", T],
          ["conversation_id", T],
          ["duration_ms", I],
          ["datetime_utc", T],
        ],
        { pk: "id", foreignKeys: [fk("conversation_id", "conversations")] },
      );
    },
  },
  { name: "m011_fts_for_responses", up: (db) => enableFts(db, "responses", ["prompt", "response"]) },
  {
    name: "m012_attachments_tables",
    up(db) {
      createTable(db, "attachments", [["id", T], ["type", T], ["path", T], ["url", T], ["content", "BLOB"]], {
        pk: "id",
      });
      createTable(db, "prompt_attachments", [["response_id", T], ["attachment_id", T], ["order", I]], {
        pk: ["response_id", "attachment_id"],
        foreignKeys: [fk("response_id", "responses"), fk("attachment_id", "attachments")],
      });
    },
  },
  {
    name: "m013_usage",
    up(db) {
      addColumn(db, "responses", "input_tokens", I);
      addColumn(db, "responses", "output_tokens", I);
      addColumn(db, "responses", "token_details", T);
    },
  },
  {
    name: "m014_schemas",
    up(db) {
      createTable(db, "schemas", [["id", T], ["content", T]], { pk: "id" });
      addColumn(db, "responses", "schema_id", T, { table: "schemas", otherColumn: "id" });
      // Rebuilding the table dropped its FTS triggers: put the index back.
      enableFts(db, "responses", ["prompt", "response"], { replace: true });
    },
  },
  {
    name: "m015_fragments_tables",
    up(db) {
      createTable(db, "fragments", [["id", I], ["hash", T], ["content", T], ["datetime_utc", T], [
        "source",
        T,
      ]], {
        pk: "id",
      });
      createIndex(db, "fragments", ["hash"], { unique: true });
      createTable(db, "fragment_aliases", [["alias", T], ["fragment_id", I]], {
        pk: "alias",
        foreignKeys: [fk("fragment_id", "fragments")],
      });
      for (const table of ["prompt_fragments", "system_fragments"]) {
        createTable(db, table, [["response_id", T], ["fragment_id", I], ["order", I]], {
          pk: ["response_id", "fragment_id"],
          foreignKeys: [fk("response_id", "responses"), fk("fragment_id", "fragments")],
        });
      }
    },
  },
  {
    name: "m016_fragments_table_pks",
    up(db) {
      // The same fragment may be attached to one response more than once.
      for (const table of ["prompt_fragments", "system_fragments"]) {
        transformTable(db, table, { pk: ["response_id", "fragment_id", "order"] });
      }
    },
  },
  {
    name: "m017_tools_tables",
    up(db) {
      createTable(
        db,
        "tools",
        [["id", I], ["hash", T], ["name", T], ["description", T], ["input_schema", T]],
        {
          pk: "id",
        },
      );
      createIndex(db, "tools", ["hash"], { unique: true });
      createTable(db, "tool_responses", [["tool_id", I], ["response_id", T]], {
        pk: ["tool_id", "response_id"],
        foreignKeys: [fk("tool_id", "tools"), fk("response_id", "responses")],
      });
      const refs = [fk("response_id", "responses"), fk("tool_id", "tools")];
      createTable(
        db,
        "tool_calls",
        [["id", I], ["response_id", T], ["tool_id", I], ["name", T], ["arguments", T], ["tool_call_id", T]],
        { pk: "id", foreignKeys: refs },
      );
      createTable(
        db,
        "tool_results",
        [["id", I], ["response_id", T], ["tool_id", I], ["name", T], ["output", T], ["tool_call_id", T]],
        { pk: "id", foreignKeys: refs },
      );
    },
  },
  { name: "m017_tools_plugin", up: (db) => addColumn(db, "tools", "plugin", T) },
  {
    name: "m018_tool_instances",
    up(db) {
      createTable(db, "tool_instances", [["id", I], ["plugin", T], ["name", T], ["arguments", T]], {
        pk: "id",
      });
      addColumn(db, "tool_results", "instance_id", I, { table: "tool_instances", otherColumn: "id" });
    },
  },
  { name: "m019_resolved_model", up: (db) => addColumn(db, "responses", "resolved_model", T) },
  {
    name: "m020_tool_results_attachments",
    up(db) {
      createTable(
        db,
        "tool_results_attachments",
        [["tool_result_id", I], ["attachment_id", T], ["order", I]],
        {
          pk: ["tool_result_id", "attachment_id"],
          foreignKeys: [fk("tool_result_id", "tool_results"), fk("attachment_id", "attachments")],
        },
      );
    },
  },
  { name: "m021_tool_results_exception", up: (db) => addColumn(db, "tool_results", "exception", T) },
  { name: "m022_response_reasoning", up: (db) => addColumn(db, "responses", "reasoning", T) },
  { name: "m023_message_store", up: createMessageStore },
  {
    name: "m024_tool_instance_references",
    up(db) {
      const instances = { table: "tool_instances", otherColumn: "id" };
      addColumn(db, "turn_tools", "instance_id", I, instances);
      addColumn(db, "tool_instantiations", "instance_id", I, instances);
      const rows = db.prepare(
        "SELECT turn_id, tool_call_id, name, plugin, arguments FROM tool_instantiations",
      )
        .all();
      const update = db.prepare(
        "UPDATE tool_instantiations SET instance_id = ? WHERE turn_id IS ? AND tool_call_id IS ?",
      );
      for (const row of rows) {
        const id = toolInstanceId(db, row.name, row.plugin, row.arguments);
        update.run(id, row.turn_id as string, row.tool_call_id as string);
      }
      transformTable(db, "tool_instantiations", { drop: ["name", "plugin", "arguments"] });
    },
  },
  {
    name: "m025_turn_tools_instance_backfill",
    up(db) {
      // Rows written before turn_tools.instance_id existed: borrow the instance that served a call in the
      // same thread whose toolbox name matches the tool (exactly, or as the "<toolbox>_" name prefix).
      db.exec(`
        UPDATE turn_tools SET instance_id = (
          SELECT inst.id
          FROM turns AS this_turn
          JOIN turns AS other_turn ON other_turn.thread_id = this_turn.thread_id
          JOIN tool_instantiations AS used ON used.turn_id = other_turn.id
          JOIN tool_instances AS inst ON inst.id = used.instance_id
          JOIN tools AS tool ON tool.id = turn_tools.tool_id
          WHERE this_turn.id = turn_tools.turn_id
            AND (tool.name = inst.name OR tool.name LIKE inst.name || '\\_%' ESCAPE '\\')
          LIMIT 1
        )
        WHERE instance_id IS NULL`);
    },
  },
  {
    name: "m026_message_tree_view",
    up: (db) => db.exec(`CREATE VIEW ${quoteId("message_tree")} AS ${MESSAGE_TREE_VIEW_SQL}`),
  },
  { name: "m027_turns_response_json", up: (db) => addColumn(db, "turns", "response_json", T) },
];
