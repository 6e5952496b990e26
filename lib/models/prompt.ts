/**
 * A prompt: what is sent to a model for one response.
 * @module
 */
import type { Message } from "./messages.ts";

/** The parts of a prompt a caller gives; see {@link Prompt}. */
export interface PromptInit {
  /** The prompt text. */
  prompt?: string;
  /** The system prompt. */
  system?: string;
  /** Fragments placed before the prompt text, joined with newlines. */
  fragments?: string[];
  /** System fragments placed before the system prompt, joined with blank lines. */
  systemFragments?: string[];
  /** Option values (validated against the model's options when the response runs). */
  options?: Record<string, unknown>;
  /** A JSON Schema the output must follow. */
  schema?: Record<string, unknown>;
  /** Do not ask the model for reasoning summaries. */
  hideReasoning?: boolean;
  /** An explicit message history: the new turn's input is appended to it. */
  messages?: Message[];
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
  /** Fragments placed before the prompt text. */
  readonly fragments: string[];
  /** The system prompt as given, without system fragments. */
  readonly systemText: string | undefined;
  /** System fragments placed before the system prompt. */
  readonly systemFragments: string[];
  /** Option values; validated (typed) once the response runs. */
  options: Record<string, unknown>;
  /** A JSON Schema the output must follow. */
  readonly schema: Record<string, unknown> | undefined;
  /** True to ask for no reasoning summaries. */
  readonly hideReasoning: boolean;
  /** The full message chain sent to the model (history, then this turn). */
  messages: Message[];

  /** Creates a prompt; `messages` defaults to this turn alone (system, then the user message). */
  constructor(init: PromptInit = {}) {
    this.text = init.prompt;
    this.fragments = init.fragments ?? [];
    this.systemText = init.system;
    this.systemFragments = init.systemFragments ?? [];
    this.options = { ...(init.options ?? {}) };
    this.schema = init.schema;
    this.hideReasoning = init.hideReasoning ?? false;
    this.messages = init.messages ? [...init.messages, ...this.turnInput()] : this.ownMessages();
  }

  /** The prompt text with fragments, joined with newlines, as it is sent. */
  get prompt(): string {
    return [...this.fragments, ...(this.text ? [this.text] : [])].join("\n");
  }

  /** The system prompt with system fragments (each trimmed), joined with blank lines; `""` when none. */
  get system(): string {
    return [...this.systemFragments, this.systemText ?? ""].map((s) => s.trim()).filter(Boolean).join("\n\n");
  }

  /** The messages this turn adds: the user message (none when there is no text). */
  turnInput(): Message[] {
    const text = this.prompt;
    return text ? [{ role: "user", parts: [{ type: "text", text }] }] : [];
  }

  /** This turn on its own: the system message when there is one, then the user message. */
  ownMessages(): Message[] {
    const system = this.system;
    const head: Message[] = system ? [{ role: "system", parts: [{ type: "text", text: system }] }] : [];
    return [...head, ...this.turnInput()];
  }
}
