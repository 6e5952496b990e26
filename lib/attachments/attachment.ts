/**
 * `Attachment`: a file sent with a prompt (an image, audio, a PDF), from a path, a URL, bytes or base64, as
 * Python `llm`'s `Attachment`. Its bytes are read once and kept; its type comes from the caller, else from
 * the bytes (magic numbers), else from the name.
 * @module
 */
import { sha256Hex } from "../compat/sha256.ts";
import type { AttachmentData } from "./data.ts";
import { pythonJsonDumps } from "../compat/python_json.ts";
import { decodeBase64, encodeBase64 } from "../compat/base64.ts";
import { detectType, fixMimeType, SNIFF_BYTES } from "./sniff.ts";
import { AttachmentError } from "./errors.ts";
import { fetchAttachment } from "./fetch.ts";

export { AttachmentError } from "./errors.ts";

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

/**
 * Bytes from which the id is hashed by `node:crypto` (native, fed 1 MiB at a time, loaded only then: about
 * 30 ms) rather than the small synchronous hash (about 30 ms a MiB). Web Crypto's digest would copy the bytes.
 */
const NATIVE_HASH_FROM = 1024 * 1024;

async function sha256HexOf(bytes: Uint8Array): Promise<string> {
  if (bytes.length < NATIVE_HASH_FROM) return sha256Hex(bytes);
  const { createHash } = await import("node:crypto");
  const hash = createHash("sha256");
  for (let i = 0; i < bytes.length; i += NATIVE_HASH_FROM) {
    hash.update(bytes.subarray(i, i + NATIVE_HASH_FROM));
  }
  return hash.digest("hex");
}

/** The attachment each part's data was made from, so its bytes are read once whoever asks for them. */
const origins = new WeakMap<AttachmentData, Attachment>();

/**
 * A file sent with a prompt. Make one with {@link Attachment.fromPath}, {@link Attachment.fromUrl},
 * {@link Attachment.fromBytes} or {@link Attachment.fromBase64}, and pass it in `attachments`.
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
  /** Bytes given by the caller (not read from the path or downloaded from the URL). */
  #given?: Uint8Array;
  /** Bytes read from the path or downloaded from the URL, once. */
  #read?: Promise<Uint8Array>;
  #id?: Promise<string>;
  #resolvedType?: Promise<string>;

  /** Creates an attachment from its fields; prefer the `from*` helpers. */
  constructor(init: { type?: string; path?: string; url?: string; content?: Uint8Array }) {
    this.type = init.type || undefined;
    this.path = init.path;
    this.url = init.url;
    this.#given = init.content;
  }

  /** A local file (a relative path is made absolute, as Python `llm` stores it). Nothing is read yet. */
  static fromPath(path: string, type?: string): Attachment {
    return new Attachment({ path: absolutePath(path), type });
  }

  /** A remote file: sent as a URL to APIs that take one, downloaded for the others. Nothing is fetched yet. */
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
    const attachment = new Attachment({
      type: data.type,
      path: data.path,
      url: data.url,
      content: data.content ? decodeBase64(data.content) : undefined,
    });
    origins.set(data, attachment);
    return attachment;
  }

  /**
   * The bytes held in memory: given as bytes, or `undefined` (bytes read from a path or a URL are reached
   * with {@link contentBytes}). Python `llm`'s `content`.
   */
  get content(): Uint8Array | undefined {
    return this.#given;
  }

  /** Where it comes from, for messages: its path, its URL, or `<N bytes>`. */
  get source(): string {
    return this.path ?? this.url ?? `<${this.#given?.length ?? 0} bytes>`;
  }

  /**
   * Its bytes: given, or read from the file, or downloaded from the URL (following up to 3 redirects), once.
   * @throws {AttachmentError} when the file cannot be read or the URL fails.
   */
  contentBytes(): Promise<Uint8Array> {
    if (this.#given) return Promise.resolve(this.#given);
    if (!this.#read) {
      this.#read = this.#readBytes();
      // A failed read is not kept: the file may be there next time.
      this.#read.catch(() => (this.#read = undefined));
    }
    return this.#read;
  }

  async #readBytes(): Promise<Uint8Array> {
    if (this.path) {
      try {
        return await Deno.readFile(this.path);
      } catch (error) {
        throw new AttachmentError(`Cannot read attachment ${this.path}: ${readError(error)}`, {
          source: this.path,
          cause: error,
        });
      }
    }
    if (this.url) return new Uint8Array(await (await fetchAttachment(this.url, "GET")).arrayBuffer());
    throw new AttachmentError("The attachment has no path, URL or content; give one of them");
  }

  /**
   * Its size in bytes without reading it (a file's size on disk), or `undefined` for a URL not downloaded.
   * @throws {AttachmentError} when the file cannot be read.
   */
  async size(): Promise<number | undefined> {
    if (this.#given) return this.#given.length;
    if (this.path) {
      try {
        return (await Deno.stat(this.path)).size;
      } catch (error) {
        throw new AttachmentError(`Cannot read attachment ${this.path}: ${readError(error)}`, {
          source: this.path,
          cause: error,
        });
      }
    }
    return this.#read ? (await this.#read).length : undefined;
  }

  /**
   * Its first bytes (enough to tell its type): from memory when it is there, else read from the start of the
   * file without reading the rest (so a file too large to send is refused before it is read).
   * @throws {AttachmentError} when the file cannot be read or the URL fails.
   */
  async head(): Promise<Uint8Array> {
    if (this.#given) return this.#given.subarray(0, SNIFF_BYTES);
    if (this.#read || !this.path) return (await this.contentBytes()).subarray(0, SNIFF_BYTES);
    try {
      using file = await Deno.open(this.path);
      const buffer = new Uint8Array(SNIFF_BYTES);
      let filled = 0;
      while (filled < buffer.length) {
        const n = await file.read(buffer.subarray(filled));
        if (n === null) break;
        filled += n;
      }
      return buffer.subarray(0, filled);
    } catch (error) {
      throw new AttachmentError(`Cannot read attachment ${this.path}: ${readError(error)}`, {
        source: this.path,
        cause: error,
      });
    }
  }

  /** Its bytes as base64. */
  async base64Content(): Promise<string> {
    return encodeBase64(await this.contentBytes());
  }

  /**
   * Its MIME type: as given, else from its bytes (a URL is asked with `HEAD` first), else from its name.
   * @throws {AttachmentError} when the type cannot be worked out.
   */
  resolveType(): Promise<string> {
    if (this.type) return Promise.resolve(this.type);
    if (!this.#resolvedType) {
      this.#resolvedType = this.#findType();
      this.#resolvedType.catch(() => (this.#resolvedType = undefined));
    }
    return this.#resolvedType;
  }

  async #findType(): Promise<string> {
    let type: string | undefined;
    if (this.url && !this.#given) {
      const header = (await fetchAttachment(this.url, "HEAD")).headers.get("content-type");
      type = header?.split(";")[0].trim() || undefined;
    }
    if (!type && this.#given) type = detectType(this.#given);
    else if (!type && this.path) type = detectType(await this.head(), this.path);
    if (!type && this.url) type = detectType(new Uint8Array(), this.url);
    if (!type) {
      throw new AttachmentError(
        `Could not determine the type of attachment ${this.source}; give it with --at ${
          this.path ?? this.url ?? "-"
        } TYPE, or the type argument`,
        { source: this.path ?? this.url },
      );
    }
    return fixMimeType(type);
  }

  /**
   * Its id in logs.db's `attachments` table (Python's `Attachment.id()`): sha256 hex of its given bytes or of
   * its file, or of `{"url": "<url>"}` for a URL attachment (never downloaded for this).
   */
  id(): Promise<string> {
    if (!this.#id) {
      this.#id = this.#given || this.path
        ? this.contentBytes().then(sha256HexOf)
        : Promise.resolve(sha256Hex(pythonJsonDumps({ url: this.url ?? null })));
      // A file that could not be read may be readable next time.
      this.#id.catch(() => (this.#id = undefined));
    }
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
}

function readError(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "no such file";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (error instanceof Deno.errors.IsADirectory) return "it is a directory";
  return (error as Error)?.message ?? String(error);
}
