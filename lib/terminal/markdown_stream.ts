/**
 * Renders Markdown for a terminal while it streams in: text goes in chunk by chunk, and each block comes out
 * once it is finished (see `markdown_blocks.ts` for when that is), so what is printed is never rewritten and
 * nothing jumps or repeats. Lines of a fenced code block come out as they arrive, coloured with highlight.js
 * (each colouring sees all of the block so far; to stay linear in the block's length, lines are passed on in
 * batches that grow with the block: four lines, then half as many as are printed, so a block is coloured about
 * three times over in all; a short block comes out whole when its fence closes).
 *
 * The parser (`marked`) and highlight.js are loaded lazily: `MarkdownStream.open()` loads the parser, and a
 * language is loaded when a code block in it first appears.
 *
 * @example
 * ```ts ignore
 * import { MarkdownStream } from "./markdown_stream.ts";
 * const md = await MarkdownStream.open({ width: 80 });
 * for (const chunk of ["# Hel", "lo\n\nSome **bold** text"]) Deno.stdout.writeSync(new TextEncoder().encode(await md.write(chunk)));
 * Deno.stdout.writeSync(new TextEncoder().encode(await md.end()));
 * ```
 * @module
 */
import type { Token } from "npm:marked@^18";
import { loadMarked, type MarkedModule } from "../deps/marked.ts";
import { type HighlightApi, loadHighlighter, preloadHighlighter } from "../deps/highlight.ts";
import { styled } from "./ansi.ts";
import { htmlToAnsiLines } from "./code_colors.ts";
import { MarkdownBlockSplitter, type MarkdownEvent } from "./markdown_blocks.ts";
import { renderTokens } from "./markdown_render.ts";

/** Options of {@link MarkdownStream.open}. */
export interface MarkdownStreamOptions {
  /** The terminal width in columns: text is wrapped to it. */
  width: number;
}

type Highlighter = { hljs: HighlightApi; language: string };

/** The fewest lines of a coloured code block passed on at once (see the module doc). */
const CODE_BATCH = 4;

interface OpenCode {
  highlighter?: Highlighter;
  lines: string[];
  printed: number;
}

/** Colours `code` with a loaded highlighter; `undefined` if highlight.js fails on it. */
function colour(highlighter: Highlighter, code: string): string[] | undefined {
  try {
    return htmlToAnsiLines(
      highlighter.hljs.highlight(code, { language: highlighter.language, ignoreIllegals: true }).value,
    );
  } catch {
    return undefined;
  }
}

function codeLanguages(tokens: Token[], found = new Set<string>()): Set<string> {
  for (const token of tokens) {
    const t = token as Token & { lang?: string; tokens?: Token[]; items?: { tokens: Token[] }[] };
    if (t.type === "code" && t.lang) found.add(t.lang.split(/\s+/)[0]);
    if (t.tokens) codeLanguages(t.tokens, found);
    for (const item of t.items ?? []) codeLanguages(item.tokens, found);
  }
  return found;
}

/** A Markdown renderer fed with streamed text; see the module doc. */
export class MarkdownStream {
  #marked: MarkedModule;
  #width: number;
  #splitter = new MarkdownBlockSplitter();
  #code: OpenCode | null = null;
  #highlighters = new Map<string, Highlighter | undefined>();

  private constructor(marked: MarkedModule, options: MarkdownStreamOptions) {
    this.#marked = marked;
    this.#width = options.width;
  }

  /**
   * A renderer, once the Markdown parser is loaded. With `preload` (the default) highlight.js starts loading
   * too, in the background, ready for the first code block.
   */
  static async open(options: MarkdownStreamOptions & { preload?: boolean }): Promise<MarkdownStream> {
    if (options.preload ?? true) preloadHighlighter();
    return new MarkdownStream(await loadMarked(), options);
  }

  /** Takes the next chunk; returns the terminal text it completes (often `""`). */
  async write(chunk: string): Promise<string> {
    const events = this.#splitter.push(chunk);
    return events.length ? await this.#render(events) : "";
  }

  /** Ends the text; returns the terminal text of what was still pending. */
  async end(): Promise<string> {
    return await this.#render(this.#splitter.end());
  }

  async #highlighter(language: string): Promise<Highlighter | undefined> {
    if (!this.#highlighters.has(language)) {
      this.#highlighters.set(language, await loadHighlighter(language).catch(() => undefined));
    }
    return this.#highlighters.get(language);
  }

  async #render(events: MarkdownEvent[]): Promise<string> {
    let out = "";
    for (const event of events) {
      if (event.type === "block") {
        const tokens = this.#marked.lexer(event.markdown);
        for (const language of codeLanguages(tokens)) await this.#highlighter(language);
        const lines = renderTokens(tokens, {
          width: this.#width,
          highlight: (code, language) => {
            const highlighter = this.#highlighters.get(language);
            return highlighter && colour(highlighter, code);
          },
        });
        if (event.gap) out += "\n";
        out += lines.map((l) => l + "\n").join("");
      } else if (event.type === "code-open") {
        const language = event.info.split(/\s+/)[0];
        const highlighter = language ? await this.#highlighter(language) : undefined;
        this.#code = { highlighter, lines: [], printed: 0 };
        if (event.gap) out += "\n";
        out += styled(event.fence.trim(), "gray") + "\n";
      } else if (event.type === "code-line") {
        const code = this.#code!;
        code.lines.push(event.line);
        const waiting = code.lines.length - code.printed;
        if (!code.highlighter || waiting >= Math.max(CODE_BATCH, Math.ceil(code.printed / 2))) {
          out += this.#codeLines(code);
        }
      } else {
        out += this.#codeLines(this.#code!);
        if (event.fence !== null) out += styled(event.fence.trim(), "gray") + "\n";
        this.#code = null;
      }
    }
    return out;
  }

  /** The lines of the open code block not printed yet, coloured in the light of the whole block so far. */
  #codeLines(code: OpenCode): string {
    if (code.printed === code.lines.length) return "";
    const fresh = code.lines.slice(code.printed);
    const coloured = code.highlighter && colour(code.highlighter, code.lines.join("\n"));
    const lines = coloured?.length === code.lines.length ? coloured.slice(code.printed) : fresh;
    code.printed = code.lines.length;
    return lines.map((l) => l + "\n").join("");
  }
}

/**
 * A whole Markdown document rendered for a terminal, exactly as {@link MarkdownStream} prints it when the same
 * text is streamed.
 */
export async function renderMarkdown(text: string, options: MarkdownStreamOptions): Promise<string> {
  const stream = await MarkdownStream.open({ ...options, preload: false });
  return (await stream.write(text)) + (await stream.end());
}
