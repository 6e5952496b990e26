/**
 * The requests of the legacy completion model (`POST /completions`). Loaded the first time it runs
 * (`openai_completion.ts` defines the model).
 * @module
 */
import { messageText } from "../models/messages.ts";
import type { Prompt } from "../models/prompt.ts";
import type { ExecuteContext } from "../models/response.ts";
import type { Chunk } from "../models/stream.ts";
import { ChunkCombiner, setChatUsage } from "./openai_chat_run.ts";
import { apiOptions, loadHttpClient, type OpenAIBaseModel, withoutNulls } from "./openai_client.ts";

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
export async function* runCompletion(
  model: OpenAIBaseModel,
  prompt: Prompt,
  context: ExecuteContext,
): AsyncGenerator<Chunk> {
  const { response, signal, stream } = context;
  const connection = model.connection(context.key, signal);
  const { postJson, postStream } = await loadHttpClient();
  const body = completionRequestBody(model, prompt, stream);
  let received = 0;
  try {
    if (stream) {
      const completion = postStream(connection, "/completions", { ...body, stream: true });
      const combined = new ChunkCombiner();
      for await (const raw of completion) {
        combined.add(raw);
        const text = (raw.choices as Record<string, unknown>[] | undefined)?.[0]?.text;
        if (typeof text === "string" && text) {
          received += text.length;
          yield text;
        }
      }
      response.setResponseJson(withoutNulls(combined.result()));
      setChatUsage(context, combined.usage);
    } else {
      const raw = await postJson(connection, "/completions", { ...body, stream: false });
      response.setResponseJson(withoutNulls(raw));
      const text = (raw.choices as Record<string, unknown>[] | undefined)?.[0]?.text;
      if (typeof text === "string") yield text;
      setChatUsage(context, raw.usage as Record<string, unknown> | undefined);
    }
  } catch (error) {
    throw model.toModelError(error, received, signal);
  }
}
