/**
 * `Attachment`: a file sent with a prompt (an image, audio, a PDF), from a path, a URL, bytes or base64, as
 * Python `llm`'s `Attachment`. Its bytes are read once and kept; its type comes from the caller, else from
 * the bytes (magic numbers), else from the name.
 * @module
 */
import { sha256Hex } from "../compat/sha256.ts";
import { LlmError } from "../errors.ts";
import type { AttachmentData } from "./data.ts";
import { pythonJsonDumps } from "../compat/python_json.ts";
import { decodeBase64, encodeBase64 } from "./base64.ts";
import { sniffType, typeFromName } from "./sniff.ts";

/** An attachment could not be read or typed: a missing file, a URL that failed, an unknown type. */
export class AttachmentError extends LlmError {
  /** The path or URL, when the attachment has one. */
  readonly source?: string;
  /** Creates the error. */
  constructor(message: string, options: { source?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.source = options.source;
  }
}

function absolutePath(path: string): string {
  if (path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path)) return path;
  const cwd = Deno.cwd();
  const joined = `${cwd}/${path}`.split("/");
  const out: string[] = [];
  for (const piece of joined) {
    if (piece === "..") out.pop();
    else if (piece !== "." && piece !== "") out.push(piece);
  }
  return "/" + out.join("/");
}

/** The attachment each part's data was made from, so its bytes are read once whoever asks for them. */
const origins = new WeakMap<AttachmentData, Attachment>();

/**
 * A file sent with a prompt. Make one with {@link Attachment.fromPath}, {@link Attachment.fromUrl},
 * {@link Attachment.fromBytes} or {@link Attachment.fromBase64}.
 *
 * @example
 * ```ts
 * import { Attachment } from "./attachment.ts";
 * const image = Attachment.fromBytes(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
 * console.log(await image.resolveType()); // "image/png"
 * ```
 */
export class Attachment {
  /** The MIME type given by the caller, if any; {@link resolveType} works it out otherwise. */
  type?: string;
  /** The absolute path of a local file. */
  readonly path?: string;
  /** The URL of a remote file. */
  readonly url?: string;
  #content?: Uint8Array;
  #id?: string;
  #resolvedType?: string;

  /** Creates an attachment from its fields; prefer the `from*` helpers. */
  constructor(init: { type?: string; path?: string; url?: string; content?: Uint8Array }) {
    this.type = init.type || undefined;
    this.path = init.path;
    this.url = init.url;
    this.#content = init.content;
  }

  /** A local file (a relative path is made absolute, as Python `llm` stores it). */
  static fromPath(path: string, type?: string): Attachment {
    return new Attachment({ path: absolutePath(path), type });
  }

  /** A remote file: sent as a URL to APIs that take one, downloaded for the others. */
  static fromUrl(url: string, type?: string): Attachment {
    return new Attachment({ url, type });
  }

  /** Bytes in memory. */
  static fromBytes(content: Uint8Array, type?: string): Attachment {
    return new Attachment({ content, type });
  }

  /**
   * Base64-encoded bytes (a `data:` URL is accepted too, its type used when `type` is not given).
   * @throws {AttachmentError} when the text is not base64.
   */
  static fromBase64(text: string, type?: string): Attachment {
    const data = /^data:([^;,]*)(;base64)?,/.exec(text);
    const body = data ? text.slice(data[0].length) : text;
    try {
      return new Attachment({ content: decodeBase64(body), type: type ?? (data?.[1] || undefined) });
    } catch (error) {
      throw new AttachmentError("The attachment is not valid base64; check how it was encoded", {
        cause: error,
      });
    }
  }

  /**
   * The attachment a message part holds (its `content` is base64): the very object the data was made from
   * when there is one (its bytes already read), else a new one.
   */
  static fromData(data: AttachmentData): Attachment {
    const origin = origins.get(data);
    if (origin) return origin;
    return new Attachment({
      type: data.type,
      path: data.path,
      url: data.url,
      content: data.content ? decodeBase64(data.content) : undefined,
    });
  }

  /** The bytes held in memory (given as bytes, or read already), without reading anything. */
  get content(): Uint8Array | undefined {
    return this.#content;
  }

  /** Where it comes from, for messages: its path, its URL, or `<N bytes>`. */
  get source(): string {
    return this.path ?? this.url ?? `<${this.#content?.length ?? 0} bytes>`;
  }

  /**
   * Its bytes: given, or read from the file, or downloaded from the URL, once.
   * @throws {AttachmentError} when the file cannot be read or the URL fails.
   */
  async contentBytes(): Promise<Uint8Array> {
    if (this.#content) return this.#content;
    if (this.path) {
      try {
        this.#content = await Deno.readFile(this.path);
      } catch (error) {
        const reason = error instanceof Deno.errors.NotFound ? "no such file" : (error as Error).message;
        throw new AttachmentError(`Cannot read attachment ${this.path}: ${reason}`, {
          source: this.path,
          cause: error,
        });
      }
    } else if (this.url) {
      this.#content = new Uint8Array(await (await this.#fetch("GET")).arrayBuffer());
    } else {
      throw new AttachmentError("The attachment has no path, URL or content");
    }
    return this.#content;
  }

  /** Its bytes as base64. */
  async base64Content(): Promise<string> {
    return encodeBase64(await this.contentBytes());
  }

  /**
   * Its MIME type: as given, else from its bytes (a URL is asked with `HEAD` first), else from its name.
   * @throws {AttachmentError} when the type cannot be worked out.
   */
  async resolveType(): Promise<string> {
    if (this.type) return this.type;
    if (this.#resolvedType) return this.#resolvedType;
    let type: string | undefined;
    if (this.url && !this.#content) {
      const header = (await this.#fetch("HEAD")).headers.get("content-type");
      type = header?.split(";")[0].trim() || undefined;
    }
    if (!type && (this.#content || this.path)) type = sniffType(await this.contentBytes());
    type ??= typeFromName(this.path ?? this.url ?? "");
    if (!type) {
      throw new AttachmentError(
        `Cannot tell the type of attachment ${this.source}; give it with --at PATH TYPE or the type argument`,
        { source: this.path ?? this.url },
      );
    }
    this.#resolvedType = type;
    return type;
  }

  /**
   * Its id in logs.db's `attachments` table (Python's `Attachment.id()`): sha256 hex of its bytes, or of
   * `{"url": "<url>"}` for a URL attachment (never downloaded for this).
   */
  async id(): Promise<string> {
    if (this.#id) return this.#id;
    this.#id = this.#content || this.path
      ? sha256Hex(await this.contentBytes())
      : sha256Hex(pythonJsonDumps({ url: this.url ?? null }));
    return this.#id;
  }

  /**
   * The JSON-safe form kept in a message part: `type` (resolved), and `url` or `path`, or `content` as base64
   * for bytes that have neither.
   */
  async toData(): Promise<AttachmentData> {
    const data: AttachmentData = { type: await this.resolveType() };
    if (this.url) data.url = this.url;
    if (this.path) data.path = this.path;
    if (!this.url && !this.path) data.content = await this.base64Content();
    origins.set(data, this);
    return data;
  }

  async #fetch(method: "GET" | "HEAD"): Promise<globalThis.Response> {
    let response: globalThis.Response;
    try {
      response = await fetch(this.url!, { method, redirect: "follow" });
    } catch (error) {
      throw new AttachmentError(`Cannot download attachment ${this.url}: ${(error as Error).message}`, {
        source: this.url,
        cause: error,
      });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new AttachmentError(
        `Cannot download attachment ${this.url}: HTTP ${response.status} ${response.statusText}`.trimEnd(),
        { source: this.url },
      );
    }
    return response;
  }
}
