/**
 * `OllamaModel`: one local Ollama model, prompted through `POST /api/chat`. It sends the system prompt and
 * the conversation so far as messages, streams the answer (NDJSON) or reads it whole, reports thinking as
 * reasoning, and records the token counts and Ollama's final object.
 * @module
 */
import {
  type Chunk,
  defineOptions,
  type ExecuteContext,
  Model,
  ModelError,
  type Prompt,
} from "../../../plugin.ts";
import { ollamaBaseUrl, type OllamaObject, ollamaRequest, readJson, readNdjson } from "./client.ts";

/** The options of every Ollama model (`llm -m llama3.2 -o temperature 0.2 ...`). */
export const ollamaOptions = defineOptions((z) => ({
  temperature: z.number().min(0).optional().describe(
    "Sampling temperature: higher is more creative, lower more focused",
  ),
  top_p: z.number().min(0).max(1).optional().describe(
    "Nucleus sampling: keep tokens up to this probability mass",
  ),
  top_k: z.number().int().min(0).optional().describe("Sample from the k most likely tokens only"),
  num_ctx: z.number().int().min(1).optional().describe("Size of the context window, in tokens"),
  seed: z.number().int().optional().describe("Random seed, for repeatable answers"),
  stop: z.union([z.string(), z.array(z.string())]).optional().describe(
    "Stop generating at this text (a list of texts from code)",
  ),
  num_predict: z.number().int().min(-2).optional().describe(
    "Most tokens to generate (-1: no limit, -2: fill the context)",
  ),
  json: z.boolean().optional().describe("Answer with a JSON object (Ollama's format: json)"),
  think: z.boolean().optional().describe("Thinking models: think first (true) or answer at once (false)"),
}));

/** A message of the prompt's chain (the library's `Message`). */
type Message = Prompt["messages"][number];

/** Options that go into the request's `options` object as they are. */
const SAMPLING = ["temperature", "top_p", "top_k", "num_ctx", "seed", "num_predict"];

/** One message as `/api/chat` takes it. */
export interface OllamaMessage {
  /** `system`, `user` or `assistant`. */
  role: string;
  /** Its text. */
  content: string;
}

/** The text of a message's text parts (reasoning, tool and attachment parts are not sent). */
function textOf(message: Message): string {
  return message.parts.map((p) => (p.type === "text" ? p.text : "")).join("");
}

/** The messages for `/api/chat`: system prompt, earlier turns and this turn, in order. */
export function ollamaMessages(messages: Message[]): OllamaMessage[] {
  return messages
    .filter((m) => m.role === "system" || m.role === "user" || m.role === "assistant")
    .map((m) => ({ role: m.role, content: textOf(m) }));
}

/** The body of a `/api/chat` request for `prompt`. */
export function chatRequest(model: string, prompt: Prompt, stream: boolean): Record<string, unknown> {
  const values = prompt.options;
  const options: Record<string, unknown> = {};
  for (const name of SAMPLING) if (values[name] !== undefined) options[name] = values[name];
  if (values.stop !== undefined) options.stop = Array.isArray(values.stop) ? values.stop : [values.stop];
  const body: Record<string, unknown> = { model, messages: ollamaMessages(prompt.messages), stream };
  if (Object.keys(options).length) body.options = options;
  if (prompt.schema) body.format = prompt.schema;
  else if (values.json) body.format = "json";
  if (values.think !== undefined) body.think = values.think;
  return body;
}

/** What one streamed line (or the whole answer) adds: thinking as reasoning, then text. */
function* chunksOf(object: OllamaObject): Generator<Chunk> {
  const message = object.message as { content?: unknown; thinking?: unknown } | undefined;
  if (typeof message?.thinking === "string" && message.thinking) {
    yield { type: "reasoning", chunk: message.thinking };
  }
  if (typeof message?.content === "string" && message.content) yield message.content;
}

/** Records usage and the final object on the response. */
function finish(context: ExecuteContext, final: OllamaObject): void {
  const count = (value: unknown) => (typeof value === "number" ? value : null);
  context.response.setUsage({ input: count(final.prompt_eval_count), output: count(final.eval_count) });
  context.response.setResponseJson(final);
}

/** A local Ollama model, e.g. `llama3.2:latest`. */
export class OllamaModel extends Model {
  /** Creates the model for the Ollama model `id` (its name with the tag). */
  constructor(id: string) {
    super(id, { canStream: true, supportsSchema: true, options: ollamaOptions });
  }

  /** `Ollama: llama3.2:latest`. */
  override get label(): string {
    return `Ollama: ${this.id}`;
  }

  /** Sends the prompt to `/api/chat` and yields the answer as it arrives. */
  override async *execute(prompt: Prompt, context: ExecuteContext): AsyncIterable<Chunk> {
    const { signal } = context;
    const response = await ollamaRequest("/api/chat", {
      baseUrl: ollamaBaseUrl(),
      body: chatRequest(this.id, prompt, context.stream),
      signal,
      model: this.id,
    });
    if (!context.stream || !response.body) {
      const answer = await readJson(response, signal);
      yield* chunksOf(answer);
      finish(context, answer);
      return;
    }
    for await (const line of readNdjson(response.body, signal)) {
      yield* chunksOf(line);
      if (line.done === true) {
        finish(context, line);
        return;
      }
    }
    throw new ModelError(
      "Ollama's answer ended before it was finished (no final line with done: true); try again",
      { kind: "stream" },
    );
  }
}
