/**
 * What the OpenAI APIs' attachment conversions share: the wire item of every attachment part of a prompt's
 * messages is built once, before the request (reading files and downloading URLs that must go inline), so
 * the message converters stay synchronous; the inline bytes of a request are kept under OpenAI's limit; and
 * the pieces both APIs send alike (an attachment's URL, a PDF's file fields, an `input_audio` item).
 * @module
 */
import { Attachment } from "../../attachments/attachment.ts";
import type { Base64Text } from "../../attachments/base64_text.ts";
import type { AttachmentData } from "../../attachments/data.ts";
import { AttachmentTooLargeError } from "../../attachments/errors.ts";
import type { Prompt } from "../../models/prompt.ts";
import { base64Value } from "./json_body.ts";

/** An item of a message's `content` list, as the API takes it. */
export type WireItem = Record<string, unknown>;

/** The wire item of an attachment part's data (built by {@link attachmentItems}). */
export type AttachmentItemFor = (data: AttachmentData) => WireItem;

/**
 * What OpenAI accepts inline in one request: 50 MB of images and files in all (its documented limit for
 * image inputs and for file inputs alike). URLs passed through do not count.
 */
export const OPENAI_INLINE_LIMIT = 50 * 1024 * 1024;

/** Counts the bytes a request sends inline and refuses the attachment that goes over the limit. */
export class InlineBudget {
  #used = 0;
  readonly #limit: number;
  readonly #provider: string;

  /** A budget of `limit` bytes for `provider`'s requests. */
  constructor(limit = OPENAI_INLINE_LIMIT, provider = "the OpenAI API") {
    this.#limit = limit;
    this.#provider = provider;
  }

  /**
   * The bytes of `attachment` to send inline: its size is checked first (a file's size on disk, before it is
   * read), then counted.
   * @throws {AttachmentTooLargeError} when it would take the request over the limit.
   */
  async bytes(attachment: Attachment): Promise<Uint8Array> {
    const known = await attachment.size();
    if (known !== undefined) this.#check(attachment, known);
    const bytes = await attachment.contentBytes();
    if (known === undefined) this.#check(attachment, bytes.length);
    this.#used += bytes.length;
    return bytes;
  }

  #check(attachment: Attachment, size: number): void {
    if (this.#used + size <= this.#limit) return;
    throw new AttachmentTooLargeError({
      source: attachment.source,
      size: this.#used + size,
      limit: this.#limit,
      provider: this.#provider,
      perRequest: this.#used > 0,
    });
  }
}

/** Builds the wire item of one attachment; `imageDetail` is the prompt's `-o image_detail`, if set. */
export type AttachmentItemBuilder = (
  attachment: Attachment,
  budget: InlineBudget,
  imageDetail?: string,
) => Promise<WireItem>;

/**
 * Builds the wire item of every attachment part in the prompt's messages (history included) with `build`, in
 * order, sharing one {@link InlineBudget}; returns the lookup the message converter calls for each part.
 */
export async function attachmentItems(
  prompt: Prompt,
  build: AttachmentItemBuilder,
  budget: InlineBudget = new InlineBudget(),
): Promise<AttachmentItemFor> {
  const imageDetail = prompt.options.image_detail as string | undefined;
  const items = new Map<AttachmentData, WireItem>();
  for (const message of prompt.messages) {
    for (const part of message.parts) {
      if (part.type !== "attachment" || !part.attachment || items.has(part.attachment)) continue;
      items.set(part.attachment, await build(Attachment.fromData(part.attachment), budget, imageDetail));
    }
  }
  return (data) => {
    const item = items.get(data);
    if (!item) throw new Error("An attachment part was not prepared before the request was built");
    return item;
  };
}

/**
 * The URL an image (or any file sent as one) goes by: its own URL passed through, else a `data:` URL of its
 * bytes (a {@link Base64Text} when large, see `base64Value`).
 */
export async function attachmentUrl(
  attachment: Attachment,
  type: string,
  budget: InlineBudget,
): Promise<string | Base64Text> {
  return attachment.url ?? base64Value(await budget.bytes(attachment), `data:${type};base64,`);
}

/** A PDF's file fields, the same in both APIs: named `<sha256>.pdf`, its bytes as a `data:` URL. */
export async function pdfFileFields(
  attachment: Attachment,
  budget: InlineBudget,
): Promise<{ filename: string; file_data: string | Base64Text }> {
  const bytes = await budget.bytes(attachment);
  return {
    filename: `${await attachment.id()}.pdf`,
    file_data: base64Value(bytes, "data:application/pdf;base64,"),
  };
}

/**
 * Audio as both APIs take it: an `input_audio` item, its bytes in base64, its format `wav` for `audio/wav` and
 * `mp3` for the rest, as Python llm says.
 */
export async function inputAudioItem(
  attachment: Attachment,
  type: string,
  budget: InlineBudget,
): Promise<WireItem> {
  const format = type === "audio/wav" ? "wav" : "mp3";
  return { type: "input_audio", input_audio: { data: base64Value(await budget.bytes(attachment)), format } };
}

/**
 * The URL of an attachment part from its data alone (no file read, no download), for a body built without
 * {@link attachmentItems}: its URL, else a `data:` URL of its inline content.
 */
export function plainAttachmentUrl(data: AttachmentData): string {
  const { type = "", url, content } = data;
  return url ?? `data:${type};base64,${content ?? ""}`;
}
