/**
 * `llm logs -s/--short`: one short YAML list item a row, byte for byte as Python `llm` 0.32 prints it.
 *
 * @module
 */

import { type JsonObject, type JsonValue, parseJson } from "../../compat/json_value.ts";
import type { LogRow } from "../../logs/query/log_row.ts";
import { type AnnotateOptions, annotateRows } from "./json.ts";
import { truncateString } from "../../compat/python_text.ts";
import { dumpYaml } from "../../compat/pyyaml_dump.ts";
import { pythonJsonDumps } from "../../compat/python_json.ts";

/** Options of {@linkcode renderLogsShort}. */
export interface ShortOptions extends AnnotateOptions {
  /** Add `usage` (`-u/--usage`) to rows that recorded token counts. */
  usage?: boolean;
}

/** The text of `llm logs --short`. */
export function renderLogsShort(rows: readonly LogRow[], options: ShortOptions = {}): string {
  let out = "";
  for (const row of annotateRows(rows, options)) {
    const system = truncateString(row.system || "", 120, { normalizeWhitespace: true });
    const prompt = truncateString(row.prompt || "", 120, { normalizeWhitespace: true, keepEnd: true });
    const obj: JsonObject = {
      model: row.model,
      datetime: (row.datetime_utc ?? "None").split(".")[0],
      conversation: row.conversation_id,
    };
    if (row.tool_calls.length) {
      obj.tool_calls = row.tool_calls.map((call) => `${call.name}(${pythonJsonDumps(call.arguments)})`);
    }
    if (row.tool_results.length) {
      obj.tool_results = row.tool_results.map((result) =>
        `${result.name}: ${result.output === null ? "None" : truncateString(result.output)}`
      );
    }
    if (system) obj.system = system;
    if (prompt) obj.prompt = prompt;
    if (row.attachments.length) {
      obj.attachments = row.attachments.map((attachment) => {
        const details: JsonObject = { type: attachment.type };
        if (attachment.path) details.path = attachment.path;
        if (attachment.url) details.url = attachment.url;
        return details;
      });
    }
    obj.prompt_fragments = row.prompt_fragments.map((f) => f.hash);
    obj.system_fragments = row.system_fragments.map((f) => f.hash);
    if (options.usage && (row.input_tokens || row.output_tokens)) {
      const usage: JsonObject = { input: row.input_tokens, output: row.output_tokens };
      if (row.token_details) usage.details = parseJson(row.token_details) as JsonValue;
      obj.usage = usage;
    }
    out += dumpYaml([obj]).trim() + "\n";
  }
  return out;
}
