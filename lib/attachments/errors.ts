/**
 * The errors of attachments: one that cannot be read, fetched or typed, and one too large for a provider.
 * @module
 */
import { LlmError } from "../errors.ts";

/** An attachment could not be read or typed: a missing file, a URL that failed, an unknown type. */
export class AttachmentError extends LlmError {
  /** The path or URL (or `-` for stdin), when the attachment has one. */
  readonly source?: string;
  /** The HTTP status, when a URL answered with an error. */
  readonly status?: number;
  /** Creates the error. */
  constructor(message: string, options: { source?: string; status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.source = options.source;
    this.status = options.status;
  }
}

/** Sizes in bytes as people read them: `20 MB`, `1.5 MB`, `900 KB`, `12 bytes` (1 MB = 1,048,576 bytes). */
export function formatSize(bytes: number): string {
  const units: [number, string][] = [[1024 ** 3, "GB"], [1024 ** 2, "MB"], [1024, "KB"]];
  for (const [size, unit] of units) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}

/**
 * An attachment is larger than the provider takes (sent inline, as base64), checked before the request is
 * sent. The message names the attachment, its size and the limit.
 */
export class AttachmentTooLargeError extends LlmError {
  /** The path, URL or `<N bytes>` of the attachment. */
  readonly source: string;
  /** Its size in bytes (for a request limit: the inline attachments so far, this one included). */
  readonly size: number;
  /** The limit in bytes. */
  readonly limit: number;
  /**
   * Creates the error; `provider` names whose limit it is (e.g. `OpenAI`), `perRequest` says the limit is on
   * all the inline attachments of one request (then `size` is their total), `hint` what to do instead.
   */
  constructor(init: {
    source: string;
    size: number;
    limit: number;
    provider: string;
    perRequest?: boolean;
    hint?: string;
  }) {
    const size = init.perRequest
      ? `brings the attachments of this request to ${formatSize(init.size)}`
      : `is ${formatSize(init.size)}`;
    const scope = init.perRequest ? "for one request" : "for one file";
    super(
      `Attachment ${init.source} ${size}, over the ${
        formatSize(init.limit)
      } ${init.provider} accepts ${scope}; ` +
        (init.hint ?? "send a smaller file"),
    );
    this.source = init.source;
    this.size = init.size;
    this.limit = init.limit;
  }
}
