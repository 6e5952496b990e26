/**
 * JSON values read from `logs.db`, parsed the way Python's `json.loads` sees them.
 *
 * Python keeps `1.0` a float and `12345678901234567890` an exact integer, and prints them back that way; a
 * plain `JSON.parse` turns both into lossy JavaScript numbers. Numbers whose Python spelling differs from
 * JavaScript's are kept as {@linkcode RawJsonNumber} values (made by `JSON.rawJSON`), which `JSON.stringify`
 * and the renderers in this folder print verbatim.
 *
 * @module
 */

import { isRawJsonNumber, parsePythonJson, type RawJsonNumber } from "./python_json.ts";

/** Any JSON value as read from the logs database. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | RawJsonNumber
  | JsonValue[]
  | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** True when `value` is a plain JSON object (not an array, not a raw number). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isRawJsonNumber(value);
}

/**
 * Parses JSON text as Python's `json.loads` would, keeping numbers whose Python form differs from
 * JavaScript's (`1.0`, big integers, exponents) as {@linkcode RawJsonNumber} values.
 *
 * @example
 * ```ts
 * import { parseJson } from "./json_value.ts";
 * JSON.stringify(parseJson('{"t": 1.0, "n": 2}')); // '{"t":1.0,"n":2}'
 * ```
 */
export function parseJson(text: string): JsonValue {
  return parsePythonJson(text) as JsonValue;
}

/** A deep copy of a JSON value; raw numbers are immutable and shared. */
export function cloneJson<T extends JsonValue>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => cloneJson(item)) as T;
  if (isJsonObject(value)) {
    const copy: JsonObject = {};
    for (const [key, item] of Object.entries(value)) copy[key] = cloneJson(item);
    return copy as T;
  }
  return value;
}

/** Python truthiness of a JSON value: `None`, `False`, `0`, `""`, `[]` and `{}` are false. */
export function pythonTruthy(value: JsonValue | undefined): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isRawJsonNumber(value)) return Number(value.rawJSON) !== 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}
