/**
 * Fragments in logs.db: the `fragments` table (one row per distinct text, keyed by its SHA-256) and
 * `fragment_aliases` (names for them), read and written as Python `llm` 0.32 does.
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { type Fragment, fragmentHash } from "../../models/fragment.ts";

/** A row of `llm fragments list`. */
export interface FragmentRow {
  /** SHA-256 of the content. */
  hash: string;
  /** Its aliases, in insertion order. */
  aliases: string[];
  /** When it was first stored (`YYYY-MM-DD HH:MM:SS`, UTC). */
  datetime_utc: string | null;
  /** Where it came from. */
  source: string | null;
  /** The text. */
  content: string | null;
}

/** Options of {@link listFragments}. */
export interface ListFragmentsOptions {
  /** Every term must match: the hash or an alias exactly, or a substring of the source or content. */
  queries?: string[];
  /** Only fragments that have an alias. */
  aliasesOnly?: boolean;
}

/** Stores a fragment unless its text is already stored; returns its row id. */
export function ensureFragment(db: DatabaseSync, fragment: Fragment | string): number {
  const { content, source } = typeof fragment === "string" ? { content: fragment, source: null } : fragment;
  const hash = fragmentHash(content);
  db.prepare(
    `insert into fragments (hash, content, datetime_utc, source) values (?, ?, datetime('now'), ?)
     on conflict(hash) do nothing`,
  ).run(hash, content, source);
  const row = db.prepare("select id from fragments where hash = ?").get(hash) as { id: number };
  return Number(row.id);
}

/** The fragment with this alias or hash, if any. */
export function findFragment(db: DatabaseSync, aliasOrHash: string): Fragment | undefined {
  const row = db.prepare(
    `select content, source from fragments
     left join fragment_aliases on fragments.id = fragment_aliases.fragment_id
     where alias = ? or hash = ? limit 1`,
  ).get(aliasOrHash, aliasOrHash) as { content: string | null; source: string | null } | undefined;
  return row ? { content: row.content ?? "", source: row.source ?? "" } : undefined;
}

/** Points `alias` at the fragment with row id `fragmentId` (replacing what it pointed at). */
export function setFragmentAlias(db: DatabaseSync, alias: string, fragmentId: number): void {
  db.prepare(
    `insert into fragment_aliases (alias, fragment_id) values (?, ?)
     on conflict(alias) do update set fragment_id = excluded.fragment_id`,
  ).run(alias, fragmentId);
}

/** Deletes `alias` (the fragment itself stays); true if it existed. */
export function removeFragmentAlias(db: DatabaseSync, alias: string): boolean {
  return Number(db.prepare("delete from fragment_aliases where alias = ?").run(alias).changes) > 0;
}

/** Stored fragments, oldest first, filtered as `llm fragments list -q ... --aliases` does. */
export function listFragments(db: DatabaseSync, options: ListFragmentsOptions = {}): FragmentRow[] {
  const where: string[] = [];
  const params: string[] = [];
  if (options.aliasesOnly) where.push("fragment_aliases.alias is not null");
  for (const q of options.queries ?? []) {
    where.push(`(fragments.hash = ? or fragment_aliases.alias = ?
      or fragments.source like '%' || ? || '%' or fragments.content like '%' || ? || '%')`);
    params.push(q, q, q, q);
  }
  const sql = `select fragments.hash,
      json_group_array(fragment_aliases.alias) filter (where fragment_aliases.alias is not null) as aliases,
      fragments.datetime_utc, fragments.source, fragments.content
    from fragments left join fragment_aliases on fragment_aliases.fragment_id = fragments.id
    ${where.length ? "where " + where.join(" and ") : ""}
    group by fragments.id, fragments.hash, fragments.content, fragments.datetime_utc, fragments.source
    order by fragments.datetime_utc`;
  const rows = db.prepare(sql).all(...params) as Record<string, string | null>[];
  return rows.map((r) => ({
    hash: String(r.hash),
    aliases: JSON.parse(r.aliases ?? "[]") as string[],
    datetime_utc: r.datetime_utc,
    source: r.source,
    content: r.content,
  }));
}
