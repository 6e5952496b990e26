/**
 * The MIME type of a file from its first bytes (magic numbers), for the image, audio, video and document
 * types models accept, with the file name's extension as a fallback. Python `llm` asks `puremagic`; this
 * short table gives the same answers for those types.
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

/** The ISO base media (`ftyp`) brands and what they are. */
const FTYP_BRANDS: Record<string, string> = {
  "M4A ": "audio/mp4",
  "M4B ": "audio/mp4",
  "qt  ": "video/quicktime",
  "heic": "image/heic",
  "heix": "image/heic",
  "mif1": "image/heif",
  "avif": "image/avif",
  "3gp4": "video/3gpp",
  "3gp5": "video/3gpp",
};

const RULES: Rule[] = [
  { type: "image/png", test: (b) => starts(b, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a) },
  { type: "image/jpeg", test: (b) => starts(b, 0xff, 0xd8, 0xff) },
  { type: "image/gif", test: (b) => at(b, 0, "GIF87a") || at(b, 0, "GIF89a") },
  { type: "image/webp", test: (b) => at(b, 0, "RIFF") && at(b, 8, "WEBP") },
  { type: "audio/wav", test: (b) => at(b, 0, "RIFF") && at(b, 8, "WAVE") },
  { type: "video/x-msvideo", test: (b) => at(b, 0, "RIFF") && at(b, 8, "AVI ") },
  { type: "application/pdf", test: (b) => at(b, 0, "%PDF-") },
  { type: "image/bmp", test: (b) => at(b, 0, "BM") && b.length > 14 },
  { type: "image/tiff", test: (b) => starts(b, 0x49, 0x49, 0x2a, 0x00) || starts(b, 0x4d, 0x4d, 0x00, 0x2a) },
  { type: "audio/flac", test: (b) => at(b, 0, "fLaC") },
  { type: "audio/ogg", test: (b) => at(b, 0, "OggS") },
  { type: "audio/aiff", test: (b) => at(b, 0, "FORM") && (at(b, 8, "AIFF") || at(b, 8, "AIFC")) },
  { type: "video/webm", test: (b) => starts(b, 0x1a, 0x45, 0xdf, 0xa3) },
  {
    type: "audio/mpeg",
    test: (b) => at(b, 0, "ID3") || (b.length > 1 && b[0] === 0xff && (b[1] & 0xe0) === 0xe0),
  },
];

/**
 * The MIME type of `bytes` judged from their start, or `undefined` when none of the known types matches.
 *
 * @example
 * ```ts
 * import { sniffType } from "./sniff.ts";
 * sniffType(new TextEncoder().encode("%PDF-1.7\n")); // "application/pdf"
 * ```
 */
export function sniffType(bytes: Uint8Array): string | undefined {
  if (at(bytes, 4, "ftyp")) {
    const brand = new TextDecoder().decode(bytes.subarray(8, 12));
    return FTYP_BRANDS[brand] ?? "video/mp4";
  }
  return RULES.find((rule) => rule.test(bytes))?.type;
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
  opus: "audio/opus",
  aiff: "audio/aiff",
  mp4: "video/mp4",
  mov: "video/quicktime",
  webm: "video/webm",
  avi: "video/x-msvideo",
  mpeg: "video/mpeg",
  mpg: "video/mpeg",
  "3gp": "video/3gpp",
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  html: "text/html",
  json: "application/json",
};

/** The MIME type a file name's extension suggests, or `undefined`. */
export function typeFromName(name: string): string | undefined {
  const clean = name.split(/[?#]/)[0];
  const dot = clean.lastIndexOf(".");
  if (dot < 0 || dot < clean.lastIndexOf("/")) return undefined;
  return EXTENSIONS[clean.slice(dot + 1).toLowerCase()];
}
