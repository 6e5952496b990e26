/**
 * Recording which fragments a logged turn used, as Python `llm` 0.32 does: each fragment is stored once in
 * `fragments`; `turn_fragments` lists the turn's prompt and system fragments in order; and the stored text
 * parts of the turn's input that contain a fragment keep a reference to it instead of a copy (`parts.payload`
 * `{"text_ref": [{"fragment": id}, {"literal": "..."}]}`, with `part_fragments` rows), so a long document sent
 * many times is stored once. The searchable prompt (`turn_search`) then holds only the literal text.
 *
 * Python writes all of this while it writes the turn; here it runs right after {@link logTurn} has written the
 * turn, on the same rows.
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { writeTransaction } from "../store.ts";
import type { Fragment } from "../../models/fragment.ts";
import { ensureFragment } from "./store.ts";
import { pythonJsonDumps } from "../../compat/python_json.ts";

/** One piece of a `text_ref`: a fragment by row id, or literal text. */
export type TextRefPiece = { fragment: number } | { literal: string };

/** The fragments a turn was given. */
export interface TurnFragments {
  /** `-f` fragments, in order. */
  prompt: Fragment[];
  /** `--sf` fragments, in order. */
  system: Fragment[];
}

/**
 * Splits `text` into fragment references and literal pieces (Python's `_encode_text_refs`): the earliest
 * occurrence of any fragment wins, and on a tie the longer one. Returns `undefined` when no fragment occurs.
 */
export function encodeTextRefs(
  text: string,
  fragmentIds: Map<string, number>,
): { pieces: TextRefPiece[]; used: number[] } | undefined {
  if (!text || !fragmentIds.size) return undefined;
  const pieces: TextRefPiece[] = [];
  const used: number[] = [];
  let remaining = text;
  while (remaining) {
    let best: { index: number; content: string } | undefined;
    for (const content of fragmentIds.keys()) {
      const index = remaining.indexOf(content);
      if (index === -1) continue;
      if (!best || index < best.index || (index === best.index && content.length > best.content.length)) {
        best = { index, content };
      }
    }
    if (!best) {
      pieces.push({ literal: remaining });
      break;
    }
    if (best.index) pieces.push({ literal: remaining.slice(0, best.index) });
    const id = fragmentIds.get(best.content)!;
    pieces.push({ fragment: id });
    used.push(id);
    remaining = remaining.slice(best.index + best.content.length);
  }
  return used.length ? { pieces, used } : undefined;
}

interface PartRow {
  id: number;
  message_hash: string;
  type: string;
  text: string | null;
  payload: string | null;
}

/** The hashes of the chain ending at `tip`, tip first. */
function chainOf(db: DatabaseSync, tip: string | null): string[] {
  const hashes: string[] = [];
  const parentOf = db.prepare("select parent_hash from messages where hash = ?");
  for (let hash = tip; hash && !hashes.includes(hash);) {
    hashes.push(hash);
    hash = (parentOf.get(hash) as { parent_hash: string | null } | undefined)?.parent_hash ?? null;
  }
  return hashes;
}

/** Literal text of a part, fragment references left out (what Python's search index holds). */
function literalText(part: PartRow): string {
  if (part.text !== null) return part.text;
  const refs = part.payload
    ? (JSON.parse(part.payload) as { text_ref?: TextRefPiece[] }).text_ref
    : undefined;
  return (refs ?? []).map((p) => ("literal" in p ? p.literal : "")).join("");
}

function encodeParts(db: DatabaseSync, hashes: string[], fragmentIds: Map<string, number>): void {
  const parts = db.prepare(
    "select id, message_hash, type, text, payload from parts where message_hash = ? and text is not null",
  );
  const update = db.prepare("update parts set text = null, payload = ? where id = ?");
  const link = db.prepare(
    'insert or ignore into part_fragments (part_id, fragment_id, "order") values (?, ?, ?)',
  );
  for (const hash of hashes) {
    for (const part of parts.all(hash) as unknown as PartRow[]) {
      if (part.type !== "text" && part.type !== "reasoning") continue;
      const encoded = encodeTextRefs(part.text!, fragmentIds);
      if (!encoded) continue;
      const payload = { ...(part.payload ? JSON.parse(part.payload) : {}), text_ref: encoded.pieces };
      update.run(pythonJsonDumps(payload), part.id);
      encoded.used.forEach((fragmentId, order) => link.run(part.id, fragmentId, order));
    }
  }
}

function refreshSearch(db: DatabaseSync, turnId: string, parent: string | null): void {
  const role = parent
    ? (db.prepare("select role from messages where hash = ?").get(parent) as { role: string } | undefined)
      ?.role
    : undefined;
  if (role !== "user") return;
  const parts = db.prepare(
    "select id, message_hash, type, text, payload from parts where message_hash = ? and type = 'text' order by position",
  ).all(parent) as unknown as PartRow[];
  db.prepare("update turn_search set prompt = ? where turn_id = ?").run(
    parts.map(literalText).join(""),
    turnId,
  );
  db.prepare("delete from turn_search where turn_id = ? and prompt = '' and response = ''").run(turnId);
}

/**
 * Records the fragments of the logged turn `turnId`: stores them, lists them in `turn_fragments`, and turns
 * copies of their text in the turn's input messages into references. Does nothing for an unknown turn.
 */
export async function recordTurnFragments(
  db: DatabaseSync,
  turnId: string,
  fragments: TurnFragments,
): Promise<void> {
  if (!fragments.prompt.length && !fragments.system.length) return;
  await writeTransaction(db, () => {
    const turn = db.prepare("select parent_message_hash from turns where id = ?").get(turnId) as
      | { parent_message_hash: string | null }
      | undefined;
    if (!turn) return;
    const fragmentIds = new Map<string, number>();
    for (const fragment of [...fragments.prompt, ...fragments.system]) {
      if (fragment.content) fragmentIds.set(fragment.content, ensureFragment(db, fragment));
    }
    encodeParts(db, chainOf(db, turn.parent_message_hash), fragmentIds);
    const insert = db.prepare(
      'insert or replace into turn_fragments (turn_id, fragment_id, "order", kind) values (?, ?, ?, ?)',
    );
    for (const [kind, list] of [["prompt", fragments.prompt], ["system", fragments.system]] as const) {
      list.forEach((fragment, order) => insert.run(turnId, ensureFragment(db, fragment), order, kind));
    }
    refreshSearch(db, turnId, turn.parent_message_hash);
  });
}
