/**
 * What the embedding commands share: the database path (`-d`, `LLM_EMBEDDINGS_DB`, else `embeddings.db` in
 * the user directory), checking paths as click's `Path(exists=True)` does, reading content from `-c`, `-i`
 * or stdin, and Python's `textwrap.indent`.
 * @module
 */
import "../../../deps/sqlite_ready.ts"; // node:sqlite loaded before this module opens a database
import { LlmError } from "../../../models/errors.ts";
import { embeddingsDbPath } from "../../../embeddings/db.ts";
import { readStdinBytes, readStdinText } from "../../io.ts";
import { type CommandContext, UsageError } from "../../../commands/spec.ts";

/** Nothing to embed: `-c` is empty and the file or stdin had nothing. */
export class NoContentError extends LlmError {
  /** Creates the error. */
  constructor() {
    super("No content provided: pass -c TEXT, -i FILE, or pipe the content to stdin");
  }
}

/** The database file the command uses. */
export function databasePath(ctx: CommandContext): string {
  const given = ctx.values.database as string | undefined;
  return given || embeddingsDbPath();
}

/** Throws click's usage error when `path` (an option or argument value) does not exist or is a directory. */
export function checkInputFile(path: string, label: string, ctx: CommandContext, dirOkay = true): void {
  if (path === "-") return;
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(path);
  } catch {
    throw new UsageError(`Invalid value for ${label}: Path '${path}' does not exist.`, ctx.path);
  }
  if (!dirOkay && info.isDirectory) {
    throw new UsageError(`Invalid value for ${label}: File '${path}' is a directory.`, ctx.path);
  }
}

/**
 * The content to embed or compare: `-c`, else the file of `-i` (or stdin for none or `-`), as bytes with
 * `--binary`. Empty content is an error.
 * @throws {NoContentError} when there is nothing.
 */
export async function readContent(ctx: CommandContext): Promise<string | Uint8Array> {
  const content = ctx.values.content as string | undefined;
  if (content) return content;
  const input = ctx.values.input as string | undefined;
  const binary = Boolean(ctx.values.binary);
  let value: string | Uint8Array;
  if (!input || input === "-") value = binary ? await readStdinBytes(ctx.io) : await readStdinText(ctx.io);
  else value = binary ? await Deno.readFile(input) : await Deno.readTextFile(input);
  if (value.length === 0) throw new NoContentError();
  return value;
}

/** Python's `textwrap.indent(text, prefix)`: `prefix` before every line that is not only whitespace. */
export function indent(text: string, prefix: string): string {
  return text.split(/(?<=\r\n|\n|\r(?!\n))/).map((line) => (line.trim() ? prefix + line : line)).join("");
}
