/**
 * The JSON Schema of a `--functions` function's parameters, in the plain shape Python `llm` 0.32 makes for the
 * same Python function (`{"properties": {...}, "required": [...], "type": "object"}`, `required` left out when
 * empty, each property's keys in alphabetical order), from TypeScript annotations or JSDoc `@param {type}`:
 *
 * | TypeScript | JSON Schema |
 * |---|---|
 * | `string`, `number`, `boolean` | `{"type": "string"}`, `"number"`, `"boolean"` (`integer` via JSDoc `{integer}`) |
 * | `T[]`, `Array<T>` | `{"items": S(T), "type": "array"}` (`{}` items for `any[]`/`unknown[]`) |
 * | `Record<string, T>` | `{"additionalProperties": S(T), "type": "object"}` (`true` for `object`, `unknown`) |
 * | `T \| null`, `T \| undefined` | `{"anyOf": [S(T), {"type": "null"}]}` |
 * | `"a" \| "b"` | `{"enum": ["a", "b"], "type": "string"}` |
 * | no annotation | the type of its default value (as TypeScript infers it; Python 0.32 says string even then), else `{"type": "string"}` as Python does |
 *
 * A default value (`= 3`) is added as `"default"` and makes the parameter optional, as does `?`.
 * @module
 */
import type { ScannedParameter } from "./scan.ts";
import { splitTopLevel } from "./scan.ts";

type Schema = Record<string, unknown>;

function sorted(schema: Schema): Schema {
  return Object.fromEntries(Object.entries(schema).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The JSON Schema of a TypeScript type's text (unknown forms give `{}`, accepting anything). */
export function typeSchema(text: string | undefined): Schema {
  if (text === undefined) return { type: "string" };
  let t = text.trim();
  while (t.startsWith("(") && t.endsWith(")")) t = t.slice(1, -1).trim();
  const union = splitTopLevel(t, "|");
  if (union.length > 1) {
    const nullable = union.some((u) => u === "null" || u === "undefined");
    const rest = union.filter((u) => u !== "null" && u !== "undefined");
    const literals = rest.map((u) => /^(["'])(.*)\1$/.exec(u)?.[2]);
    const inner: Schema = literals.every((l) => l !== undefined)
      ? { enum: literals, type: "string" }
      : rest.length === 1
      ? typeSchema(rest[0])
      : { anyOf: rest.map(typeSchema) };
    return nullable ? { anyOf: [inner, { type: "null" }] } : inner;
  }
  const literal = /^(["'])(.*)\1$/.exec(t);
  if (literal) return { enum: [literal[2]], type: "string" };
  if (t.endsWith("[]")) {
    const item = t.slice(0, -2);
    return sorted({ items: /^(any|unknown)$/.test(item) ? {} : typeSchema(item), type: "array" });
  }
  const generic = /^(Array|ReadonlyArray|Record|Map)\s*<(.*)>$/.exec(t);
  if (generic) {
    const args = splitTopLevel(generic[2]);
    if (generic[1] === "Record" || generic[1] === "Map") {
      const value = args[1] ?? "unknown";
      return sorted({
        additionalProperties: /^(any|unknown)$/.test(value) ? true : typeSchema(value),
        type: "object",
      });
    }
    return sorted({ items: /^(any|unknown)$/.test(args[0] ?? "") ? {} : typeSchema(args[0]), type: "array" });
  }
  switch (t) {
    case "string":
      return { type: "string" };
    case "number":
    case "float":
      return { type: "number" };
    case "integer":
    case "int":
    case "bigint":
      return { type: "integer" };
    case "boolean":
    case "bool":
      return { type: "boolean" };
    case "null":
      return { type: "null" };
    case "object":
    case "{}":
    case "Object":
      return sorted({ additionalProperties: true, type: "object" });
    case "any":
    case "unknown":
      return {};
  }
  if (t.startsWith("{")) {
    const members = splitTopLevel(t.slice(1, -1), ",;");
    return objectSchema(members.map((m) => {
      const colon = m.indexOf(":");
      const name = (colon < 0 ? m : m.slice(0, colon)).trim();
      return {
        name: name.replace(/\?$/, ""),
        optional: name.endsWith("?"),
        type: colon < 0 ? undefined : m.slice(colon + 1).trim(),
      };
    }));
  }
  return {};
}

/** A default value's text as JSON (numbers, strings, booleans, null, arrays and objects of them), if it is one. */
function defaultValue(text: string): { value: unknown } | undefined {
  const t = text.trim();
  if (t === "undefined") return undefined;
  const json = t.replace(/^'(.*)'$/s, (_, s: string) => JSON.stringify(s));
  try {
    return { value: JSON.parse(json) };
  } catch {
    try {
      // Arrays and objects written as JavaScript: single quotes, unquoted keys, trailing commas.
      const relaxed = json.replace(/'([^'\\]*)'/g, '"$1"').replace(
        /([{,]\s*)([A-Za-z_$][\w$]*)\s*:/g,
        '$1"$2":',
      )
        .replace(/,\s*([\]}])/g, "$1");
      return { value: JSON.parse(relaxed) };
    } catch {
      return undefined;
    }
  }
}

/** A parameter's property schema: its type's, with `"default"` when it has one. */
function propertySchema(p: ScannedParameter, jsdocType?: string): Schema {
  const fallback = p.defaultText === undefined ? undefined : defaultValue(p.defaultText);
  // Without an annotation, the type TypeScript infers from the default (Python, with no type, says string).
  const inferred = fallback === undefined
    ? undefined
    : typeof fallback.value === "number"
    ? "number"
    : typeof fallback.value === "boolean"
    ? "boolean"
    : Array.isArray(fallback.value)
    ? "unknown[]"
    : undefined;
  const schema = typeSchema(p.type ?? jsdocType ?? inferred);
  return fallback ? sorted({ ...schema, default: fallback.value }) : schema;
}

/** The object schema of some parameters (members of a destructured parameter, or the parameters themselves). */
export function objectSchema(
  parameters: ScannedParameter[],
  jsdocTypes: Map<string, string> = new Map(),
): Schema {
  const properties: Schema = {};
  const required: string[] = [];
  for (const p of parameters) {
    properties[p.name] = propertySchema(p, jsdocTypes.get(p.name));
    if (!p.optional && p.defaultText === undefined) required.push(p.name);
  }
  return required.length ? { properties, required, type: "object" } : { properties, type: "object" };
}

/** The `@param {type} name` types of a JSDoc block. */
export function jsdocParamTypes(jsdoc: string | undefined): Map<string, string> {
  const types = new Map<string, string>();
  for (const m of (jsdoc ?? "").matchAll(/@param\s+\{([^}]+)\}\s+\[?([A-Za-z_$][\w$]*)/g)) {
    types.set(m[2], m[1].trim());
  }
  return types;
}

/** A JSDoc block's description: its text before the first `@` tag; `null` when it has none. */
export function jsdocDescription(jsdoc: string | undefined): string | null {
  if (jsdoc === undefined) return null;
  const text = jsdoc.split(/^\s*@/m)[0].trim();
  return text || null;
}
