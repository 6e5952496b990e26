/**
 * Choosing and producing the output of `llm logs list` from its flags, in the precedence Python `llm` 0.32
 * uses: `--data*`, then `--json`, then `-x/--xl`, then `-r`, and otherwise Markdown or `--short` YAML.
 *
 * @example
 * ```ts ignore
 * import { DatabaseSync } from "node:sqlite";
 * import { queryLogs } from "../../logs/query/query_logs.ts";
 * import { renderLogs } from "./output.ts";
 * const db = new DatabaseSync("logs.db");
 * const rows = queryLogs(db, { count: 3 });
 * Deno.stdout.writeSync(new TextEncoder().encode(renderLogs(rows, { usage: true })));
 * ```
 *
 * @module
 */
import { LlmError } from "../../errors.ts";

import type { LogRow } from "../../logs/query/log_row.ts";
import { annotateRows, renderLogsData, renderLogsJson } from "./json.ts";
import { renderLogsMarkdown } from "./markdown.ts";
import { extractCodeBlock } from "./code_blocks.ts";
import { renderLogsShort } from "./short_yaml.ts";

/** Output flags of `llm logs list`. */
export interface RenderLogsOptions {
  /** `--json`. */
  json?: boolean;
  /** `-s/--short`. */
  short?: boolean;
  /** `-u/--usage`. */
  usage?: boolean;
  /** `-r/--response`: only the last response's text. */
  response?: boolean;
  /** `-x/--extract`: the first fenced code block. */
  extract?: boolean;
  /** `--xl/--extract-last`: the last fenced code block. */
  extractLast?: boolean;
  /** `-t/--truncate`. */
  truncate?: boolean;
  /** `-e/--expand`. */
  expand?: boolean;
  /** A conversation was selected (`--cid`, `-c`, or `-r`): Markdown headers only on the first row. */
  conversation?: boolean;
  /** `--data`. */
  data?: boolean;
  /** `--data-array`. */
  dataArray?: boolean;
  /** `--data-key KEY`. */
  dataKey?: string | null;
  /** `--data-ids`. */
  dataIds?: boolean;
  /** The rows came from a `-q` search (they are then in relevance order). */
  searched?: boolean;
  /** With `usage`, Markdown output adds each response's cost (not in Python llm). */
  costs?: boolean;
  /** The model object for an id, for prices plugins set (with `costs`). */
  modelFor?: (id: string) => unknown;
}

/** True when these flags give the default Markdown output (which a terminal may render). */
export function isMarkdownOutput(options: RenderLogsOptions): boolean {
  return !(options.data || options.dataArray || options.dataKey || options.dataIds || options.json ||
    options.extract || options.extractLast || options.response || options.short);
}

/** Flags that cannot be combined, such as `--short` with `--json`. */
export class LogsOptionsError extends LlmError {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
  }
}

/**
 * Checks flag combinations the way Python does before reading anything.
 *
 * @throws {LogsOptionsError} `Cannot use --short and --json together` (or `--response`, or both).
 */
export function checkRenderOptions(options: RenderLogsOptions): void {
  if (options.short && (options.json || options.response)) {
    const flags = [options.json ? "--json" : "", options.response ? "--response" : ""].filter(Boolean);
    throw new LogsOptionsError(`Cannot use --short and ${flags.join(" or ")} together`);
  }
}

/**
 * Everything `llm logs list` prints to stdout for these rows (as {@linkcode queryLogs} returned them) and
 * flags, final newline included.
 *
 * @throws {LogsOptionsError} for flag combinations Python rejects.
 */
export function renderLogs(rows: readonly LogRow[], options: RenderLogsOptions = {}): string {
  checkRenderOptions(options);
  if (options.data || options.dataArray || options.dataKey || options.dataIds) {
    // Python leaves `--data` rows newest first unless they came from a search
    const ordered = options.data && !options.searched ? [...rows].reverse() : rows;
    return renderLogsData(ordered, { array: options.dataArray, key: options.dataKey, ids: options.dataIds });
  }
  if (options.json) return renderLogsJson(rows, options);
  let output: string | null = null;
  if (options.extract || options.extractLast) {
    for (const row of annotateRows(rows, options)) {
      output = row.response === null ? null : extractCodeBlock(row.response, options.extractLast);
      if (output !== null) break;
    }
  } else if (options.response && rows.length) {
    output = annotateRows(rows.slice(-1), options)[0].response;
  }
  if (output !== null) return output + "\n";
  return options.short ? renderLogsShort(rows, options) : renderLogsMarkdown(rows, options);
}
