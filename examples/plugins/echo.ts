/**
 * `llm-echo` for Deno: the debug model plugin authors test with. The `echo` model sends nothing anywhere; it
 * answers with what it was given, as JSON: the prompt, the system prompt, attachments, whether it streamed,
 * the earlier prompts of the conversation, the options that were set and any tool results.
 *
 * A prompt that is a JSON object steers it: `{"raw": "text"}` answers `text` verbatim, `{"prompt": "..."}`
 * replaces the prompt text, and `{"tool_calls": [{"name": "x", "arguments": {...}}]}` asks for tool calls.
 * `-o thinking 1` emits two reasoning chunks first. `echo-needs-key` needs a key (`llm keys set
 * echo-needs-key`, or `LLM_ECHO_NEEDS_KEY_KEY`) and shows it in the output.
 *
 * @example
 * ```sh
 * llm install ./examples/plugins/echo.ts
 * llm -m echo 'hello' -s 'be brief'
 * ```
 * @module
 */
import { defineOptions, type ExecuteContext, Model, type Prompt, type StreamEvent } from "../../mod.ts";
import type { Message } from "../../mod.ts";
import { definePlugin } from "../../lib/plugins/api.ts";

const THINKING = ["First I consider the prompt, ", "then I decide what to say."];

const echoOptions = defineOptions((z) => ({
  example_bool: z.boolean().optional().describe("Example boolean option"),
  thinking: z.boolean().optional().describe("If set, emit canned reasoning chunks before the response"),
}));

/** JSON with two-space indentation and non-ASCII characters escaped, as Python's `json.dumps(indent=2)`. */
function pythonIndentedJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The attachment id Python `llm` computes: the SHA-256 of the content, of the file, or of `{"url": ...}`. */
async function attachmentId(a: { content?: string; path?: string; url?: string }): Promise<string> {
  if (a.content) return await sha256Hex(Uint8Array.from(atob(a.content), (c) => c.charCodeAt(0)));
  if (a.path) return await sha256Hex(await Deno.readFile(a.path));
  return await sha256Hex(new TextEncoder().encode(`{"url": ${JSON.stringify(a.url ?? null)}}`));
}

/** The messages of this turn: everything after the last assistant message. */
function thisTurn(messages: Message[]): Message[] {
  const lastAssistant = messages.findLastIndex((m) => m.role === "assistant");
  return messages.slice(lastAssistant + 1);
}

/** The prompts of the earlier turns of the conversation. */
function previousPrompts(context: ExecuteContext): { prompt: string }[] {
  const conversation = context.conversation;
  if (!conversation) return [];
  const index = conversation.responses.indexOf(context.response);
  const earlier = conversation.responses.slice(0, index < 0 ? conversation.responses.length : index);
  if (earlier.length) return earlier.map((r) => ({ prompt: r.prompt.prompt }));
  return conversation.loadedMessages.filter((m) => m.role === "user").map((m) => ({
    prompt: m.parts.map((p) => (p.type === "text" ? p.text : "")).join(""),
  }));
}

/** The echo model. */
export class Echo extends Model {
  /** Creates it; `id` and `settings` are for {@link EchoNeedsKey}. */
  constructor(id = "echo", settings: { needsKey?: string; keyEnvVar?: string } = {}) {
    super(id, {
      ...settings,
      canStream: true,
      supportsTools: true,
      attachmentTypes: ["image/png", "image/jpeg", "image/gif"],
      options: echoOptions,
    });
  }

  /** Answers with what it was given. */
  override async *execute(prompt: Prompt, context: ExecuteContext): AsyncIterable<string | StreamEvent> {
    const output = await this.answer(prompt, context);
    context.response.setUsage({ input: words(prompt.prompt), output: words(output) });
    if (prompt.options.thinking) {
      for (const chunk of THINKING) yield { type: "reasoning", chunk };
      yield { type: "text", chunk: output };
    } else {
      yield output;
    }
  }

  /** The answer: the `raw` text of a JSON prompt, or the JSON description of the prompt. */
  async answer(prompt: Prompt, context: ExecuteContext): Promise<string> {
    let text = prompt.prompt;
    if (text.trim().startsWith("{")) {
      let steer: Record<string, unknown> | undefined;
      try {
        steer = JSON.parse(text);
      } catch {
        // Not JSON after all: echo it as it is.
      }
      if (steer && typeof steer === "object") {
        for (
          const call of (steer.tool_calls ?? []) as { name: string; arguments?: Record<string, unknown> }[]
        ) {
          context.response.addToolCall({ name: call.name, arguments: call.arguments ?? {} });
        }
        if (steer.raw !== undefined && steer.raw !== null) return String(steer.raw);
        text = typeof steer.prompt === "string" ? steer.prompt : "";
      }
    }
    const turn = thisTurn(prompt.messages);
    const attachments = [];
    for (const part of turn.flatMap((m) => m.parts)) {
      if (part.type !== "attachment" || !part.attachment) continue;
      const a = part.attachment;
      attachments.push({
        type: a.type ?? null,
        path: a.path ?? null,
        url: a.url ?? null,
        id: await attachmentId(a),
      });
    }
    const info: Record<string, unknown> = {
      prompt: text,
      system: prompt.system,
      attachments,
      stream: context.stream,
      previous: previousPrompts(context),
    };
    if (prompt.options.example_bool !== undefined && prompt.options.example_bool !== null) {
      info.options = { example_bool: prompt.options.example_bool };
    }
    const results = turn.flatMap((m) => m.parts).filter((p) => p.type === "tool_result");
    if (results.length) {
      info.tool_results = results.map((r) => ({
        name: r.name,
        output: r.output,
        tool_call_id: r.tool_call_id ?? null,
      }));
    }
    if (this.needsKey) info.key = context.key ?? null;
    return pythonIndentedJson(info);
  }
}

/** The echo model that needs a key, and shows it. */
export class EchoNeedsKey extends Echo {
  /** Creates it. */
  constructor() {
    super("echo-needs-key", { needsKey: "echo-needs-key", keyEnvVar: "LLM_ECHO_NEEDS_KEY_KEY" });
  }
}

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

/** The plugin: `echo` and `echo-needs-key`. */
export default definePlugin({
  name: "llm-echo",
  version: "0.1.0",
  registerModels(register) {
    register(new Echo());
    register(new EchoNeedsKey());
  },
});
