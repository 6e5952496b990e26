/**
 * Content addresses for `logs.db`, computed exactly as Python `llm` 0.32 computes them.
 *
 * A message's identity is `"b2:" + blake2b-128(canonical JSON of {parent, message})`; a schema's id is the
 * blake2b-128 of its compact JSON; an attachment's id is the sha256 of its bytes (or of `{"url": ...}`).
 * Both tools must agree byte for byte: the JSON is Python's (`lib/compat/python_json.ts`).
 *
 * @module
 */

import { blake2b128Hex } from "../compat/blake2b.ts";
import { Attachment } from "../attachments/attachment.ts";
import type { AttachmentData, Message, Part } from "../models/messages.ts";
import { canonicalJson, pythonJsonDumps } from "../compat/python_json.ts";

/** The tag in front of every message hash: the algorithm that produced it. */
export const HASH_PREFIX = "b2:";

/** `"b2:"` + blake2b-128 hex of the canonical JSON of `value` (Python's `llm.logs.content_hash`). */
export async function contentHash(value: unknown): Promise<string> {
  return HASH_PREFIX + await blake2b128Hex(canonicalJson(value));
}

/** Python's `Attachment` serialisation: only the fields that are set, in the order type, url, path, content. */
export function attachmentDict(attachment: AttachmentData): Record<string, string> {
  const d: Record<string, string> = {};
  if (attachment.type) d.type = attachment.type;
  if (attachment.url) d.url = attachment.url;
  if (attachment.path) d.path = attachment.path;
  if (attachment.content) d.content = attachment.content;
  return d;
}

/**
 * A part as Python's `Part.to_dict()` returns it: keys in Python's order, optional keys only when set
 * (`redacted` / `server_executed` only when true, `provider_metadata` only when non-empty).
 */
export function partDict(part: Part): Record<string, unknown> {
  const d: Record<string, unknown> = { type: part.type };
  switch (part.type) {
    case "text":
      d.text = part.text;
      break;
    case "reasoning":
      d.text = part.text;
      if (part.redacted) d.redacted = true;
      break;
    case "tool_call":
      d.name = part.name;
      d.arguments = part.arguments;
      if (part.tool_call_id != null) d.tool_call_id = part.tool_call_id;
      if (part.server_executed) d.server_executed = true;
      break;
    case "tool_result":
      d.name = part.name;
      d.output = part.output;
      if (part.tool_call_id != null) d.tool_call_id = part.tool_call_id;
      if (part.server_executed) d.server_executed = true;
      if (part.exception != null) d.exception = part.exception;
      if (part.attachments?.length) d.attachments = part.attachments.map(attachmentDict);
      break;
    case "attachment":
      if (part.attachment && Object.keys(attachmentDict(part.attachment)).length) {
        d.attachment = attachmentDict(part.attachment);
      }
      break;
  }
  if (part.provider_metadata && Object.keys(part.provider_metadata).length) {
    d.provider_metadata = part.provider_metadata;
  }
  return d;
}

/** A message as Python's `Message.to_dict()` returns it. */
export function messageDict(message: Message): Record<string, unknown> {
  const d: Record<string, unknown> = { role: message.role, parts: message.parts.map(partDict) };
  if (message.provider_metadata && Object.keys(message.provider_metadata).length) {
    d.provider_metadata = message.provider_metadata;
  }
  return d;
}

/**
 * The bytes of an attachment that has inline or file content, or `null` (a URL attachment, or a file that
 * cannot be read). The attachment the data came from gives them when there is one: a file is read once.
 */
export async function attachmentBytes(attachment: AttachmentData): Promise<Uint8Array | null> {
  if (!attachment.content && !attachment.path) return null;
  try {
    return await Attachment.fromData(attachment).contentBytes();
  } catch {
    return null;
  }
}

/**
 * An attachment's id in the `attachments` table (Python's `Attachment.id()`): sha256 hex of its content or
 * file bytes, or of `{"url": "<url>"}` for a URL attachment.
 *
 * @throws {import("../attachments/errors.ts").AttachmentError} when a path attachment's file cannot be read.
 */
export function attachmentId(attachment: AttachmentData): Promise<string> {
  return Attachment.fromData(attachment).id();
}

/**
 * The form an attachment takes inside a message hash: `{id, type}`, where a path whose file is gone hashes
 * as `missing:<path>` rather than failing.
 */
export async function canonicalAttachment(
  attachment: AttachmentData,
): Promise<{ id: string; type: string | null }> {
  let id: string;
  try {
    id = await attachmentId(attachment);
  } catch (error) {
    if (!attachment.content && attachment.path) id = `missing:${attachment.path}`;
    else throw error;
  }
  return { id, type: attachment.type ?? null };
}

/**
 * The content address of `message` reached from `parentHash` (`null` for the first message of a chain):
 * `"b2:" + blake2b-128(canonicalJson({parent, message}))`, with attachments reduced to `{id, type}`.
 *
 * @example
 * ```ts
 * import { messageHash } from "./hash.ts";
 * await messageHash(null, { role: "user", parts: [{ type: "text", text: "hello pelican" }] });
 * // "b2:9083d47923fe039062fdbb678842c336"
 * ```
 */
export async function messageHash(parentHash: string | null, message: Message): Promise<string> {
  const d = messageDict(message);
  const parts = d.parts as Record<string, unknown>[];
  for (const [i, part] of message.parts.entries()) {
    if (part.type === "attachment" && part.attachment && parts[i].attachment) {
      parts[i].attachment = await canonicalAttachment(part.attachment);
    }
    if (part.type === "tool_result" && part.attachments?.length) {
      parts[i].attachments = await Promise.all(part.attachments.map(canonicalAttachment));
    }
  }
  return contentHash({ parent: parentHash, message: d });
}

/** The hashes of a chain of messages that starts below `parentHash`, in order. */
export async function chainHashes(parentHash: string | null, messages: Message[]): Promise<string[]> {
  const hashes: string[] = [];
  let parent = parentHash;
  for (const message of messages) {
    parent = await messageHash(parent, message);
    hashes.push(parent);
  }
  return hashes;
}

/** The JSON stored in `schemas.content`: Python's `json.dumps(schema, separators=(",", ":"))`. */
export function schemaJson(schema: unknown): string {
  return pythonJsonDumps(schema, { compact: true });
}

/** A schema's id in the `schemas` table: blake2b-128 hex of {@link schemaJson} (no prefix). */
export function schemaId(schema: unknown): Promise<string> {
  return Promise.resolve(blake2b128Hex(schemaJson(schema)));
}
