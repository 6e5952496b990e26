/**
 * Markdown rendering against printing raw, for a 20,000-chunk Markdown answer (headings, paragraphs with
 * inline styles, lists, a table, quotes and code blocks in three languages, in chunks of 4 characters):
 *
 * 1. in process: feeding the chunks to `MarkdownStream` and writing what it returns, against writing each
 *    chunk as it comes (both to /dev/null, as `streamResponse` writes them);
 * 2. end to end: `llm` streaming the answer from the loopback server into a pseudo-terminal (`script`), so that
 *    it renders, against the same with `--raw`.
 *
 * Target: rendering within 1.5x of raw, both ways. A group of `deno task bench` (`--only=markdown`), or alone:
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
import { fromSamples } from "./measure.ts";
import { type Group, groupText } from "./report.ts";

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

const encoder = new TextEncoder();

/** Writes `text` whole to `sink`. */
function writeAll(sink: Deno.FsFile, text: string): void {
  let bytes = encoder.encode(text);
  while (bytes.length) bytes = bytes.subarray(sink.writeSync(bytes));
}

/**
 * The two Markdown groups: in process (MarkdownStream against raw writes, to /dev/null) and end to end (`llm`
 * in a pseudo-terminal made by `script`, rendering against `--raw`), `runs` interleaved runs of each.
 */
export async function markdownGroups(runs: number, chunkCount = 20_000): Promise<Group[]> {
  const chunks = markdownChunks(chunkCount);
  using sink = Deno.openSync("/dev/null", { write: true });
  // The first open() loads marked, the first code block highlight.js: a warm-up run takes both out.
  const importStart = performance.now();
  await MarkdownStream.open({ width: 100, preload: false });
  const importMs = performance.now() - importStart;
  const rendered = async () => {
    const start = performance.now();
    const md = await MarkdownStream.open({ width: 100, preload: false });
    for (const chunk of chunks) {
      const out = await md.write(chunk);
      if (out) writeAll(sink, out);
    }
    writeAll(sink, await md.end());
    return performance.now() - start;
  };
  const raw = () => {
    const start = performance.now();
    for (const chunk of chunks) writeAll(sink, chunk);
    writeAll(sink, "\n");
    return performance.now() - start;
  };
  await rendered();
  const rawTimes: number[] = [];
  const renderedTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    rawTimes.push(raw());
    renderedTimes.push(await rendered());
  }
  const inProcess: Group = {
    title: `Markdown, ${chunks.length} chunks, in process`,
    description: `A ${chunks.join("").length}-character Markdown answer (headings, inline styles, lists, a ` +
      "table, quotes, code in three languages) in chunks of 4 characters: each chunk fed to MarkdownStream " +
      "and what it returns written to /dev/null, against writing each chunk as it comes. Loading marked " +
      `(the first open) took ${importMs.toFixed(1)} ms, outside the timed runs. Target: within 1.5x of raw.`,
    measurements: [
      fromSamples("raw writes", rawTimes.map((ms) => ({ ms, peakKib: null }))),
      fromSamples("rendered", renderedTimes.map((ms) => ({ ms, peakKib: null }))),
    ],
    targets: { rendered: { ratio: 1.5 } },
  };

  const cli = fileURLToPath(new URL("../cli.ts", import.meta.url));
  const userDir = await Deno.makeTempDir({ prefix: "llm-md-bench-" });
  await using server = await startOpenAIServer();
  const text = chunks.join("");
  const runLlm = async (extra: string[]) => {
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
  };
  try {
    const e2eRaw: number[] = [];
    const e2eRendered: number[] = [];
    await runLlm([]);
    for (let i = 0; i < runs; i++) {
      e2eRaw.push(await runLlm(["--raw"]));
      e2eRendered.push(await runLlm([]));
    }
    const endToEnd: Group = {
      title: `Markdown, ${chunks.length} chunks, llm in a terminal`,
      description: "`llm -n` streaming the same answer from the loopback server into a pseudo-terminal " +
        "(`script -qec`), rendering it as it streams, against `llm -n --raw`. Target: within 1.5x.",
      measurements: [
        fromSamples("llm -n --raw", e2eRaw.map((ms) => ({ ms, peakKib: null }))),
        fromSamples("llm -n (rendered)", e2eRendered.map((ms) => ({ ms, peakKib: null }))),
      ],
      targets: { "llm -n (rendered)": { ratio: 1.5 } },
    };
    return [inProcess, endToEnd];
  } finally {
    await Deno.remove(userDir, { recursive: true });
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { runs: { type: "string", default: "15" }, chunks: { type: "string", default: "20000" } },
  });
  for (const group of await markdownGroups(Number(values.runs), Number(values.chunks))) {
    console.log(`${groupText(group)}\n\n${group.description}\n`);
  }
}
