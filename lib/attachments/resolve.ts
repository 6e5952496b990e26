/**
 * An attachment named by a string, as `-a`, `--at`, a template's `attachments:` and chat's `!attach` name
 * them: `-` for stdin, a URL (anything with `://`), or a file path. Python `llm` 0.32's `resolve_attachment`
 * and `resolve_attachment_with_type`, with the same messages where it has them.
 * @module
 */
import { Attachment } from "./attachment.ts";
import { AttachmentError } from "./errors.ts";
import { fetchAttachment } from "./_fetch.ts";
import { detectType, fixMimeType } from "./sniff.ts";

/** How {@link resolveAttachment} works. */
export interface ResolveAttachmentOptions {
  /** The MIME type, as `--at` gives it: then nothing is sniffed and a URL is not fetched. */
  type?: string;
  /** Reads all of stdin for `-` (default: `Deno.stdin`). */
  readStdin?: () => Promise<Uint8Array>;
  /** Cancels the `HEAD` request for a URL. */
  signal?: AbortSignal;
}

async function readAllStdin(): Promise<Uint8Array> {
  return new Uint8Array(await new Response(Deno.stdin.readable).arrayBuffer());
}

/**
 * The attachment `value` names, its type worked out now (as Python `llm` does while it reads the options):
 * stdin's bytes are read and sniffed, a URL is asked with `HEAD` for its `content-type`, a file must exist
 * (its path is made absolute, symlinks resolved) and is sniffed. With `options.type`, that type is used and
 * nothing is sniffed or fetched.
 *
 * @example
 * ```ts ignore
 * import { resolveAttachment } from "./resolve.ts";
 * const photo = await resolveAttachment("photo.jpg");
 * const raw = await resolveAttachment("-", { type: "image/png" });
 * ```
 * @throws {AttachmentError} for a missing or unreadable file, empty stdin, a URL that fails (its status in
 *   the message), or a type that cannot be worked out.
 */
export async function resolveAttachment(
  value: string,
  options: ResolveAttachmentOptions = {},
): Promise<Attachment> {
  const type = options.type || undefined;
  if (value === "-") {
    const bytes = await (options.readStdin ?? readAllStdin)();
    if (!bytes.length) {
      throw new AttachmentError(
        "Nothing was piped to stdin for '-'; pipe a file in, as in: llm -a - < photo.jpg",
        {
          source: "-",
        },
      );
    }
    const found = type ?? detectType(bytes);
    if (!found) throw new AttachmentError("Could not determine mimetype of stdin", { source: "-" });
    return Attachment.fromBytes(bytes, type ?? fixMimeType(found));
  }
  if (value.includes("://")) {
    if (type) return Attachment.fromUrl(value, type);
    const response = await fetchAttachment(value, "HEAD", options.signal);
    const header = response.headers.get("content-type")?.split(";")[0].trim();
    const found = header || detectType(new Uint8Array(), value);
    if (!found) {
      throw new AttachmentError(
        `Could not determine mimetype of ${value}: it sent no content-type; give it with --at ${value} TYPE`,
        { source: value },
      );
    }
    return Attachment.fromUrl(value, fixMimeType(found));
  }
  let path: string;
  try {
    path = await Deno.realPath(value);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new AttachmentError(`File ${value} does not exist`, { source: value, cause: error });
    }
    throw new AttachmentError(`Cannot read attachment ${value}: ${(error as Error).message}`, {
      source: value,
      cause: error,
    });
  }
  if ((await Deno.stat(path)).isDirectory) {
    throw new AttachmentError(`${value} is a directory; attach a file`, { source: value });
  }
  const attachment = Attachment.fromPath(path, type);
  if (type) return attachment;
  // Only the start is read to tell the type; the whole file is read once, when it is sent.
  const found = detectType(await attachment.head(), path);
  if (!found) throw new AttachmentError(`Could not determine mimetype of ${value}`, { source: value });
  attachment.type = fixMimeType(found);
  return attachment;
}
