/**
 * `!attach PATH_OR_URL ...` in `llm chat`: the files are attached to the next message sent (a line with only
 * `!attach` waits for the question; a line typed with it, or the rest of a `!multi` block, goes with them).
 * @module
 */
import type { Attachment } from "../../../attachments/attachment.ts";
import type { Io } from "../../../commands/io.ts";
import { cliErrorMessage } from "../../error_messages.ts";
import { chatAttachments } from "../prompt/_attachments.ts";

/**
 * Takes the `!attach` lines out of `text`, adding what they name to `pending`. Returns the rest of the text,
 * or `undefined` when there is nothing left to send yet (only `!attach` lines), or when a value cannot be
 * attached (the error is printed and nothing of the line is kept).
 */
export async function attachLines(io: Io, text: string, pending: Attachment[]): Promise<string | undefined> {
  if (!/^\s*!attach(\s|$)/m.test(text)) return text;
  let result: { prompt: string; attachments: Attachment[] };
  try {
    result = await chatAttachments(text);
  } catch (error) {
    if ((error as Error)?.name !== "AttachmentError") throw error;
    io.stderr.write(`Error: ${cliErrorMessage(error)}\n`);
    return undefined;
  }
  pending.push(...result.attachments);
  for (const attachment of result.attachments) {
    io.stderr.write(`Attached ${attachment.source} (${attachment.type ?? "type unknown"})\n`);
  }
  if (result.prompt.trim()) return result.prompt;
  io.stderr.write("Attachments are sent with your next message\n");
  return undefined;
}
