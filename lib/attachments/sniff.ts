/**
 * The MIME type of a file from its first bytes (magic numbers), for the image, audio, video and document
 * types models accept, then text, then the file name's extension. Python `llm` 0.32 asks `puremagic` (and
 * renames `audio/wave` to `audio/wav`, its `MIME_TYPE_FIXES`); this short table gives puremagic's answers for
 * the types models take, and a better one where puremagic is wrong for them (see {@link detectType}).
 * @module
 */

type Rule = { type: string; test: (b: Uint8Array) => boolean };

function at(bytes: Uint8Array, offset: number, text: string): boolean {
  if (bytes.length < offset + text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[offset + i] !== text.charCodeAt(i)) return false;
  return true;
}

function starts(bytes: Uint8Array, ...values: number[]): boolean {
  return bytes.length >= values.length && values.every((v, i) => bytes[i] === v);
}

/** Whether `text` occurs in the first `within` bytes. */
function near(bytes: Uint8Array, text: string, within: number): boolean {
  const end = Math.min(bytes.length, within) - text.length;
  for (let i = 0; i <= end; i++) if (at(bytes, i, text)) return true;
  return false;
}

/** The ISO base media (`ftyp`) brands that are not plain MP4 video, and what they are. */
const FTYP_BRANDS: Record<string, string> = {
  "M4A ": "audio/mp4",
  "M4B ": "audio/mp4",
  "qt  ": "video/quicktime",
  // puremagic's answers: a `heic` brand is `image/heif` to it, `heix` is `image/heic` (models take both).
  "heic": "image/heif",
  "heix": "image/heic",
  "heim": "image/heic",
  "heis": "image/heic",
  "mif1": "image/heif",
  "msf1": "image/heif",
  "avif": "image/avif",
  "avis": "image/avif",
  "3gp4": "video/3gpp",
  "3gp5": "video/3gpp",
  "3gp6": "video/3gpp",
  "3g2a": "video/3gpp2",
};

/** The ASF header GUID (Windows Media audio and video). */
const ASF = [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11, 0xa6, 0xd9, 0x00, 0xaa, 0x00, 0x62, 0xce, 0x6c];

/** An MPEG audio frame header: the 11-bit sync, then a layer that is not 0 (ADTS AAC uses layer 0). */
function mpegAudioFrame(b: Uint8Array): boolean {
  return b.length > 1 && b[0] === 0xff && (b[1] & 0xe0) === 0xe0 && (b[1] & 0x06) !== 0;
}

const RULES: Rule[] = [
  { type: "image/png", test: (b) => starts(b, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a) },
  { type: "image/jpeg", test: (b) => starts(b, 0xff, 0xd8, 0xff) },
  { type: "image/gif", test: (b) => at(b, 0, "GIF87a") || at(b, 0, "GIF89a") },
  { type: "image/webp", test: (b) => at(b, 0, "RIFF") && at(b, 8, "WEBP") },
  { type: "audio/wav", test: (b) => at(b, 0, "RIFF") && at(b, 8, "WAVE") },
  { type: "video/avi", test: (b) => at(b, 0, "RIFF") && at(b, 8, "AVI ") },
  { type: "application/pdf", test: (b) => at(b, 0, "%PDF-") },
  { type: "image/bmp", test: (b) => at(b, 0, "BM") && b.length > 14 },
  { type: "image/tiff", test: (b) => starts(b, 0x49, 0x49, 0x2a, 0x00) || starts(b, 0x4d, 0x4d, 0x00, 0x2a) },
  { type: "audio/flac", test: (b) => at(b, 0, "fLaC") },
  { type: "application/ogg", test: (b) => at(b, 0, "OggS") },
  { type: "audio/aiff", test: (b) => at(b, 0, "FORM") && (at(b, 8, "AIFF") || at(b, 8, "AIFC")) },
  { type: "video/x-matroska", test: (b) => starts(b, 0x1a, 0x45, 0xdf, 0xa3) && near(b, "matroska", 64) },
  { type: "video/webm", test: (b) => starts(b, 0x1a, 0x45, 0xdf, 0xa3) },
  { type: "video/quicktime", test: (b) => at(b, 4, "moov") },
  { type: "video/mpeg", test: (b) => starts(b, 0, 0, 1, 0xba) || starts(b, 0, 0, 1, 0xb3) },
  { type: "video/x-flv", test: (b) => at(b, 0, "FLV\u0001") },
  { type: "video/x-ms-wmv", test: (b) => starts(b, ...ASF) },
  { type: "audio/mpeg", test: (b) => at(b, 0, "ID3") || mpegAudioFrame(b) },
  { type: "audio/aac", test: (b) => b.length > 1 && b[0] === 0xff && (b[1] & 0xf6) === 0xf0 },
];

/**
 * The MIME type of `bytes` judged from their start (magic numbers), or `undefined` when none of the known
 * binary types matches (text included: see {@link detectType}).
 *
 * @example
 * ```ts
 * import { sniffType } from "./sniff.ts";
 * sniffType(new TextEncoder().encode("%PDF-1.7\n")); // "application/pdf"
 * ```
 */
export function sniffType(bytes: Uint8Array): string | undefined {
  if (at(bytes, 4, "ftyp")) {
    const brand = String.fromCharCode(...bytes.subarray(8, 12));
    return FTYP_BRANDS[brand] ?? "video/mp4";
  }
  return RULES.find((rule) => rule.test(bytes))?.type;
}

/** How much of the start of a file the checks look at: {@link detectType} needs no more than this. */
export const SNIFF_BYTES = 8192;

/**
 * Whether `bytes` look like text: UTF-8 (a sequence cut at the end of the window allowed) with no NUL and
 * almost no other control characters.
 */
function looksLikeText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, SNIFF_BYTES);
  if (!head.length) return false;
  let control = 0;
  for (const b of head) {
    if (b === 0) return false;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) control++;
  }
  if (control > head.length / 100) return false;
  try {
    // A multi-byte character cut at the end of the window is fine; a bad byte before it is not.
    new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** Text types a file name may name (anything else that is text is `text/plain`, as puremagic says). */
const TEXT_EXTENSIONS: Record<string, string> = {
  csv: "text/csv",
  html: "text/html",
  htm: "text/html",
  json: "application/json",
  svg: "image/svg+xml",
  xml: "text/xml",
};

function textType(bytes: Uint8Array, name: string): string {
  const start = new TextDecoder().decode(bytes.subarray(0, 512)).trimStart().toLowerCase();
  if (start.startsWith("<svg") || (start.startsWith("<?xml") && start.includes("<svg"))) {
    return "image/svg+xml";
  }
  if (start.startsWith("<!doctype html") || start.startsWith("<html")) return "text/html";
  return TEXT_EXTENSIONS[extensionOf(name)] ?? "text/plain";
}

/**
 * The MIME type of a file's `bytes`, whose name (a path or URL, possibly empty) is `name`: its magic number
 * first, then text (`text/plain`, or the text type its extension names: `.csv`, `.html`, `.json`), then the
 * extension alone; `undefined` when none says (for example bytes 0x00..0xff with no known extension).
 *
 * It agrees with puremagic (as Python `llm` 0.32 uses it) on the types models accept, except where puremagic
 * gives a type no model takes: an MP3 that starts with an ID3 tag is `audio/mpeg` (puremagic may say
 * `audio/vnd.audiokoz` when the name does not end in `.mp3`), ADTS AAC is `audio/aac` (not `audio/mpeg`),
 * `mp41`/`avc1` MP4s are `video/mp4` (not `audio/x-sndr`), M4A is `audio/mp4` (puremagic has none), AIFF is
 * `audio/aiff` (not `audio/x-aiff`), an MPEG program stream is `video/mpeg` (not `video/dvd`), BMP is
 * `image/bmp`, and text read from stdin is `text/plain` (puremagic knows no type for text without a name).
 *
 * @example
 * ```ts
 * import { detectType } from "./sniff.ts";
 * detectType(new TextEncoder().encode("a,b\n1,2\n"), "table.csv"); // "text/csv"
 * ```
 */
export function detectType(bytes: Uint8Array, name = ""): string | undefined {
  const sniffed = sniffType(bytes);
  if (sniffed) return sniffed;
  if (looksLikeText(bytes)) return textType(bytes, name);
  return typeFromName(name);
}

/** Python `llm`'s `MIME_TYPE_FIXES`: names some tools give a type, and the one models know it by. */
const MIME_TYPE_FIXES: Record<string, string> = { "audio/wave": "audio/wav" };

/** `type` with Python `llm`'s fixes applied (`audio/wave` is `audio/wav`). */
export function fixMimeType(type: string): string {
  return MIME_TYPE_FIXES[type] ?? type;
}

const EXTENSIONS: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  bmp: "image/bmp",
  tif: "image/tiff",
  tiff: "image/tiff",
  heic: "image/heic",
  heif: "image/heif",
  avif: "image/avif",
  svg: "image/svg+xml",
  pdf: "application/pdf",
  wav: "audio/wav",
  mp3: "audio/mpeg",
  m4a: "audio/mp4",
  aac: "audio/aac",
  flac: "audio/flac",
  ogg: "audio/ogg",
  oga: "audio/ogg",
  opus: "audio/ogg",
  aif: "audio/aiff",
  aiff: "audio/aiff",
  mp4: "video/mp4",
  m4v: "video/mp4",
  mov: "video/quicktime",
  webm: "video/webm",
  mkv: "video/x-matroska",
  avi: "video/avi",
  mpeg: "video/mpeg",
  mpg: "video/mpeg",
  flv: "video/x-flv",
  wmv: "video/x-ms-wmv",
  "3gp": "video/3gpp",
  txt: "text/plain",
  md: "text/plain",
  csv: "text/csv",
  html: "text/html",
  htm: "text/html",
  json: "application/json",
};

function extensionOf(name: string): string {
  const clean = name.split(/[?#]/)[0];
  const dot = clean.lastIndexOf(".");
  if (dot < 0 || dot < clean.lastIndexOf("/")) return "";
  return clean.slice(dot + 1).toLowerCase();
}

/** The MIME type a file name's extension suggests, or `undefined`. */
export function typeFromName(name: string): string | undefined {
  return EXTENSIONS[extensionOf(name)];
}
