/**
 * What `llm prompt` and `llm chat` share on the terminal: streaming a response to stdout with a spinner and
 * Ctrl-C handling, the rounds of an answer without tools, and the token usage line.
 * @module
 */
import type { Response } from "../../../models/response.ts";
import { tokenUsageString } from "../../../models/token_usage.ts";
import { paint, startSpinner } from "../../io.ts";
import type { Io } from "../../../commands/io.ts";
import { lazyImport } from "../../../lazy_import.ts";
import { markdownWanted } from "../../../terminal/markdown_mode.ts";

/** How a streamed response ended. */
export interface StreamOutcome {
  /** The text written (the whole response, or what arrived before a failure). */
  text: string;
  /** The error it failed with, if any. */
  error?: unknown;
  /** True when a signal (Ctrl-C, SIGTERM, SIGHUP) stopped it. */
  interrupted: boolean;
  /** The signal that stopped it. */
  signal?: Deno.Signal;
}

/** The rounds of an answer that ran no tools: `response` alone, read as a chain's `responses()` are. */
export async function* singleRound(response: Response): AsyncGenerator<Response> {
  yield response;
}

/**
 * The signals that stop a response as Ctrl-C does (the partial answer is kept and logged): SIGINT, and the
 * SIGTERM and SIGHUP that `timeout`, `docker stop`, process managers and a closed terminal send.
 */
export const STOP_SIGNALS: readonly Deno.Signal[] = Deno.build.os === "windows"
  ? ["SIGINT", "SIGBREAK"]
  : ["SIGINT", "SIGTERM", "SIGHUP"];

const SIGNAL_NUMBERS: Partial<Record<Deno.Signal, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

/** The exit code after `signal` stopped a response: 128 + its number (130, 143, 129), as shells report it. */
export function signalExitCode(signal: Deno.Signal): number {
  return 128 + (SIGNAL_NUMBERS[signal] ?? 2);
}

/** Why a response stopped, as logged and printed: `Cancelled with Ctrl-C`, `Cancelled by SIGTERM`. */
export function signalReason(signal: Deno.Signal): string {
  return signal === "SIGINT" || signal === "SIGBREAK" ? "Cancelled with Ctrl-C" : `Cancelled by ${signal}`;
}

/**
 * Whether reasoning was shown and no text has followed it yet: shared by the rounds of a chain, so the newline
 * after reasoning comes before the next text even when that text is in a later round.
 */
export interface ReasoningState {
  /** True after reasoning, until the next text. */
  pending: boolean;
}

/**
 * Runs a response, writing its text to stdout as it arrives (or all at once when `write` is false, for `-x` and
 * `--json`), with a spinner on a terminal until the first output and Ctrl-C (or SIGTERM, SIGHUP) cancelling
 * it. On a terminal the text is rendered as Markdown, block by block as each one is finished, unless `raw`
 * (`--raw`) or a setting says not to (see `lib/terminal/markdown_mode.ts`). Reasoning goes to stderr, dim.
 * Never throws: the outcome says how it ended.
 */
export async function streamResponse(
  io: Io,
  response: Response,
  options: { write?: boolean; raw?: boolean; reasoning?: ReasoningState } = {},
): Promise<StreamOutcome> {
  const write = options.write ?? true;
  const state = options.reasoning ?? { pending: false };
  const stopSpinner = startSpinner(io);
  let stoppedBy: Deno.Signal | undefined;
  const handlers = STOP_SIGNALS.map((signal) => {
    const handler = () => {
      stoppedBy ??= signal;
      response.cancel();
    };
    Deno.addSignalListener(signal, handler);
    return [signal, handler] as const;
  });
  // The renderer loads while the request is on its way; if it cannot load, the text is printed raw.
  const markdown = write && markdownWanted(io.stdout, { raw: options.raw })
    ? openMarkdown(io.columns()).catch(() => undefined)
    : undefined;
  const out = async (text: string) => {
    const renderer = await markdown;
    const shown = renderer ? await renderer.write(text) : text;
    if (shown) {
      stopSpinner();
      io.stdout.write(shown);
    }
  };
  let wrote = false;
  try {
    for await (const batch of response.eventBatches()) {
      let text = "";
      let reasoning = "";
      for (let i = 0; i < batch.length; i++) {
        const event = batch[i];
        // Reasoning is shown only as it streams (Python prints none with --no-stream, -x or --json); any
        // reasoning event, even withheld reasoning with no text, ends with a newline before the next text.
        if (event.type === "reasoning" && write) {
          if (text) await out(text);
          text = "";
          reasoning += event.chunk;
          state.pending = true;
        } else if (event.type === "text" && event.chunk) {
          if (reasoning) {
            stopSpinner();
            io.stderr.write(paint(io.stderr, reasoning, "dim"));
          }
          reasoning = "";
          if (state.pending) {
            io.stderr.write("\n");
            state.pending = false;
          }
          text += event.chunk;
          wrote = true;
        }
      }
      if (reasoning) {
        stopSpinner();
        io.stderr.write(paint(io.stderr, reasoning, "dim"));
      }
      if (text && write) await out(text);
      if (!markdown) stopSpinner();
    }
    return { text: response.textSoFar(), interrupted: false };
  } catch (error) {
    return { text: response.textSoFar(), error, interrupted: stoppedBy !== undefined, signal: stoppedBy };
  } finally {
    stopSpinner();
    for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
    const renderer = await markdown;
    if (renderer) io.stdout.write(await renderer.end());
    else if (write && wrote) io.stdout.write("\n");
  }
}

/** The streaming Markdown renderer, loaded only when output is rendered. */
async function openMarkdown(columns: number) {
  const { MarkdownStream } = await lazyImport<typeof import("../../../terminal/markdown_stream.ts")>(
    "../../../terminal/markdown_stream.ts",
    import.meta.url,
  );
  return await MarkdownStream.open({ width: columns });
}

/**
 * Writes `Token usage: ...` to stderr, as `-u` asks, and on the next line what the response cost (or that the
 * price is unknown; see lib/pricing/).
 */
export async function writeUsage(io: Io, response: Response): Promise<void> {
  const counts = response.usageSoFar();
  const usage = tokenUsageString(counts);
  if (usage) io.stderr.write(paint(io.stderr, `Token usage: ${usage}`, "yellow", "bold") + "\n");
  const { costLine } = await lazyImport<typeof import("../../../pricing/cost.ts")>(
    "../../../pricing/cost.ts",
    import.meta.url,
  );
  io.stderr.write(paint(io.stderr, costLine(response.model.id, counts, response.model), "yellow") + "\n");
}
