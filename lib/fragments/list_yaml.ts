/**
 * `llm fragments list` output, byte for byte as Python `llm` prints it: each row is
 * `yaml.dump([row], sort_keys=False, width=sys.maxsize).strip()` with a representer that writes any string
 * holding a newline in the literal block style (`|-`). So: no line folding, ASCII-only output, PyYAML's
 * quoting rules, and literal blocks where PyYAML allows them (double quotes where it does not).
 * @module
 */
import type { FragmentRow } from "./store.ts";

// PyYAML's implicit resolvers (YAML 1.1): a plain scalar matching one would read back as a non-string.
const IMPLICIT: [string, RegExp][] = [
  ["yYnNtTfFoO", /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/],
  [
    "-+0123456789.",
    /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  ],
  [
    "-+0123456789",
    /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  ],
  ["<", /^<<$/],
  ["~nN", /^(?:~|null|Null|NULL)$/],
  [
    "0123456789",
    /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$/,
  ],
  ["=", /^=$/],
];

function readsAsString(text: string): boolean {
  if (text === "") return false; // resolves to null
  const body = text.endsWith("\n") ? text.slice(0, -1) : text;
  return !IMPLICIT.some(([first, re]) => first.includes(text[0]) && re.test(body));
}

const printable = (ch: string) => ch === "\n" || (ch >= " " && ch <= "~");

/** Which styles PyYAML's `analyze_scalar` allows (ASCII-only output, block context). */
function analyze(text: string) {
  const chars = Array.from(text);
  let indicators = text.startsWith("---") || text.startsWith("...");
  let special = false, lineBreaks = false, spaceBreak = false, breakSpace = false;
  chars.forEach((ch, i) => {
    const next = chars[i + 1];
    const followedBySpace = next === undefined || " \t\r\n\0".includes(next);
    const precededBySpace = i === 0 || " \t\r\n\0".includes(chars[i - 1]);
    if (i === 0 && ("#,[]{}&*!|>'\"%@`".includes(ch) || ("?:-".includes(ch) && followedBySpace))) {
      indicators = true;
    }
    if (i > 0 && ((ch === ":" && followedBySpace) || (ch === "#" && precededBySpace))) indicators = true;
    if (!printable(ch)) special = true;
    if (ch === "\n") lineBreaks = true;
    if (ch === " " && next === "\n") spaceBreak = true;
    if (ch === "\n" && next === " ") breakSpace = true;
  });
  const edges = /^[ \n]|[ \n]$/.test(text);
  const plain = !edges && !breakSpace && !spaceBreak && !special && !lineBreaks && !indicators;
  const single = !breakSpace && !spaceBreak && !special;
  const block = !text.endsWith(" ") && !spaceBreak && !special;
  return { plain, single, block };
}

const ESCAPES: Record<string, string> = {
  "\0": "0",
  "\x07": "a",
  "\b": "b",
  "\t": "t",
  "\n": "n",
  "\v": "v",
  "\f": "f",
  "\r": "r",
  "\x1b": "e",
  '"': '"',
  "\\": "\\",
  "\x85": "N",
  "\xa0": "_",
  "\u2028": "L",
  "\u2029": "P",
};

function doubleQuoted(text: string): string {
  let out = '"';
  for (const ch of text) {
    if (ch !== '"' && ch !== "\\" && ch >= " " && ch <= "~") {
      out += ch;
      continue;
    }
    const code = ch.codePointAt(0)!;
    const hex = code.toString(16).toUpperCase();
    out += ch in ESCAPES
      ? "\\" + ESCAPES[ch]
      : code <= 0xff
      ? "\\x" + hex.padStart(2, "0")
      : code <= 0xffff
      ? "\\u" + hex.padStart(4, "0")
      : "\\U" + hex.padStart(8, "0");
  }
  return out + '"';
}

/** A literal block (`|`, `|-`, `|+`, with an indentation hint when it starts with a space or newline). */
function literal(text: string, indent: number): string {
  let hints = /^[ \n]/.test(text) ? "2" : "";
  if (!text.endsWith("\n")) hints += "-";
  else if (text.length === 1 || text.endsWith("\n\n")) hints += "+";
  const lines = text.split("\n");
  const body = lines.map((line) => (line ? " ".repeat(indent) + line : "")).join("\n");
  return `|${hints}\n${body}${text.endsWith("\n") ? "" : "\n"}`;
}

/** One scalar value as PyYAML writes it in a block mapping (or sequence) at `indent`. */
export function pyyamlScalar(value: string | null, indent: number): string {
  if (value === null) return "null";
  const style = analyze(value);
  if (value.includes("\n")) return style.block ? literal(value, indent) : doubleQuoted(value);
  if (style.plain && readsAsString(value)) return value;
  if (style.single) return `'${value.replaceAll("'", "''")}'`;
  return doubleQuoted(value);
}

/** The YAML of one `llm fragments list` row (stripped, as Python prints it); `content` already truncated. */
export function fragmentRowYaml(row: FragmentRow): string {
  const field = (key: string, value: string | null) => {
    const text = pyyamlScalar(value, 4);
    return `  ${key}: ${text}${text.endsWith("\n") ? "" : "\n"}`;
  };
  let out = `- hash: ${pyyamlScalar(row.hash, 4)}\n`;
  out += row.aliases.length
    ? "  aliases:\n" + row.aliases.map((a) => `  - ${pyyamlScalar(a, 4)}\n`).join("")
    : "  aliases: []\n";
  out += field("datetime_utc", row.datetime_utc) + field("source", row.source) +
    field("content", row.content);
  return out.trim();
}
