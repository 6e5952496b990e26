/**
 * `llm openai endpoint URL [PROMPT]`: a prompt, a chat (`--chat`) or the model list (`--models`) against any
 * OpenAI-compatible API, as Python llm 0.32 has it. The model is made on the spot (Chat Completions, or the
 * Responses API with `--responses`) with every optional capability on, and:
 *
 * - it is never sent a stored or environment key: `Bearer DUMMY_KEY` unless `--key` gives one (a key, or the
 *   name of one in keys.json);
 * - nothing is logged and logs.db is never created (an existing one is read for a stored `--schema` id);
 * - stored default options (`llm models options`) do not apply: only the template's and `-o`'s.
 * @module
 */
import { lazyImport } from "../../../lazy_import.ts";
import "../../../deps/sqlite_ready.ts"; // node:sqlite loaded before this module opens a database
import type { CommandContext } from "../../../commands/spec.ts";
import { CancelledError, LlmError } from "../../../models/errors.ts";
import type { Model } from "../../../models/model.ts";
import { validateOptions } from "../../../models/options.ts";
import type { Response } from "../../../models/response.ts";
import type { OpenAIModelConfig } from "../../../providers/openai/base_model.ts";
import type { Template } from "../../../templates/template.ts";
import type { ToolSelection } from "../../../prompting/tools.ts";
import { readStdinText } from "../../io.ts";
import { LineReader } from "../../line_reader.ts";
import { toolChainSettings } from "../prompt/_tool_hooks.ts";
import type { FlagAttachments } from "../prompt/_attachments.ts";
import { singleRound, streamResponse } from "../prompt/_shared.ts";

type Values = Record<string, unknown>;

function pairs(value: unknown): [string, string][] {
  return (value as [string, string][] | undefined) ?? [];
}

function given(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}

/** The combinations Python llm refuses, with its messages. */
function checkCombinations(v: Values, prompt: string | undefined): void {
  if (v.models && prompt !== undefined) throw new LlmError("--models cannot be used with a prompt");
  if (v.models && v.template) throw new LlmError("--models cannot be used with --template");
  if (v.models && (given(v.tool) || given(v.functions))) {
    throw new LlmError("--models cannot be used with tools");
  }
  if (v.models && (v.schema || v.schemaMulti)) throw new LlmError("--models cannot be used with schemas");
  if (v.chat && prompt !== undefined) throw new LlmError("--chat cannot be used with a prompt");
}

/** `--schema`/`--schema-multi` resolved without creating logs.db (an existing one may hold stored schemas). */
async function schemaOf(v: Values): Promise<Record<string, unknown> | undefined> {
  const input = (v.schemaMulti ?? v.schema) as string | undefined;
  if (input === undefined) return undefined;
  const { PromptSession } = await lazyImport<typeof import("../../../prompting/session.ts")>(
    "../../../prompting/session.ts",
    import.meta.url,
  );
  const { multiSchema, resolveSchemaInput } = await lazyImport<
    typeof import("../../../schemas/schema_input.ts")
  >("../../../schemas/schema_input.ts", import.meta.url);
  await using session = new PromptSession({ log: false });
  const schema = await resolveSchemaInput(input, () => session.existingDb());
  return v.schemaMulti !== undefined ? multiSchema(schema) : schema;
}

async function loadTemplateFor(name: string): Promise<Template> {
  const { loadTemplate } = await lazyImport<typeof import("../../../templates/load.ts")>(
    "../../../templates/load.ts",
    import.meta.url,
  );
  return await loadTemplate(name);
}

/** The template's attachments (first), then `-a`'s, then `--at`'s, as Python llm orders them. */
async function attachmentsFor(flags: FlagAttachments | undefined, template: Template | undefined) {
  const data = template?.data;
  const fromTemplate = template && (data?.attachments?.length || data?.attachment_types?.length)
    ? await (await lazyImport<typeof import("../../../prompting/attachment_inputs.ts")>(
      "../../../prompting/attachment_inputs.ts",
      import.meta.url,
    )).templateAttachments(template)
    : { plain: [], typed: [] };
  return [...fromTemplate.plain, ...(flags?.plain ?? []), ...fromTemplate.typed, ...(flags?.typed ?? [])];
}

/** A template's options as `-o` would give them: strings as written, other values as JSON. */
function templateOptions(template: Template | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(template?.data.options ?? {}).map((
      [name, value],
    ) => [name, typeof value === "string" ? value : JSON.stringify(value)]),
  );
}

/** The model for the endpoint: every capability on, no key of its own, the `-H` headers. */
async function endpointModel(v: Values, url: string, modelId: string): Promise<Model> {
  const responses = Boolean(v.responses);
  const config: OpenAIModelConfig = {
    modelName: modelId,
    apiBase: url,
    headers: Object.fromEntries(pairs(v.header)),
    needsKey: null,
    keyEnvVar: null,
    vision: true,
    audio: !responses,
    reasoning: true,
    verbosity: true,
    imageDetailOriginal: true,
    supportsSchema: true,
    supportsTools: true,
    ...(responses ? { reasoningSummary: false } : {}),
  };
  if (responses) {
    const { OpenAIResponses } = await lazyImport<
      typeof import("../../../providers/openai/responses/model.ts")
    >("../../../providers/openai/responses/model.ts", import.meta.url);
    return new OpenAIResponses(modelId, config);
  }
  const { OpenAIChat } = await lazyImport<typeof import("../../../providers/openai/chat/model.ts")>(
    "../../../providers/openai/chat/model.ts",
    import.meta.url,
  );
  return new OpenAIChat(modelId, config);
}

/** The key to send: `--key` as a keys.json name or as it is; none (`DUMMY_KEY` is sent) without it. */
async function explicitKey(v: Values): Promise<string | undefined> {
  if (!v.key) return undefined;
  const { getKey } = await lazyImport<typeof import("../../../user/keys.ts")>(
    "../../../user/keys.ts",
    import.meta.url,
  );
  return getKey({ explicit: v.key as string });
}

/** `--models`: one model id a line. */
async function listModels(ctx: CommandContext, url: string, v: Values): Promise<number> {
  const { listOpenAIModels } = await lazyImport<typeof import("../../../providers/openai/list_models.ts")>(
    "../../../providers/openai/list_models.ts",
    import.meta.url,
  );
  const models = await listOpenAIModels({
    baseURL: url,
    apiKey: (await explicitKey(v)) ?? "DUMMY_KEY",
    headers: Object.fromEntries(pairs(v.header)),
  });
  ctx.io.stdout.write(models.map((m) => `${m.id}\n`).join(""));
  return 0;
}

/** Reads the prompt as `llm prompt` does: piped stdin, a space, then the argument; waits on a terminal. */
async function readPrompt(
  ctx: CommandContext,
  prompt: string | undefined,
  waitForTty: boolean,
): Promise<string | undefined> {
  if (!ctx.io.stdin.isTerminal()) {
    const piped = await readStdinText(ctx.io);
    if (piped) return prompt !== undefined ? `${piped} ${prompt}` : piped;
    return prompt;
  }
  if (prompt === undefined && waitForTty) return await readStdinText(ctx.io);
  return prompt;
}

/**
 * Streams the responses (one, or a chain's rounds) to stdout, or prints their text whole with `--no-stream`;
 * returns the exit code.
 */
async function show(
  ctx: CommandContext,
  responses: AsyncIterable<Response>,
  raw: boolean,
  stream: boolean,
): Promise<number> {
  const reasoning = { pending: false };
  const texts: string[] = [];
  for await (const response of responses) {
    const outcome = await streamResponse(ctx.io, response, { write: stream, raw, reasoning });
    if (outcome.error !== undefined) {
      if (outcome.interrupted || outcome.error instanceof CancelledError) {
        ctx.io.stderr.write("Error: Cancelled with Ctrl-C\n");
        return 130;
      }
      throw outcome.error;
    }
    if (outcome.text) texts.push(outcome.text);
  }
  if (!stream) ctx.io.stdout.write(texts.join(" ") + "\n");
  return 0;
}

/** The tools `-T`/`--functions` (after the template's) select for the endpoint's model. */
async function toolsFor(v: Values, model: Model, template: Template | undefined): Promise<ToolSelection> {
  const { selectTools } = await lazyImport<typeof import("../../../prompting/tools.ts")>(
    "../../../prompting/tools.ts",
    import.meta.url,
  );
  const trusted = template?.data.functions && template.functionsTrusted ? [template.data.functions] : [];
  return await selectTools(
    model,
    [...(template?.data.tools ?? []), ...((v.tool as string[] | undefined) ?? [])],
    [...trusted, ...((v.functions as string[] | undefined) ?? [])],
  );
}

/** Runs `llm openai endpoint`. */
export async function openaiEndpoint(ctx: CommandContext): Promise<number> {
  const v = ctx.values as Values;
  const url = String(ctx.args.url);
  let prompt = ctx.args.prompt as string | undefined;
  checkCombinations(v, prompt);
  // As Python llm, -a and --at are resolved (stdin read, URL asked, file sniffed) while the flags are read.
  const flags = given(v.attachment) || given(v.attachmentType)
    ? await (await lazyImport<typeof import("../prompt/_attachments.ts")>(
      "../prompt/_attachments.ts",
      import.meta.url,
    ))
      .flagAttachments(ctx)
    : undefined;
  let schema = await schemaOf(v);
  const template = v.template ? await loadTemplateFor(String(v.template)) : undefined;
  const modelId = (v.model as string | undefined) || template?.data.model;
  if (template?.data.schema_object && !schema) schema = template.data.schema_object;
  if (!v.models && !modelId) {
    throw new LlmError("--model is required unless --models or a template model is used");
  }
  const model = await endpointModel(v, url, modelId ?? "");
  const options = await validateOptions(
    model.options,
    { ...templateOptions(template), ...Object.fromEntries(pairs(v.option)) },
    model.id,
  );
  if (v.models) return await listModels(ctx, url, v);
  const attachments = await attachmentsFor(flags, template);

  const params = Object.fromEntries(pairs(v.param));
  const selection = await toolsFor(v, model, template);
  const usesTools = selection.tools.length > 0 || selection.serverSideTools.length > 0;
  // Tools run as `llm prompt` runs them: a chain, with --cl, --td and --ta (which asks on `readLine`).
  const chainSettings = (readLine: () => Promise<string | null>) => ({
    ...toolChainSettings(ctx.io, v, readLine),
    tools: selection.tools,
    serverSideTools: selection.serverSideTools,
  });
  const settings = {
    options,
    schema,
    stream: !v.noStream,
    hideReasoning: Boolean(v.hideReasoning),
    key: v.key as string | undefined,
  };
  // A schema's answer is JSON: never rendered as Markdown.
  const raw = schema !== undefined;
  if (v.chat) {
    const { runChatLoop } = await lazyImport<typeof import("./_chat_loop.ts")>(
      "./_chat_loop.ts",
      import.meta.url,
    );
    const conversation = model.conversation();
    const firstSystem = v.system as string | undefined;
    let system = firstSystem;
    // The flags' and template's attachments go with the first message.
    let pending = attachments;
    return await runChatLoop(ctx.io, {
      label: `${modelId} at ${url}`,
      raw,
      send: (text, readLine) => {
        let turn: { prompt?: string; system?: string } = { prompt: text, system };
        if (template) turn = template.apply(text, system, params);
        // The system prompt goes with the first message only; the history carries it after that.
        system = undefined;
        const options = { ...settings, system: turn.system, attachments: pending };
        pending = [];
        return usesTools
          ? conversation.chain(turn.prompt, { ...options, ...chainSettings(readLine) })
          : conversation.prompt(turn.prompt, options);
      },
      forget: (response) => {
        // Nothing was answered yet: the next message carries the system prompt again.
        if (conversation.forget(response) && !conversation.responses.length) system = firstSystem;
      },
    });
  }
  const waitForTty = !schema && !attachments.length &&
    (template === undefined || template.variables().includes("input"));
  prompt = await readPrompt(ctx, prompt, waitForTty);
  let system = v.system as string | undefined;
  if (template) ({ prompt, system } = template.apply(prompt, system, params));
  if (prompt === undefined && !schema && !attachments.length) {
    throw new LlmError("A prompt is required when stdin is not interactive");
  }
  let lines: LineReader | undefined;
  const readLine = () => (lines ??= new LineReader(ctx.io.stdin.readable)).readLine();
  const responses = usesTools
    ? model.chain(prompt, { ...settings, system, attachments, ...chainSettings(readLine) }).responses()
    : singleRound(model.prompt(prompt, { ...settings, system, attachments }));
  return await show(ctx, responses, raw, !v.noStream);
}
