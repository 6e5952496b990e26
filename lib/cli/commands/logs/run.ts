/**
 * `llm logs`: list, search and manage the logged prompts and responses in logs.db.
 * @module
 */
import "../../../deps/sqlite_ready.ts"; // node:sqlite loaded before this module opens a database
import type { DatabaseSync } from "node:sqlite";
import { LlmError, UnknownModelError } from "../../../models/errors.ts";
import { getModel, registry } from "../../../default_registry.ts";
import type { JsonObject } from "../../../compat/json_value.ts";
import { userPath } from "../../../user/dir.ts";
import type { CommandContext } from "../../../commands/spec.ts";
import { lazyImport } from "../../../lazy_import.ts";

/** `Error: ...` for the `llm logs` commands. */
export class LogsCommandError extends LlmError {}

/** Python `llm`'s size format: `0B`, `12.00KB`, `3.50MB`. */
export function humanSize(bytes: number): string {
  if (bytes === 0) return "0B";
  const units = ["B", "KB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
  let size = bytes;
  let i = 0;
  while (size >= 1024 && i < units.length - 1) {
    size /= 1024;
    i++;
  }
  return `${size.toFixed(2)}${units[i]}`;
}

/**
 * Opens an existing logs database for a command that reads it (never creating one), with Python llm's
 * message when there is none.
 */
export async function openExistingLogs(path: string): Promise<DatabaseSync> {
  const { openLogsDb } = await lazyImport<typeof import("../../../logs/db.ts")>(
    "../../../logs/db.ts",
    import.meta.url,
  );
  const { MissingLogsDatabaseError } = await lazyImport<typeof import("../../../logs/errors.ts")>(
    "../../../logs/errors.ts",
    import.meta.url,
  );
  try {
    return openLogsDb(path, { create: false });
  } catch (error) {
    if (error instanceof MissingLogsDatabaseError) {
      throw new LogsCommandError(`No log database found at ${path}`);
    }
    throw error;
  }
}

/**
 * A failed read of a database a newer llm migrated, as the error that says so (the newer schema is the likely
 * cause); `undefined` for any other failure or database.
 */
async function newerSchemaFailure(
  db: DatabaseSync,
  path: string,
  error: unknown,
): Promise<Error | undefined> {
  if ((error as { code?: unknown })?.code !== "ERR_SQLITE_ERROR") return undefined;
  const { unknownMigrations } = await lazyImport<typeof import("../../../logs/migrations.ts")>(
    "../../../logs/migrations.ts",
    import.meta.url,
  );
  const unknown = unknownMigrations(db);
  if (!unknown.length) return undefined;
  const { NewerSchemaReadError } = await lazyImport<typeof import("../../../logs/errors.ts")>(
    "../../../logs/errors.ts",
    import.meta.url,
  );
  return new NewerSchemaReadError(path, unknown, error);
}

/** `llm logs path`. */
export async function logsPath(ctx: CommandContext): Promise<void> {
  const { logsDbPath } = await lazyImport<typeof import("../../../logs/db.ts")>(
    "../../../logs/db.ts",
    import.meta.url,
  );
  ctx.io.stdout.write(logsDbPath() + "\n");
}

/** `llm logs on`: removes the `logs-off` marker. */
export async function logsOn(_ctx: CommandContext): Promise<void> {
  try {
    await Deno.remove(userPath("logs-off"));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/** `llm logs off`: creates the `logs-off` marker. */
export async function logsOff(_ctx: CommandContext): Promise<void> {
  await Deno.mkdir(userPath(), { recursive: true });
  await Deno.writeTextFile(userPath("logs-off"), "");
}

/** `llm logs status`. */
export async function logsStatus(ctx: CommandContext): Promise<void> {
  const { logsAreOn, logsDbPath } = await lazyImport<typeof import("../../../logs/db.ts")>(
    "../../../logs/db.ts",
    import.meta.url,
  );
  const path = logsDbPath();
  const out = (line: string) => ctx.io.stdout.write(line + "\n");
  let db: DatabaseSync;
  try {
    db = await openExistingLogs(path);
  } catch (error) {
    if (!(error instanceof LogsCommandError)) throw error;
    out(error.message);
    return;
  }
  out(logsAreOn() ? "Logging is ON for all prompts" : "Logging is OFF");
  try {
    const count = (table: string) =>
      Number((db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n);
    out(`Found log database at ${path}`);
    out(`Number of threads logged:\t${count("threads")}`);
    out(`Number of turns logged:\t\t${count("turns")}`);
    const conversations = count("conversations");
    const responses = count("responses");
    if (conversations || responses) {
      out(`Number of legacy conversations:\t${conversations}`);
      out(`Number of legacy responses:\t${responses}`);
    }
  } finally {
    db.close();
  }
  out(`Database file size: \t\t${humanSize(Deno.statSync(path).size)}`);
}

/** `llm logs backup PATH`: a consistent copy made with `VACUUM INTO`. */
export async function logsBackup(ctx: CommandContext): Promise<void> {
  const { logsDbPath } = await lazyImport<typeof import("../../../logs/db.ts")>(
    "../../../logs/db.ts",
    import.meta.url,
  );
  const target = ctx.args.path as string;
  const db = await openExistingLogs(logsDbPath());
  try {
    db.prepare("vacuum into ?").run(target);
  } catch (error) {
    throw new LogsCommandError(`Could not back up to ${target}: ${(error as Error).message}`);
  } finally {
    db.close();
  }
  ctx.io.stdout.write(`Backed up ${humanSize(Deno.statSync(target).size)} to ${target}\n`);
}

/** `llm logs list` (the default). */
export async function logsList(ctx: CommandContext): Promise<void> {
  const v = ctx.values as Record<string, unknown>;
  const { logsDbPath } = await lazyImport<typeof import("../../../logs/db.ts")>(
    "../../../logs/db.ts",
    import.meta.url,
  );
  const { InvalidSearchQueryError, queryLogs, conversationOfLatestTurn } = await import(
    "../../../logs/query/query_logs.ts"
  );
  const { checkRenderOptions, renderLogs } = await lazyImport<typeof import("../../logs_render/output.ts")>(
    "../../logs_render/output.ts",
    import.meta.url,
  );
  const path = (v.database as string | undefined) ?? (v.path as string | undefined) ?? logsDbPath();
  const db = await openExistingLogs(path);
  const render = {
    json: Boolean(v.json),
    short: Boolean(v.short),
    usage: Boolean(v.usage),
    response: Boolean(v.response),
    extract: Boolean(v.extract),
    extractLast: Boolean(v.extractLast),
    truncate: Boolean(v.truncate),
    expand: Boolean(v.expand),
    data: Boolean(v.data),
    dataArray: Boolean(v.dataArray),
    dataKey: (v.dataKey as string | undefined) ?? null,
    dataIds: Boolean(v.dataIds),
    searched: Boolean(v.query),
    conversation: false,
  };
  try {
    try {
      checkRenderOptions(render);
    } catch (error) {
      throw new LogsCommandError((error as Error).message);
    }
    let conversationId = v.conversation as string | undefined;
    const current = Boolean(v.current) || (render.response && !conversationId);
    if (current && !conversationId) {
      conversationId = conversationOfLatestTurn(db) ?? undefined;
      if (!conversationId) throw new LogsCommandError("No conversations found");
    }
    let model = v.model as string | undefined;
    if (model) {
      try {
        model = getModel(model).id;
      } catch (error) {
        if (!(error instanceof UnknownModelError)) throw error;
      }
    }
    const count = v.count as number | undefined;
    const { parseDateRange, inDateRange } = await lazyImport<typeof import("../../../logs/date_range.ts")>(
      "../../../logs/date_range.ts",
      import.meta.url,
    );
    const dates = parseDateRange(v.since as string | undefined, v.until as string | undefined);
    const byDate = v.since !== undefined || v.until !== undefined;
    // --cost sums every matching response unless -n says how many; a date range is applied before -n.
    const wanted = count ?? (v.cost ? 0 : conversationId ? 0 : 3);
    let rows;
    try {
      rows = queryLogs(db, {
        count: byDate ? 0 : wanted,
        model,
        query: v.query as string | undefined,
        latest: Boolean(v.latest),
        conversationId,
        idGt: v.idGt as string | undefined,
        idGte: v.idGte as string | undefined,
        tools: (v.tool as string[] | undefined) ?? [],
        anyTools: Boolean(v.tools),
        fragments: await fragmentHashes(db, (v.fragment as string[] | undefined) ?? [], ctx),
        schemaId: await schemaFilter(db, v.schema as string | undefined, v.schemaMulti as string | undefined),
        jsonReplacements: (id) => (registry.find(id)?.jsonReplacements ?? null) as JsonObject | null,
      });
    } catch (error) {
      throw await newerSchemaFailure(db, path, error) ??
        (error instanceof InvalidSearchQueryError ? new LogsCommandError(error.message) : error);
    }
    if (byDate) {
      rows = rows.filter((row) => inDateRange(row.datetime_utc, dates));
      // Search results come most relevant first; others oldest first, of which -n keeps the newest.
      if (wanted > 0) rows = render.searched ? rows.slice(0, wanted) : rows.slice(-wanted);
    }
    const modelFor = (id: string) => registry.find(id);
    if (v.cost) {
      const { renderCostSummary, summarizeCosts } = await lazyImport<
        typeof import("../../../pricing/cost_summary.ts")
      >("../../../pricing/cost_summary.ts", import.meta.url);
      const summary = summarizeCosts(rows, modelFor);
      ctx.io.stdout.write(v.json ? JSON.stringify(summary, null, 2) + "\n" : renderCostSummary(summary));
      return;
    }
    const output = renderLogs(rows, {
      ...render,
      conversation: Boolean(conversationId),
      costs: render.usage,
      modelFor,
    });
    const { isMarkdownOutput } = await lazyImport<typeof import("../../logs_render/output.ts")>(
      "../../logs_render/output.ts",
      import.meta.url,
    );
    const { markdownWanted } = await lazyImport<typeof import("../../../terminal/markdown_mode.ts")>(
      "../../../terminal/markdown_mode.ts",
      import.meta.url,
    );
    if (isMarkdownOutput(render) && markdownWanted(ctx.io.stdout, { raw: Boolean(v.raw) })) {
      const { renderMarkdown } = await lazyImport<typeof import("../../../terminal/markdown_stream.ts")>(
        "../../../terminal/markdown_stream.ts",
        import.meta.url,
      );
      ctx.io.stdout.write(await renderMarkdown(output, { width: ctx.io.columns() }));
    } else {
      ctx.io.stdout.write(output);
    }
  } finally {
    db.close();
  }
}

/** The schema id `--schema` / `--schema-multi` name (any form `llm prompt --schema` takes), or `undefined`. */
async function schemaFilter(
  db: import("node:sqlite").DatabaseSync,
  schema: string | undefined,
  multi: string | undefined,
): Promise<string | undefined> {
  const input = multi ?? schema;
  if (!input) return undefined;
  const { multiSchema, resolveSchemaInput } = await lazyImport<
    typeof import("../../../schemas/schema_input.ts")
  >("../../../schemas/schema_input.ts", import.meta.url);
  const { schemaId } = await lazyImport<typeof import("../../../logs/hash.ts")>(
    "../../../logs/hash.ts",
    import.meta.url,
  );
  const resolved = await resolveSchemaInput(input, db);
  return await schemaId(multi ? multiSchema(resolved) : resolved);
}

/** `-f` values (paths, URLs, aliases, hashes, `-`, `prefix:arg`) as the SHA-256 hashes the query filters on. */
async function fragmentHashes(
  db: import("node:sqlite").DatabaseSync,
  values: string[],
  ctx: CommandContext,
): Promise<string[]> {
  if (!values.length) return [];
  const { resolveFragments } = await lazyImport<typeof import("../../../fragments/resolve.ts")>(
    "../../../fragments/resolve.ts",
    import.meta.url,
  );
  const { fragmentHash } = await lazyImport<typeof import("../../../models/fragment.ts")>(
    "../../../models/fragment.ts",
    import.meta.url,
  );
  const { readStdinText } = await lazyImport<typeof import("../../io.ts")>("../../io.ts", import.meta.url);
  const { fragments } = await resolveFragments(values, { db, readStdin: () => readStdinText(ctx.io) });
  return fragments.map((f) => fragmentHash(f.content));
}
