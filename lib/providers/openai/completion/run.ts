/**
 * The requests of the legacy completion model (`POST /completions`). Loaded the first time it runs
 * (`model.ts` defines the model).
 * @module
 */
import { messageText } from "../../../models/messages.ts";
import type { Prompt } from "../../../models/prompt.ts";
import type { ExecuteContext } from "../../../models/response.ts";
import type { Chunk } from "../../../models/stream.ts";
import { apiOptions, type OpenAIBaseModel, withoutNulls } from "../base_model.ts";
import { runExchange } from "../exchange.ts";
import { CHOICES_CHECKS, ChunkCombiner, setChatUsage } from "../chat/chunks.ts";

/** The request body (without `stream`). */
export function completionRequestBody(
  model: OpenAIBaseModel,
  prompt: Prompt,
  stream: boolean,
): Record<string, unknown> {
  const texts = prompt.messages
    .filter((m) => m.role === "user" || m.role === "assistant")
    .map(messageText)
    .filter(Boolean);
  const body: Record<string, unknown> = {
    model: model.apiModelName,
    prompt: texts.join("\n"),
    ...apiOptions(prompt.options, []),
  };
  if (body.max_tokens === undefined && model.config.defaultMaxTokens !== undefined) {
    body.max_tokens = model.config.defaultMaxTokens;
  }
  if (stream) body.stream_options = { include_usage: true };
  return body;
}

/** Sends a completion request and yields the text as it arrives. */
export function runCompletion(
  model: OpenAIBaseModel,
  prompt: Prompt,
  context: ExecuteContext,
): AsyncGenerator<Chunk | Chunk[]> {
  return runExchange(model, context, {
    path: "/completions",
    body: completionRequestBody(model, prompt, context.stream),
    checks: CHOICES_CHECKS,
    async *readStream(events, context) {
      const combined = new ChunkCombiner();
      for await (const batch of events) {
        const out: Chunk[] = [];
        for (const raw of batch) {
          combined.add(raw);
          const text = (raw.choices as Record<string, unknown>[] | undefined)?.[0]?.text;
          if (typeof text === "string" && text) out.push(text);
        }
        yield out;
      }
      context.response.setResponseJson(withoutNulls(combined.result()));
      setChatUsage(context, combined.usage);
    },
    *readJson(raw, context) {
      context.response.setResponseJson(withoutNulls(raw));
      const text = (raw.choices as Record<string, unknown>[] | undefined)?.[0]?.text;
      if (typeof text === "string") yield text;
      setChatUsage(context, raw.usage as Record<string, unknown> | undefined);
    },
  });
}
