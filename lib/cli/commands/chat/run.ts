/**
 * `llm chat`: an interactive conversation with one model.
 * @module
 */
import "../../../deps/sqlite_ready.ts"; // node:sqlite loaded before this module opens a database
import { ChainLimitError, ModelError } from "../../../models/errors.ts";
import type { Fragment } from "../../../models/fragment.ts";
import { openChatInput } from "../../line_reader.ts";
import type { CommandContext } from "../../../commands/spec.ts";
import { chatFragments, requestFrom, sessionFor } from "../prompt/_inputs.ts";
import { toolChainSettings } from "../prompt/_tool_hooks.ts";
import {
  signalExitCode,
  signalReason,
  singleRound,
  STOP_SIGNALS,
  streamResponse,
} from "../prompt/_shared.ts";
import { cliErrorMessage } from "../../error_messages.ts";
import type { Io } from "../../../commands/io.ts";
import type { Attachment } from "../../../attachments/attachment.ts";
import { attachLines } from "./_attach.ts";
import { chatBanner, readChatMessage } from "./_read_message.ts";

function banner(io: Io, modelId: string): void {
  io.stdout.write(
    chatBanner(modelId) +
      "Type '!fragment <my_fragment> [<another_fragment> ...]' to insert one or more fragments\n",
  );
}

/** Runs `llm chat`. */
export async function runChat(ctx: CommandContext): Promise<number> {
  const v = ctx.values as Record<string, unknown>;
  await using session = sessionFor(ctx, true);
  // As in Python llm: -o replaces the stored default options entirely.
  const prepared = await session.prepare({
    ...requestFrom(ctx),
    storedOptions: "unless-given",
    stream: !v.noStream,
  });

  // A logs.db that cannot be written is found before the first request is sent.
  session.prepareToLog();
  banner(ctx.io, prepared.model.id);
  const lines = await openChatInput(ctx.io);
  let answering = false;
  // Between answers Ctrl-C, SIGTERM and SIGHUP end the chat (130, 143, 129); during one, streamResponse has them.
  const idleHandlers = STOP_SIGNALS.map((signal) => {
    const handler = () => {
      if (answering) return;
      ctx.io.stdout.write("\n");
      Deno.exit(signalExitCode(signal));
    };
    Deno.addSignalListener(signal, handler);
    return [signal, handler] as const;
  });
  // What `!fragment` and `!attach` lines name goes with the next message: the fragments, and the files
  // attached (or returned by fragment loaders). A line refused by attachLines adds no fragments.
  let typedFragments: Fragment[] = [];
  let pending: Attachment[] = [];
  const fragmentsAndAttachments = async (line: string): Promise<string | undefined> => {
    let fragments: Fragment[] = [];
    if (line.trim().startsWith("!fragment ")) {
      let loaded: Attachment[];
      ({ prompt: line, fragments, attachments: loaded } = await chatFragments(ctx, session, line));
      pending.push(...loaded);
    }
    const attached = await attachLines(ctx.io, line, pending);
    if (attached !== undefined) typedFragments.push(...fragments);
    return attached;
  };
  try {
    while (true) {
      const text = await readChatMessage(ctx.io, lines, fragmentsAndAttachments);
      if (text === null) return 0;
      const turn = { fragments: typedFragments, attachments: pending };
      typedFragments = [];
      const rounds = prepared.usesTools
        ? prepared.chain(text, {
          ...turn,
          ...toolChainSettings(ctx.io, ctx.values, () => lines.readLine("")),
        })
          .responses()
        : singleRound(prepared.send(text, turn));
      pending = [];
      try {
        for await (const response of rounds) {
          answering = true;
          const outcome = await streamResponse(ctx.io, response, { raw: Boolean(v.raw) });
          answering = false;
          if (outcome.error === undefined) {
            await session.log(response);
            continue;
          }
          const reason = outcome.signal && outcome.signal !== "SIGINT"
            ? signalReason(outcome.signal)
            : String((outcome.error as Error)?.message ?? outcome.error);
          await session.log(response, { interrupted: { reason } });
          // SIGTERM or SIGHUP while answering: the partial answer is logged, then the chat ends.
          if (outcome.signal && outcome.signal !== "SIGINT" && outcome.signal !== "SIGBREAK") {
            ctx.io.stderr.write(`Error: ${reason}\n`);
            return signalExitCode(outcome.signal);
          }
          if (outcome.interrupted) {
            ctx.io.stderr.write("Cancelled\n");
            break;
          }
          // A failed request (HTTP error, dropped connection) ends this answer only; anything else (no key, a
          // bad option) would fail every turn, so it ends the chat.
          if (outcome.error instanceof ModelError || isTurnError(outcome.error)) {
            // A turn that produced nothing is forgotten, so the next one does not send its prompt as history.
            if (!outcome.text) prepared.forget(response);
            ctx.io.stderr.write(`Error: ${cliErrorMessage(outcome.error)}\n`);
            break;
          }
          throw outcome.error;
        }
      } catch (error) {
        // A chain that reached its limit ends this answer; the chat goes on.
        if (!(error instanceof ChainLimitError)) throw error;
        ctx.io.stderr.write(`Error: ${cliErrorMessage(error)}\n`);
      }
    }
  } finally {
    for (const [signal, handler] of idleHandlers) Deno.removeSignalListener(signal, handler);
    await lines.close();
  }
}

/** Errors of one message's attachments (unreadable, too large, a type the model refuses): the chat goes on. */
function isTurnError(error: unknown): boolean {
  const name = (error as Error | undefined)?.name;
  return name === "AttachmentError" || name === "AttachmentTooLargeError" ||
    name === "UnsupportedFeatureError";
}
