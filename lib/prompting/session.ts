/**
 * A prompt session: the one logs.db connection of a run of `llm` (or of a library user's prompts), opened the
 * first time something needs it (an alias or hash fragment, a stored schema, a conversation to continue, a
 * response to log) and closed once. With logging off and nothing to look up, logs.db is never touched.
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { logsAreOn, logsDbPath, openLogsDb } from "../logs/db.ts";
import { type Interruption, logResponse } from "../logs/log_response.ts";
import type { Response } from "../models/response.ts";
import type { PreparedPrompt } from "./prepare.ts";
import type { PromptRequest } from "./request.ts";

/** How a session is opened. */
export interface PromptSessionOptions {
  /** The logs database (default `<user dir>/logs.db`). */
  database?: string;
  /** Log responses (default: unless `llm logs off`). */
  log?: boolean;
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

  /** Creates a session; nothing is opened until it is needed. */
  constructor(options: PromptSessionOptions = {}) {
    this.database = options.database ?? logsDbPath();
    this.logging = options.log ?? logsAreOn();
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
    const { preparePrompt } = await import("./prepare.ts");
    return await preparePrompt(this, request);
  }

  /** True once logs.db has been opened. */
  get opened(): boolean {
    return this.#db !== undefined;
  }

  /**
   * Logs `response` when the session logs: a finished one, or an interrupted one that produced text (marked
   * with `interrupted`). Returns the turn id, or `undefined` when nothing was logged.
   */
  async log(response: Response, options: { interrupted?: Interruption } = {}): Promise<string | undefined> {
    if (!this.logging) return undefined;
    if (options.interrupted && !response.textSoFar()) return undefined;
    if (!options.interrupted) await response.start();
    return await logResponse(this.db(), response, options);
  }

  /** Closes logs.db if it was opened. */
  close(): void {
    this.#db?.close();
    this.#db = undefined;
  }

  /** Closes the session (`await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}
