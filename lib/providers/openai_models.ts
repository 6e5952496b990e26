/**
 * The OpenAI models Python `llm` 0.32 registers by default, with the same ids, aliases and capabilities.
 * Defining them loads no npm package and none of their request code, which loads when one of them runs.
 * @module
 */
import type { ModelSource, RegisterModel } from "../models/registry.ts";
import { OpenAIChat } from "./openai_chat.ts";
import { OpenAICompletion } from "./openai_completion.ts";
import { OpenAIResponses } from "./openai_responses.ts";

const FULL = { vision: true, serviceTier: true, supportsSchema: true, supportsTools: true };
const REASONING = { ...FULL, reasoning: true };
const GPT5 = { ...REASONING, verbosity: true };
const GPT54 = { ...GPT5, imageDetailOriginal: true };

/** Registers the default OpenAI models and their aliases. */
export function registerOpenAIModels(register: RegisterModel): void {
  register(new OpenAIChat("gpt-4o", FULL), { aliases: ["4o"] });
  register(new OpenAIChat("gpt-4o-mini", FULL), { aliases: ["4o-mini"] });
  for (const id of ["gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano"]) {
    register(new OpenAIChat(id, FULL), { aliases: [id.replace("gpt-", "")] });
  }
  register(new OpenAIChat("gpt-3.5-turbo", { serviceTier: true }), { aliases: ["3.5", "chatgpt"] });
  register(new OpenAIChat("gpt-3.5-turbo-16k", { serviceTier: true }), {
    aliases: ["chatgpt-16k", "3.5-16k"],
  });
  register(new OpenAIChat("gpt-4", { serviceTier: true }), { aliases: ["4", "gpt4"] });
  register(new OpenAIChat("gpt-4-turbo-2024-04-09", { serviceTier: true }));
  register(new OpenAIChat("gpt-4-turbo", { serviceTier: true }), {
    aliases: ["gpt-4-turbo-preview", "4-turbo", "4t"],
  });
  for (const id of ["o1", "o1-2024-12-17"]) {
    register(new OpenAIResponses(id, { ...REASONING, canStream: false }));
  }
  register(new OpenAIResponses("o3-mini", { ...REASONING, vision: false }));
  register(new OpenAIResponses("o3", REASONING));
  register(new OpenAIResponses("o4-mini", REASONING));
  for (
    const id of [
      "gpt-5",
      "gpt-5-mini",
      "gpt-5-nano",
      "gpt-5-2025-08-07",
      "gpt-5-mini-2025-08-07",
      "gpt-5-nano-2025-08-07",
      "gpt-5.1",
      "gpt-5.2",
      "gpt-5.2-chat-latest",
    ]
  ) register(new OpenAIResponses(id, GPT5));
  for (
    const id of [
      "gpt-5.4",
      "gpt-5.4-2026-03-05",
      "gpt-5.4-mini",
      "gpt-5.4-mini-2026-03-17",
      "gpt-5.4-nano",
      "gpt-5.4-nano-2026-03-17",
      "gpt-5.5",
      "gpt-5.5-2026-04-23",
      "gpt-5.6-sol",
      "gpt-5.6-terra",
      "gpt-5.6-luna",
    ]
  ) register(new OpenAIResponses(id, GPT54));
  register(new OpenAICompletion("gpt-3.5-turbo-instruct", { defaultMaxTokens: 256 }), {
    aliases: ["3.5-instruct", "chatgpt-instruct"],
  });
}

/** The built-in OpenAI models as a registry source. */
export const openAIModelSource: ModelSource = { name: "openai", load: registerOpenAIModels };
