/**
 * `--schema` / `--schema-multi` values, resolved as Python `llm` does: `t:TEMPLATE` (the template's
 * `schema_object`), a JSON object, the concise DSL (`name, age int: their age`), a JSON file, or the id of a
 * schema stored in logs.db.
 * @module
 */
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

/** A JSON schema object. */
export type JsonSchema = Record<string, unknown>;

const DSL_TYPES: Record<string, string> = { int: "integer", float: "number", bool: "boolean", str: "string" };

/**
 * Builds a JSON schema from the concise DSL: fields separated by commas (or newlines), each `name [type][:
 * description]` with type `str` (default), `int`, `float` or `bool`; every field is required.
 * @throws {LlmError} for a field with a description but no name.
 */
export function schemaDsl(dsl: string, multi = false): JsonSchema {
  const properties: Record<string, Record<string, string>> = {};
  const required: string[] = [];
  const fields = dsl.split(dsl.includes("\n") ? "\n" : ",").map((f) => f.trim()).filter(Boolean);
  for (const field of fields) {
    const colon = field.indexOf(":");
    const info = colon === -1 ? field : field.slice(0, colon);
    const description = colon === -1 ? "" : field.slice(colon + 1).trim();
    const parts = info.trim().split(/\s+/).filter(Boolean);
    if (!parts.length) {
      throw new LlmError(`Invalid schema DSL: field '${field}' is missing a name before ':'`);
    }
    const property: Record<string, string> = { type: DSL_TYPES[parts[1]] ?? "string" };
    if (description) property.description = description;
    properties[parts[0]] = property;
    required.push(parts[0]);
  }
  const schema = { type: "object", properties, required };
  return multi ? multiSchema(schema) : schema;
}

/** Wraps a schema as `{"items": [...]}` of it, for `--schema-multi`. */
export function multiSchema(schema: JsonSchema): JsonSchema {
  return { type: "object", properties: { items: { type: "array", items: schema } }, required: ["items"] };
}

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
    const { loadTemplate } = await import("../templates/load.ts");
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
