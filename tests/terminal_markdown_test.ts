/**
 * The streaming Markdown renderer: the block splitter's decisions, the terminal rendering of each kind of
 * block, and the promise that streaming in any chunk size prints exactly what rendering the whole text prints.
 */
import assert from "node:assert/strict";
import { MarkdownBlockSplitter, type MarkdownEvent } from "../lib/terminal/markdown_blocks.ts";
import { MarkdownStream, renderMarkdown } from "../lib/terminal/markdown_stream.ts";
import { stripAnsi, visibleWidth } from "../lib/terminal/width.ts";
import { htmlToAnsiLines } from "../lib/terminal/code_colors.ts";
import { decodeEntities } from "../lib/terminal/markdown_render.ts";

function split(text: string, size = text.length): MarkdownEvent[] {
  const splitter = new MarkdownBlockSplitter();
  const events: MarkdownEvent[] = [];
  for (let i = 0; i < text.length; i += size) events.push(...splitter.push(text.slice(i, i + size)));
  return [...events, ...splitter.end()];
}

function blocks(text: string): string[] {
  return split(text).map((e) => e.type === "block" ? e.markdown : `<${e.type}>`);
}

const SAMPLE = `# Title

Intro paragraph with **bold**, *italic*, \`code\`, a [link](https://example.com) and ~~gone~~.
Here are options:
- one
- two
  - nested

1. first

   more about first
2. second

> quoted text
> more

| Name | Qty |
|:-----|----:|
| 苹果 | 3 |
| pear | 12 |

\`\`\`python
def f(x):
    """Doc."""
    return x + 1  # add
\`\`\`

Setext heading
--------------

***

Last line without newline`;

Deno.test("splitter: a block is passed on once nothing after it can change it", () => {
  assert.deepEqual(blocks(SAMPLE), [
    "# Title",
    "Intro paragraph with **bold**, *italic*, `code`, a [link](https://example.com) and ~~gone~~.\nHere are options:",
    "- one",
    "- two\n  - nested",
    "1. first\n\n   more about first",
    "2. second",
    "> quoted text\n> more",
    "| Name | Qty |\n|:-----|----:|\n| 苹果 | 3 |\n| pear | 12 |",
    "<code-open>",
    "<code-line>",
    "<code-line>",
    "<code-line>",
    "<code-close>",
    "Setext heading\n--------------",
    "***",
    "Last line without newline",
  ]);
});

Deno.test("splitter: the same events whatever the chunk size", () => {
  const whole = split(SAMPLE);
  for (const size of [1, 2, 3, 7, 64]) assert.deepEqual(split(SAMPLE, size), whole, `chunks of ${size}`);
});

Deno.test("splitter: blocks wait for their end; gaps follow blank lines", () => {
  const splitter = new MarkdownBlockSplitter();
  assert.deepEqual(splitter.push("Para"), []);
  assert.deepEqual(splitter.push("graph one\n"), [], "a paragraph may go on on the next line");
  assert.deepEqual(splitter.push("\n"), [], "a blank line: the next line may still continue a list");
  assert.deepEqual(splitter.push("Next"), [], "only whole lines count");
  assert.deepEqual(splitter.push("\n"), [{ type: "block", markdown: "Paragraph one", gap: false }]);
  assert.deepEqual(splitter.push("## Heading\n"), [
    { type: "block", markdown: "Next", gap: true },
    { type: "block", markdown: "## Heading", gap: false },
  ]);
  assert.deepEqual(splitter.push("```ts\nlet a = 1;\n"), [
    { type: "code-open", fence: "```ts", info: "ts", gap: false },
    { type: "code-line", line: "let a = 1;" },
  ]);
  assert.deepEqual(splitter.push("\n# not a heading\n"), [
    { type: "code-line", line: "" },
    { type: "code-line", line: "# not a heading" },
  ]);
  assert.deepEqual(
    splitter.end(),
    [{ type: "code-close", fence: null }],
    "an unclosed fence ends with the text",
  );
});

Deno.test("splitter: a fence inside a list item stays in the item, with its blank lines", () => {
  const text = "1. Run:\n\n   ```sh\n   ls\n\n   # list\n   ```\n2. Done\n";
  assert.deepEqual(blocks(text), ["1. Run:\n\n   ```sh\n   ls\n\n   # list\n   ```", "2. Done"]);
});

Deno.test("render: every kind of block on a terminal", async () => {
  const out = await renderMarkdown(SAMPLE, { width: 60 });
  const plain = stripAnsi(out);
  assert.equal(
    plain,
    [
      "# Title",
      "",
      "Intro paragraph with bold, italic, code, a link",
      "(https://example.com) and gone. Here are options:",
      "• one",
      "• two",
      "  ◦ nested",
      "",
      "1. first",
      "",
      "   more about first",
      "2. second",
      "",
      "│ quoted text more",
      "",
      "Name │ Qty",
      "─────┼────",
      "苹果 │   3",
      "pear │  12",
      "",
      "```python",
      "def f(x):",
      '    """Doc."""',
      "    return x + 1  # add",
      "```",
      "",
      "## Setext heading",
      "",
      "─".repeat(60),
      "",
      "Last line without newline",
      "",
    ].join("\n"),
  );
  assert.ok(out.includes("\x1b[1mbold\x1b[22m"), "bold");
  assert.ok(out.includes("\x1b[3mitalic\x1b[23m"), "italic");
  assert.ok(out.includes("\x1b[33mcode\x1b[39m"), "inline code");
  assert.ok(out.includes("\x1b[9mgone\x1b[29m"), "strike-through");
  assert.ok(out.includes("\x1b[4m\x1b[34mlink"), "links underlined");
  assert.ok(out.includes("\x1b[35mdef\x1b[39m"), "python keyword coloured");
  assert.ok(out.includes('\x1b[32m"""Doc."""\x1b[39m'), "python string coloured");
  assert.ok(out.includes("\x1b[90m\x1b[3m# add\x1b[23m\x1b[39m"), "comment coloured");
  for (const line of out.split("\n")) assert.ok(visibleWidth(line) <= 60, `fits: ${line}`);
});

Deno.test("render: streaming in any chunk size prints exactly what the whole text renders to", async () => {
  const whole = await renderMarkdown(SAMPLE, { width: 72 });
  for (const size of [1, 5, 13]) {
    const stream = await MarkdownStream.open({ width: 72 });
    let out = "";
    for (let i = 0; i < SAMPLE.length; i += size) out += await stream.write(SAMPLE.slice(i, i + size));
    out += await stream.end();
    assert.equal(out, whole, `chunks of ${size}`);
  }
});

Deno.test("render: output comes out as blocks finish, and plain code lines as they arrive", async () => {
  const stream = await MarkdownStream.open({ width: 80 });
  assert.equal(await stream.write("Hello **wor"), "");
  assert.equal(await stream.write("ld**\n"), "");
  assert.equal(stripAnsi(await stream.write("\n```\nconst a = 1;\n")), "Hello world\n\n```\nconst a = 1;\n");
  assert.equal(stripAnsi(await stream.write("const b = 2;\n")), "const b = 2;\n");
  assert.equal(stripAnsi(await stream.write("```\n")), "```\n");
  assert.equal(
    stripAnsi(await stream.write("```js\nlet c;\n")),
    "```js\n",
    "coloured lines wait for a batch",
  );
  assert.equal(stripAnsi(await stream.write("```\n")), "let c;\n```\n");
  assert.equal(await stream.end(), "");
});

Deno.test("render: a long code block is printed in full, coloured, in growing batches", async () => {
  const stream = await MarkdownStream.open({ width: 80 });
  let out = await stream.write("```python\n");
  const printedAfter: number[] = [];
  for (let i = 0; i < 100; i++) {
    out += await stream.write(`x${i} = "${i}"\n`);
    printedAfter.push(stripAnsi(out).split("\n").length - 2);
  }
  out += await stream.write("```\n") + await stream.end();
  const lines = stripAnsi(out).trimEnd().split("\n");
  assert.equal(lines.length, 102);
  assert.deepEqual(lines.slice(1, 4), ['x0 = "0"', 'x1 = "1"', 'x2 = "2"']);
  assert.deepEqual(
    printedAfter.slice(0, 9),
    [0, 0, 0, 4, 4, 4, 4, 8, 8],
    "the first lines come four at a time",
  );
  assert.ok(printedAfter[99] < 100 && printedAfter[99] >= 66, "later ones in batches of at most half");
  assert.ok(out.includes('\x1b[32m"99"\x1b[39m'));
});

Deno.test("render: unknown languages and unlabelled fences are printed plain", async () => {
  const out = await renderMarkdown("```nosuchlang\nfoo bar\n```\n\n```\nplain\n```\n", { width: 80 });
  assert.equal(
    out,
    "\x1b[90m```nosuchlang\x1b[39m\nfoo bar\n\x1b[90m```\x1b[39m\n\n\x1b[90m```\x1b[39m\nplain\n\x1b[90m```\x1b[39m\n",
  );
});

Deno.test("render: wide characters are measured as two columns when wrapping and in tables", async () => {
  const out = await renderMarkdown("日本語の文章はとても長いのでこの幅では折り返す必要があります。\n", {
    width: 20,
  });
  for (const line of stripAnsi(out).trimEnd().split("\n")) assert.ok(visibleWidth(line) <= 20, line);
  const table = stripAnsi(
    await renderMarkdown("| a | b |\n|---|---|\n| 日本 | x |\n| ab | y |\n", { width: 80 }),
  );
  assert.deepEqual(table.trimEnd().split("\n"), ["a    │ b", "─────┼──", "日本 │ x", "ab   │ y"]);
});

Deno.test("highlight.js HTML becomes one self-contained ANSI string a line", () => {
  const lines = htmlToAnsiLines(
    '<span class="hljs-comment">/* a\nb */</span> <span class="hljs-title function_">f</span>&lt;&amp;&gt;',
  );
  assert.deepEqual(lines, [
    "\x1b[90m\x1b[3m/* a\x1b[23m\x1b[39m",
    "\x1b[90m\x1b[3mb */\x1b[23m\x1b[39m \x1b[34mf\x1b[39m<&>",
  ]);
  assert.equal(decodeEntities("&amp;&lt;&#39;&#x1F600;&nosuch;"), "&<'😀&nosuch;");
});
