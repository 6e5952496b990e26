/**
 * The interactive loop of `llm openai endpoint --chat`: Python llm's `_run_chat` for a model that is not
 * logged, so there is no `!fragment` (fragments by alias live in logs.db). Messages are read as `llm chat`
 * reads them (`readChatMessage`: `exit`/`quit`, `!multi` ... `!end`, `!edit`), with the line editor on a
 * terminal keeping this session's history only.
 * @module
 */
import type { Io } from "../../../commands/io.ts";
import { ChainResponse } from "../../../models/chain.ts";
import { ChainLimitError, ModelError } from "../../../models/errors.ts";
import type { Response } from "../../../models/response.ts";
import { cliErrorMessage } from "../../error_messages.ts";
import { openChatInput } from "../../line_reader.ts";
import { chatBanner, readChatMessage } from "../chat/_read_message.ts";
import { singleRound, streamResponse } from "../prompt/_shared.ts";

/** What the loop needs from its command. */
export interface ChatLoopOptions {
  /** Shown as `Chatting with <label>`. */
  label: string;
  /**
   * Sends one message and returns its response, or the chain of responses when tools run (`readLine` reads
   * the answer to a `--ta` question from the chat's own input).
   */
  send: (text: string, readLine: () => Promise<string | null>) => Response | ChainResponse;
  /** Print answers as they came, never rendered as Markdown. */
  raw?: boolean;
  /** Forgets a failed turn that produced nothing, so the next one does not send it as history. */
  forget?: (response: Response) => void;
}

/** Runs the chat until `exit`, `quit` or the end of input; returns the exit code. */
export async function runChatLoop(io: Io, options: ChatLoopOptions): Promise<number> {
  io.stdout.write(chatBanner(options.label));
  const lines = await openChatInput(io, { history: false });
  try {
    while (true) {
      const text = await readChatMessage(io, lines);
      if (text === null) return 0;
      const sent = options.send(text, () => lines.readLine(""));
      const rounds = sent instanceof ChainResponse ? sent.responses() : singleRound(sent);
      try {
        for await (const response of rounds) {
          const outcome = await streamResponse(io, response, { raw: options.raw });
          if (outcome.error === undefined) continue;
          if (outcome.interrupted) {
            io.stderr.write("Cancelled\n");
            break;
          }
          // A failed request ends this answer only; anything else (a bad option) would fail every turn.
          if (outcome.error instanceof ModelError) {
            if (!outcome.text) options.forget?.(response);
            io.stderr.write(`Error: ${cliErrorMessage(outcome.error)}\n`);
            break;
          }
          throw outcome.error;
        }
      } catch (error) {
        // A chain that reached its limit ends this answer; the chat goes on.
        if (!(error instanceof ChainLimitError)) throw error;
        io.stderr.write(`Error: ${cliErrorMessage(error)}\n`);
      }
    }
  } finally {
    await lines.close();
  }
}
