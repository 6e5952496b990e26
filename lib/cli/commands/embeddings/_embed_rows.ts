/**
 * The rows `llm embed-multi` reads from a file or stdin: CSV, TSV, a JSON array (or object), or
 * newline-delimited JSON, detected as sqlite-utils' `rows_from_file` detects them (JSON when the text starts
 * with `[` or `{`, else CSV with a sniffed delimiter). Text that starts with `{` but holds several objects
 * is read as newline-delimited JSON, where Python `llm` needs `--format nl`. Each row is its values in
 * column order: the first is the ID, the rest are joined with spaces as the content.
 * @module
 */
import { LlmError } from "../../../models/errors.ts";
import { pythonFloatRepr } from "../../../compat/python_json.ts";
import { parseOrderedJson } from "./_ordered_json.ts";

/** The formats `--format` takes. */
export type RowFormat = "json" | "csv" | "tsv" | "nl";

/** The input could not be read as rows. */
export class RowsError extends LlmError {}

/** One parsed row: its values in column order. */
export type Row = unknown[];

/** Parses delimited text (RFC 4180 quoting) into records; blank lines give no record. */
export function* parseDelimited(text: string, delimiter: string): Generator<string[]> {
  let field = "";
  let record: string[] = [];
  let quoted = false;
  let fieldStarted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
      continue;
    }
    if (c === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
    } else if (c === delimiter) {
      record.push(field);
      field = "";
      fieldStarted = false;
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      if (fieldStarted || record.length) {
        record.push(field);
        yield record;
      }
      record = [];
      field = "";
      fieldStarted = false;
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  if (fieldStarted || record.length) {
    record.push(field);
    yield record;
  }
}

/** The delimiter of the first line: the most frequent of `,`, tab, `;` and `|` outside quotes (`,` if none). */
export function sniffDelimiter(text: string): string {
  const firstLine = text.split(/\r?\n/, 1)[0].replace(/"[^"]*"/g, "");
  let best = ",";
  let bestCount = 0;
  for (const candidate of [",", "\t", ";", "|"]) {
    const count = firstLine.split(candidate).length - 1;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

function* delimitedRows(text: string, delimiter: string, source: string): Generator<Row> {
  let header: string[] | undefined;
  let line = 1;
  for (const record of parseDelimited(text, delimiter)) {
    if (!header) {
      header = record;
      if (header.length < 2) {
        throw new RowsError(
          `${source} has only one column (${
            header[0] ?? ""
          }): embed-multi takes the first column as the ID ` +
            "and joins the other columns as the content, so it needs at least two",
        );
      }
      continue;
    }
    line++;
    if (record.length > header.length) {
      throw new RowsError(
        `Row ${
          line - 1
        } of ${source} has ${record.length} values but the header names ${header.length} columns; ` +
          "quote values that contain the delimiter",
      );
    }
    yield header.map((_, i) => record[i] ?? null);
  }
}

function objectRow(value: unknown, where: string): Row {
  if (!(value instanceof Map)) {
    throw new RowsError(
      `${where} is not a JSON object: each row must be an object whose first key is the ID`,
    );
  }
  const values = [...value.values()];
  if (values.length < 2) {
    throw new RowsError(
      `${where} has only one key: embed-multi takes the first key as the ID and joins the others as the content`,
    );
  }
  return values;
}

function* jsonRows(text: string, source: string): Generator<Row> {
  let data: unknown;
  try {
    data = parseOrderedJson(text);
  } catch (error) {
    // Several objects, one a line: newline-delimited JSON (Python llm needs --format nl for it).
    if (text.trimStart().startsWith("{")) {
      yield* ndjsonRows(text, source);
      return;
    }
    throw new RowsError(`Could not read ${source} as JSON: ${(error as Error).message}`);
  }
  const list = Array.isArray(data) ? data : data instanceof Map ? [data] : undefined;
  if (!list) throw new RowsError(`${source} must hold a JSON list or object`);
  for (const [i, item] of list.entries()) yield objectRow(item, `Item ${i + 1} of ${source}`);
}

function* ndjsonRows(text: string, source: string): Generator<Row> {
  for (const [i, line] of text.split("\n").entries()) {
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = parseOrderedJson(line);
    } catch (error) {
      throw new RowsError(`Line ${i + 1} of ${source} is not valid JSON: ${(error as Error).message}`);
    }
    yield objectRow(value, `Line ${i + 1} of ${source}`);
  }
}

/**
 * The rows of `text` in `format` (detected when not given). `source` names the input in messages.
 * @throws {RowsError} for text that cannot be read in that format, or rows without content columns.
 */
export function rowsFromText(text: string, format: RowFormat | undefined, source: string): Iterable<Row> {
  const body = text.startsWith("\ufeff") ? text.slice(1) : text;
  switch (format) {
    case "json":
      return jsonRows(body, source);
    case "nl":
      return ndjsonRows(body, source);
    case "csv":
      return delimitedRows(body, ",", source);
    case "tsv":
      return delimitedRows(body, "\t", source);
  }
  const start = body.trimStart();
  if (!start) return [];
  if (start.startsWith("[") || start.startsWith("{")) return jsonRows(body, source);
  return delimitedRows(body, sniffDelimiter(start), source);
}

/** A value as Python's `str()` shows it (ints without `.0`, floats as `repr`, `True`, `None`). */
export function pythonStr(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : pythonFloatRepr(value);
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  const plain = (v: unknown): unknown =>
    v instanceof Map
      ? Object.fromEntries([...v].map(([k, x]) => [k, plain(x)]))
      : Array.isArray(v)
      ? v.map(plain)
      : v;
  return JSON.stringify(plain(value));
}

/** The content of a row: its values after the ID joined with spaces, empty ones (Python-falsy) as "". */
export function rowContent(row: Row): string {
  return row.slice(1).map((
    v,
  ) => (v === null || v === undefined || v === "" || v === 0 || v === false ? "" : pythonStr(v)))
    .join(" ");
}
