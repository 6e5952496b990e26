/**
 * Reading `logs.db` for `llm logs`: the rows to show, filtered and ordered as Python `llm` 0.32 does.
 *
 * Rows come from the 0.32 tables (`turns`, one row per prompt/response) and from the legacy `responses`
 * table, merged by their ULID ids. Each side is queried with the page size pushed down into SQL (newest
 * first by primary key, or best-first by FTS5 bm25 rank), then the two are merged and cut to the page size.
 *
 * @example
 * ```ts ignore
 * import { DatabaseSync } from "node:sqlite";
 * import { queryLogs } from "./query_logs.ts";
 * const db = new DatabaseSync("logs.db");
 * for (const row of queryLogs(db, { count: 5, query: "pelican" })) console.log(row.id, row.prompt);
 * ```
 *
 * @module
 */
import { LlmError } from "../../errors.ts";

import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import { buildLegacyRows, LEGACY_COLUMNS } from "./legacy_rows.ts";
import { buildTurnRows, type TurnSqlRow } from "./turn_rows.ts";
import type { LogRow, QueryLogsOptions } from "./log_row.ts";

export type * from "./log_row.ts";

/** Where Python `llm` points people who wrote an invalid search. */
const FTS5_DOCS = "https://sqlite.org/fts5.html#full_text_query_syntax";

/** A `-q` search the FTS5 engine could not parse (unbalanced quotes, stray operators, unknown columns). */
export class InvalidSearchQueryError extends LlmError {
  /** The search text as given. */
  readonly query: string;
  /** SQLite's own description of the problem. */
  readonly sqliteMessage: string;

  /** Creates the error for `query`, which SQLite rejected with `sqliteMessage`. */
  constructor(query: string, sqliteMessage: string) {
    super(`Invalid search query: ${sqliteMessage} - see the FTS5 query syntax documentation at ${FTS5_DOCS}`);
    this.query = query;
    this.sqliteMessage = sqliteMessage;
  }
}

/** `current: true` was asked for, but the database holds no conversations yet. */
export class NoConversationsError extends LlmError {
  /** Creates the error. */
  constructor() {
    super("No conversations found");
  }
}

/** bm25 weights: the typed prompt counts ten times the response. */
const TURN_RANK = "bm25(turn_search_fts, 10.0, 1.0)";
const LEGACY_RANK = "bm25(responses_fts, 10.0, 1.0)";

type Params = Record<string, SQLInputValue>;

function tableExists(db: DatabaseSync, name: string): boolean {
  return db.prepare("select 1 from sqlite_master where name = ?").get(name) !== undefined;
}

/**
 * The conversation of the most recent turn or legacy response (by newest row id), or `null` when nothing has
 * been logged: what `llm logs -c` shows, as in Python `llm`. `llm prompt -c` instead continues the most
 * recently created conversation (`newestConversationId` in history.ts).
 */
export function conversationOfLatestTurn(db: DatabaseSync): string | null {
  const turn = db.prepare("select thread_id as cid, id from turns order by id desc limit 1").get() as
    | { cid: string | null; id: string }
    | undefined;
  const legacy = tableExists(db, "responses")
    ? db.prepare("select conversation_id as cid, id from responses order by id desc limit 1").get() as
      | { cid: string | null; id: string }
      | undefined
    : undefined;
  if (!turn && !legacy) return null;
  if (!legacy || (turn && turn.id >= legacy.id)) return turn!.cid;
  return legacy.cid;
}

interface Side {
  where: string[];
  params: Params;
}

function commonFilters(
  options: QueryLogsOptions,
  table: "turns" | "responses",
  conversation: string | null,
): Side {
  const where: string[] = [];
  const params: Params = {};
  if (options.model) {
    where.push(`(${table}.model = :model or ${table}.resolved_model = :model)`);
    params.model = options.model;
  }
  if (conversation) {
    where.push(table === "turns" ? "turns.thread_id = :thread_id" : "responses.conversation_id = :thread_id");
    params.thread_id = conversation;
  }
  if (options.idGt) {
    where.push(`${table}.id > :id_gt`);
    params.id_gt = options.idGt;
  }
  if (options.idGte) {
    where.push(`${table}.id >= :id_gte`);
    params.id_gte = options.idGte;
  }
  if (options.schemaId) {
    where.push(`${table}.schema_id = :schema_id`);
    params.schema_id = options.schemaId;
  }
  if (options.ids?.length) {
    const keys = options.ids.map((_, i) => `row_id_${i}`);
    where.push(`${table}.id in (${keys.map((k) => ":" + k).join(", ")})`);
    options.ids.forEach((id, i) => (params[keys[i]] = id));
  }
  return { where, params };
}

// A turn used a tool when a tool result was among its inputs: in its parent message, or, when a fresh user
// prompt followed the results, in the parent's own parent.
function toolResultClause(extra: string): string {
  return `(turns.parent_message_hash in (
      select parts.message_hash from parts where parts.type = 'tool_result' ${extra}
    ) or turns.parent_message_hash in (
      select messages.hash from messages join parts on parts.message_hash = messages.parent_hash
      where messages.role = 'user' and parts.type = 'tool_result' ${extra}
    ))`;
}

function turnSql(options: QueryLogsOptions, conversation: string | null, limit: number | null) {
  const { where, params } = commonFilters(options, "turns", conversation);
  (options.fragments ?? []).forEach((hash, i) => {
    where.push(`turns.id in (select turn_fragments.turn_id from turn_fragments
      join fragments on fragments.id = turn_fragments.fragment_id where fragments.hash = :fragment_${i})`);
    params[`fragment_${i}`] = hash;
  });
  if (options.anyTools) where.push(toolResultClause(""));
  (options.tools ?? []).forEach((name, i) => {
    where.push(toolResultClause(`and parts.tool_name = :tool_${i}`));
    params[`tool_${i}`] = name;
  });
  let from = "turns";
  let rank = "";
  let order = "turns.id desc";
  if (options.query && options.latest) {
    // A pure filter: walk turns newest first by primary key, keeping those in the match set
    where.push(`turns.id in (select turn_search.turn_id from turn_search where turn_search.id in
      (select rowid from turn_search_fts where turn_search_fts match :query))`);
    params.query = options.query;
  } else if (options.query && !where.length && limit) {
    // Nothing but the search: rank in the FTS table alone and join only the best `limit` matches
    from = `(select rowid as fts_rowid, ${TURN_RANK} as _search_rank from turn_search_fts
        where turn_search_fts match :query order by _search_rank limit ${limit}) as ranked
      join turn_search on turn_search.id = ranked.fts_rowid
      join turns on turns.id = turn_search.turn_id`;
    rank = ", ranked._search_rank";
    params.query = options.query;
    order = "ranked._search_rank";
  } else if (options.query) {
    from = `turn_search_fts join turn_search on turn_search.id = turn_search_fts.rowid
      join turns on turns.id = turn_search.turn_id`;
    rank = `, ${TURN_RANK} as _search_rank`;
    where.push("turn_search_fts match :query");
    params.query = options.query;
    order = TURN_RANK;
  }
  const sql = `select turns.id, turns.model, turns.resolved_model, turns.options_json,
      turns.thread_id as conversation_id, turns.duration_ms, turns.datetime_utc, turns.input_tokens,
      turns.output_tokens, turns.token_details, turns.parent_message_hash, turns.tip_message_hash,
      turns.response_json, threads.name as conversation_name, turns.model as conversation_model,
      schemas.content as schema_json${rank}
    from ${from}
    left join threads on turns.thread_id = threads.id
    left join schemas on turns.schema_id = schemas.id
    ${where.length ? "where " + where.join(" and ") : ""}
    order by ${order}${limit ? ` limit ${limit}` : ""}`;
  return { sql, params };
}

function legacySql(options: QueryLogsOptions, conversation: string | null, limit: number | null) {
  const { where, params } = commonFilters(options, "responses", conversation);
  (options.fragments ?? []).forEach((hash, i) => {
    where.push(`(exists (select 1 from prompt_fragments where prompt_fragments.response_id = responses.id
        and prompt_fragments.fragment_id in (select fragments.id from fragments where hash = :fragment_${i}))
      or exists (select 1 from system_fragments where system_fragments.response_id = responses.id
        and system_fragments.fragment_id in (select fragments.id from fragments where hash = :fragment_${i})))`);
    params[`fragment_${i}`] = hash;
  });
  if (options.anyTools) {
    where.push("exists (select 1 from tool_results where tool_results.response_id = responses.id)");
  }
  (options.tools ?? []).forEach((name, i) => {
    where.push(`exists (select 1 from tool_results join tools on tools.id = tool_results.tool_id
      where tool_results.response_id = responses.id and tools.name = :tool_${i})`);
    params[`tool_${i}`] = name;
  });
  let join = "";
  let rank = "";
  let order = "responses.id desc";
  if (options.query && options.latest) {
    where.push("responses.rowid in (select rowid from responses_fts where responses_fts match :query)");
    params.query = options.query;
  } else if (options.query) {
    join = "join responses_fts on responses_fts.rowid = responses.rowid";
    rank = `, ${LEGACY_RANK} as _search_rank`;
    where.push("responses_fts match :query");
    params.query = options.query;
    order = LEGACY_RANK;
  }
  where.unshift("not exists (select 1 from turns where turns.id = responses.id)");
  const sql = `select ${LEGACY_COLUMNS}${rank}
    from responses
    left join schemas on responses.schema_id = schemas.id
    left join conversations on responses.conversation_id = conversations.id
    ${join}
    where ${where.join(" and ")}
    order by ${order}${limit ? ` limit ${limit}` : ""}`;
  return { sql, params };
}

type Ranked<T> = T & { id: string; _search_rank?: number };

/**
 * The rows `llm logs list` shows for these options.
 *
 * Without `query`, rows come out oldest to newest (the newest `count` of them). With `query`, they come out
 * most relevant first, or newest first when `latest` is set. Ids of both the 0.32 and legacy tables are
 * ULIDs, so the two histories interleave chronologically.
 *
 * @throws {InvalidSearchQueryError} when `query` is not valid FTS5 syntax.
 * @throws {NoConversationsError} when `current` is set and nothing has been logged.
 */
export function queryLogs(db: DatabaseSync, options: QueryLogsOptions = {}): LogRow[] {
  let conversation = options.conversationId ?? null;
  if (options.current) {
    conversation = conversationOfLatestTurn(db);
    if (conversation === null) throw new NoConversationsError();
  }
  const count = options.count ?? (conversation ? 0 : 3);
  const limit = count > 0 ? Math.floor(count) : null;
  const run = <T>(sql: string, params: Params): Ranked<T>[] => {
    try {
      return db.prepare(sql).all(params) as Ranked<T>[];
    } catch (error) {
      if (
        options.query && error instanceof Error && (error as { code?: string }).code === "ERR_SQLITE_ERROR"
      ) {
        throw new InvalidSearchQueryError(options.query, error.message);
      }
      throw error;
    }
  };
  const turnQuery = turnSql(options, conversation, limit);
  const turns = run<TurnSqlRow>(turnQuery.sql, turnQuery.params);
  let legacy: Ranked<Record<string, string | number | null>>[] = [];
  if (tableExists(db, "responses") && (!options.query || tableExists(db, "responses_fts"))) {
    const legacyQuery = legacySql(options, conversation, limit);
    legacy = run(legacyQuery.sql, legacyQuery.params);
  }
  type Entry = {
    id: string;
    rank: number;
    turn?: TurnSqlRow;
    legacy?: Record<string, string | number | null>;
  };
  const entries: Entry[] = [
    ...turns.map((turn) => ({ id: turn.id, rank: turn._search_rank ?? 0, turn })),
    ...legacy.map((row) => ({ id: String(row.id), rank: Number(row._search_rank ?? 0), legacy: row })),
  ];
  if (options.query && !options.latest) entries.sort((a, b) => a.rank - b.rank);
  else entries.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const page = limit ? entries.slice(0, limit) : entries;
  const built = new Map<string, LogRow>();
  const turnRows = page.flatMap((e) => (e.turn ? [e.turn] : []));
  buildTurnRows(db, turnRows, options.jsonReplacements).forEach((row) => built.set(row.id, row));
  buildLegacyRows(db, page.flatMap((e) => (e.legacy ? [e.legacy] : []))).forEach((row) =>
    built.set(row.id, row)
  );
  const rows = page.map((e) => built.get(e.id)!);
  return options.query ? rows : rows.reverse();
}
