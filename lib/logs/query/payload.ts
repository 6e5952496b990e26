/**
 * Expanding the condensed provider payloads stored in `turns.response_json`.
 *
 * Python `llm` 0.32 stores a turn's raw provider payload with every long string it already holds elsewhere
 * (response text, tool arguments, tool descriptions, the schema, a model's boilerplate) swapped for a
 * `{"$": key}` reference, in the format of the `condense-json` package. The reference table is never
 * stored: `payloadReplacements` in `condense.ts` rebuilds it from the turn's own output messages, its tools,
 * its schema and the model's `json_replacements`, with the same keys on both sides.
 *
 * @module
 */
import { LlmError } from "../../errors.ts";

import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from "../../compat/json_value.ts";

/** A stored payload refers to something that cannot be resolved. */
export class UncondenseError extends LlmError {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
  }
}

/**
 * Reverses `condense-json`: resolves `{"$": key}`, `{"$": {"m": base, "u": {...}, "d": [...]}}`,
 * `{"$r": [...]}` and `{"$raw": ...}` markers against `replacements`.
 *
 * @throws {UncondenseError} when a marker is malformed or names an unknown key.
 */
export function uncondense(value: JsonValue, replacements: ReadonlyMap<string, unknown>): JsonValue {
  const usable = (key: JsonValue): JsonValue | undefined => {
    if (typeof key !== "string") return undefined;
    const found = replacements.get(key) as JsonValue | undefined;
    if (typeof found === "string") return found ? found : undefined;
    if (Array.isArray(found)) return found.length ? found : undefined;
    if (isJsonObject(found)) return Object.keys(found).length ? found : undefined;
    return undefined;
  };
  const lookup = (key: JsonValue): JsonValue => {
    const found = usable(key);
    if (found === undefined) throw new UncondenseError(`Unknown replacement id: ${JSON.stringify(key)}`);
    return typeof found === "string" ? found : cloneJson(found);
  };
  const merge = (ref: JsonObject): JsonValue => {
    if (!("m" in ref) || Object.keys(ref).some((k) => k !== "m" && k !== "u" && k !== "d")) {
      throw new UncondenseError(`Invalid merge reference: ${JSON.stringify(ref)}`);
    }
    const base = usable(ref.m);
    if (!isJsonObject(base)) throw new UncondenseError(`Merge base must be a dict replacement: ${ref.m}`);
    const result = cloneJson(base) as JsonObject;
    const deletions = ref.d ?? [];
    if (!Array.isArray(deletions)) throw new UncondenseError(`"d" must be a list of keys`);
    for (const key of deletions) {
      if (typeof key !== "string" || !(key in result)) {
        throw new UncondenseError(`Merge deletion of a key the base does not have: ${JSON.stringify(key)}`);
      }
      delete result[key];
    }
    const updates = ref.u ?? {};
    if (!isJsonObject(updates)) throw new UncondenseError(`"u" must be a dict of updates`);
    for (const [key, item] of Object.entries(updates)) result[key] = walk(item);
    return result;
  };
  const walk = (item: JsonValue): JsonValue => {
    if (Array.isArray(item)) return item.map(walk);
    if (!isJsonObject(item)) return item;
    const keys = Object.keys(item);
    if (keys.length === 1 && keys[0] === "$raw") {
      const raw = item.$raw;
      if (isJsonObject(raw)) return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, walk(v)]));
      return walk(raw);
    }
    if (keys.length === 1 && keys[0] === "$") {
      return isJsonObject(item.$) ? merge(item.$) : lookup(item.$);
    }
    if (keys.length === 1 && keys[0] === "$r") {
      const segments = item.$r;
      if (!Array.isArray(segments)) throw new UncondenseError(`"$r" value must be a list of segments`);
      let text = "";
      for (const segment of segments) {
        if (typeof segment === "string") text += segment;
        else if (isJsonObject(segment) && Object.keys(segment).length === 1 && "$" in segment) {
          if (isJsonObject(segment.$)) {
            throw new UncondenseError(`Merge reference is not valid in a "$r" segment`);
          }
          const found = lookup(segment.$);
          if (typeof found !== "string") {
            throw new UncondenseError(`Non-string replacement id in "$r" segment`);
          }
          text += found;
        } else throw new UncondenseError(`Invalid "$r" segment: ${JSON.stringify(segment)}`);
      }
      return text;
    }
    return Object.fromEntries(keys.map((k) => [k, walk(item[k])]));
  };
  return walk(value);
}
