/**
 * `llm embed [COLLECTION] [ID]`: embeds one text (or file, or stdin) and prints the vector, or stores it in
 * a collection, with Python `llm` 0.32's options and output formats.
 * @module
 */
import "../../../deps/sqlite_ready.ts"; // node:sqlite loaded before this module opens a database
import { LlmError } from "../../../models/errors.ts";
import { Collection, type Metadata } from "../../../embeddings/collection.ts";
import { encode } from "../../../embeddings/codec.ts";
import { openEmbeddingsDb } from "../../../embeddings/db.ts";
import { getEmbeddingModel } from "../../../embeddings/registry.ts";
import { parsePythonJson, pyFloat, pythonJsonDumps } from "../../../compat/python_json.ts";
import { type CommandContext, UsageError } from "../../../commands/spec.ts";
import { checkInputFile, databasePath, readContent } from "./_embed_shared.ts";

/** A command-line mistake of `llm embed` that Python reports as an error (exit 1), not a usage error. */
export class EmbedArgumentError extends LlmError {}

/** `--metadata` parsed: a JSON object, or a usage error naming the option. */
export function parseMetadata(raw: string | undefined, ctx: CommandContext): Metadata | undefined {
  if (raw === undefined) return undefined;
  let value: unknown;
  try {
    value = parsePythonJson(raw);
  } catch {
    throw new UsageError("Invalid value for '--metadata': metadata must be valid JSON", ctx.path);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UsageError("Invalid value for '--metadata': metadata must be a JSON object", ctx.path);
  }
  return value as Metadata;
}

function formatVector(vector: number[], format: string): string | Uint8Array {
  const blob = encode(vector);
  if (format === "blob") {
    const out = new Uint8Array(blob.length + 1);
    out.set(blob);
    out[blob.length] = 10;
    return out;
  }
  if (format === "base64") {
    let binary = "";
    for (const b of blob) binary += String.fromCharCode(b);
    return btoa(binary) + "\n";
  }
  if (format === "hex") return [...blob].map((b) => b.toString(16).padStart(2, "0")).join("") + "\n";
  return pythonJsonDumps(vector.map(pyFloat)) + "\n";
}

/** `llm embed`. */
export async function embedCommand(ctx: CommandContext): Promise<void> {
  const metadata = parseMetadata(ctx.values.metadata as string | undefined, ctx);
  const input = ctx.values.input as string | undefined;
  if (input) checkInputFile(input, "'-i' / '--input'", ctx);
  const name = ctx.args.collection as string | undefined;
  const id = ctx.args.id as string | undefined;
  const format = ctx.values.format as string | undefined;
  const modelName = (ctx.values.model as string | undefined) || undefined;
  if (name && !id) throw new EmbedArgumentError("Must provide both collection and id");
  if (ctx.values.store && !name) throw new EmbedArgumentError("Must provide collection when using --store");

  if (!name) {
    const model = await getEmbeddingModel(modelName);
    const content = await readContent(ctx);
    ctx.io.stdout.write(formatVector(await model.embed(content), format ?? "json"));
    return;
  }
  const db = openEmbeddingsDb(databasePath(ctx));
  try {
    const collection = await Collection.open(name, { db, modelId: modelName });
    await collection.model();
    const content = await readContent(ctx);
    await collection.embed(id!, content, { metadata, store: Boolean(ctx.values.store) });
    // Python prints `null` here (the embed method returns nothing); the stored vector is more use.
    if (format) ctx.io.stdout.write(formatVector(collection.embeddingOf(id!) ?? [], format));
  } finally {
    db.close();
  }
}
