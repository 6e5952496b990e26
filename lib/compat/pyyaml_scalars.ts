/**
 * The scalar rules of the YAML reader, as PyYAML's `safe_load` has them: what a plain scalar resolves to
 * (YAML 1.1 nulls, booleans, integers in bases 2, 8, 10, 16 and 60, floats), the double-quote escapes, and
 * the errors for features the reader refuses, and how line breaks fold and keys are set.
 * @module
 */

const NULL_RE = /^(?:~|null|Null|NULL|)$/;
const TRUE_RE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const FALSE_RE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;
const INT_RE =
  /^[-+]?(?:0b_*[01][01_]*|0[0-7_]+|0|[1-9][0-9_]*|0x_*[0-9a-fA-F][0-9a-fA-F_]*|[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
export const FLOAT_RE = new RegExp(
  "^(?:[-+]?[0-9][0-9_]*\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?" +
    "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$",
);
/** Double-quote escapes: the character after the backslash, pairwise with what it stands for. */
export const ESCAPE_CHARS = '0abt\tnvfre "/\\N_LP';
/** What each of {@link ESCAPE_CHARS} stands for. */
export const ESCAPE_VALUES = '\0\x07\b\t\t\n\v\f\r\x1b "/\\\x85\xa0\u2028\u2029';
/** The error for a tab where PyYAML refuses one. */
export const TAB_ERROR = "tabs are not allowed here; indent and separate with spaces";
/** The digits of `\\x`, `\\u` and `\\U` escapes. */
export const HEX_LENGTHS: Record<string, number> = { x: 2, u: 4, U: 8 };
/** Errors for a character that starts a YAML feature this reader does not read, with what to write. */
export const START_ERRORS: Record<string, string> = {
  "&": "anchors (&) are not supported here; use plain mappings and lists",
  "*": "aliases (*) are not supported here; write the value out again",
  "!": "tags (!) are not supported here; remove the tag, and quote a value to keep it text",
  "?": "complex keys (?) are not supported here; write 'key: value'",
  ":": "a mapping key is missing before ':'; write 'key: value'",
  "-": "write lists inside [ ] as [a, b], without '- '",
  "|": "block scalars (| or >) cannot be used inside [ ] or { }; use a quoted string",
  ">": "block scalars (| or >) cannot be used inside [ ] or { }; use a quoted string",
};

/** Reads an unsigned number the YAML 1.1 way, where `1:30` is 1 * 60 + 30. */
function unsigned(v: string): number {
  if (v.startsWith("0b")) return parseInt(v.slice(2), 2);
  if (v.startsWith("0x")) return parseInt(v.slice(2), 16);
  if (/^0[0-7]+$/.test(v)) return parseInt(v, 8);
  if (v === ".inf") return Infinity;
  return v.split(":").reduce((sum, part) => sum * 60 + Number(part), 0);
}

/** What PyYAML's safe_load makes of a plain (unquoted) scalar. */
export function resolvePlain(text: string): unknown {
  if (NULL_RE.test(text)) return null;
  if (TRUE_RE.test(text)) return true;
  if (FALSE_RE.test(text)) return false;
  if (!INT_RE.test(text) && !FLOAT_RE.test(text)) return text;
  const v = text.replaceAll("_", "").toLowerCase();
  if (v === ".nan") return NaN;
  const n = unsigned(v.replace(/^[-+]/, ""));
  if (v[0] !== "-") return n;
  return INT_RE.test(text) ? -n || 0 : -n;
}

/** What n line breaks inside a plain or quoted scalar fold to: one is a space, n are n-1 newlines. */
export function folded(breaks: number): string {
  return breaks === 1 ? " " : "\n".repeat(breaks - 1);
}

/** Whether `c` is a space, tab, line break or the end of the text. */
export function isBlank(c: string): boolean {
  return c === "" || c === " " || c === "\t" || c === "\n";
}

/** Sets `key` on a parsed mapping as PyYAML does. */
export function setKey(map: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty stores a key such as `__proto__` as data. A repeated key keeps its first place and takes
  // the last value, as PyYAML does.
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
}
