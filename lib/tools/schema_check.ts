/**
 * Checking a tool call's arguments against the tool's JSON Schema before it runs, for the schemas tools use:
 * `type` (string, integer, number, boolean, array, object, null), `required`, `properties`, `items`, `enum`,
 * `anyOf`/`oneOf`, and `additionalProperties: false`. Anything else is not checked (left to the tool).
 * @module
 */

type Schema = Record<string, unknown>;

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === "number" && actual === "integer");
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text && text.length > 40 ? `${text.slice(0, 37)}...` : String(text);
}

/** What is wrong with `value` at `path` against `schema`, or `undefined` when it fits. */
function problem(value: unknown, schema: Schema, path: string): string | undefined {
  const where = path || "the arguments";
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (Array.isArray(alternatives)) {
    if (alternatives.some((s) => problem(value, s, path) === undefined)) return undefined;
    return `${where} is ${describe(value)}, which fits none of the allowed forms`;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    return `${where} must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}, not ${
      describe(value)
    }`;
  }
  const types = typeof schema.type === "string"
    ? [schema.type]
    : Array.isArray(schema.type)
    ? schema.type
    : [];
  if (types.length && !types.some((t) => matchesType(value, String(t)))) {
    return `${where} must be ${types.join(" or ")}, not ${typeOf(value)} ${describe(value)}`;
  }
  if (Array.isArray(value) && schema.items && typeof schema.items === "object") {
    for (const [i, item] of value.entries()) {
      const found = problem(item, schema.items as Schema, `${path}[${i}]`);
      if (found) return found;
    }
  }
  if (typeOf(value) === "object") {
    const object = value as Record<string, unknown>;
    for (const name of (schema.required as string[] | undefined) ?? []) {
      if (!(name in object)) return `${path ? `${path}.` : ""}${name} is required`;
    }
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const [name, item] of Object.entries(object)) {
      const inner = properties[name];
      if (inner) {
        const found = problem(item, inner, path ? `${path}.${name}` : name);
        if (found) return found;
      } else if (schema.additionalProperties === false) {
        return `${path ? `${path}.` : ""}${name} is not an accepted argument`;
      } else if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
        const found = problem(item, schema.additionalProperties as Schema, path ? `${path}.${name}` : name);
        if (found) return found;
      }
    }
  }
  return undefined;
}

/**
 * What is wrong with a tool call's arguments, or `undefined` when they fit the schema.
 *
 * @example
 * ```ts
 * import { checkArguments } from "./schema_check.ts";
 * const schema = { properties: { a: { type: "integer" } }, required: ["a"], type: "object" };
 * checkArguments({ a: "3" }, schema); // "a must be integer, not string \"3\""
 * ```
 */
export function checkArguments(
  args: Record<string, unknown>,
  schema: Record<string, unknown>,
): string | undefined {
  return problem(args, schema, "");
}
