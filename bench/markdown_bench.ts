/**
 * Markdown rendering against printing raw, for a 20,000-chunk Markdown answer (headings, paragraphs with
 * inline styles, lists, a table, quotes and code blocks in three languages, in chunks of 4 characters):
 *
 * 1. in process: feeding the chunks to `MarkdownStream` and writing what it returns, against writing each
 *    chunk as it comes (both to /dev/null, as `streamResponse` writes them);
 * 2. end to end: `llm` streaming the answer from the loopback server into a pseudo-terminal (`script`), so that
 *    it renders, against the same with `--raw`.
 *
 * ```sh
 * deno run -A bench/markdown_bench.ts              # 15 runs of each
 * deno run -A bench/markdown_bench.ts --runs=5 --chunks=5000
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { startOpenAIServer } from "../tests/support/openai_server.ts";
import { MarkdownStream } from "../lib/terminal/markdown_stream.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { runs: { type: "string", default: "15" }, chunks: { type: "string", default: "20000" } },
});
const runs = Number(values.runs);
const chunkCount = Number(values.chunks);

const SECTION = (n: number) =>
  `## Part ${n}: what to do\n\n` +
  `Here is **step ${n}**, with *emphasis*, \`inline code\` and a [link](https://example.com/${n}). ` +
  "It goes on for a while so that the paragraph wraps across a line or two on an ordinary terminal.\n\n" +
  `1. First item of part ${n}\n2. Second item, with \`code\`\n   - a nested point\n\n` +
  "```python\n" +
  `def step_${n}(items):\n    """Sum the items."""\n    total = 0\n    for item in items:\n` +
  `        total += item  # add\n    return total\n` +
  "```\n\n" +
  `| Name | Value |\n|------|------:|\n| part | ${n} |\n| size | ${n * 3} |\n\n` +
  `> A quoted remark about part ${n}.\n\n` +
  "```ts\n" + `const part${n} = await fetch("https://example.com/${n}");\nconsole.log(part${n}.status);\n` +
  "```\n\n";

/** The answer, cut into `count` chunks of 4 characters (the last sections cut where the count runs out). */
export function markdownChunks(count: number): string[] {
  let text = "";
  for (let n = 1; text.length < count * 4; n++) text += SECTION(n);
  return (text.slice(0, count * 4).match(/[\s\S]{1,4}/g) ?? []);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const encoder = new TextEncoder();
const sink = Deno.openSync("/dev/null", { write: true });
const write = (text: string) => {
  let bytes = encoder.encode(text);
  while (bytes.length) bytes = bytes.subarray(sink.writeSync(bytes));
};

const chunks = markdownChunks(chunkCount);
console.log(`${chunks.length} chunks, ${chunks.join("").length} characters, ${runs} runs each\n`);

// 1. In process. The first open() loads marked (its import cost is shown apart), the first code block loads
// highlight.js; a warm-up run takes both out of the timed runs.
const importStart = performance.now();
await MarkdownStream.open({ width: 100, preload: false });
const importMs = performance.now() - importStart;
async function rendered(): Promise<number> {
  const start = performance.now();
  const md = await MarkdownStream.open({ width: 100, preload: false });
  for (const chunk of chunks) {
    const out = await md.write(chunk);
    if (out) write(out);
  }
  write(await md.end());
  return performance.now() - start;
}
function raw(): number {
  const start = performance.now();
  for (const chunk of chunks) write(chunk);
  write("\n");
  return performance.now() - start;
}
await rendered();
const rawTimes: number[] = [];
const renderedTimes: number[] = [];
for (let i = 0; i < runs; i++) {
  rawTimes.push(raw());
  renderedTimes.push(await rendered());
}
console.log("In process (to /dev/null):");
console.log(`  marked import (first open)  ${importMs.toFixed(1)} ms`);
console.log(`  raw writes                  ${median(rawTimes).toFixed(1)} ms (median)`);
console.log(`  rendered                    ${median(renderedTimes).toFixed(1)} ms (median)`);
console.log(`  ratio                       ${(median(renderedTimes) / median(rawTimes)).toFixed(2)}x\n`);

// 2. End to end, in a pseudo-terminal made by `script` (util-linux).
const cli = fileURLToPath(new URL("../cli.ts", import.meta.url));
const userDir = await Deno.makeTempDir({ prefix: "llm-md-bench-" });
await using server = await startOpenAIServer();
const text = chunks.join("");
async function runLlm(extra: string[]): Promise<number> {
  server.enqueue({ kind: "text", text, chunks, usage: { input: 1, output: chunkCount } });
  const command = [Deno.execPath(), "run", "-A", cli, "-m", "4o-mini", "-n", ...extra, "go"]
    .map((a) => `'${a}'`).join(" ");
  const start = performance.now();
  const out = await new Deno.Command("script", {
    args: ["-qec", command, "/dev/null"],
    env: {
      LLM_USER_PATH: userDir,
      OPENAI_BASE_URL: server.url,
      OPENAI_API_KEY: "sk-bench",
      LLM_OPENAI_MAX_RETRIES: "0",
      COLUMNS: "100",
    },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  const ms = performance.now() - start;
  if (!out.success) throw new Error(`llm failed: ${new TextDecoder().decode(out.stderr)}`);
  return ms;
}
try {
  const e2eRaw: number[] = [];
  const e2eRendered: number[] = [];
  await runLlm([]);
  for (let i = 0; i < runs; i++) {
    e2eRaw.push(await runLlm(["--raw"]));
    e2eRendered.push(await runLlm([]));
  }
  console.log("End to end (llm in a pseudo-terminal, loopback server):");
  console.log(`  llm --raw                   ${median(e2eRaw).toFixed(0)} ms (median)`);
  console.log(`  llm (rendered)              ${median(e2eRendered).toFixed(0)} ms (median)`);
  console.log(`  ratio                       ${(median(e2eRendered) / median(e2eRaw)).toFixed(2)}x`);
} finally {
  await Deno.remove(userDir, { recursive: true });
}
