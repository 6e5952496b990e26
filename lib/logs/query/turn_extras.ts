/**
 * The per-turn extras of `llm logs` rows (tools, fragments, toolbox instances), read in batches.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { parseJson } from "../../compat/json_value.ts";
import { allIn } from "./sql.ts";
import type { LogFragment, LogTool, LogToolInstance } from "./log_row.ts";

/** Tools, fragments and toolbox instances of one turn. */
export interface TurnExtras {
  /** Tools offered, in tool id order. */
  tools: LogTool[];
  /** Fragments the prompt used, in order. */
  prompt_fragments: LogFragment[];
  /** Fragments the system prompt used, in order. */
  system_fragments: LogFragment[];
  /** Toolbox instances that served tool calls, by tool call id. */
  instances: Map<string, LogToolInstance>;
}

/** Reads the tools, fragments and toolbox instances of these turns in three queries. */
export function loadExtras(db: DatabaseSync, ids: string[]): Map<string, TurnExtras> {
  const extras = new Map<string, TurnExtras>(
    ids.map((id) => [id, { tools: [], prompt_fragments: [], system_fragments: [], instances: new Map() }]),
  );
  const toolSql = `select turn_tools.turn_id, tools.id, tools.hash, tools.name, tools.description,
      tools.input_schema, tool_instances.name as instance_name, tool_instances.arguments as instance_arguments
    from tools join turn_tools on turn_tools.tool_id = tools.id
    left join tool_instances on tool_instances.id = turn_tools.instance_id
    where turn_tools.turn_id in ($LIST) order by turn_tools.turn_id, turn_tools.tool_id`;
  for (const row of allIn<Record<string, string | number | null>>(db, toolSql, ids)) {
    extras.get(String(row.turn_id))?.tools.push({
      id: Number(row.id),
      hash: String(row.hash),
      name: String(row.name),
      description: row.description as string | null,
      input_schema: parseJson(String(row.input_schema || "{}")),
      instance: row.instance_name
        ? { name: String(row.instance_name), arguments: row.instance_arguments as string | null }
        : null,
    });
  }
  const fragmentSql = `select turn_fragments.turn_id, turn_fragments.kind, fragments.hash, fragments.content,
      (select json_group_array(fragment_aliases.alias) from fragment_aliases
        where fragment_aliases.fragment_id = fragments.id) as aliases
    from turn_fragments join fragments on fragments.id = turn_fragments.fragment_id
    where turn_fragments.turn_id in ($LIST) order by turn_fragments.turn_id, turn_fragments."order"`;
  for (const row of allIn<Record<string, string | null>>(db, fragmentSql, ids)) {
    const target = extras.get(String(row.turn_id));
    const list = row.kind === "system" ? target?.system_fragments : target?.prompt_fragments;
    list?.push({
      hash: String(row.hash),
      content: String(row.content),
      aliases: JSON.parse(row.aliases ?? "[]"),
    });
  }
  const instanceSql =
    `select tool_instantiations.turn_id, tool_instantiations.tool_call_id, tool_instances.name,
      tool_instances.plugin, tool_instances.arguments
    from tool_instantiations join tool_instances on tool_instances.id = tool_instantiations.instance_id
    where tool_instantiations.turn_id in ($LIST)`;
  for (const row of allIn<Record<string, string | null>>(db, instanceSql, ids)) {
    extras.get(String(row.turn_id))?.instances.set(String(row.tool_call_id), {
      name: String(row.name),
      plugin: row.plugin,
      arguments: row.arguments,
    });
  }
  return extras;
}
