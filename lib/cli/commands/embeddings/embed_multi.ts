/**
 * `llm embed-multi COLLECTION [INPUT_PATH]`: embeds many items into a collection, in batches, from a CSV,
 * TSV, JSON or newline-delimited JSON file (or stdin), a SQL query (`--sql`, with `--attach`ed databases),
 * or files matching a glob (`--files DIR GLOB`). Items whose stored content hash is unchanged are skipped,
 * so a run that stopped part-way resumes when run again.
 * @module
 */
import "../../../deps/sqlite_ready.ts"; // node:sqlite loaded before this module opens a database
import type { DatabaseSync } from "node:sqlite";
import { Collection, type CollectionItem } from "../../../embeddings/collection.ts";
import { openEmbeddingsDb } from "../../../embeddings/db.ts";
import { readStdinText } from "../../io.ts";
import { type CommandContext, UsageError } from "../../../commands/spec.ts";
import { checkInputFile, databasePath } from "./_embed_shared.ts";
import { decodeText, matchFiles } from "./_embed_files.ts";
import { pythonStr, type Row, rowContent, type RowFormat, RowsError, rowsFromText } from "./_embed_rows.ts";
import { startProgress } from "./_progress.ts";

/** A source of items: the rows (lazily) and how many there are, when known. */
interface Source {
  rows: AsyncIterable<Row> | Iterable<Row>;
  total?: number;
}

function validate(ctx: CommandContext): void {
  const v = ctx.values;
  const files = v.files as [string, string][];
  const encodings = v.encoding as string[];
  const input = ctx.args.input_path as string | undefined;
  if (v.binary && !files.length) throw new UsageError("--binary must be used with --files", ctx.path);
  if (v.binary && encodings.length) throw new UsageError("--binary cannot be used with --encoding", ctx.path);
  if (!input && !v.sql && !files.length) {
    throw new UsageError("Either --sql or input path or --files is required", ctx.path);
  }
  if (files.length && (input || v.sql || v.format)) {
    throw new UsageError("Cannot use --files with --sql, input path or --format", ctx.path);
  }
  if (input) checkInputFile(input, "'INPUT_PATH'", ctx, false);
}

function fileSource(ctx: CommandContext): Source {
  const files = ctx.values.files as [string, string][];
  const binary = Boolean(ctx.values.binary);
  const given = ctx.values.encoding as string[];
  const encodings = given.length ? given : ["utf-8", "latin-1"];
  for (const [dir] of files) {
    let ok = false;
    try {
      ok = Deno.statSync(dir).isDirectory;
    } catch {
      ok = false;
    }
    if (!ok) throw new UsageError(`Invalid directory: ${dir}`, ctx.path);
  }
  async function* rows(): AsyncGenerator<Row> {
    for (const [dir, pattern] of files) {
      for await (const file of matchFiles(dir, pattern)) {
        let bytes: Uint8Array;
        try {
          bytes = await Deno.readFile(file.path);
        } catch (error) {
          ctx.io.stderr.write(`Could not read file ${file.path}: ${(error as Error).message}\n`);
          continue;
        }
        if (binary) {
          yield [file.relative, bytes];
          continue;
        }
        let text: string | undefined;
        for (const encoding of encodings) {
          text = decodeText(bytes, encoding);
          if (text !== undefined) break;
        }
        if (text === undefined) ctx.io.stderr.write(`Could not decode text in file ${file.path}\n`);
        else yield [file.relative, text];
      }
    }
  }
  return { rows: rows() };
}

async function countFiles(files: [string, string][]): Promise<number> {
  let n = 0;
  for (const [dir, pattern] of files) for await (const _ of matchFiles(dir, pattern)) n++;
  return n;
}

function sqlSource(db: DatabaseSync, sql: string): Source {
  const statement = db.prepare(sql);
  const columns = statement.columns().map((c) => c.name);
  if (columns.length < 2) {
    throw new RowsError(
      `The --sql query returns ${columns.length} column${
        columns.length === 1 ? "" : "s"
      }: embed-multi takes the ` +
        "first as the ID and joins the others as the content, so it needs at least two",
    );
  }
  const total = Number((db.prepare(`SELECT count(*) AS c FROM (${sql})`).get() as { c: number }).c);
  // Read up front: the same connection writes the embeddings while the rows are used.
  const rows = (statement.all() as Record<string, unknown>[]).map((row) => columns.map((c) => row[c]));
  return { rows, total };
}

async function fileOrStdinSource(ctx: CommandContext, input: string): Promise<Source> {
  const format = ctx.values.format as RowFormat | undefined;
  const text = input === "-" ? await readStdinText(ctx.io) : await Deno.readTextFile(input);
  const source = input === "-" ? "stdin" : input;
  // Counted in a first pass (for the progress bar), then read again lazily, as Python reads the file twice.
  let total = 0;
  for (const _ of rowsFromText(text, format, source)) total++;
  return { rows: rowsFromText(text, format, source), total };
}

/** The items of `source`: `--prefix` before each ID, `--prepend` before each text. */
async function* itemsOf(source: Source, ctx: CommandContext): AsyncGenerator<CollectionItem> {
  const prefix = String(ctx.values.prefix ?? "");
  const prepend = ctx.values.prepend as string | undefined;
  const binary = Boolean(ctx.values.binary);
  for await (const row of source.rows) {
    const id = prefix + pythonStr(row[0]);
    let content: string | Uint8Array = binary ? row[1] as Uint8Array : rowContent(row);
    if (prepend && typeof content === "string") content = prepend + content;
    yield [id, content];
  }
}

/** `llm embed-multi`. */
export async function embedMultiCommand(ctx: CommandContext): Promise<void> {
  validate(ctx);
  const v = ctx.values;
  const db = openEmbeddingsDb(databasePath(ctx));
  try {
    for (const [alias, path] of v.attach as [string, string][]) {
      db.prepare(`ATTACH DATABASE ? AS "${alias.replace(/"/g, '""')}"`).run(path);
    }
    const collection = await Collection.open(String(ctx.args.collection), {
      db,
      modelId: (v.model as string | undefined) || undefined,
    });
    await collection.model();
    const files = v.files as [string, string][];
    const input = ctx.args.input_path as string | undefined;
    let source: Source;
    if (files.length) {
      source = fileSource(ctx);
      source.total = await countFiles(files);
    } else if (v.sql) source = sqlSource(db, String(v.sql));
    else source = await fileOrStdinSource(ctx, input!);

    const progress = startProgress(ctx.io, "Embedding", source.total);
    try {
      await collection.embedMulti(itemsOf(source, ctx), {
        store: Boolean(v.store),
        batchSize: (v.batchSize as number | undefined) || undefined,
        onProgress: (done) => progress.update(done),
      });
    } finally {
      progress.finish();
    }
  } finally {
    db.close();
  }
}
