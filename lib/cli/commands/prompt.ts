/**
 * `llm prompt` (the default command): run a prompt, stream the answer, log it.
 * @module
 */
import { CancelledError, LlmError } from "../../models/errors.ts";
import { validateOptions } from "../../models/options.ts";
import type { Response } from "../../models/response.ts";
import { readStdinText } from "../io.ts";
import type { CommandContext } from "../spec.ts";
import { lazyImport } from "../../lazy_import.ts";
import { markdownWanted } from "../../terminal/markdown_mode.ts";
import * as extras from "./_prompt_inputs.ts";
import { UnsupportedFlagError } from "./_prompt_inputs.ts";
import {
  chooseModel,
  conversationFor,
  mergedOptions,
  resumeConversation,
  type ResumedConversation,
  streamResponse,
  writeUsage,
} from "./_prompt_shared.ts";

const NOT_YET: [string, string][] = [
  ["attachment", "-a/--attachment"],
  ["attachmentType", "--at/--attachment-type"],
  ["tool", "-T/--tool"],
  ["functions", "--functions"],
  ["async", "--async"],
];

/** Reads the prompt as Python `llm` does: piped stdin, then the argument, joined with a space. */
async function readPrompt(ctx: CommandContext, argument: string | undefined, waitForTty: boolean) {
  let prompt = argument;
  if (!ctx.io.stdin.isTerminal()) {
    const piped = await readStdinText(ctx.io);
    if (piped) prompt = prompt ? `${piped} ${prompt}` : piped;
  } else if (prompt === undefined && waitForTty) {
    prompt = await readStdinText(ctx.io);
  }
  return prompt;
}

/** Runs `llm prompt`. */
export async function promptCommand(ctx: CommandContext): Promise<number> {
  const v = ctx.values as Record<string, unknown>;
  for (const [key, flag] of NOT_YET) {
    const value = v[key];
    if (Array.isArray(value) ? value.length : value) throw new UnsupportedFlagError(flag);
  }
  if (v.log && v.noLog) throw new LlmError("--log and --no-log are mutually exclusive");
  const { logsAreOn, logsDbPath, openLogsDb } = await import("../../logs/db.ts");
  const database = (v.database as string | undefined) ?? logsDbPath();

  // The template first: its checks (e.g. --save with --cid) come before reading the conversation.
  const template = await extras.loadTemplateFor(ctx);
  let resumed: ResumedConversation | undefined;
  if (v.continue || v.conversation) {
    resumed = await resumeConversation(database, v.conversation as string | undefined);
  }
  const model = chooseModel(
    v.model as string | undefined,
    (v.query as string[]) ?? [],
    resumed?.model ?? template?.model,
  );

  if (v.options) {
    const { renderModel } = await import("./models.ts");
    const { getModelsWithAliases } = await import("../../registry.ts");
    const entry = getModelsWithAliases().find((m) => m.model.id === model.id) ?? { model, aliases: [] };
    ctx.io.stdout.write(await renderModel(entry, { options: true, shownClasses: new Set() }) + "\n");
    return 0;
  }
  // As Python llm does, the database is created and migrated before the prompt runs, even with -n.
  openLogsDb(database).close();

  const pairs = [...(template?.options ?? []), ...((v.option as [string, string][]) ?? [])];
  const options = await validateOptions(model.options, mergedOptions(model, pairs), model.id);
  const argument = ctx.args.prompt as string | undefined;
  const inputs = await extras.resolveInputs(ctx, model);
  let text = await readPrompt(ctx, argument, !inputs.hasInput && !v.save);
  let system = v.system as string | undefined;
  if (template) ({ prompt: text, system } = template.apply(text, system));
  if (v.save) {
    await extras.saveTemplate(ctx, model, { prompt: text, system, options: pairs });
    return 0;
  }

  const json = Boolean(v.json);
  const extract = Boolean(v.extract || v.extractLast || template?.extract || template?.extractLast);
  const stream = !v.noStream && !json && !extract;
  const conversation = conversationFor(model, resumed);
  const response = conversation.prompt(text, {
    system,
    options,
    key: v.key as string | undefined,
    stream,
    fragments: inputs.fragments,
    systemFragments: inputs.systemFragments,
    schema: inputs.schema,
    hideReasoning: Boolean(v.hideReasoning),
  });

  // A schema's answer is JSON: it is never rendered as Markdown.
  const raw = Boolean(v.raw) || inputs.schema !== undefined;
  const outcome = await streamResponse(ctx.io, response, { write: stream, raw });
  const shouldLog = !v.noLog && (Boolean(v.log) || logsAreOn());
  if (shouldLog && (outcome.error === undefined || outcome.text)) {
    await logTo(database, response, outcome.error, inputs.afterLog);
  }
  if (outcome.error !== undefined) {
    if (outcome.interrupted || outcome.error instanceof CancelledError) {
      ctx.io.stderr.write("Error: Cancelled with Ctrl-C\n");
      return 130;
    }
    throw outcome.error;
  }

  if (!stream) {
    let output = outcome.text;
    if (extract) {
      const { extractCodeBlock } = await import("../../logs/render_markdown_code.ts");
      output = extractCodeBlock(output, Boolean(v.extractLast || template?.extractLast)) ?? output;
    }
    // The JSON rows end with their own newline, as `llm logs --json` prints them.
    if (json) output = (await jsonRows(response, shouldLog ? database : undefined)).trimEnd();
    if (!json && !extract && markdownWanted(ctx.io.stdout, { raw })) {
      ctx.io.stdout.write(await renderMarkdownOutput(output, ctx.io.columns()));
    } else {
      ctx.io.stdout.write(output + "\n");
    }
  }
  if (v.usage) await writeUsage(ctx.io, response);
  return 0;
}

/** `--no-stream` output rendered as Markdown for a terminal (the renderer is loaded only then). */
async function renderMarkdownOutput(text: string, columns: number): Promise<string> {
  const { renderMarkdown } = await lazyImport<typeof import("../../terminal/markdown_stream.ts")>(
    "../../terminal/markdown_stream.ts",
    import.meta.url,
  );
  return await renderMarkdown(text, { width: columns });
}

async function logTo(
  database: string,
  response: Response,
  error: unknown,
  afterLog?: (db: import("node:sqlite").DatabaseSync, response: Response) => Promise<void>,
): Promise<void> {
  const { LogStore } = await import("../../logs/log_response.ts");
  const store = LogStore.open(database);
  try {
    const interrupted = error === undefined ? undefined : {
      reason: error instanceof CancelledError
        ? "Cancelled with Ctrl-C"
        : String((error as Error).message ?? error),
    };
    await store.log(response, { interrupted });
    if (afterLog) await afterLog(store.db, response);
  } finally {
    store.close();
  }
}

/** The `llm logs --json` rows of this response: from the log when it was logged, else from a memory db. */
async function jsonRows(response: Response, database: string | undefined): Promise<string> {
  const { openLogsDb } = await import("../../logs/db.ts");
  const { queryLogs } = await import("../../logs/query.ts");
  const { renderLogsJson } = await import("../../logs/render_json.ts");
  const { logResponse } = await import("../../logs/log_response.ts");
  const db = database ? openLogsDb(database) : await memoryLogs(openLogsDb);
  try {
    if (!database) await logResponse(db, response);
    const rows = queryLogs(db, { idGte: response.id, count: 0 }).filter((r) => r.id === response.id);
    return renderLogsJson(rows);
  } finally {
    db.close();
  }
}

async function memoryLogs(open: (path: string) => import("node:sqlite").DatabaseSync) {
  const dir = await Deno.makeTempDir({ prefix: "llm-json-" });
  const db = open(`${dir}/logs.db`);
  const close = db.close.bind(db);
  db.close = () => {
    close();
    Deno.removeSync(dir, { recursive: true });
  };
  return db;
}
