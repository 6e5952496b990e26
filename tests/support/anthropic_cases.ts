/**
 * The prompts behind each recorded Anthropic exchange, as a library user would send them again: the model,
 * text, options, schema, tools, attachments and history of every interaction of every recording in
 * `tests/fixtures/anthropic-recorded/`. The recordings were made by older `llm-anthropic` versions, whose
 * default `max_tokens` was 8192; the cases ask for that explicitly so the requests match.
 * @module
 */
import { Attachment } from "../../lib/attachments/attachment.ts";
import type { Model } from "../../lib/models/model.ts";
import type { Response } from "../../lib/models/response.ts";
import type { ToolSpec } from "../../lib/models/tool_spec.ts";
import { anthropicExchange } from "./anthropic_server.ts";

/** The pelican prompt most recordings use. */
export const PELICAN = "Two names for a pet pelican, be brief";

/** The pydantic `Dog` schema of the Python plugin's tests. */
export const DOG_SCHEMA: Record<string, unknown> = {
  type: "object",
  title: "Dog",
  properties: {
    name: { type: "string", title: "Name" },
    age: { type: "integer", title: "Age" },
    bio: { type: "string", title: "Bio" },
  },
  required: ["name", "age", "bio"],
};

/** The `fixed_version` tool of the Python plugin's tests. */
export const FIXED_VERSION: ToolSpec = {
  name: "fixed_version",
  description: "Return a fixed test version string",
  inputSchema: { properties: {}, type: "object" },
};

/** The 1x... PNG of the Python plugin's image tests (a red and a green rectangle). */
export function tinyPng(): Uint8Array {
  const { request } = anthropicExchange("image-with-no-prompt");
  const data = request.body.messages[0].content[0].source.data as string;
  return Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
}

/** How one recording is prompted: the model, and a step for each of its interactions. */
export interface ReplayCase {
  /** The recording's name. */
  file: string;
  /** The model id or alias. */
  model: string;
  /** Makes the response of interaction `index`, given the earlier responses (already finished). */
  steps: ((model: Model, earlier: Response[]) => Response | Promise<Response>)[];
  /**
   * The request body expected for interaction `index`, when it is not the recorded one: the recordings
   * predate a change of `llm-anthropic` or the case asks for something more (prompt caching).
   */
  // deno-lint-ignore no-explicit-any
  expectedBody?: (recorded: any, index: number) => unknown;
}

const OLD_MAX = { max_tokens: 8192 };

/** The chain so far plus the tool results of the last response, as the chain loop sends them. */
async function toolRound(model: Model, first: Response, outputs: string[], options: Record<string, unknown>) {
  const calls = await first.toolCalls();
  return model.prompt(undefined, {
    messages: [...first.prompt.messages, ...await first.messages()],
    toolResults: calls.map((call, i) => ({
      type: "tool_result" as const,
      name: call.name,
      output: outputs[i],
      tool_call_id: call.toolCallId,
    })),
    tools: first.prompt.tools,
    options,
  });
}

/** Every recording, prompted again. */
export const REPLAY_CASES: ReplayCase[] = [
  {
    file: "prompt",
    model: "claude-sonnet-4.5",
    steps: [(m) => m.prompt(PELICAN, { options: OLD_MAX })],
  },
  {
    file: "async-prompt",
    model: "claude-sonnet-4.5",
    steps: [
      (m) => m.conversation().prompt(PELICAN, { options: OLD_MAX }),
      (_m, [first]) => first.conversation!.prompt("in french", { options: OLD_MAX }),
    ],
  },
  {
    file: "fixed-version-tool-chain-regression",
    model: "claude-haiku-4.5",
    steps: [
      (m) =>
        m.prompt("Use the fixed_version tool. Then tell me the version and make one short joke about it.", {
          tools: [FIXED_VERSION],
        }),
      (m, [first]) => toolRound(m, first, ["0.32a0"], {}),
    ],
  },
  {
    file: "fixed-version-tool-chain-with-thinking-display-regression",
    model: "claude-haiku-4.5",
    steps: [
      (m) =>
        m.prompt(
          "Use the fixed_version tool. Then tell me the version and make one short joke about it. Think about it first.",
          { tools: [FIXED_VERSION], options: { thinking_display: true } },
        ),
      (m, [first]) => toolRound(m, first, ["0.32a0"], { thinking_display: true }),
    ],
  },
  {
    file: "image-with-no-prompt",
    model: "claude-sonnet-4.5",
    steps: [(m) => m.prompt(undefined, { attachments: [Attachment.fromBytes(tinyPng())], options: OLD_MAX })],
  },
  {
    file: "opus-46-adaptive-thinking",
    model: "claude-opus-4.6",
    steps: [(m) => m.prompt(PELICAN, { options: { ...OLD_MAX, thinking: true, cache: true } })],
    // Prompt caching marks the last block of the last message (the recording was made without it).
    expectedBody: (recorded) => {
      const body = structuredClone(recorded);
      const last = body.messages.at(-1).content.at(-1);
      last.cache_control = { type: "ephemeral" };
      return body;
    },
  },
  {
    file: "opus-46-prompt",
    model: "claude-opus-4.6",
    steps: [(m) => m.prompt(PELICAN, { options: OLD_MAX })],
  },
  {
    file: "opus-46-schema",
    model: "claude-opus-4.6",
    steps: [(m) => m.prompt("Invent a good dog", { schema: DOG_SCHEMA, options: OLD_MAX })],
  },
  {
    file: "parts-thinking",
    model: "claude-haiku-4.5",
    steps: [(m) => m.prompt(PELICAN, { options: { ...OLD_MAX, thinking: true } })],
  },
  {
    file: "prompt-with-prefill-and-stop-sequences",
    model: "claude-haiku-4.5",
    steps: [(m) =>
      m.prompt("Very short function describing a pelican", {
        options: { ...OLD_MAX, prefill: "```python", stop_sequences: "```", hide_prefill: true },
      })],
  },
  {
    file: "schema-prompt-async",
    model: "claude-sonnet-4.5",
    steps: [(m) => m.prompt("Invent a terrific dog", { schema: DOG_SCHEMA, options: OLD_MAX })],
  },
  {
    file: "sonnet-46-effort-without-thinking",
    model: "claude-sonnet-4.6",
    steps: [(m) => m.prompt(PELICAN, { options: { ...OLD_MAX, thinking_effort: "low" } })],
    // llm-anthropic 0.25 turns adaptive thinking on with an effort (the recording predates that).
    expectedBody: (recorded) => ({ ...recorded, thinking: { type: "adaptive" } }),
  },
  {
    file: "sonnet-46-prompt",
    model: "claude-sonnet-4.6",
    steps: [(m) => m.prompt(PELICAN, { options: OLD_MAX })],
  },
  {
    file: "stream-events-text",
    model: "claude-haiku-4.5",
    steps: [(m) => m.prompt("Say just hello", { options: OLD_MAX })],
  },
  {
    file: "stream-events-thinking",
    model: "claude-haiku-4.5",
    steps: [(m) => m.prompt(PELICAN, { options: { ...OLD_MAX, thinking: true } })],
  },
  {
    file: "stream-events-tool-calls",
    model: "claude-haiku-4.5",
    steps: [(m) =>
      m.prompt("Generate one name for a pet pelican", {
        tools: [{
          name: "pelican_name_generator",
          description: "",
          inputSchema: { properties: {}, type: "object" },
        }],
        options: OLD_MAX,
      })],
  },
  {
    file: "tools-parallel",
    model: "claude-haiku-4.5",
    steps: [
      (m) =>
        m.prompt("Two names for a pet pelican", {
          tools: [{
            name: "pelican_name_generator",
            description: "",
            inputSchema: { properties: {}, type: "object" },
          }],
          options: OLD_MAX,
        }),
      (m, [first]) => toolRound(m, first, ["Charles", "Sammy"], OLD_MAX),
    ],
    // An older llm-anthropic put its display-only space before the tool calls, and sent it back; it now comes
    // after them and is never sent.
    expectedBody: (recorded, index) => {
      if (index === 0) return recorded;
      const body = structuredClone(recorded);
      body.messages[1].content = body.messages[1].content.filter((b: { type: string }) => b.type !== "text");
      return body;
    },
  },
  {
    file: "web-search",
    model: "claude-opus-4.1",
    steps: [
      (m) =>
        m.prompt("What is the current weather in San Francisco?", {
          options: { ...OLD_MAX, web_search: true },
        }),
    ],
  },
  {
    file: "web-search-tool-result-ordering",
    model: "claude-opus-4.1",
    // The same exchange asked for the 0.32 way: -T WebSearch instead of -o web_search 1.
    steps: [(m) =>
      m.prompt("What is the current weather in San Francisco?", {
        serverSideTools: [{ className: "WebSearch", name: "web_search", config: {} }],
        options: OLD_MAX,
      })],
  },
];
