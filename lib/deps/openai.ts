/**
 * The one place that loads the OpenAI SDK, lazily: only running a prompt against an OpenAI-style model needs it.
 * @module
 */
import type OpenAIClient from "npm:openai@^7";

/** The OpenAI client class. */
export type OpenAI = typeof OpenAIClient;
/** The OpenAI SDK module. */
export type OpenAIModule = typeof import("npm:openai@^7");

let cached: Promise<OpenAIModule> | undefined;

/** Imports the OpenAI SDK on first use. */
export function loadOpenAI(): Promise<OpenAIModule> {
  cached ??= import("npm:openai@^7");
  return cached;
}
