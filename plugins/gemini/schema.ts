/**
 * Fitting a JSON Schema to the subset Gemini accepts, as `llm-gemini` does before it sends a `--schema` or a
 * tool's input schema: `$ref`s into `$defs` are replaced by the definitions they name (Gemini has no
 * references), and `$schema`, `additionalProperties` and `title` are dropped everywhere except inside a
 * `properties` object, where they may be property names (and where `llm-gemini` keeps them).
 * @module
 */
import { UnsupportedFeatureError } from "./_llm.ts";

type Json = unknown;
type JsonObject = Record<string, Json>;

const DROPPED = ["$schema", "additionalProperties", "title"];

function isObject(value: Json): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Replaces `{"$ref": "#/$defs/Name"}` by the definition, recursively; a definition reached again while it
 * is being expanded is a recursive schema, which Gemini cannot take.
 */
function resolveRefs(value: Json, defs: JsonObject, stack: string[], modelId: string): Json {
  if (Array.isArray(value)) return value.map((item) => resolveRefs(item, defs, stack, modelId));
  if (!isObject(value)) return value;
  const ref = value.$ref;
  if (typeof ref === "string" && ref.startsWith("#/$defs/")) {
    const name = ref.split("/").at(-1)!;
    if (name in defs) {
      if (stack.includes(name)) {
        const how = stack.at(-1) === name
          ? `'${name}' refers to itself`
          : `'${name}' refers to itself through '${stack.at(-1)}'`;
        throw new UnsupportedFeatureError(
          modelId,
          `Recursive schema: ${how}. Gemini does not accept recursive schemas; ` +
            "flatten the schema so that no type contains itself",
        );
      }
      const { $ref: _dropped, ...rest } = value;
      const merged: JsonObject = { ...rest, ...structuredClone(defs[name] as JsonObject) };
      return resolveRefs(merged, defs, [...stack, name], modelId);
    }
  }
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) out[key] = resolveRefs(item, defs, stack, modelId);
  return out;
}

function dropKeys(value: Json, inProperties: boolean): Json {
  if (Array.isArray(value)) return value.map((item) => dropKeys(item, inProperties));
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (!inProperties && DROPPED.includes(key)) continue;
    out[key] = dropKeys(item, inProperties || (key === "properties" && isObject(item)));
  }
  return out;
}

/**
 * A copy of `schema` that Gemini accepts (the input is not changed).
 *
 * @throws {UnsupportedFeatureError} for a recursive schema (a `$defs` entry that contains itself).
 * @example
 * ```ts
 * import { cleanupSchema } from "./schema.ts";
 * cleanupSchema({ title: "Dog", type: "object", properties: { title: { type: "string" } } });
 * // { type: "object", properties: { title: { type: "string" } } }
 * ```
 */
export function cleanupSchema(schema: Record<string, unknown>, modelId = "gemini"): Record<string, unknown> {
  let value: Json = schema;
  if (isObject(schema) && isObject(schema.$defs)) {
    const { $defs, ...rest } = schema;
    value = resolveRefs(rest, $defs as JsonObject, [], modelId);
  }
  return dropKeys(value, false) as Record<string, unknown>;
}
