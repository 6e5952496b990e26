/**
 * `-a/--attachment` and `--at/--attachment-type` as Python `llm` 0.32 reads them: each value resolved while the
 * options are read (stdin read, URL asked with `HEAD`, file checked and sniffed), a failure being a usage error
 * (exit 2) before anything else happens; and chat's `!attach` lines.
 * @module
 */
import type { Attachment } from "../../../attachments/attachment.ts";
import { AttachmentError } from "../../../attachments/errors.ts";
import { resolveAttachment } from "../../../attachments/resolve.ts";
import { UsageError } from "../../../commands/spec.ts";
import type { CommandContext } from "../../../commands/spec.ts";
import { readStdinBytes } from "../../io.ts";

/** The attachments of the flags: `-a` ones and `--at` ones, in the order given. */
export interface FlagAttachments {
  /** From `-a` (types worked out). */
  plain: Attachment[];
  /** From `--at` (types as given). */
  typed: Attachment[];
}

const LABELS = { plain: "'-a' / '--attachment'", typed: "'--at' / '--attachment-type'" };

/**
 * Resolves the `-a` and `--at` values of `ctx`.
 * @throws {UsageError} `Invalid value for '-a' / '--attachment': File x does not exist`, and the like.
 */
export async function flagAttachments(ctx: CommandContext): Promise<FlagAttachments> {
  const v = ctx.values as Record<string, unknown>;
  const readStdin = () => readStdinBytes(ctx.io);
  const resolve = async (which: keyof typeof LABELS, value: string, type?: string) => {
    try {
      return await resolveAttachment(value, { type, readStdin });
    } catch (error) {
      if (!(error instanceof AttachmentError)) throw error;
      throw new UsageError(`Invalid value for ${LABELS[which]}: ${error.message}`);
    }
  };
  const plain: Attachment[] = [];
  for (const value of (v.attachment as string[] | undefined) ?? []) plain.push(await resolve("plain", value));
  const typed: Attachment[] = [];
  for (const [value, type] of (v.attachmentType as [string, string][] | undefined) ?? []) {
    typed.push(await resolve("typed", value, type));
  }
  return { plain, typed };
}

/**
 * Splits the rest of an `!attach` line into values as a shell would: whitespace separates them, quotes
 * (`'...'`, `"..."`) and a backslash keep spaces in a path (`Screen\ Shot.png`, as a dropped file is typed).
 */
export function splitAttachLine(text: string): string[] {
  const out: string[] = [];
  let current = "";
  let quote: string | undefined;
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"' && i + 1 < text.length) current += text[++i];
      else current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      started = true;
    } else if (c === "\\" && i + 1 < text.length) {
      current += text[++i];
      started = true;
    } else if (/\s/.test(c)) {
      if (started) out.push(current);
      current = "";
      started = false;
    } else {
      current += c;
      started = true;
    }
  }
  if (started) out.push(current);
  return out;
}

/**
 * Handles chat lines that start with `!attach PATH_OR_URL ...`: each value is resolved as `-a` resolves it
 * (a file, a URL, `-` is not allowed: stdin is the chat), and the other lines are kept as the prompt.
 * @throws {AttachmentError} when a value cannot be attached (the chat says so and goes on).
 */
export async function chatAttachments(text: string): Promise<{ prompt: string; attachments: Attachment[] }> {
  const kept: string[] = [];
  const attachments: Attachment[] = [];
  for (const line of text.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed !== "!attach" && !trimmed.startsWith("!attach ")) {
      kept.push(line);
      continue;
    }
    const values = splitAttachLine(trimmed.slice("!attach".length));
    if (!values.length) {
      throw new AttachmentError("Give a file path or URL after !attach, as in: !attach photo.jpg");
    }
    for (const value of values) {
      if (value === "-") {
        throw new AttachmentError("!attach cannot read stdin in a chat; give a file path or URL");
      }
      attachments.push(await resolveAttachment(value));
    }
  }
  return { prompt: kept.join("\n"), attachments };
}
