/**
 * Logging a `Response` to logs.db: the glue between the library's responses and the 0.32 turn store.
 *
 * @example
 * ```ts
 * import { getModel } from "../../mod.ts";
 * import { LogStore } from "./log_response.ts";
 * const store = LogStore.open(); // <user_dir>/logs.db, created and migrated
 * const response = getModel("4o-mini").prompt("Hi");
 * await response.text();
 * await store.log(response);
 * store.close();
 * ```
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { describeOptions } from "../models/options.ts";
import type { Response } from "../models/response.ts";
import { ulid } from "../models/ulid.ts";
import { logsDbPath, openLogsDb } from "./db.ts";
import { LogsSchemaMismatchError } from "./errors.ts";
import { unknownMigrations } from "./migrations.ts";
import type { LoggedTool, TurnRecord } from "./store.ts";
import type { Tool } from "../models/tool_spec.ts";
import { lazyImport } from "../lazy_import.ts";
import { pyFloat } from "../compat/python_json.ts";

// The turn store, the fragment records and the schema check load with the first response logged: a library
// user who imports mod.ts and never logs does not pay for their modules.
const store = () => lazyImport<typeof import("./store.ts")>("./store.ts", import.meta.url);
const fragmentRecords = () =>
  lazyImport<typeof import("./fragments/record.ts")>("./fragments/record.ts", import.meta.url);
const schemaFit = () => lazyImport<typeof import("./schema_fit.ts")>("./schema_fit.ts", import.meta.url);

/**
 * Starts loading what logging a turn needs (the turn store's modules, and its hash compiled off the thread),
 * so that a response can be logged as soon as it ends: call it while the response is on its way. A failure
 * is left for the logging itself to report.
 */
export function prepareToLog(): void {
  store().then(({ prepareTurnStore }) => prepareTurnStore()).catch(() => {});
}

const fallbackConversations = new WeakMap<Response, string>();

/** How a response ended early, recorded in its `response_json` (the shared schema has no column for it). */
export interface Interruption {
  /** Why, e.g. `Cancelled with Ctrl-C`. */
  reason: string;
}

/** Options of {@link turnRecordFor}. */
export interface TurnRecordOptions {
  /** Set when the response did not finish (Ctrl-C, a dropped connection): the partial response is logged. */
  interrupted?: Interruption;
}

/** Float-typed options hold whole numbers as Python floats (`1.0`), as Python `llm` stores them. */
async function pythonTypedOptions(response: Response): Promise<Record<string, unknown>> {
  const options = response.prompt.options;
  if (!Object.keys(options).length) return {};
  const infos = await describeOptions(response.model.options);
  const floats = new Set(infos.filter((i) => i.type.split(", ").includes("float")).map((i) => i.name));
  return Object.fromEntries(
    Object.entries(options).map((
      [k, v],
    ) => [k, floats.has(k) && typeof v === "number" && Number.isInteger(v) ? pyFloat(v) : v]),
  );
}

/** The tools a response was given, as logs.db records them: server-side ones first, as they were sent. */
function loggedTools(response: Response): LoggedTool[] {
  const offered = new Map(response.model.serverSideTools.map((info) => [info.className, info]));
  const serverSide = response.prompt.serverSideTools.map((request): LoggedTool => {
    const info = offered.get(request.className);
    const config: Record<string, unknown> = {};
    for (const p of info?.parameters ?? []) config[p.name] = request.config[p.name] ?? p.default;
    for (const [key, value] of Object.entries(request.config)) if (!(key in config)) config[key] = value;
    return {
      name: request.name,
      description: info?.description ?? null,
      inputSchema: {},
      serverSide: true,
      instance: { name: request.className, config },
    };
  });
  const functions = response.prompt.tools.map((tool): LoggedTool => {
    const runnable = tool as Partial<Tool>;
    return {
      name: tool.name,
      description: tool.description ?? null,
      inputSchema: tool.inputSchema,
      ...(runnable.plugin ? { plugin: runnable.plugin } : {}),
      ...(runnable.instance ? { instance: runnable.instance } : {}),
    };
  });
  return [...serverSide, ...functions];
}

/** The turn record of a finished (or interrupted) response. */
export async function turnRecordFor(
  response: Response,
  options: TurnRecordOptions = {},
): Promise<TurnRecord> {
  const conversationId = response.conversation?.id ??
    fallbackConversations.get(response) ??
    (fallbackConversations.set(response, ulid()), fallbackConversations.get(response)!);
  let responseJson = response.jsonSoFar();
  if (options.interrupted) {
    const base = responseJson && typeof responseJson === "object" && !Array.isArray(responseJson)
      ? responseJson
      : {};
    responseJson = { ...base, llm_interrupted: { reason: options.interrupted.reason } };
  }
  const usage = response.usageSoFar();
  const tools = loggedTools(response);
  return {
    id: response.id,
    conversation: { id: conversationId, name: response.conversation?.name, model: response.model.id },
    model: response.model.id,
    resolvedModel: response.resolvedModel,
    input: response.prompt.messages,
    output: response.messagesSoFar(),
    promptText: response.prompt.text ?? "",
    responseText: response.textSoFar(),
    options: await pythonTypedOptions(response),
    responseJson,
    usage,
    durationMs: response.durationMsSoFar(),
    datetimeUtc: response.datetimeUtcSoFar(),
    schema: response.prompt.schema ?? null,
    condense: {
      ...(response.model.jsonReplacements ? { modelReplacements: response.model.jsonReplacements } : {}),
      tools: tools.map(({ name, description }) => ({ name, description })),
    },
    tools,
  };
}

/** Writes a response to an open logs.db as one turn (Python `llm`'s `response.log_to_db(db)`). */
export async function logResponse(
  db: DatabaseSync,
  response: Response,
  options: TurnRecordOptions = {},
): Promise<string> {
  const { logTurn } = await store();
  const id = await logTurn(db, await turnRecordFor(response, options));
  const { fragmentRecords: prompt, systemFragmentRecords: system } = response.prompt;
  if (prompt.length || system.length) {
    const { recordTurnFragments } = await fragmentRecords();
    await recordTurnFragments(db, response.id, { prompt, system });
  }
  return id;
}

/** A logs.db opened for writing responses, shared with Python `llm`. */
export class LogStore {
  /** The open database. */
  readonly db: DatabaseSync;
  /** Its path. */
  readonly path: string;

  private constructor(db: DatabaseSync, path: string) {
    this.db = db;
    this.path = path;
  }

  /** Opens (creating and migrating) logs.db at `path`, by default `<user_dir>/logs.db`. */
  static open(path: string = logsDbPath()): LogStore {
    return new LogStore(openLogsDb(path), path);
  }

  /**
   * Logs a response (waiting for it to finish unless it is interrupted); returns the turn id.
   *
   * @throws {LogsSchemaMismatchError} a newer llm changed logs.db so that the turn does not fit.
   */
  async log(response: Response, options: TurnRecordOptions = {}): Promise<string> {
    if (!options.interrupted) await response.start();
    this.#misfit ??= await misfitOf(this.db, this.path);
    if (this.#misfit) throw this.#misfit;
    return await logResponse(this.db, response, options);
  }

  #misfit?: LogsSchemaMismatchError | null;

  /** Closes the database. */
  close(): void {
    this.db.close();
  }
}

/** Why turns do not fit a database a newer llm migrated, or `null` (checked only for such a database). */
async function misfitOf(db: DatabaseSync, path: string): Promise<LogsSchemaMismatchError | null> {
  const unknown = unknownMigrations(db);
  const misfit = unknown.length ? (await schemaFit()).schemaMisfit(db) : undefined;
  return misfit ? new LogsSchemaMismatchError(path, unknown, misfit) : null;
}
