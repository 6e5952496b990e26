/**
 * Attachments as Chat Completions content items, as Python `llm` 0.32 sends them for its built-in models:
 * images as `image_url` (a URL passed through, anything else a `data:` URL; `detail` from `-o image_detail`),
 * PDFs as `file` (`<sha256>.pdf` with a `data:` URL, a PDF URL downloaded), audio as `input_audio` (base64,
 * `wav` or `mp3`; an audio URL downloaded).
 * @module
 */
import type { Attachment } from "../../../attachments/attachment.ts";
import type { AttachmentData } from "../../../attachments/data.ts";
import type { Prompt } from "../../../models/prompt.ts";
import {
  type AttachmentItemFor,
  attachmentItems,
  type InlineBudget,
  type WireItem,
} from "../attachment_items.ts";
import { base64Value } from "../json_body.ts";

/** The `input_audio` format of a MIME type: `wav` for `audio/wav`, `mp3` for the rest, as Python llm says. */
export function audioFormat(type: string): "wav" | "mp3" {
  return type === "audio/wav" ? "wav" : "mp3";
}

/** The Chat Completions item of one attachment. */
export async function chatAttachmentItem(
  attachment: Attachment,
  budget: InlineBudget,
  imageDetail?: string,
): Promise<WireItem> {
  const type = await attachment.resolveType();
  if (type === "application/pdf") {
    const bytes = await budget.bytes(attachment);
    return {
      type: "file",
      file: {
        filename: `${await attachment.id()}.pdf`,
        file_data: base64Value(bytes, "data:application/pdf;base64,"),
      },
    };
  }
  if (type.startsWith("image/")) {
    const url = attachment.url ?? base64Value(await budget.bytes(attachment), `data:${type};base64,`);
    return { type: "image_url", image_url: imageDetail ? { url, detail: imageDetail } : { url } };
  }
  return {
    type: "input_audio",
    input_audio: { data: base64Value(await budget.bytes(attachment)), format: audioFormat(type) },
  };
}

/** Builds the Chat Completions items of every attachment in the prompt's messages, before the request. */
export function chatAttachmentItems(prompt: Prompt): Promise<AttachmentItemFor> {
  const detail = prompt.options.image_detail as string | undefined;
  return attachmentItems(
    prompt.messages,
    (attachment, budget) => chatAttachmentItem(attachment, budget, detail),
  );
}

/**
 * The item of an attachment part from its data alone (no file read, no download), for callers that build a
 * body without {@link chatAttachmentItems}: a URL or inline content as an image, as before attachments were
 * prepared.
 */
export function plainChatAttachmentItem(data: AttachmentData): WireItem {
  const { type = "", url, content } = data;
  return { type: "image_url", image_url: { url: url ?? `data:${type};base64,${content ?? ""}` } };
}
