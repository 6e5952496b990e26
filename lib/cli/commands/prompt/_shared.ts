/**
 * What `llm prompt` and `llm chat` share on the terminal: streaming a response to stdout with a spinner and
 * Ctrl-C handling, and the token usage line.
 * @module
 */
import type { Response } from "../../../models/response.ts";
import { tokenUsageString } from "../../../models/token_usage.ts";
import { paint, startSpinner } from "../../io.ts";
import type { Io } from "../../../commands/io.ts";

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
 * Runs a response, writing its text to stdout as it arrives (or all at once when `write` is false, for `-x` and
 * `--json`), with a spinner on a terminal until the first chunk and Ctrl-C (or SIGTERM, SIGHUP) cancelling it.
 * Reasoning goes to stderr, dim. Never throws: the outcome says how it ended.
 */
export async function streamResponse(
  io: Io,
  response: Response,
  options: { write?: boolean } = {},
): Promise<StreamOutcome> {
  const write = options.write ?? true;
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
  let wrote = false;
  let inReasoning = false;
  try {
    for await (const batch of response.eventBatches()) {
      stopSpinner();
      let text = "";
      let reasoning = "";
      for (const event of batch) {
        if (event.type === "reasoning" && event.chunk) {
          if (text && write) io.stdout.write(text);
          text = "";
          reasoning += event.chunk;
          inReasoning = true;
        } else if (event.type === "text" && event.chunk) {
          if (reasoning) io.stderr.write(paint(io.stderr, reasoning, "dim"));
          reasoning = "";
          if (inReasoning) {
            io.stderr.write("\n");
            inReasoning = false;
          }
          text += event.chunk;
          wrote = true;
        }
      }
      if (reasoning) io.stderr.write(paint(io.stderr, reasoning, "dim"));
      if (text && write) io.stdout.write(text);
    }
    return { text: response.textSoFar(), interrupted: false };
  } catch (error) {
    return { text: response.textSoFar(), error, interrupted: stoppedBy !== undefined, signal: stoppedBy };
  } finally {
    stopSpinner();
    for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
    if (write && wrote) io.stdout.write("\n");
  }
}

/** Writes `Token usage: ...` to stderr, as `-u` asks. */
export async function writeUsage(io: Io, response: Response): Promise<void> {
  const usage = tokenUsageString(response.usageSoFar());
  if (usage) io.stderr.write(paint(io.stderr, `Token usage: ${usage}`, "yellow", "bold") + "\n");
  await Promise.resolve();
}
