/**
 * `llm prompt` (the default command): the flags become a prompt request for the library's pipeline, the
 * answer streams to stdout, and the session logs it.
 * @module
 */
import "../../../deps/sqlite_ready.ts"; // node:sqlite loaded before this module opens a database
import { CancelledError } from "../../../models/errors.ts";
import type { Response } from "../../../models/response.ts";
import type { PromptSession } from "../../../prompting/session.ts";
import { readStdinText } from "../../io.ts";
import { lazyImport } from "../../../lazy_import.ts";
import { markdownWanted } from "../../../terminal/markdown_mode.ts";
import type { CommandContext } from "../../../commands/spec.ts";
import { requestFrom, saveTemplate, sessionFor } from "./_inputs.ts";
import { signalExitCode, signalReason, singleRound, streamResponse, writeUsage } from "./_shared.ts";
import { toolChainSettings } from "./_tool_hooks.ts";
import { LineReader } from "../../line_reader.ts";
import type { JsonObject } from "../../../compat/json_value.ts";

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
export async function runPrompt(ctx: CommandContext): Promise<number> {
  let lines: LineReader | undefined;
  const v = ctx.values as Record<string, unknown>;
  // As Python llm, attachments are resolved (stdin read, URL asked, file sniffed) before anything else.
  const attachments = (v.attachment as unknown[] | undefined)?.length ||
      (v.attachmentType as unknown[] | undefined)?.length
    ? await (await lazyImport<typeof import("./_attachments.ts")>("./_attachments.ts", import.meta.url))
      .flagAttachments(ctx)
    : { plain: [], typed: [] };
  await using session = sessionFor(ctx);
  const argument = ctx.args.prompt as string | undefined;
  if (v.save) {
    await saveTemplate(ctx, session, {
      prompt: await readPrompt(ctx, argument, false),
      system: v.system as string | undefined,
      attachments,
    });
    return 0;
  }
  if (v.options) return await showOptions(ctx, session);
  const prepared = await session.prepare({
    ...requestFrom(ctx),
    attachments: [...attachments.plain, ...attachments.typed],
  });
  const template = prepared.template?.data;
  const extracting = extract(v) || Boolean(template?.extract || template?.extract_last);
  const text = await readPrompt(ctx, argument, !prepared.hasInput);
  // A logs.db that cannot be written is found before the request is sent.
  session.prepareToLog();
  const write = !v.noStream && !v.json && !extracting;
  // A schema's answer is JSON: it is never rendered as Markdown.
  const raw = Boolean(v.raw) || prepared.schema !== undefined;
  const rounds = prepared.usesTools
    ? prepared.chain(text, {
      stream: write,
      // --ta asks on the terminal: a line reader over stdin, made at the first question.
      ...toolChainSettings(ctx.io, ctx.values, () =>
        (lines ??= new LineReader(ctx.io.stdin.readable)).readLine()),
    }).responses()
    : singleRound(prepared.send(text, { stream: write }));
  const done: Response[] = [];
  const logged: boolean[] = [];
  const reasoning = { pending: false };
  for await (const response of rounds) {
    const outcome = await streamResponse(ctx.io, response, { write, raw, reasoning });
    if (outcome.error !== undefined) {
      // Ctrl-C, SIGTERM and SIGHUP keep the partial answer alike; exit 130, 143, 129.
      const signal = outcome.signal ?? (outcome.error instanceof CancelledError ? "SIGINT" : undefined);
      const reason = signal
        ? signalReason(signal)
        : String((outcome.error as Error).message ?? outcome.error);
      await session.log(response, { interrupted: { reason } });
      if (signal) {
        ctx.io.stderr.write(`Error: ${reason}\n`);
        return signalExitCode(signal);
      }
      throw outcome.error;
    }
    done.push(response);
    logged.push(await session.log(response) !== undefined);
  }
  if (!write) {
    let output = done.map((r) => r.textSoFar()).filter(Boolean).join(" ");
    if (extracting) {
      const { extractCodeBlock } = await lazyImport<typeof import("../../logs_render/code_blocks.ts")>(
        "../../logs_render/code_blocks.ts",
        import.meta.url,
      );
      output = extractCodeBlock(output, Boolean(v.extractLast || template?.extract_last)) ?? output;
    }
    // The JSON rows end with their own newline, as `llm logs --json` prints them.
    if (v.json) output = (await jsonRows(done, session, logged.every(Boolean))).trimEnd();
    if (!v.json && !extracting && markdownWanted(ctx.io.stdout, { raw })) {
      ctx.io.stdout.write(await renderMarkdownOutput(output, ctx.io.columns()));
    } else {
      ctx.io.stdout.write(output + "\n");
    }
  }
  if (v.usage) { for (const response of done) await writeUsage(ctx.io, response); }
  return 0;
}

/** `--no-stream` output rendered as Markdown for a terminal (the renderer is loaded only then). */
async function renderMarkdownOutput(text: string, columns: number): Promise<string> {
  const { renderMarkdown } = await lazyImport<typeof import("../../../terminal/markdown_stream.ts")>(
    "../../../terminal/markdown_stream.ts",
    import.meta.url,
  );
  return await renderMarkdown(text, { width: columns });
}

function extract(v: Record<string, unknown>): boolean {
  return Boolean(v.extract || v.extractLast);
}

/** `llm -m MODEL --options`: the chosen model's options, as `llm models --options` shows them. */
async function showOptions(ctx: CommandContext, session: PromptSession): Promise<number> {
  const request = requestFrom(ctx);
  const { loadTemplate } = await lazyImport<typeof import("../../../templates/load.ts")>(
    "../../../templates/load.ts",
    import.meta.url,
  );
  const { loggedConversation } = await lazyImport<typeof import("../../../prompting/resume.ts")>(
    "../../../prompting/resume.ts",
    import.meta.url,
  );
  const { chooseModel } = await lazyImport<typeof import("../../../prompting/model_choice.ts")>(
    "../../../prompting/model_choice.ts",
    import.meta.url,
  );
  const template = request.template ? await loadTemplate(request.template) : undefined;
  const resumed = request.continue
    ? loggedConversation(session.db(), typeof request.continue === "string" ? request.continue : undefined)
    : undefined;
  const model = chooseModel({
    model: request.model,
    query: request.query,
    conversationModel: resumed?.model,
    templateModel: template?.data.model,
  });
  const { renderModel } = await lazyImport<typeof import("../models/run.ts")>(
    "../models/run.ts",
    import.meta.url,
  );
  const { getModelsWithAliases } = await lazyImport<typeof import("../../../default_registry.ts")>(
    "../../../default_registry.ts",
    import.meta.url,
  );
  const entry = getModelsWithAliases().find((m) => m.model.id === model.id) ?? { model, aliases: [] };
  ctx.io.stdout.write(await renderModel(entry, { options: true, shownClasses: new Set() }) + "\n");
  return 0;
}

/** The `llm logs --json` rows of these responses: from the log when they were logged, else from a memory db. */
async function jsonRows(responses: Response[], session: PromptSession, logged: boolean): Promise<string> {
  const { openLogsDb } = await lazyImport<typeof import("../../../logs/db.ts")>(
    "../../../logs/db.ts",
    import.meta.url,
  );
  const { queryLogs } = await lazyImport<typeof import("../../../logs/query/query_logs.ts")>(
    "../../../logs/query/query_logs.ts",
    import.meta.url,
  );
  const { renderLogsJson } = await lazyImport<typeof import("../../logs_render/json.ts")>(
    "../../logs_render/json.ts",
    import.meta.url,
  );
  const { logResponse } = await lazyImport<typeof import("../../../logs/log_response.ts")>(
    "../../../logs/log_response.ts",
    import.meta.url,
  );
  const temp = logged ? undefined : await Deno.makeTempDir({ prefix: "llm-json-" });
  const db = temp ? openLogsDb(`${temp}/logs.db`) : session.db();
  try {
    if (temp) { for (const response of responses) await logResponse(db, response); }
    const ids = new Set(responses.map((r) => r.id));
    // The models' replacements expand the condensed response_json, as `llm logs --json` expands it.
    const jsonReplacements = (id: string) =>
      (responses.find((r) => r.model.id === id)?.model.jsonReplacements ?? null) as JsonObject | null;
    const rows = queryLogs(db, { idGte: responses[0].id, count: 0, jsonReplacements }).filter((r) =>
      ids.has(r.id)
    );
    return renderLogsJson(rows);
  } finally {
    if (temp) {
      db.close();
      await Deno.remove(temp, { recursive: true });
    }
  }
}
