/**
 * Resolving a prompt request once (model, template, conversation, options, fragments, schema) into a
 * {@link PreparedPrompt} that sends one turn (`llm prompt`) or many (`llm chat`), all through one
 * {@link PromptSession} and its one logs.db connection.
 * @module
 */
import { LlmError, UnsupportedFeatureError } from "../models/errors.ts";
import type { Conversation } from "../models/conversation.ts";
import type { Fragment } from "../models/fragment.ts";
import type { Model } from "../models/model.ts";
import { validateOptions } from "../models/options.ts";
import type { Response } from "../models/response.ts";
import { loadModelOptions } from "../user/settings.ts";
import type { Template } from "../templates/template.ts";
import { chooseModel } from "./model_choice.ts";
import type { ToolSelection } from "./tools.ts";
import type { ChainOptions, ChainResponse } from "../models/chain.ts";
import type { PromptOptions } from "../models/model.ts";
import type { PromptRequest } from "./request.ts";
import type { PromptSession } from "./session.ts";
import type { LoggedConversation } from "./resume.ts";
import type { Attachment } from "../attachments/attachment.ts";
import { lazyImport } from "../lazy_import.ts";

/** A template that uses something this version cannot send yet. */
export class TemplateFeatureError extends LlmError {
  /** The template's name. */
  readonly template: string;
  /** Creates the error for `template` and the features it uses. */
  constructor(template: string, features: string[]) {
    super(
      `Template '${template}' uses ${features.join(" and ")}, which llm for Deno does not support yet; ` +
        "remove them from the template to use it",
    );
    this.template = template;
  }
}

/** A fragment loader returned an attachment where only text can go (a system fragment, `--sf`). */
export class FragmentAttachmentError extends LlmError {
  /** Creates the error. */
  constructor() {
    super(
      "A fragment loader returned an attachment, which a system fragment cannot hold; use it as a fragment (-f)",
    );
  }
}

/** What one turn adds to the request: chat's `!fragment` and `!attach`, and a stream setting of its own. */
export interface TurnInputs {
  /** Fragments for this turn only. */
  fragments?: Fragment[];
  /** Attachments for this turn only. */
  attachments?: Attachment[];
  /** Overrides the request's `stream`. */
  stream?: boolean;
}

/** A template's options as `-o` pairs would give them (strings as written; other values as JSON). */
function templateOptions(template: Template | undefined): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(template?.data.options ?? {}).map((
      [key, value],
    ) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
  );
}

/** A prompt request, resolved: send it with {@link PreparedPrompt.send}. */
export class PreparedPrompt {
  /** The model. */
  readonly model: Model;
  /** The conversation its turns go to (a new one, or the one continued). */
  readonly conversation: Conversation;
  /** The template, if one was named. */
  readonly template?: Template;
  /** The validated options. */
  readonly options: Record<string, unknown>;
  /** The fragments sent with the first turn (the template's, then the request's). */
  readonly fragments: Fragment[];
  /** The system fragments sent with the first turn. */
  readonly systemFragments: Fragment[];
  /** The output schema, if any. */
  readonly schema?: Record<string, unknown>;
  /** The tools the request named (`tools`, `functions`). */
  readonly tools: ToolSelection;
  /** The attachments sent with the first turn: the template's, the request's, then fragment loaders'. */
  readonly attachments: Attachment[];
  readonly #request: PromptRequest;
  #turns = 0;

  /** Made by {@link preparePrompt}. */
  constructor(init: {
    request: PromptRequest;
    model: Model;
    conversation: Conversation;
    template?: Template;
    options: Record<string, unknown>;
    fragments: Fragment[];
    systemFragments: Fragment[];
    schema?: Record<string, unknown>;
    tools?: ToolSelection;
    attachments?: Attachment[];
  }) {
    this.#request = init.request;
    this.model = init.model;
    this.conversation = init.conversation;
    this.template = init.template;
    this.options = init.options;
    this.fragments = init.fragments;
    this.systemFragments = init.systemFragments;
    this.schema = init.schema;
    this.tools = init.tools ?? { tools: [], serverSideTools: [] };
    this.attachments = init.attachments ?? [];
  }

  /** True when the request named tools: send it with {@link chain}, which runs them. */
  get usesTools(): boolean {
    return this.tools.tools.length > 0 || this.tools.serverSideTools.length > 0;
  }

  /**
   * True when the prompt has something to send without typed text: fragments, attachments, a schema, or a
   * template whose prompt does not use `$input` (so the CLI need not wait for stdin).
   */
  get hasInput(): boolean {
    const template = this.template?.data;
    return this.fragments.length > 0 || this.attachments.length > 0 || this.schema !== undefined ||
      Boolean(template?.prompt && !this.template!.variables().includes("input"));
  }

  /**
   * Sends a turn: `text` through the template (if any), with the system prompt, fragments and system
   * fragments on the first turn, and `turn.fragments` and `turn.attachments` (chat's `!fragment` and
   * `!attach`) on this one; `turn.stream` overrides the request's. Returns the response at once; it runs when
   * read.
   */
  send(text?: string, turn: TurnInputs = {}): Response {
    const { prompt, options } = this.#turn(text, turn);
    return this.conversation.prompt(prompt, options);
  }

  /**
   * Sends a turn as a chain with the request's tools (see {@link send} for the turn): the model's tool calls
   * run and their results go back, round after round, until it answers without calling a tool.
   */
  chain(
    text?: string,
    turn:
      & TurnInputs
      & Pick<
        ChainOptions,
        "beforeCall" | "afterCall" | "chainLimit" | "toolTimeoutMs"
      > = {},
  ): ChainResponse {
    const { prompt, options } = this.#turn(text, turn);
    const { tools: _tools, ...rest } = options;
    return this.conversation.chain(prompt, {
      ...rest,
      tools: this.tools.tools,
      chainLimit: turn.chainLimit,
      beforeCall: turn.beforeCall,
      afterCall: turn.afterCall,
      toolTimeoutMs: turn.toolTimeoutMs,
    });
  }

  #turn(text: string | undefined, turn: TurnInputs) {
    const extraFragments = turn.fragments ?? [];
    const extraAttachments = turn.attachments ?? [];
    const first = this.#turns === 0;
    const request = this.#request;
    let prompt = text;
    let system = first ? request.system : undefined;
    if (this.template) ({ prompt, system } = this.template.apply(prompt, system, request.params ?? {}));
    this.#turns++;
    const options: PromptOptions = {
      system,
      options: this.options,
      key: request.key,
      stream: turn.stream ?? request.stream,
      fragments: first ? [...this.fragments, ...extraFragments] : extraFragments,
      systemFragments: first ? this.systemFragments : undefined,
      schema: this.schema,
      attachments: first ? [...this.attachments, ...extraAttachments] : extraAttachments,
      hideReasoning: request.hideReasoning,
      signal: request.signal,
      tools: this.tools.tools,
      serverSideTools: this.tools.serverSideTools,
    };
    return { prompt, options };
  }

  /**
   * Forgets a turn that produced nothing (a failed request), so the next turn does not send its prompt as
   * history; if it was the first, the next turn carries the system prompt and fragments instead.
   */
  forget(response: Response): void {
    if (this.conversation.forget(response) && this.conversation.responses.length === 0) this.#turns = 0;
  }
}

/**
 * Resolves `request` as `llm` does, reading logs.db through `session` where needed (a conversation to
 * continue, fragments by alias or hash, a stored schema).
 *
 * @throws {import("../templates/load.ts").TemplateLoadError} when the template cannot be loaded.
 * @throws {import("./resume.ts").NoConversationError} when there is no conversation to continue.
 * @throws {import("../models/errors.ts").UnknownModelError} for an unknown model.
 * @throws {import("../models/errors.ts").InvalidOptionError} for a bad option.
 * @throws {import("../fragments/resolve.ts").FragmentNotFoundError} for a fragment that names nothing.
 */
export async function preparePrompt(session: PromptSession, request: PromptRequest): Promise<PreparedPrompt> {
  let template: Template | undefined;
  if (request.template) {
    const { loadTemplate } = await lazyImport<typeof import("../templates/load.ts")>(
      "../templates/load.ts",
      import.meta.url,
    );
    template = await loadTemplate(request.template);
  }
  let resumed: LoggedConversation | undefined;
  if (request.continue) {
    // The logs.db reader and the tool selection load when a prompt needs them, not with the library.
    const { loggedConversation } = await lazyImport<typeof import("./resume.ts")>(
      "./resume.ts",
      import.meta.url,
    );
    resumed = loggedConversation(
      session.db(),
      typeof request.continue === "string" ? request.continue : undefined,
    );
  }
  const model = chooseModel({
    model: request.model ?? request.conversation?.model,
    query: request.query,
    conversationModel: resumed?.model,
    templateModel: template?.data.model,
  });
  const given = { ...templateOptions(template), ...request.options };
  const useStored = (request.storedOptions ?? "merge") === "merge" || Object.keys(given).length === 0;
  const options = await validateOptions(
    model.options,
    { ...(useStored ? loadModelOptions(model.id) : {}), ...given },
    model.id,
  );
  const schema = await schemaOf(session, request, template);
  if (schema && !model.supportsSchema) {
    throw new UnsupportedFeatureError(model.id, `${model.label} does not support schemas`);
  }
  const { fragments, attachments: loaded } = await resolveFragmentInputs(session, [
    ...(template?.data.fragments ?? []),
    ...(request.fragments ?? []),
  ], request);
  const fromTemplate = template?.data.attachments?.length || template?.data.attachment_types?.length
    ? await (await lazyImport<typeof import("./attachment_inputs.ts")>(
      "./attachment_inputs.ts",
      import.meta.url,
    ))
      .templateAttachments(template, request.signal)
    : { plain: [], typed: [] };
  const attachments = [
    ...fromTemplate.plain,
    ...fromTemplate.typed,
    ...(request.attachments ?? []),
    ...loaded,
  ];
  const systemFragments = await resolveFragmentValues(session, [
    ...(template?.data.system_fragments ?? []),
    ...(request.systemFragments ?? []),
  ], request);
  // A template's tools come first; its `functions:` code runs only when the template is the user's own file.
  let specs = [...(template?.data.tools ?? []), ...(request.tools ?? [])];
  // Continuing without -T offers the first turn's plugin and server-side tools again, as Python llm does
  // (never its --functions tools, whose code is not kept).
  if (!specs.length && resumed) specs = conversationToolSpecs(resumed, model);
  const functions = [
    ...(template?.data.functions && template.functionsTrusted ? [template.data.functions] : []),
    ...(request.functions ?? []),
  ];
  // The tool registry loads only for a request that names tools.
  const tools: ToolSelection = specs.length || functions.length
    ? await (await lazyImport<typeof import("./tools.ts")>("./tools.ts", import.meta.url))
      .selectTools(model, specs, functions)
    : { tools: [], serverSideTools: [] };
  if (tools.tools.length && !model.supportsTools) {
    throw new UnsupportedFeatureError(model.id, `${model.label} does not support tools`);
  }
  const conversation = request.conversation ??
    (resumed
      ? model.conversation({ id: resumed.id, name: resumed.name, loadedMessages: resumed.messages })
      : model.conversation());
  return new PreparedPrompt({
    request,
    model,
    conversation,
    template,
    options,
    fragments,
    systemFragments,
    schema,
    tools,
    attachments,
  });
}

/** The `-T` specs of a continued conversation's first-turn tools: plugin tools and the model's server-side tools. */
function conversationToolSpecs(resumed: LoggedConversation, model: Model): string[] {
  const serverSide = new Set(model.serverSideTools.map((info) => info.className));
  return resumed.tools.filter((tool) => tool.plugin !== null || serverSide.has(tool.instance ?? "")).map((
    t,
  ) => t.spec);
}

/** The schema: a template's `schema_object` wins, as in Python llm; `--schema` text is resolved. */
async function schemaOf(
  session: PromptSession,
  request: PromptRequest,
  template: Template | undefined,
): Promise<Record<string, unknown> | undefined> {
  if (template?.data.schema_object) return template.data.schema_object;
  if (request.schema === undefined) return undefined;
  const { multiSchema, resolveSchemaInput } = await lazyImport<typeof import("../schemas/schema_input.ts")>(
    "../schemas/schema_input.ts",
    import.meta.url,
  );
  const schema = typeof request.schema === "string"
    ? await resolveSchemaInput(request.schema, () => session.existingDb())
    : request.schema;
  return request.schemaMulti ? multiSchema(schema) : schema;
}

/**
 * Resolves fragment values (`-f`, chat's `!fragment`) against the session's logs.db: the fragments, and the
 * attachments fragment loaders returned (in order).
 * @throws {import("../fragments/resolve.ts").FragmentNotFoundError} for a value that names nothing.
 */
export async function resolveFragmentInputs(
  session: PromptSession,
  values: string[],
  request: Pick<PromptRequest, "readStdin" | "signal"> = {},
): Promise<{ fragments: Fragment[]; attachments: Attachment[] }> {
  if (!values.length) return { fragments: [], attachments: [] };
  const { resolveFragments } = await lazyImport<typeof import("../fragments/resolve.ts")>(
    "../fragments/resolve.ts",
    import.meta.url,
  );
  const resolved = await resolveFragments(values, {
    db: () => session.existingDb(),
    allowAttachments: true,
    readStdin: request.readStdin,
    signal: request.signal,
  });
  if (!resolved.attachments.length) return { fragments: resolved.fragments, attachments: [] };
  const { loadedAttachment } = await lazyImport<typeof import("./attachment_inputs.ts")>(
    "./attachment_inputs.ts",
    import.meta.url,
  );
  return { fragments: resolved.fragments, attachments: resolved.attachments.map(loadedAttachment) };
}

/**
 * Resolves fragment values that must be text (`--sf`) against the session's logs.db.
 * @throws {import("../fragments/resolve.ts").FragmentNotFoundError} for a value that names nothing.
 * @throws {FragmentAttachmentError} when a fragment loader returns an attachment.
 */
export async function resolveFragmentValues(
  session: PromptSession,
  values: string[],
  request: Pick<PromptRequest, "readStdin" | "signal"> = {},
): Promise<Fragment[]> {
  const { fragments, attachments } = await resolveFragmentInputs(session, values, request);
  if (attachments.length) throw new FragmentAttachmentError();
  return fragments;
}
