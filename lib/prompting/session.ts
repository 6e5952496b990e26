/**
 * A prompt session: the one logs.db connection of a run of `llm` (or of a library user's prompts), opened the
 * first time something needs it (an alias or hash fragment, a stored schema, a conversation to continue, a
 * response to log) and closed once. With logging off and nothing to look up, logs.db is never touched.
 *
 * A logs.db that a newer llm has migrated is used as it is: a turn is logged there when the tables and columns
 * we write exist (checked once per session), and otherwise not logged, with a {@link LogsSchemaMismatchError}
 * saying why (thrown, or passed to `warn` once).
 * @module
 */
import { lazyImport } from "../lazy_import.ts";
import { loadSqlite } from "../deps/sqlite.ts";
import type { DatabaseSync } from "node:sqlite";
import { logsAreOn, logsDbPath, openLogsDb } from "../logs/db.ts";
import { LogsSchemaMismatchError, ReadOnlyDatabaseError } from "../logs/errors.ts";
import { type Interruption, logResponse, prepareToLog } from "../logs/log_response.ts";
import { unknownMigrations } from "../logs/migrations.ts";
import { schemaMisfit } from "../logs/schema_fit.ts";
import type { Response } from "../models/response.ts";
import type { PreparedPrompt } from "./prepare.ts";
import type { PromptRequest } from "./request.ts";

/** How a session is opened. */
export interface PromptSessionOptions {
  /** The logs database (default `<user dir>/logs.db`). */
  database?: string;
  /** Log responses (default: unless `llm logs off`). */
  log?: boolean;
  /**
   * Told, once, when responses cannot be logged to a logs.db a newer llm has changed (the message says why);
   * the prompts go on unlogged. Without it, {@link PromptSession.log} throws {@link LogsSchemaMismatchError}.
   */
  warn?: (message: string) => void;
}

/**
 * The logs.db connection and the logging decision shared by the prompts of one run.
 *
 * @example
 * ```ts ignore
 * import { PromptSession } from "./session.ts";
 * await using session = new PromptSession({ log: true });
 * const prepared = await session.prepare({ model: "4o-mini", fragments: ["notes.md"] });
 * const response = prepared.send("Summarise these notes");
 * console.log(await response.text());
 * await session.log(response);
 * ```
 */
export class PromptSession implements AsyncDisposable {
  /** The logs database's path. */
  readonly database: string;
  /** Whether responses are logged. */
  readonly logging: boolean;
  #db?: DatabaseSync;
  #warn?: (message: string) => void;
  #warned = false;
  /** The newer llm's migrations, once looked up (empty when the schema is this version's). */
  #unknown?: string[];
  /** Why turns do not fit the database, once checked (`null`: they fit). */
  #misfit?: LogsSchemaMismatchError | null;

  /** Creates a session; nothing is opened until it is needed. */
  constructor(options: PromptSessionOptions = {}) {
    this.database = options.database ?? logsDbPath();
    this.logging = options.log ?? logsAreOn();
    this.#warn = options.warn;
  }

  /** The open logs.db (created and migrated the first time). */
  db(): DatabaseSync {
    this.#db ??= openLogsDb(this.database);
    return this.#db;
  }

  /**
   * The open logs.db if the file exists (for lookups: a database that does not exist holds no aliases,
   * hashes or schemas, so none is created for them).
   */
  existingDb(): DatabaseSync | undefined {
    if (this.#db) return this.#db;
    try {
      Deno.statSync(this.database);
    } catch {
      return undefined;
    }
    return this.db();
  }

  /** Resolves a prompt request through this session; see {@link import("./prepare.ts").preparePrompt}. */
  async prepare(request: PromptRequest): Promise<PreparedPrompt> {
    await loadSqlite();
    const { preparePrompt } = await lazyImport<typeof import("./prepare.ts")>(
      "./prepare.ts",
      import.meta.url,
    );
    return await preparePrompt(this, request);
  }

  /**
   * Gets ready to log a response, before its request is sent: opens logs.db, so that one that cannot be
   * written fails now rather than after the model has answered, and starts loading the code that writes a
   * turn, which then loads while the response is on its way. Does nothing when the session does not log.
   *
   * @throws {ReadOnlyDatabaseError} logs.db cannot be written (and the other errors of opening it).
   */
  prepareToLog(): void {
    if (!this.logging) return;
    this.db();
    prepareToLog();
  }

  /** True once logs.db has been opened. */
  get opened(): boolean {
    return this.#db !== undefined;
  }

  /**
   * Why responses cannot be logged here, or `undefined` when they can (opens logs.db). Only a database a
   * newer llm has migrated can refuse them; its tables are checked once.
   */
  loggingProblem(): LogsSchemaMismatchError | undefined {
    const db = this.db();
    this.#unknown ??= unknownMigrations(db);
    if (this.#misfit === undefined) {
      const misfit = this.#unknown.length ? schemaMisfit(db) : undefined;
      this.#misfit = misfit ? new LogsSchemaMismatchError(this.database, this.#unknown, misfit) : null;
    }
    return this.#misfit ?? undefined;
  }

  /**
   * Logs `response` when the session logs: a finished one, or an interrupted one that produced text (marked
   * with `interrupted`). Returns the turn id, or `undefined` when nothing was logged.
   *
   * @throws {LogsSchemaMismatchError} a newer llm changed logs.db so that the turn does not fit (unless the
   *   session was given `warn`, which is told once instead).
   */
  async log(response: Response, options: { interrupted?: Interruption } = {}): Promise<string | undefined> {
    if (!this.logging) return undefined;
    if (options.interrupted && !response.textSoFar()) return undefined;
    await loadSqlite();
    if (!options.interrupted) await response.start();
    const problem = this.loggingProblem();
    if (problem) return this.#notLogged(problem);
    try {
      return await logResponse(this.db(), response, options);
    } catch (error) {
      // A file made read-only after it was opened: say which.
      if (/readonly database/i.test((error as Error)?.message)) {
        throw new ReadOnlyDatabaseError(this.database, error);
      }
      // In a newer llm's database a write can still fail (a constraint or trigger of its own): not logged.
      if (!this.#unknown?.length || !isSqliteError(error)) throw error;
      const reason = `writing to it failed: ${(error as Error).message}`;
      return this.#notLogged(
        new LogsSchemaMismatchError(this.database, this.#unknown, reason, { cause: error }),
      );
    }
  }

  #notLogged(problem: LogsSchemaMismatchError): undefined {
    if (!this.#warn) throw problem;
    if (!this.#warned) this.#warn(problem.message);
    this.#warned = true;
    return undefined;
  }

  /** Closes logs.db if it was opened. */
  close(): void {
    this.#db?.close();
    this.#db = undefined;
    this.#unknown = undefined;
    this.#misfit = undefined;
  }

  /** Closes the session (`await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}

/** Whether `error` came from SQLite (node:sqlite sets `code: "ERR_SQLITE_ERROR"`), not from our own code. */
function isSqliteError(error: unknown): boolean {
  return (error as { code?: unknown })?.code === "ERR_SQLITE_ERROR";
}
