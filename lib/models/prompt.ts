/**
 * A prompt: what is sent to a model for one response.
 * @module
 */
import type { Attachment } from "../attachments/attachment.ts";
import type { AttachmentData } from "../attachments/data.ts";
import type { Message, Part, ToolResultPart } from "./messages.ts";
import type { Fragment } from "./fragment.ts";
import { isValidated } from "./validated_options.ts";
import type { ServerSideToolRequest, ToolSpec } from "./tool_spec.ts";
import { jsonSchemaNow, jsonSchemaOf, type SchemaInput } from "./structured.ts";

function asFragment(fragment: string | Fragment): Fragment {
  return typeof fragment === "string" ? { content: fragment, source: "" } : fragment;
}

/** The parts of a prompt a caller gives; see {@link Prompt}. */
export interface PromptInit {
  /** The prompt text. */
  prompt?: string;
  /** The system prompt. */
  system?: string;
  /** Fragments placed before the prompt text, joined with newlines: texts, or texts with their source. */
  fragments?: (string | Fragment)[];
  /** System fragments placed before the system prompt, joined with blank lines. */
  systemFragments?: (string | Fragment)[];
  /** Option values (validated against the model's options when the response runs). */
  options?: Record<string, unknown>;
  /** A JSON Schema the output must follow. */
  schema?: SchemaInput;
  /** Ask for a list of results: the schema becomes `{ items: [...] }` of it (`--schema-multi`). */
  schemaMulti?: boolean;
  /** Do not ask the model for reasoning summaries. */
  hideReasoning?: boolean;
  /** An explicit message history: the new turn's input is appended to it. */
  messages?: Message[];
  /** Files sent with the prompt text (images, audio, documents). */
  attachments?: Attachment[];
  /** Function tools the model may call. */
  tools?: ToolSpec[];
  /** Tools the provider runs itself (web search and the like). */
  serverSideTools?: ServerSideToolRequest[];
  /** Results of the tool calls of the previous response, sent before the prompt text. */
  toolResults?: ToolResultPart[];
}

/**
 * The prompt being sent to a model: its text, system prompt, options and the full message chain.
 *
 * `prompt` includes any fragments (joined with newlines before the typed text) and `system` any system
 * fragments, as in Python `llm`. `messages` is exactly what the model is sent for this turn, history included;
 * it is filled in when the response starts to run.
 */
export class Prompt {
  /** The typed prompt text, without fragments. */
  readonly text: string | undefined;
  /** Fragments placed before the prompt text, with their sources (logged to the `fragments` table). */
  readonly fragmentRecords: Fragment[];
  /** The system prompt as given, without system fragments. */
  readonly systemText: string | undefined;
  /** System fragments placed before the system prompt, with their sources. */
  readonly systemFragmentRecords: Fragment[];
  /** Option values; validated (typed) once the response runs. */
  options: Record<string, unknown>;
  /**
   * The JSON Schema the output must follow (for a zod schema, set when the response starts to run, in
   * `prepare()`).
   */
  schema: Record<string, unknown> | undefined;
  /** The schema as given: a JSON schema, DSL text or a zod schema (what `response.object()` validates with). */
  readonly schemaInput: SchemaInput | undefined;
  /** True when the schema is wrapped for a list of results (`{ items: [...] }`). */
  readonly schemaMulti: boolean;
  /** True to ask for no reasoning summaries. */
  readonly hideReasoning: boolean;
  /** The full message chain sent to the model (history, then this turn). */
  messages: Message[];
  /** Files sent with the prompt text. */
  readonly attachments: Attachment[];
  /** Function tools the model may call. */
  readonly tools: ToolSpec[];
  /** Tools the provider runs itself. */
  readonly serverSideTools: ServerSideToolRequest[];
  /** Results of earlier tool calls, sent first in this turn (a `tool` message). */
  readonly toolResults: ToolResultPart[];
  #attachmentData?: AttachmentData[];
  #history?: Message[];

  /** Creates a prompt; `messages` defaults to this turn alone (system, then the user message). */
  constructor(init: PromptInit = {}) {
    this.text = init.prompt;
    this.fragmentRecords = (init.fragments ?? []).map(asFragment);
    this.systemText = init.system;
    this.systemFragmentRecords = (init.systemFragments ?? []).map(asFragment);
    // Options validated already (by the prompt pipeline) are kept as they are, so they are not validated again.
    this.options = init.options && isValidated(init.options) ? init.options : { ...(init.options ?? {}) };
    this.schemaInput = init.schema;
    this.schemaMulti = init.schemaMulti ?? false;
    this.schema = init.schema === undefined ? undefined : jsonSchemaNow(init.schema, this.schemaMulti);
    this.hideReasoning = init.hideReasoning ?? false;
    this.attachments = init.attachments ?? [];
    this.tools = init.tools ?? [];
    this.serverSideTools = init.serverSideTools ?? [];
    this.toolResults = init.toolResults ?? [];
    this.#history = init.messages;
    this.messages = this.#initialMessages();
  }

  #initialMessages(): Message[] {
    return this.#history ? [...this.#history, ...this.turnInput()] : this.ownMessages();
  }

  /**
   * Turns a zod schema into the JSON Schema sent, and reads what the attachments need to be put in messages
   * (their types; bytes with no path or URL) and rebuilds this turn's messages with them. Called once when
   * the response starts to run, before the conversation's history is added.
   * @throws {AttachmentError} when an attachment cannot be read or typed.
   * @throws {import("./structured.ts").UnsupportedSchemaError} for a schema object with no JSON Schema.
   */
  async prepare(): Promise<void> {
    if (this.schemaInput !== undefined && this.schema === undefined) {
      this.schema = await jsonSchemaOf(this.schemaInput, this.schemaMulti);
    }
    if (this.#attachmentData || !this.attachments.length) return;
    this.#attachmentData = await Promise.all(this.attachments.map((a) => a.toData()));
    this.messages = this.#initialMessages();
  }

  /** True when the caller gave the history (`messages`): a conversation then leaves the chain as it is. */
  get hasHistory(): boolean {
    return this.#history !== undefined;
  }

  /** The fragments' texts. */
  get fragments(): string[] {
    return this.fragmentRecords.map((f) => f.content);
  }

  /** The system fragments' texts. */
  get systemFragments(): string[] {
    return this.systemFragmentRecords.map((f) => f.content);
  }

  /** The prompt text with fragments, joined with newlines, as it is sent. */
  get prompt(): string {
    return [...this.fragments, ...(this.text ? [this.text] : [])].join("\n");
  }

  /** The system prompt with system fragments (each trimmed), joined with blank lines; `""` when none. */
  get system(): string {
    return [...this.systemFragments, this.systemText ?? ""].map((s) => s.trim()).filter(Boolean).join("\n\n");
  }

  /**
   * The messages this turn adds, as Python `llm` builds them: a `tool` message with the tool results, then
   * the user message (text with fragments, then attachments); none when the turn has neither.
   */
  turnInput(): Message[] {
    const out: Message[] = [];
    if (this.toolResults.length) out.push({ role: "tool", parts: [...this.toolResults] });
    const parts: Part[] = [];
    const text = this.prompt;
    if (text) parts.push({ type: "text", text });
    for (const attachment of this.#attachmentData ?? []) parts.push({ type: "attachment", attachment });
    if (parts.length) out.push({ role: "user", parts });
    return out;
  }

  /** This turn on its own: the system message when there is one, then the user message. */
  ownMessages(): Message[] {
    const system = this.system;
    const head: Message[] = system ? [{ role: "system", parts: [{ type: "text", text: system }] }] : [];
    return [...head, ...this.turnInput()];
  }
}
