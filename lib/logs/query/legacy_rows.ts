/**
 * Building `llm logs` rows from the legacy `responses` table (history logged by `llm` 0.31 and older).
 *
 * A response whose id also exists in `turns` is left out: the turn is the richer record of the same call.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { parseJson } from "../../compat/json_value.ts";
import { allIn } from "./sql.ts";
import type { LogAttachment, LogFragment, LogRow, LogTool, LogToolCall, LogToolResult } from "./log_row.ts";

/** The columns the legacy query selects, in the order Python prints them. */
export const LEGACY_COLUMNS = `responses.id, responses.model, responses.resolved_model, responses.prompt,
  responses.system, responses.prompt_json, responses.options_json, responses.response, responses.reasoning,
  responses.response_json, responses.conversation_id, responses.duration_ms, responses.datetime_utc,
  responses.input_tokens, responses.output_tokens, responses.token_details,
  conversations.name as conversation_name, conversations.model as conversation_model,
  schemas.content as schema_json`;

type SqlRow = Record<string, string | number | null | Uint8Array>;

const jsonOrNull = (
  value: unknown,
) => (value === null || value === undefined ? null : parseJson(String(value)));
const str = (value: unknown) => (value === null || value === undefined ? null : String(value));
const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));

/** Builds rows from legacy query results (selected with {@linkcode LEGACY_COLUMNS}), in the order given. */
export function buildLegacyRows(db: DatabaseSync, rows: SqlRow[]): LogRow[] {
  if (!rows.length) return [];
  const ids = rows.map((row) => String(row.id));
  const extras = new Map(ids.map((id) => [id, {
    attachments: [] as LogAttachment[],
    prompt_fragments: [] as LogFragment[],
    system_fragments: [] as LogFragment[],
    tools: [] as LogTool[],
    tool_calls: [] as LogToolCall[],
    tool_results: [] as LogToolResult[],
  }]));
  const attachmentSql =
    `select prompt_attachments.response_id, attachments.id, attachments.type, attachments.path,
      attachments.url, length(attachments.content) as content_length
    from attachments join prompt_attachments on attachments.id = prompt_attachments.attachment_id
    where prompt_attachments.response_id in ($LIST) order by prompt_attachments."order"`;
  for (const row of allIn<SqlRow>(db, attachmentSql, ids)) {
    extras.get(String(row.response_id))?.attachments.push({
      id: String(row.id),
      type: str(row.type),
      path: str(row.path),
      url: str(row.url),
      content_length: num(row.content_length),
    });
  }
  for (const table of ["prompt_fragments", "system_fragments"] as const) {
    const sql = `select ${table}.response_id, fragments.hash, fragments.content,
        (select json_group_array(fragment_aliases.alias) from fragment_aliases
          where fragment_aliases.fragment_id = fragments.id) as aliases
      from ${table} join fragments on ${table}.fragment_id = fragments.id
      where ${table}.response_id in ($LIST) order by ${table}."order"`;
    for (const row of allIn<SqlRow>(db, sql, ids)) {
      extras.get(String(row.response_id))?.[table].push({
        hash: String(row.hash),
        content: String(row.content),
        aliases: JSON.parse(String(row.aliases ?? "[]")),
      });
    }
  }
  const toolSql = `select tool_responses.response_id, tools.id, tools.hash, tools.name, tools.description,
      tools.input_schema
    from tools join tool_responses on tools.id = tool_responses.tool_id
    where tool_responses.response_id in ($LIST) order by tools.id`;
  for (const row of allIn<SqlRow>(db, toolSql, ids)) {
    extras.get(String(row.response_id))?.tools.push({
      id: Number(row.id),
      hash: String(row.hash),
      name: String(row.name),
      description: str(row.description),
      input_schema: jsonOrNull(row.input_schema),
      instance: null,
    });
  }
  const callSql = `select response_id, id, tool_id, name, arguments, tool_call_id from tool_calls
    where response_id in ($LIST) order by id`;
  for (const row of allIn<SqlRow>(db, callSql, ids)) {
    extras.get(String(row.response_id))?.tool_calls.push({
      id: num(row.id),
      tool_id: num(row.tool_id),
      name: String(row.name),
      arguments: jsonOrNull(row.arguments),
      tool_call_id: str(row.tool_call_id),
    });
  }
  const resultSql =
    `select tool_results.response_id, tool_results.id, tool_results.tool_id, tool_results.name,
      tool_results.output, tool_results.tool_call_id, tool_results.exception, tool_instances.id as instance_id,
      tool_instances.name as instance_name, tool_instances.plugin as instance_plugin,
      tool_instances.arguments as instance_arguments
    from tool_results left join tool_instances on tool_results.instance_id = tool_instances.id
    where tool_results.response_id in ($LIST) order by tool_results.id`;
  const results = allIn<SqlRow>(db, resultSql, ids);
  const resultAttachments = new Map<number, LogAttachment[]>();
  const resultAttachmentSql =
    `select tool_results_attachments.tool_result_id, attachments.id, attachments.type,
      attachments.path, attachments.url, length(attachments.content) as content_length
    from tool_results_attachments join attachments on tool_results_attachments.attachment_id = attachments.id
    where tool_results_attachments.tool_result_id in ($LIST) order by tool_results_attachments."order"`;
  for (const row of allIn<SqlRow>(db, resultAttachmentSql, results.map((r) => Number(r.id)))) {
    const list = resultAttachments.get(Number(row.tool_result_id)) ?? [];
    const length = num(row.content_length);
    const attachment: LogAttachment = {
      id: String(row.id),
      type: str(row.type),
      path: str(row.path),
      url: str(row.url),
      content: null,
    };
    if (length) Object.assign(attachment, { content: true, content_length: length });
    list.push(attachment);
    resultAttachments.set(Number(row.tool_result_id), list);
  }
  for (const row of results) {
    extras.get(String(row.response_id))?.tool_results.push({
      id: num(row.id),
      tool_id: num(row.tool_id),
      name: String(row.name),
      output: str(row.output),
      tool_call_id: str(row.tool_call_id),
      exception: str(row.exception),
      instance: row.instance_id === null ? null : {
        name: String(row.instance_name),
        plugin: str(row.instance_plugin),
        arguments: str(row.instance_arguments),
      },
      attachments: resultAttachments.get(Number(row.id)) ?? [],
    });
  }
  return rows.map((row) => {
    const extra = extras.get(String(row.id))!;
    // Key order as Python prints legacy rows: the responses columns first, then the extras
    const built: LogRow = {
      id: String(row.id),
      model: str(row.model),
      resolved_model: str(row.resolved_model),
      prompt: str(row.prompt),
      system: str(row.system),
      prompt_json: jsonOrNull(row.prompt_json),
      options_json: jsonOrNull(row.options_json),
      response: str(row.response),
      reasoning: str(row.reasoning),
      response_json: jsonOrNull(row.response_json),
      conversation_id: str(row.conversation_id),
      duration_ms: num(row.duration_ms),
      datetime_utc: str(row.datetime_utc),
      input_tokens: num(row.input_tokens),
      output_tokens: num(row.output_tokens),
      token_details: str(row.token_details),
      conversation_name: str(row.conversation_name),
      conversation_model: str(row.conversation_model),
      schema_json: jsonOrNull(row.schema_json),
      prompt_fragments: extra.prompt_fragments,
      system_fragments: extra.system_fragments,
      tools: extra.tools,
      tool_calls: extra.tool_calls,
      tool_results: extra.tool_results,
      attachments: extra.attachments,
    };
    return built;
  });
}
