/**
 * Content addresses for `logs.db`, computed exactly as Python `llm` 0.32 computes them.
 *
 * A message's identity is `"b2:" + blake2b-128(canonical JSON of {parent, message})`; a schema's id is the
 * blake2b-128 of its compact JSON; an attachment's id is the sha256 of its bytes (or of `{"url": ...}`).
 * Because both tools must agree byte for byte, this module also carries a faithful copy of the behaviour of
 * Python's `json.dumps` (key order, separators, float formatting, escaping).
 *
 * @module
 */

import { blake2b128Hex } from "../hash/blake2b.ts";
import { sha256Hex } from "../hash/sha256.ts";
import type { AttachmentData, Message, Part } from "../models/messages.ts";

/** The tag in front of every message hash: the algorithm that produced it. */
export const HASH_PREFIX = "b2:";

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
}

/** Thrown when a value has no JSON form in Python (a function, a symbol, a cycle). */
export class PythonJsonError extends TypeError {
  /** Creates the error. */
  constructor(message: string) {
    super(message);
    this.name = "PythonJsonError";
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
 * import { pythonJsonDumps } from "./hash.ts";
 * pythonJsonDumps({ b: 1, a: "é" }); // '{"b": 1, "a": "\\u00e9"}'
 * ```
 */
export function pythonJsonDumps(value: unknown, options: PythonJsonOptions = {}): string {
  const itemSep = options.compact ? "," : ", ";
  const keySep = options.compact ? ":" : ": ";
  const ascii = options.ensureAscii ?? true;
  const seen = new Set<object>();

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
    try {
      if (Array.isArray(v)) return "[" + v.map(encode).join(itemSep) + "]";
      let entries: [string, unknown][] = v instanceof Map
        ? [...v.entries()].map(([k, x]) => [String(k), x])
        : Object.entries(v);
      entries = entries.filter(([, x]) => x !== undefined);
      if (options.sortKeys) entries.sort(([a], [b]) => compareCodePoints(a, b));
      return "{" + entries.map(([k, x]) => encodeString(k, ascii) + keySep + encode(x)).join(itemSep) + "}";
    } finally {
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

/** `"b2:"` + blake2b-128 hex of the canonical JSON of `value` (Python's `llm.logs.content_hash`). */
export async function contentHash(value: unknown): Promise<string> {
  return HASH_PREFIX + await blake2b128Hex(canonicalJson(value));
}

/** Python's `Attachment` serialisation: only the fields that are set, in the order type, url, path, content. */
export function attachmentDict(attachment: AttachmentData): Record<string, string> {
  const d: Record<string, string> = {};
  if (attachment.type) d.type = attachment.type;
  if (attachment.url) d.url = attachment.url;
  if (attachment.path) d.path = attachment.path;
  if (attachment.content) d.content = attachment.content;
  return d;
}

/**
 * A part as Python's `Part.to_dict()` returns it: keys in Python's order, optional keys only when set
 * (`redacted` / `server_executed` only when true, `provider_metadata` only when non-empty).
 */
export function partDict(part: Part): Record<string, unknown> {
  const d: Record<string, unknown> = { type: part.type };
  switch (part.type) {
    case "text":
      d.text = part.text;
      break;
    case "reasoning":
      d.text = part.text;
      if (part.redacted) d.redacted = true;
      break;
    case "tool_call":
      d.name = part.name;
      d.arguments = part.arguments;
      if (part.tool_call_id != null) d.tool_call_id = part.tool_call_id;
      if (part.server_executed) d.server_executed = true;
      break;
    case "tool_result":
      d.name = part.name;
      d.output = part.output;
      if (part.tool_call_id != null) d.tool_call_id = part.tool_call_id;
      if (part.server_executed) d.server_executed = true;
      if (part.exception != null) d.exception = part.exception;
      if (part.attachments?.length) d.attachments = part.attachments.map(attachmentDict);
      break;
    case "attachment":
      if (part.attachment && Object.keys(attachmentDict(part.attachment)).length) {
        d.attachment = attachmentDict(part.attachment);
      }
      break;
  }
  if (part.provider_metadata && Object.keys(part.provider_metadata).length) {
    d.provider_metadata = part.provider_metadata;
  }
  return d;
}

/** A message as Python's `Message.to_dict()` returns it. */
export function messageDict(message: Message): Record<string, unknown> {
  const d: Record<string, unknown> = { role: message.role, parts: message.parts.map(partDict) };
  if (message.provider_metadata && Object.keys(message.provider_metadata).length) {
    d.provider_metadata = message.provider_metadata;
  }
  return d;
}

function decodeBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/**
 * The bytes of an attachment that has inline or file content, or `null` (a URL attachment, or a file that
 * cannot be read).
 */
export async function attachmentBytes(attachment: AttachmentData): Promise<Uint8Array | null> {
  if (attachment.content) return decodeBase64(attachment.content);
  if (attachment.path) {
    try {
      return await Deno.readFile(attachment.path);
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * An attachment's id in the `attachments` table (Python's `Attachment.id()`): sha256 hex of its content or
 * file bytes, or of `{"url": "<url>"}` for a URL attachment.
 *
 * Throws `Deno.errors.NotFound` when a path attachment's file is missing, as Python does.
 */
export async function attachmentId(attachment: AttachmentData): Promise<string> {
  if (attachment.content) return sha256Hex(decodeBase64(attachment.content));
  if (attachment.path) return sha256Hex(await Deno.readFile(attachment.path));
  return sha256Hex(pythonJsonDumps({ url: attachment.url ?? null }));
}

/**
 * The form an attachment takes inside a message hash: `{id, type}`, where a path whose file is gone hashes
 * as `missing:<path>` rather than failing.
 */
export async function canonicalAttachment(
  attachment: AttachmentData,
): Promise<{ id: string; type: string | null }> {
  let id: string;
  if (attachment.content) id = sha256Hex(decodeBase64(attachment.content));
  else if (attachment.path) {
    const bytes = await attachmentBytes(attachment);
    id = bytes ? sha256Hex(bytes) : `missing:${attachment.path}`;
  } else id = sha256Hex(pythonJsonDumps({ url: attachment.url ?? null }));
  return { id, type: attachment.type ?? null };
}

/**
 * The content address of `message` reached from `parentHash` (`null` for the first message of a chain):
 * `"b2:" + blake2b-128(canonicalJson({parent, message}))`, with attachments reduced to `{id, type}`.
 *
 * @example
 * ```ts
 * import { messageHash } from "./hash.ts";
 * await messageHash(null, { role: "user", parts: [{ type: "text", text: "hello pelican" }] });
 * // "b2:9083d47923fe039062fdbb678842c336"
 * ```
 */
export async function messageHash(parentHash: string | null, message: Message): Promise<string> {
  const d = messageDict(message);
  const parts = d.parts as Record<string, unknown>[];
  for (const [i, part] of message.parts.entries()) {
    if (part.type === "attachment" && part.attachment && parts[i].attachment) {
      parts[i].attachment = await canonicalAttachment(part.attachment);
    }
    if (part.type === "tool_result" && part.attachments?.length) {
      parts[i].attachments = await Promise.all(part.attachments.map(canonicalAttachment));
    }
  }
  return contentHash({ parent: parentHash, message: d });
}

/** The hashes of a chain of messages that starts below `parentHash`, in order. */
export async function chainHashes(parentHash: string | null, messages: Message[]): Promise<string[]> {
  const hashes: string[] = [];
  let parent = parentHash;
  for (const message of messages) {
    parent = await messageHash(parent, message);
    hashes.push(parent);
  }
  return hashes;
}

/** The JSON stored in `schemas.content`: Python's `json.dumps(schema, separators=(",", ":"))`. */
export function schemaJson(schema: unknown): string {
  return pythonJsonDumps(schema, { compact: true });
}

/** A schema's id in the `schemas` table: blake2b-128 hex of {@link schemaJson} (no prefix). */
export function schemaId(schema: unknown): Promise<string> {
  return Promise.resolve(blake2b128Hex(schemaJson(schema)));
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

function encodeString(s: string, ascii: boolean): string {
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

function compareCodePoints(a: string, b: string): number {
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
