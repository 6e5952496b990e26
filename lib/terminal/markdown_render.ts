/**
 * Turns Markdown tokens (from `marked`'s lexer) into terminal lines: bold headings with their `#` marks
 * dimmed, emphasis, strike-through, inline code in colour, links underlined with their address after them,
 * bullet and numbered lists (task boxes too), block quotes behind a bar, tables with aligned columns, rules,
 * and code blocks between dimmed fences, coloured by the `highlight` callback when it knows the language.
 * Paragraphs are wrapped to the width; wide characters count two columns.
 *
 * @example
 * ```ts ignore
 * import { Lexer } from "npm:marked@^18";
 * import { renderTokens } from "./markdown_render.ts";
 * const lines = renderTokens(new Lexer().lex("# Hi\n\nSome *text*"), { width: 80 });
 * ```
 * @module
 */
import type { Token, Tokens } from "npm:marked@^18";
import { padVisible, styled, wrapAnsi } from "./ansi.ts";
import { visibleWidth } from "./width.ts";

/** Options of {@link renderTokens}. */
export interface RenderOptions {
  /** The width to wrap text to, in columns. */
  width: number;
  /**
   * Colours `code` written in `language` (a fence's first info word), one string a line; `undefined` leaves
   * the code plain.
   */
  highlight?: (code: string, language: string) => string[] | undefined;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
  copy: "©",
  reg: "®",
  trade: "™",
  hellip: "…",
  mdash: "—",
  ndash: "–",
  laquo: "«",
  raquo: "»",
  times: "×",
  rarr: "→",
  larr: "←",
};

/** `text` with HTML character references (`&amp;`, `&#39;`, `&#x1F600;`) replaced by their characters. */
export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, ref: string) => {
    if (ref[0] === "#") {
      const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/** The styled text of inline tokens. */
export function renderInline(tokens: Token[] | undefined): string {
  let out = "";
  for (const token of tokens ?? []) out += inlineToken(token);
  return out;
}

function inlineToken(token: Token): string {
  switch (token.type) {
    case "text": {
      const t = token as Tokens.Text;
      return t.tokens?.length ? renderInline(t.tokens) : decodeEntities(t.text).replace(/\n/g, " ");
    }
    case "strong":
      return styled(renderInline((token as Tokens.Strong).tokens), "bold");
    case "em":
      return styled(renderInline((token as Tokens.Em).tokens), "italic");
    case "del":
      return styled(renderInline((token as Tokens.Del).tokens), "strike");
    case "codespan":
      return styled(decodeEntities((token as Tokens.Codespan).text), "yellow");
    case "br":
      return "\n";
    case "escape":
      return (token as Tokens.Escape).text;
    case "link": {
      const t = token as Tokens.Link;
      const text = renderInline(t.tokens);
      const plain = decodeEntities(t.text);
      if (plain === t.href || `mailto:${plain}` === t.href || !plain) {
        return styled(plain || t.href, "underline", "blue");
      }
      return styled(text, "underline", "blue") + styled(` (${t.href})`, "gray");
    }
    case "image": {
      const t = token as Tokens.Image;
      return styled(`[image${t.text ? `: ${decodeEntities(t.text)}` : ""}]`, "gray") +
        styled(` (${t.href})`, "gray");
    }
    case "html": {
      const raw = (token as Tokens.HTML).raw;
      return /^<br\s*\/?>$/i.test(raw.trim()) ? "\n" : raw;
    }
    case "checkbox":
      return (token as Tokens.Checkbox).checked ? "[x] " : "[ ] ";
    default:
      return "raw" in token ? String(token.raw) : "";
  }
}

const BULLETS = ["•", "◦", "▪"];

/**
 * The lines of a code block: its fences dimmed around the code, coloured when `highlight` knows the
 * language. `fence` is the opening fence line as written (```` ``` ```` and the info string).
 */
export function codeBlockLines(
  code: string,
  info: string,
  options: RenderOptions,
  fence = "```" + info,
): string[] {
  const language = info.split(/\s+/)[0];
  const body = (language && options.highlight?.(code, language)) || code.split("\n");
  const close = fence.trim().match(/^(`+|~+)/)?.[1] ?? "```";
  return [styled(fence.trim(), "gray"), ...body, styled(close, "gray")];
}

/** The lines of block-level `tokens`. */
export function renderTokens(tokens: Token[], options: RenderOptions, depth = 0): string[] {
  const lines: string[] = [];
  for (const token of tokens) {
    if (token.type === "space") {
      if (lines.length && lines[lines.length - 1] !== "") lines.push("");
      continue;
    }
    lines.push(...blockToken(token, options, depth));
  }
  while (lines.length && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function blockToken(token: Token, options: RenderOptions, depth: number): string[] {
  const width = Math.max(options.width, 10);
  switch (token.type) {
    case "heading": {
      const t = token as Tokens.Heading;
      const text = renderInline(t.tokens);
      const marks = styled("#".repeat(t.depth), "gray");
      return wrapAnsi(
        `${marks} ${styled(text, ...(t.depth === 1 ? ["bold", "underline"] as const : ["bold"] as const))}`,
        width,
      );
    }
    case "paragraph":
      return wrapAnsi(renderInline((token as Tokens.Paragraph).tokens), width);
    case "text": {
      const t = token as Tokens.Text;
      return wrapAnsi(t.tokens?.length ? renderInline(t.tokens) : decodeEntities(t.text), width);
    }
    case "code": {
      const t = token as Tokens.Code;
      if (t.codeBlockStyle === "indented") return t.text.split("\n").map((l) => `    ${l}`);
      return codeBlockLines(t.text, t.lang ?? "", options, fenceOf(t));
    }
    case "blockquote": {
      const inner = renderTokens(
        (token as Tokens.Blockquote).tokens,
        { ...options, width: width - 2 },
        depth,
      );
      const bar = styled("│", "gray");
      return inner.map((line) => (line ? `${bar} ${line}` : bar));
    }
    case "list":
      return listLines(token as Tokens.List, options, depth);
    case "table":
      return tableLines(token as Tokens.Table, width);
    case "hr":
      return [styled("─".repeat(Math.min(width, 80)), "gray")];
    case "html":
      return (token as Tokens.HTML).raw.replace(/\n+$/, "").split("\n");
    case "def":
      return [];
    default:
      return "raw" in token ? String(token.raw).replace(/\n+$/, "").split("\n") : [];
  }
}

function fenceOf(token: Tokens.Code): string {
  const first = token.raw.split("\n")[0].trim();
  return /^(`{3,}|~{3,})/.test(first) ? first : "```" + (token.lang ?? "");
}

function listLines(list: Tokens.List, options: RenderOptions, depth: number): string[] {
  const lines: string[] = [];
  let number = list.start === "" || list.start === undefined ? 1 : Number(list.start);
  for (const item of list.items) {
    let marker = list.ordered ? `${number++}.` : BULLETS[depth % BULLETS.length];
    if (item.task) marker += item.checked ? " [x]" : " [ ]";
    const indent = visibleWidth(marker) + 1;
    const content = item.tokens.filter((t) => t.type !== "checkbox");
    const inner = renderTokens(content, { ...options, width: options.width - indent }, depth + 1);
    if (!inner.length) inner.push("");
    lines.push(`${styled(marker, "cyan")} ${inner[0]}`.trimEnd());
    for (const line of inner.slice(1)) lines.push(line ? " ".repeat(indent) + line : "");
  }
  return lines;
}

function tableLines(table: Tokens.Table, width: number): string[] {
  const header = table.header.map((cell) => renderInline(cell.tokens));
  const rows = table.rows.map((row) => row.map((cell) => renderInline(cell.tokens)));
  const columns = header.length;
  const widths = header.map((cell, i) =>
    Math.max(1, visibleWidth(cell), ...rows.map((row) => visibleWidth(row[i] ?? "")))
  );
  const separator = 3;
  const total = () => widths.reduce((a, b) => a + b, 0) + separator * (columns - 1);
  // Too wide for the terminal: narrow the widest columns (cells then wrap), down to 8 columns each.
  while (total() > width) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest] <= 8) break;
    widths[widest]--;
  }
  const bar = styled(" │ ", "gray");
  const renderRow = (cells: string[], bold: boolean): string[] => {
    const wrapped = widths.map((w, i) => wrapAnsi(bold ? styled(cells[i] ?? "", "bold") : cells[i] ?? "", w));
    const height = Math.max(...wrapped.map((w) => w.length));
    const out: string[] = [];
    for (let r = 0; r < height; r++) {
      const parts = widths.map((w, i) => padVisible(wrapped[i][r] ?? "", w, table.align[i] ?? "left"));
      out.push(parts.join(bar).trimEnd());
    }
    return out;
  };
  return [
    ...renderRow(header, true),
    styled(widths.map((w) => "─".repeat(w)).join("─┼─"), "gray"),
    ...rows.flatMap((row) => renderRow(row, false)),
  ];
}
