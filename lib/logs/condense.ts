/**
 * Condensing a turn's raw provider payload before it is stored in `turns.response_json`, as Python `llm`
 * 0.32 does with the `condense-json` package: strings and subtrees that the turn's own messages already hold
 * are replaced by `{"$": key}` references, which a reader resolves again from the same messages.
 *
 * Implemented: substring references (`{"$": key}` for a whole string, `{"$r": [...]}` for a string with
 * references inside), whole-subtree references for objects and arrays, and `{"$raw": ...}` escaping of
 * marker-shaped input. Not implemented: condense-json's near-match form (`{"$": {"m", "u", "d"}}`, a model
 * boilerplate dictionary entry plus changes), so such subtrees stay literal. Python resolves what we write
 * either way; only the stored text is longer.
 *
 * @module
 */

import { messageDict } from "./hash.ts";
import type { Message } from "../models/messages.ts";
import { isRawJsonNumber, pythonJsonDumps } from "../compat/python_json.ts";

/** Below this length a reference costs about as much as the string it replaces. */
const MIN_LENGTH = 64;

const MARKER_KEYS = new Set(["$", "$r", "$raw"]);

/** A tool the turn was given, for the description references. */
export interface CondenseTool {
  /** Tool name. */
  name: string;
  /** Tool description. */
  description?: string | null;
}

/** What a payload is condensed against besides the turn's own output messages. */
export interface CondenseContext {
  /** The turn's tools. */
  tools?: CondenseTool[];
  /** The turn's JSON schema. */
  schema?: Record<string, unknown> | null;
  /** The model's boilerplate dictionary (Python's `json_replacements`), keyed without the `m.` prefix. */
  modelReplacements?: Record<string, unknown> | null;
}

/** Whether `s` has at least `n` code points, without spreading a long answer into an array to count. */
function hasCodePoints(s: string, n: number): boolean {
  // A code point is one or two UTF-16 units: only lengths between n and 2n - 1 need counting.
  if (s.length < n) return false;
  if (s.length >= 2 * n) return true;
  return [...s].length >= n;
}

/** The number of code points of `s`: its UTF-16 units less one for each surrogate pair (found natively). */
function codePointCount(s: string): number {
  return s.length - (s.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !isRawJsonNumber(v);
}

/**
 * The replacement values for a turn, keyed structurally (`<message>.<part>.text`, `.output`, `.args`,
 * `.args2`, `.argsv`, `.pm...`, `tool.<name>.description`, `schema`, `m.<key>`) in Python's order.
 */
export function payloadReplacements(output: Message[], context: CondenseContext = {}): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const add = (key: string, value: unknown) => {
    if (typeof value === "string" && hasCodePoints(value, MIN_LENGTH)) out.set(key, value);
  };
  const addValue = (key: string, value: unknown) => {
    const container = Array.isArray(value)
      ? value.length > 0
      : isObject(value) && Object.keys(value).length > 0;
    if (container && pythonJsonDumps(value, { compact: true }).length >= MIN_LENGTH) out.set(key, value);
  };
  const walk = (prefix: string, value: unknown): void => {
    if (Array.isArray(value)) {
      addValue(prefix, value);
      value.forEach((item, i) => walk(`${prefix}.${i}`, item));
    } else if (isObject(value)) {
      addValue(prefix, value);
      for (const [k, item] of Object.entries(value)) walk(`${prefix}.${k}`, item);
    } else add(prefix, value);
  };
  output.forEach((message, mi) => {
    const d = messageDict(message);
    (d.parts as Record<string, unknown>[]).forEach((part, pi) => {
      const base = `${mi}.${pi}`;
      add(`${base}.text`, part.text);
      add(`${base}.output`, part.output);
      const args = part.arguments;
      if (isObject(args) && Object.keys(args).length) {
        const compact = pythonJsonDumps(args, { compact: true });
        const spaced = pythonJsonDumps(args);
        add(`${base}.args`, compact);
        if (spaced !== compact) add(`${base}.args2`, spaced);
        addValue(`${base}.argsv`, args);
      }
      walk(`${base}.pm`, part.provider_metadata ?? {});
    });
    walk(`${mi}.pm`, d.provider_metadata ?? {});
  });
  const descriptions = new Map<string, string>();
  const conflicting = new Set<string>();
  for (const { name, description } of context.tools ?? []) {
    if (!name || typeof description !== "string" || !hasCodePoints(description, MIN_LENGTH)) continue;
    const known = descriptions.get(name);
    if (known !== undefined && known !== description) conflicting.add(name);
    else descriptions.set(name, description);
  }
  for (const [name, description] of descriptions) {
    if (!conflicting.has(name)) out.set(`tool.${name}.description`, description);
  }
  addValue("schema", context.schema ?? null);
  for (const [key, value] of Object.entries(context.modelReplacements ?? {})) out.set(`m.${key}`, value);
  return out;
}

function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (isObject(v)) return Object.keys(v).length > 0;
  return Boolean(v);
}

/** Python equality of JSON values: object key order does not matter, `1 == 1.0`. */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
      a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && jsonEqual(a[k], b[k]));
  }
  const num = (v: unknown) => (isRawJsonNumber(v) ? Number(v.rawJSON) : v);
  return num(a) === num(b);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Replaces what `replacements` holds inside `payload` by references (see the module doc). */
export function condenseJson(payload: unknown, replacements: Map<string, unknown>): unknown {
  const idForString = new Map<string, string>();
  const structures: [unknown, string][] = [];
  for (const [key, value] of replacements) {
    if (!truthy(value)) continue;
    if (typeof value === "string") {
      if (!idForString.has(value)) idForString.set(value, key);
    } else if (typeof value === "object") structures.push([value, key]);
  }
  let strings = [...idForString.keys()];
  if (strings.length > 1) {
    const lengths = new Map(strings.map((s) => [s, codePointCount(s)]));
    strings = strings.sort((a, b) => lengths.get(b)! - lengths.get(a)!);
  }
  const pattern = strings.length ? new RegExp(strings.map(escapeRegExp).join("|"), "gu") : null;

  const processString = (s: string): unknown => {
    if (!pattern) return s;
    const segments: unknown[] = [];
    let last = 0;
    for (const match of s.matchAll(pattern)) {
      if (match.index > last) segments.push(s.slice(last, match.index));
      segments.push({ $: idForString.get(match[0]) });
      last = match.index + match[0].length;
    }
    if (!segments.length) return s;
    if (last < s.length) segments.push(s.slice(last));
    return segments.length === 1 && typeof segments[0] === "object" ? segments[0] : { $r: segments };
  };
  const process = (value: unknown): unknown => {
    if (typeof value === "string") return processString(value);
    if (typeof value !== "object" || value === null || isRawJsonNumber(value)) return value;
    const hit = structures.find(([candidate]) => jsonEqual(candidate, value));
    if (hit) return { $: hit[1] };
    if (Array.isArray(value)) return value.map(process);
    const entries = Object.entries(value);
    const processed = Object.fromEntries(entries.map(([k, v]) => [k, process(v)]));
    return entries.length === 1 && MARKER_KEYS.has(entries[0][0]) ? { $raw: processed } : processed;
  };
  return process(payload);
}

/**
 * The text stored in `turns.response_json`: Python's `json.dumps(condense_json(payload, replacements))`,
 * or `null` when there is no payload.
 */
export function condensePayload(
  payload: unknown,
  output: Message[],
  context: CondenseContext = {},
): string | null {
  if (payload === null || payload === undefined) return null;
  return pythonJsonDumps(condenseJson(payload, payloadReplacements(output, context)));
}
