/**
 * Syntax colours for code on a terminal: highlight.js's HTML output turned into ANSI-coloured lines, each line
 * complete in itself (a style that spans lines, such as a block comment, is closed at each line's end and
 * opened again on the next), so lines can be printed one at a time.
 *
 * @example
 * ```ts
 * import { htmlToAnsiLines } from "./code_colors.ts";
 * htmlToAnsiLines('<span class="hljs-keyword">def</span> f():\n  pass');
 * // ["\x1b[35mdef\x1b[39m f():", "  pass"]
 * ```
 * @module
 */
import { type AnsiStyle, styled } from "./ansi.ts";

/** The style of a highlight.js scope (`keyword`, `title function_`, `string`...), if it has one. */
export function scopeStyle(scope: string): AnsiStyle[] | undefined {
  const [name, sub] = scope.split(" ");
  switch (name) {
    case "keyword":
    case "selector-tag":
    case "doctag":
    case "meta-keyword":
      return ["magenta"];
    case "built_in":
    case "type":
    case "selector-class":
    case "selector-id":
      return ["cyan"];
    case "literal":
    case "number":
    case "symbol":
    case "bullet":
      return ["yellow"];
    case "string":
    case "regexp":
    case "addition":
    case "char":
      return ["green"];
    case "comment":
    case "quote":
      return ["gray", "italic"];
    case "meta":
      return ["gray"];
    case "title":
    case "section":
    case "name":
      return sub === "class_" ? ["cyan", "bold"] : ["blue"];
    case "attr":
    case "attribute":
    case "property":
    case "variable":
    case "template-variable":
    case "selector-attr":
    case "selector-pseudo":
      return ["cyan"];
    case "deletion":
      return ["red"];
    case "emphasis":
      return ["italic"];
    case "strong":
      return ["bold"];
    case "link":
      return ["underline"];
    default:
      return undefined;
  }
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#x27": "'", "#39": "'" };

function unescapeHtml(text: string): string {
  return text.includes("&")
    ? text.replace(/&(amp|lt|gt|quot|#x27|#39);/g, (_, e: string) => ENTITIES[e])
    : text;
}

/** highlight.js HTML (`<span class="hljs-...">` and escaped text) as ANSI lines, one per line of code. */
export function htmlToAnsiLines(html: string): string[] {
  const lines: string[] = [""];
  const stack: (AnsiStyle[] | undefined)[] = [];
  const current = (): AnsiStyle[] | undefined => {
    for (let i = stack.length - 1; i >= 0; i--) if (stack[i]) return stack[i];
    return undefined;
  };
  for (const part of html.match(/<span class="[^"]*">|<\/span>|[^<]+|</g) ?? []) {
    if (part.startsWith("<span")) {
      const classes = part.slice(13, -2);
      stack.push(scopeStyle(classes.replace(/^hljs-/, "")));
    } else if (part === "</span>") {
      stack.pop();
    } else {
      const style = current();
      const pieces = unescapeHtml(part).split("\n");
      pieces.forEach((piece, i) => {
        if (i > 0) lines.push("");
        lines[lines.length - 1] += style ? styled(piece, ...style) : piece;
      });
    }
  }
  return lines;
}
