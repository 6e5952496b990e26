/**
 * What `llm prompt` and `llm chat` share: choosing the model, resuming a logged conversation, merging default
 * options, streaming a response to stdout with a spinner and Ctrl-C handling, and logging it.
 * @module
 */
import { LlmError, UnknownModelError } from "../../models/errors.ts";
import type { Conversation } from "../../models/conversation.ts";
import type { Model } from "../../models/model.ts";
import type { Response } from "../../models/response.ts";
import { tokenUsageString } from "../../models/token_usage.ts";
import { getModel, getModelsWithAliases } from "../../registry.ts";
import { modelMatchesQueries } from "../../models/registry.ts";
import { loadModelOptions } from "../../user/settings.ts";
import type { Io } from "../io.ts";
import { paint, startSpinner } from "../io.ts";
import { lazyImport } from "../../lazy_import.ts";
import { markdownWanted } from "../../terminal/markdown_mode.ts";

/** No model matched every `-q` term. */
export class NoModelMatchError extends LlmError {
  /** Creates the error for the query terms. */
  constructor(terms: string[]) {
    super(`No model found matching queries ${terms.join(", ")}. Run 'llm models' to list models`);
  }
}

/** The conversation given with `-c`/`--cid` does not exist. */
export class NoConversationError extends LlmError {
  /** Creates the error; `id` is undefined for `-c` with no conversations at all. */
  constructor(id: string | undefined) {
    super(
      id
        ? `No conversation found with id=${id}. Run 'llm logs list' to see logged conversations`
        : "No conversation found to continue. Run a prompt first, or give an id with --cid",
    );
  }
}

/** The model whose id is the shortest among those matching every term (case-insensitive substrings). */
export function modelForQuery(terms: string[]): Model {
  const matches = getModelsWithAliases().filter((entry) => modelMatchesQueries(entry, terms));
  if (!matches.length) throw new NoModelMatchError(terms);
  return matches.reduce((best, m) => (m.model.id.length < best.model.id.length ? m : best)).model;
}

/** The model from `-m`, else `-q`, else `fallback` (a resumed conversation's model), else the default. */
export function chooseModel(model: string | undefined, queries: string[], fallback?: string): Model {
  if (model) return getModel(model);
  if (queries.length) return modelForQuery(queries);
  if (fallback) {
    try {
      return getModel(fallback);
    } catch (error) {
      if (error instanceof UnknownModelError) {
        throw new LlmError(
          `The conversation used model '${fallback}', which is not installed; choose one with -m`,
        );
      }
      throw error;
    }
  }
  return getModel();
}

/** Default options from model_options.json, overridden by `-o` pairs. */
export function mergedOptions(
  model: Model,
  pairs: [string, string][],
  useDefaults = true,
): Record<string, unknown> {
  const options: Record<string, unknown> = useDefaults ? { ...loadModelOptions(model.id) } : {};
  for (const [name, value] of pairs) options[name] = value;
  return options;
}

/** How a streamed response ended. */
export interface StreamOutcome {
  /** The text written (the whole response, or what arrived before a failure). */
  text: string;
  /** The error it failed with, if any. */
  error?: unknown;
  /** True when Ctrl-C stopped it. */
  interrupted: boolean;
}

/**
 * Runs a response, writing its text to stdout as it arrives (or all at once when `write` is false, for `-x` and
 * `--json`), with a spinner on a terminal until the first output and Ctrl-C cancelling it. On a terminal the
 * text is rendered as Markdown, block by block as each one is finished, unless `raw` (`--raw`) or a setting
 * says not to (see `lib/terminal/markdown_mode.ts`). Reasoning goes to stderr, dim. Never throws: the outcome
 * says how it ended.
 */
export async function streamResponse(
  io: Io,
  response: Response,
  options: { write?: boolean; raw?: boolean } = {},
): Promise<StreamOutcome> {
  const write = options.write ?? true;
  const stopSpinner = startSpinner(io);
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    response.cancel();
  };
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT", "SIGBREAK"] : ["SIGINT"];
  for (const signal of signals) Deno.addSignalListener(signal, onSignal);
  // The renderer loads while the request is on its way; if it cannot load, the text is printed raw.
  const markdown = write && markdownWanted(io.stdout, { raw: options.raw })
    ? openMarkdown(io.columns()).catch(() => undefined)
    : undefined;
  const out = async (text: string) => {
    const renderer = await markdown;
    const shown = renderer ? await renderer.write(text) : text;
    if (shown) {
      stopSpinner();
      io.stdout.write(shown);
    }
  };
  let wrote = false;
  let inReasoning = false;
  try {
    for await (const batch of response.eventBatches()) {
      let text = "";
      let reasoning = "";
      for (const event of batch) {
        if (event.type === "reasoning" && event.chunk) {
          if (text && write) await out(text);
          text = "";
          reasoning += event.chunk;
          inReasoning = true;
        } else if (event.type === "text" && event.chunk) {
          if (reasoning) {
            stopSpinner();
            io.stderr.write(paint(io.stderr, reasoning, "dim"));
          }
          reasoning = "";
          if (inReasoning) {
            io.stderr.write("\n");
            inReasoning = false;
          }
          text += event.chunk;
          wrote = true;
        }
      }
      if (reasoning) {
        stopSpinner();
        io.stderr.write(paint(io.stderr, reasoning, "dim"));
      }
      if (text && write) await out(text);
      if (!markdown) stopSpinner();
    }
    return { text: response.textSoFar(), interrupted: false };
  } catch (error) {
    return { text: response.textSoFar(), error, interrupted };
  } finally {
    stopSpinner();
    for (const signal of signals) Deno.removeSignalListener(signal, onSignal);
    const renderer = await markdown;
    if (renderer) io.stdout.write(await renderer.end());
    else if (write && wrote) io.stdout.write("\n");
  }
}

/** The streaming Markdown renderer, loaded only when output is rendered. */
async function openMarkdown(columns: number) {
  const { MarkdownStream } = await lazyImport<typeof import("../../terminal/markdown_stream.ts")>(
    "../../terminal/markdown_stream.ts",
    import.meta.url,
  );
  return await MarkdownStream.open({ width: columns });
}

/**
 * Writes `Token usage: ...` to stderr, as `-u` asks, and on the next line what the response cost (or that the
 * price is unknown; see lib/pricing/).
 */
export async function writeUsage(io: Io, response: Response): Promise<void> {
  const counts = response.usageSoFar();
  const usage = tokenUsageString(counts);
  if (usage) io.stderr.write(paint(io.stderr, `Token usage: ${usage}`, "yellow", "bold") + "\n");
  const { costLine } = await import("../../pricing/cost.ts");
  io.stderr.write(paint(io.stderr, costLine(response.model.id, counts, response.model), "yellow") + "\n");
}

/** A conversation loaded from logs.db for `-c`/`--cid`. */
export interface ResumedConversation {
  /** Its id. */
  id: string;
  /** Its name. */
  name?: string;
  /** The model it used. */
  model: string;
  /** The exact message chain to send before the next prompt. */
  messages: import("../../models/messages.ts").Message[];
}

/**
 * Loads the conversation to continue from logs.db: `--cid ID`, or the latest with `-c`.
 * @throws {NoConversationError} when there is none.
 */
export async function resumeConversation(
  databasePath: string,
  id: string | undefined,
): Promise<ResumedConversation> {
  const { openLogsDb } = await import("../../logs/db.ts");
  const { newestConversationId, loadConversation } = await import("../../logs/history.ts");
  const db = openLogsDb(databasePath);
  try {
    const wanted = id ?? newestConversationId(db) ?? undefined;
    if (!wanted) throw new NoConversationError(undefined);
    const loaded = loadConversation(db, wanted);
    if (!loaded) throw new NoConversationError(wanted);
    return { id: loaded.id, name: loaded.name ?? undefined, model: loaded.model, messages: loaded.messages };
  } finally {
    db.close();
  }
}

/** Makes the conversation a prompt runs in: the resumed one, or a new one. */
export function conversationFor(model: Model, resumed: ResumedConversation | undefined): Conversation {
  return resumed
    ? model.conversation({ id: resumed.id, name: resumed.name, loadedMessages: resumed.messages })
    : model.conversation();
}
