/**
 * `--schema` / `--schema-multi` values, resolved as Python `llm` does: `t:TEMPLATE` (the template's
 * `schema_object`), a JSON object, the concise DSL (`name, age int: their age`), a JSON file, or the id of a
 * schema stored in logs.db.
 * @module
 */
import { lazyImport } from "../lazy_import.ts";
import type { DatabaseSync } from "node:sqlite";
import { LlmError } from "../models/errors.ts";

/** A `--schema` value that is none of the accepted forms (a usage error: exit code 2). */
export class InvalidSchemaError extends LlmError {
  /** The value as given. */
  readonly input: string;
  /** Creates the error for `input`. */
  constructor(input: string) {
    super(
      `Invalid schema '${input}': give JSON, a DSL such as 'name, age int', a JSON file, a stored schema id ` +
        "or t:TEMPLATE",
    );
    this.input = input;
    this.exitCode = 2;
  }
}

export { type JsonSchema, multiSchema, schemaDsl } from "../models/schema_dsl.ts";
import { type JsonSchema, schemaDsl } from "../models/schema_dsl.ts";

function parseObject(text: string): JsonSchema | undefined {
  try {
    const value = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Resolves a `--schema` value. `db` is logs.db, for stored schema ids.
 * @throws {LlmError} for a template without a schema, or a file that is not JSON.
 * @throws {UsageError} when the value is none of the accepted forms.
 */
export async function resolveSchemaInput(
  input: string,
  db: DatabaseSync | (() => DatabaseSync | undefined) | undefined,
): Promise<JsonSchema> {
  const trimmed = input.trim();
  if (trimmed.startsWith("t:")) {
    const name = trimmed.slice(2);
    const { loadTemplate } = await lazyImport<typeof import("../templates/load.ts")>(
      "../templates/load.ts",
      import.meta.url,
    );
    let schema: JsonSchema | undefined;
    try {
      schema = (await loadTemplate(name)).data.schema_object;
    } catch (error) {
      if (error instanceof LlmError) throw new LlmError(`Invalid template: ${name}`, { cause: error });
      throw error;
    }
    if (!schema) throw new LlmError(`Template '${name}' has no schema`);
    return schema;
  }
  if (trimmed.startsWith("{")) {
    const parsed = parseObject(input);
    if (parsed) return parsed;
  }
  if (trimmed.includes(" ") || input.includes(",")) return schemaDsl(input);
  let text: string | undefined;
  try {
    text = await Deno.readTextFile(input);
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    const parsed = parseObject(text);
    if (!parsed) {
      throw new LlmError(`Schema file ${input} contained invalid JSON; fix the file and try again`);
    }
    return parsed;
  }
  const database = typeof db === "function" ? db() : db;
  const row = database?.prepare("select content from schemas where id = ?").get(input) as
    | { content: string }
    | undefined;
  const stored = row ? parseObject(row.content) : undefined;
  if (stored) return stored;
  throw new InvalidSchemaError(input);
}
