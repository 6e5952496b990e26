/**
 * The concise schema DSL of Python llm (`llm schemas dsl`, `--schema 'name, age int'`, `llm.schema_dsl()`):
 * fields separated by commas (or one a line), each `name [type][: description]`, turned into a JSON schema.
 *
 * @example
 * ```ts
 * import { schemaDsl } from "./schema_dsl.ts";
 * schemaDsl("name, age int: in years");
 * // { type: "object", properties: { name: { type: "string" }, age: { type: "integer", description: "in years" } },
 * //   required: ["name", "age"] }
 * ```
 * @module
 */
import { LlmError } from "./errors.ts";

/** A JSON schema object. */
export type JsonSchema = Record<string, unknown>;

const DSL_TYPES: Record<string, string> = { int: "integer", float: "number", bool: "boolean", str: "string" };

/**
 * Builds a JSON schema from the concise DSL: fields separated by commas (or newlines), each `name [type][:
 * description]` with type `str` (default), `int`, `float` or `bool`; every field is required. With `multi`,
 * the schema of an object whose `items` is a list of such objects.
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
