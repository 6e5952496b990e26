/**
 * `llm logs --json` and `llm logs --data*` output, byte for byte as Python `llm` 0.32 prints it.
 *
 * @module
 */

import { isJsonObject, type JsonValue, parseJson } from "../../compat/json_value.ts";
import type { LogRow } from "../../logs/query/log_row.ts";
import { truncateString } from "../../compat/python_text.ts";
import { pythonJsonDumps } from "../../compat/python_json.ts";

/** How rows are shaped before display (`-t/--truncate`, `-e/--expand`). */
export interface AnnotateOptions {
  /** Cut prompt and response to 100 characters and drop every non-null `*_json` key. */
  truncate?: boolean;
  /** Keep fragment contents whole instead of cutting them to 100 characters. */
  expand?: boolean;
}

/** A row as displayed: `--truncate` may have dropped its `*_json` keys. */
export type DisplayRow = Omit<LogRow, "options_json" | "schema_json" | "prompt_json" | "response_json"> & {
  options_json?: JsonValue;
  schema_json?: JsonValue;
  prompt_json?: JsonValue;
  response_json?: JsonValue;
};

/** Applies `--truncate` and `--expand` to copies of `rows`, as Python does before any output. */
export function annotateRows(rows: readonly LogRow[], options: AnnotateOptions = {}): DisplayRow[] {
  return rows.map((row) => {
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(row)) {
      if (options.truncate && key.endsWith("_json") && value !== null) continue;
      if (key === "prompt_fragments" || key === "system_fragments") {
        copy[key] = (value as LogRow["prompt_fragments"]).map((fragment) => ({
          hash: fragment.hash,
          content: options.expand ? fragment.content : truncateString(fragment.content),
          aliases: fragment.aliases,
        }));
      } else if (options.truncate && (key === "prompt" || key === "response")) {
        copy[key] = truncateString((value as string | null) || "");
      } else {
        copy[key] = value;
      }
    }
    return copy as DisplayRow;
  });
}

/** The text of `llm logs --json`: the rows as a JSON array, indent 2, plus the final newline. */
export function renderLogsJson(rows: readonly LogRow[], options: AnnotateOptions = {}): string {
  return pythonJsonDumps(annotateRows(rows, options), { indent: 2 }) + "\n";
}

/** Options of {@linkcode renderLogsData}. */
export interface DataOptions {
  /** `--data-array`: one JSON array (`[{...},\n {...}]`) instead of one object a line. */
  array?: boolean;
  /** `--data-key`: when a response is an object whose KEY holds a list of objects, output those. */
  key?: string | null;
  /** `--data-ids`: add `response_id` and `conversation_id` (both the row id, as Python does). */
  ids?: boolean;
}

/**
 * The text of `llm logs --data` / `--data-array` / `--data-key` / `--data-ids`: each response parsed as
 * JSON (rows whose response is not JSON are skipped). Rows are printed in the order given; note that Python
 * prints `--data` (without `-q`) newest first and the other forms oldest first.
 */
export function renderLogsData(rows: readonly LogRow[], options: DataOptions = {}): string {
  const items: JsonValue[] = [];
  for (const row of rows) {
    let decoded: JsonValue;
    try {
      decoded = parseJson(row.response || "");
    } catch {
      continue;
    }
    const key = options.key;
    let found: JsonValue[] = [decoded];
    if (isJsonObject(decoded) && key != null && key in decoded) {
      const list = decoded[key];
      if (Array.isArray(list) && list.every(isJsonObject)) found = [...list];
    }
    if (options.ids) {
      for (const item of found) {
        if (!isJsonObject(item)) continue;
        item[unusedKey(item, "response_id")] = row.id;
        item[unusedKey(item, "conversation_id")] = row.id;
      }
    }
    items.push(...found);
  }
  if (!options.array) return items.map((item) => pythonJsonDumps(item) + "\n").join("");
  if (!items.length) return "[]\n";
  return items.map((item, i) =>
    (i === 0 ? "[" : " ") + pythonJsonDumps(item) + (i === items.length - 1 ? "]" : ",") + "\n"
  ).join("");
}

function unusedKey(item: Record<string, unknown>, key: string): string {
  while (key in item) key += "_";
  return key;
}
