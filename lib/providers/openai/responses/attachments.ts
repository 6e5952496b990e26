/**
 * Attachments as Responses API content items, as Python `llm` 0.32 sends them for its built-in models: images
 * as `input_image` (a URL passed through, anything else a `data:` URL; `detail` from `-o image_detail`), PDFs
 * as `input_file` (`<sha256>.pdf` with a `data:` URL, a PDF URL downloaded).
 *
 * Audio differs on purpose: 0.32 sends it as an `input_image` whose URL is `data:audio/...`, which no API
 * takes; here it is an `input_audio` item (base64, `wav` or `mp3`), the shape OpenAI-compatible Responses
 * servers accept. (No built-in Responses model accepts audio; models declared with `audio: true` do.)
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

/** The Responses API item of one attachment. */
export async function responsesAttachmentItem(
  attachment: Attachment,
  budget: InlineBudget,
  imageDetail?: string,
): Promise<WireItem> {
  const type = await attachment.resolveType();
  if (type === "application/pdf") return { type: "input_file", ...await pdfFileFields(attachment, budget) };
  if (type.startsWith("audio/")) return await inputAudioItem(attachment, type, budget);
  const item: WireItem = { type: "input_image", image_url: await attachmentUrl(attachment, type, budget) };
  if (imageDetail && type.startsWith("image/")) item.detail = imageDetail;
  return item;
}

/** Builds the Responses API items of every attachment in the prompt's messages, before the request. */
export function responsesAttachmentItems(prompt: Prompt): Promise<AttachmentItemFor> {
  return attachmentItems(prompt, responsesAttachmentItem);
}

/** The item of an attachment part from its data alone (no file read, no download): an `input_image`. */
export function plainResponsesAttachmentItem(data: AttachmentData): WireItem {
  return { type: "input_image", image_url: plainAttachmentUrl(data) };
}
