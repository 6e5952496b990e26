/**
 * `llm similar COLLECTION [ID]`: the items of a collection closest to some content (`-c`, `-i`, stdin) or to
 * a stored item, by cosine similarity, as newline-delimited JSON or (`-p`) plain text, like Python `llm`.
 * @module
 */
import "../../../deps/sqlite_ready.ts"; // node:sqlite loaded before this module opens a database
import { LlmError } from "../../../models/errors.ts";
import { Collection } from "../../../embeddings/collection.ts";
import { openEmbeddingsDb } from "../../../embeddings/db.ts";
import { pyFloat, pythonFloatRepr, pythonJsonDumps } from "../../../compat/python_json.ts";
import type { CommandContext } from "../../../commands/spec.ts";
import { checkInputFile, databasePath, indent, readContent } from "./_embed_shared.ts";

/** Neither content nor an ID was given. */
export class NothingToCompareError extends LlmError {
  /** Creates the error. */
  constructor() {
    super("Must provide content or an ID for the comparison: pass an ID, -c TEXT or -i FILE");
  }
}

/** `llm similar`. */
export async function similarCommand(ctx: CommandContext): Promise<void> {
  const input = ctx.values.input as string | undefined;
  if (input) checkInputFile(input, "'-i' / '--input'", ctx);
  const id = ctx.args.id as string | undefined;
  if (!id && !ctx.values.content && !input) throw new NothingToCompareError();
  const db = openEmbeddingsDb(databasePath(ctx), { require: "embeddings" });
  try {
    const collection = await Collection.open(String(ctx.args.collection), { db, create: false });
    const options = {
      number: (ctx.values.number as number | undefined) ?? 10,
      prefix: ctx.values.prefix as string,
    };
    const results = id
      ? await collection.similarById(id, options)
      : await collection.similar(await readContent(ctx), options);
    for (const entry of results) {
      if (ctx.values.plain) {
        let text = `${entry.id} (${pythonFloatRepr(entry.score)})\n\n`;
        if (entry.content) text += indent(entry.content, "  ") + "\n";
        if (entry.metadata) text += indent(pythonJsonDumps(entry.metadata), "  ") + "\n";
        ctx.io.stdout.write(text + "\n");
      } else {
        ctx.io.stdout.write(pythonJsonDumps({ ...entry, score: pyFloat(entry.score) }) + "\n");
      }
    }
  } finally {
    db.close();
  }
}
