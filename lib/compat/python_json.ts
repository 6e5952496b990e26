/**
 * JSON exactly as Python's `json.dumps` writes it (separators, `ensure_ascii`, float repr, key order): what
 * logs.db hashes and stores must match Python `llm` byte for byte, and tool-call arguments are sent the way
 * Python `llm` sends them.
 * @module
 */
import { LlmError } from "../errors.ts";

/**
 * A number kept as the exact text Python prints for it (`1.0`, `1e-05`, a 20-digit integer), made with
 * `JSON.rawJSON`, so `JSON.stringify` and {@link pythonJsonDumps} both print it verbatim.
 */
export interface RawJsonNumber {
  /** The number's text. */
  readonly rawJSON: string;
}

type RawJsonApi = { rawJSON(text: string): RawJsonNumber; isRawJSON(value: unknown): boolean };
const RAW = JSON as unknown as RawJsonApi;

/** True when `value` was made by `JSON.rawJSON`. */
export function isRawJsonNumber(value: unknown): value is RawJsonNumber {
  return RAW.isRawJSON(value);
}

/**
 * Marks `value` as a Python float, so a whole number serialises as `1.0` rather than `1` (JavaScript has one
 * number type). Use it where Python would hold a float: an option typed `float`, a field the Python SDK
 * parses as float.
 */
export function pyFloat(value: number): RawJsonNumber {
  return RAW.rawJSON(pythonFloatRepr(value));
}

/** Options for {@link pythonJsonDumps}, named as Python's `json.dumps` arguments. */
export interface PythonJsonOptions {
  /** Sort object keys by code point (`sort_keys=True`). Default false: insertion order. */
  sortKeys?: boolean;
  /** Use `(",", ":")` separators instead of Python's default `(", ", ": ")`. Default false. */
  compact?: boolean;
  /** Escape every non-ASCII character as `\uXXXX` (Python's default). Default true. */
  ensureAscii?: boolean;
  /** Put each item on its own line, nested ones indented by this many more spaces (`indent=`). */
  indent?: number;
}

/** Thrown when a value has no JSON form in Python (a function, a symbol, a cycle). */
export class PythonJsonError extends LlmError {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
  }
}

/**
 * Serialises `value` exactly as Python's `json.dumps(value, ...)` would.
 *
 * Whole numbers are ints unless made with {@link pyFloat}; other numbers print as Python's `repr(float)`
 * (`1e-05`, `1e+16`, `0.5`). `bigint` prints as an int. `Map` keeps its insertion order; plain objects follow
 * JavaScript's key order (integer-like keys first). `undefined` members are left out, as absent keys.
 *
 * @example
 * ```ts
 * import { pythonJsonDumps } from "./python_json.ts";
 * pythonJsonDumps({ b: 1, a: "é" }); // '{"b": 1, "a": "\\u00e9"}'
 * ```
 */
export function pythonJsonDumps(value: unknown, options: PythonJsonOptions = {}): string {
  const indent = options.indent;
  // With indent=, Python separates items with "," plus a new line, keys with ": ".
  const itemSep = indent !== undefined ? "," : options.compact ? "," : ", ";
  const keySep = options.compact && indent === undefined ? ":" : ": ";
  const ascii = options.ensureAscii ?? true;
  const seen = new Set<object>();
  let depth = 0;
  /** Joins the items of a list or object, one a line when indenting. */
  const wrap = (open: string, items: string[], close: string): string => {
    if (indent === undefined) return open + items.join(itemSep) + close;
    if (!items.length) return open + close;
    const inner = "\n" + " ".repeat(indent * depth);
    const outer = "\n" + " ".repeat(indent * (depth - 1));
    return open + inner + items.join(itemSep + inner) + outer + close;
  };

  const encode = (v: unknown): string => {
    if (v === null || v === undefined) return "null";
    if (v === true) return "true";
    if (v === false) return "false";
    if (typeof v === "string") return encodeString(v, ascii);
    if (typeof v === "bigint") return v.toString();
    if (isRawJsonNumber(v)) return v.rawJSON;
    if (typeof v === "number") {
      return Number.isInteger(v) && !Object.is(v, -0) ? intRepr(v) : pythonFloatRepr(v);
    }
    if (typeof v !== "object") throw new PythonJsonError(`Cannot serialise a ${typeof v} as JSON`);
    if (seen.has(v)) throw new PythonJsonError("Cannot serialise a value that contains itself as JSON");
    seen.add(v);
    depth++;
    try {
      if (Array.isArray(v)) return wrap("[", v.map(encode), "]");
      let entries: [string, unknown][] = v instanceof Map
        ? [...v.entries()].map(([k, x]) => [String(k), x])
        : Object.entries(v);
      entries = entries.filter(([, x]) => x !== undefined);
      if (options.sortKeys) entries.sort(([a], [b]) => compareCodePoints(a, b));
      return wrap("{", entries.map(([k, x]) => encodeString(k, ascii) + keySep + encode(x)), "}");
    } finally {
      depth--;
      seen.delete(v);
    }
  };
  return encode(value);
}

/**
 * Parses JSON text the way Python's `json.loads` types it: a number whose Python spelling differs from
 * JavaScript's (`1.0`, `1e-05`, an integer beyond 2^53) becomes a {@link RawJsonNumber}, so it serialises
 * back unchanged and messages read from the database hash as they were stored.
 */
export function parsePythonJson(text: string): unknown {
  return JSON.parse(
    text,
    function (_key, value, context?: { source?: string }) {
      if (typeof value !== "number" || context?.source === undefined) return value;
      const source = context.source;
      const python = /[.eE]/.test(source) ? pythonFloatRepr(value) : BigInt(source).toString();
      return python === String(value) ? value : RAW.rawJSON(python);
    } as (this: unknown, key: string, value: unknown) => unknown,
  );
}

/**
 * Python's `json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`: the form that
 * message hashes are taken over.
 */
export function canonicalJson(value: unknown): string {
  return pythonJsonDumps(value, { sortKeys: true, compact: true, ensureAscii: false });
}

// ---- Python json encoding details -------------------------------------------------------------------------

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

/** Strings that Python's ensure_ascii=True leaves as they are, but for quotes and backslashes. */
const PRINTABLE_ASCII = /^[ -~]*$/;

function encodeString(s: string, ascii: boolean): string {
  // JSON.stringify escapes quotes, backslashes and C0 controls exactly as Python does (`\n`, `\u001f`) and
  // leaves everything else alone: that is Python's ensure_ascii=False output for a string without lone
  // surrogates, and its ensure_ascii=True output for printable ASCII. It runs natively, where the replace
  // below is a regular expression and a call per escape (a long answer full of quotes and newlines).
  if (ascii ? PRINTABLE_ASCII.test(s) : s.isWellFormed()) return JSON.stringify(s);
  // ensure_ascii=False escapes only quotes, backslashes and C0 controls; True also escapes DEL and every
  // non-ASCII UTF-16 unit (so astral characters become surrogate pairs, as in Python).
  // deno-lint-ignore no-control-regex
  const pattern = ascii ? /[\\"\x00-\x1f\x7f-\uffff]/g : /[\\"\x00-\x1f]/g;
  return '"' +
    s.replace(pattern, (c) => SHORT_ESCAPES[c] ?? "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")) +
    '"';
}

function intRepr(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
}

/** Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4 or from 1e16 up. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, expText] = Math.abs(x).toExponential().split("e");
  const exp = Number(expText);
  const digits = mantissa.replace(".", "");
  const sign = x < 0 ? "-" : "";
  if (exp < -4 || exp >= 16) {
    const frac = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
    return `${sign}${frac}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  const fracPart = digits.slice(exp + 1);
  return `${sign}${intPart}.${fracPart || "0"}`;
}

/** Orders strings by code point, as Python compares `str` (JavaScript's `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  while (true) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}

/** An integer with comma thousands separators, as Python's `format(n, ",")` (no ICU needed). */
export function thousands(value: number): string {
  const negative = value < 0;
  const digits = String(Math.abs(Math.trunc(value))).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return (negative ? "-" : "") + digits;
}
