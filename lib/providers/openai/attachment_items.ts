/**
 * What the OpenAI APIs' attachment conversions share: the wire item of every attachment part of a prompt's
 * messages is built once, before the request (reading files and downloading URLs that must go inline), so
 * the message converters stay synchronous; and the inline bytes of a request are kept under OpenAI's limit.
 * @module
 */
import { Attachment } from "../../attachments/attachment.ts";
import type { AttachmentData } from "../../attachments/data.ts";
import { AttachmentTooLargeError } from "../../attachments/errors.ts";
import type { Message } from "../../models/messages.ts";

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

/**
 * Builds the wire item of every attachment part in `messages` (history included) with `build`, in order,
 * sharing one {@link InlineBudget}; returns the lookup the message converter calls for each part.
 */
export async function attachmentItems(
  messages: Message[],
  build: (attachment: Attachment, budget: InlineBudget) => Promise<WireItem>,
  budget: InlineBudget = new InlineBudget(),
): Promise<AttachmentItemFor> {
  const items = new Map<AttachmentData, WireItem>();
  for (const message of messages) {
    for (const part of message.parts) {
      if (part.type !== "attachment" || !part.attachment || items.has(part.attachment)) continue;
      items.set(part.attachment, await build(Attachment.fromData(part.attachment), budget));
    }
  }
  return (data) => {
    const item = items.get(data);
    if (!item) throw new Error("An attachment part was not prepared before the request was built");
    return item;
  };
}
