/**
 * JSON schemas for structured outputs, made into the subset the Messages API accepts (what the Anthropic
 * SDK's `transform_schema` sends, which `llm-anthropic` uses): every object closed with
 * `additionalProperties: false`, string formats limited to the supported ones, and any keyword the API does
 * not take moved into the description so the model may still follow it.
 * @module
 */

/** A JSON schema, as a plain object. */
export type JsonSchema = Record<string, unknown>;
type Schema = JsonSchema;

const STRING_FORMATS = new Set([
  "date-time",
  "time",
  "date",
  "duration",
  "email",
  "hostname",
  "uri",
  "ipv4",
  "ipv6",
  "uuid",
]);

/** A value as Python's `str()` prints it inside the description note (`['a', 'b']`, `True`, `3`). */
function pyStr(value: unknown, nested = false): string {
  if (typeof value === "string") {
    return nested ? `'${value.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'` : value;
  }
  if (value === true) return "True";
  if (value === false) return "False";
  if (value === null || value === undefined) return "None";
  if (typeof value === "number") return String(value);
  if (Array.isArray(value)) return `[${value.map((v) => pyStr(v, true)).join(", ")}]`;
  const entries = Object.entries(value as Schema).map(([k, v]) => `${pyStr(k, true)}: ${pyStr(v, true)}`);
  return `{${entries.join(", ")}}`;
}

/**
 * The schema as the API takes it.
 *
 * @example
 * ```ts
 * import { strictSchema } from "./schema.ts";
 * strictSchema({ type: "integer", minimum: 1, description: "A number" });
 * // { type: "integer", description: "A number\n\n{minimum: 1}" }
 * ```
 * @throws {TypeError} for a (sub)schema with neither `type`, `anyOf`, `oneOf`, `allOf` nor `$ref`.
 */
export function strictSchema(schema: JsonSchema): JsonSchema {
  const rest: Schema = { ...schema };
  const out: Schema = {};
  const take = (key: string): unknown => {
    const value = rest[key];
    delete rest[key];
    return value;
  };
  const defs = take("$defs");
  if (defs && typeof defs === "object") {
    out.$defs = Object.fromEntries(
      Object.entries(defs as Schema).map(([k, v]) => [k, strictSchema(v as Schema)]),
    );
  }
  const ref = take("$ref");
  if (ref !== undefined) {
    out.$ref = ref;
    return out;
  }
  const type = take("type");
  const anyOf = take("anyOf");
  const oneOf = take("oneOf");
  const allOf = take("allOf");
  if (Array.isArray(anyOf) || Array.isArray(oneOf)) {
    out.anyOf = ((anyOf ?? oneOf) as Schema[]).map(strictSchema);
  } else if (Array.isArray(allOf)) {
    out.allOf = (allOf as Schema[]).map(strictSchema);
  } else {
    if (type === undefined) {
      throw new TypeError("A schema must have a 'type', 'anyOf', 'oneOf' or 'allOf' field");
    }
    out.type = type;
  }
  const enumValues = take("enum");
  if (Array.isArray(enumValues)) out.enum = enumValues;
  const description = take("description");
  if (description !== undefined && description !== null) out.description = description;
  const title = take("title");
  if (title !== undefined && title !== null) out.title = title;
  if (type === "object") {
    const properties = (take("properties") ?? {}) as Schema;
    out.properties = Object.fromEntries(
      Object.entries(properties).map(([k, v]) => [k, strictSchema(v as Schema)]),
    );
    take("additionalProperties");
    out.additionalProperties = false;
    const required = take("required");
    if (required !== undefined) out.required = required;
  } else if (type === "string") {
    const format = take("format");
    if (typeof format === "string" && STRING_FORMATS.has(format)) out.format = format;
    else if (format) rest.format = format;
  } else if (type === "array") {
    const items = take("items");
    if (items && typeof items === "object") out.items = strictSchema(items as Schema);
    const minItems = take("minItems");
    if (minItems === 0 || minItems === 1) out.minItems = minItems;
    else if (minItems !== undefined) rest.minItems = minItems;
  }
  const leftover = Object.entries(rest);
  if (leftover.length) {
    const note = `{${leftover.map(([k, v]) => `${k}: ${pyStr(v)}`).join(", ")}}`;
    out.description = typeof out.description === "string" ? `${out.description}\n\n${note}` : note;
  }
  return out;
}
