/**
 * The attachments a prompt gets besides the ones the caller gives: a template's `attachments:` and
 * `attachment_types:` (resolved as `-a` and `--at` resolve them), and those fragment loaders return.
 * @module
 */
import { Attachment } from "../attachments/attachment.ts";
import { AttachmentError } from "../attachments/errors.ts";
import { resolveAttachment } from "../attachments/resolve.ts";
import type { AttachmentLoad } from "../loaders/types.ts";
import type { Template } from "../templates/template.ts";

/**
 * A template's attachments, in Python `llm`'s order: `attachments:` (type sniffed, URLs asked with `HEAD`),
 * then `attachment_types:` (type as written). Relative paths are relative to the working directory.
 * @throws {AttachmentError} naming the template when one cannot be resolved.
 */
export async function templateAttachments(
  template: Template,
  signal?: AbortSignal,
): Promise<{ plain: Attachment[]; typed: Attachment[] }> {
  const resolve = async (value: string, type?: string) => {
    try {
      return await resolveAttachment(value, { type, signal });
    } catch (error) {
      if (!(error instanceof AttachmentError)) throw error;
      throw new AttachmentError(`Template '${template.name}' attaches ${value}: ${error.message}`, {
        source: error.source,
        status: error.status,
        cause: error,
      });
    }
  };
  const plain: Attachment[] = [];
  for (const value of template.data.attachments ?? []) plain.push(await resolve(value));
  const typed: Attachment[] = [];
  for (const { value, type } of template.data.attachment_types ?? []) typed.push(await resolve(value, type));
  return { plain, typed };
}

/**
 * The attachment a fragment loader returned: an {@link Attachment} as it is, or one made from its fields (a
 * relative path made absolute).
 */
export function loadedAttachment(load: AttachmentLoad | Attachment): Attachment {
  if (load instanceof Attachment || typeof (load as Attachment).resolveType === "function") {
    return load as Attachment;
  }
  const { type, path, url, content } = load as AttachmentLoad;
  if (path && !content) return Attachment.fromPath(path, type);
  return new Attachment({ type, path, url, content });
}
