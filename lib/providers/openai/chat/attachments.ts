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
  attachmentUrl,
  type InlineBudget,
  inputAudioItem,
  pdfFileFields,
  plainAttachmentUrl,
  type WireItem,
} from "../attachment_items.ts";

/** The Chat Completions item of one attachment. */
export async function chatAttachmentItem(
  attachment: Attachment,
  budget: InlineBudget,
  imageDetail?: string,
): Promise<WireItem> {
  const type = await attachment.resolveType();
  if (type === "application/pdf") return { type: "file", file: await pdfFileFields(attachment, budget) };
  if (type.startsWith("image/")) {
    const url = await attachmentUrl(attachment, type, budget);
    return { type: "image_url", image_url: imageDetail ? { url, detail: imageDetail } : { url } };
  }
  return await inputAudioItem(attachment, type, budget);
}

/** Builds the Chat Completions items of every attachment in the prompt's messages, before the request. */
export function chatAttachmentItems(prompt: Prompt): Promise<AttachmentItemFor> {
  return attachmentItems(prompt, chatAttachmentItem);
}

/**
 * The item of an attachment part from its data alone (no file read, no download), for callers that build a
 * body without {@link chatAttachmentItems}: a URL or inline content as an image, as before attachments were
 * prepared.
 */
export function plainChatAttachmentItem(data: AttachmentData): WireItem {
  return { type: "image_url", image_url: { url: plainAttachmentUrl(data) } };
}
