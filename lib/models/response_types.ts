/**
 * The types around a `Response`: its status, how it is created, and what a model's `execute()` receives.
 * @module
 */
import type { Conversation } from "./conversation.ts";
import type { Model } from "./model.ts";
import type { Prompt } from "./prompt.ts";
import type { Response } from "./response.ts";
import type { RestoredResponse } from "./response_json.ts";

/** Where a response is in its life. */
export type ResponseStatus = "pending" | "running" | "done" | "failed" | "cancelled";

/** How a response is created; see `Model.prompt()`. */
export interface ResponseInit {
  /** The model that runs it. */
  model: Model;
  /** What is sent. */
  prompt: Prompt;
  /** Stream the response (ignored when the model cannot stream). */
  stream?: boolean;
  /** The conversation it belongs to. */
  conversation?: Conversation;
  /** An API key, or the name of one in keys.json. */
  key?: string;
  /** Cancels the response when aborted. */
  signal?: AbortSignal;
  /** A finished response read back from storage (`Response.fromJSON`); it never runs. */
  restored?: RestoredResponse;
}

/** What a model's `execute()` receives besides the prompt. */
export interface ExecuteContext {
  /** Whether to stream. */
  stream: boolean;
  /** The response being produced: call `setUsage`, `setResponseJson`, `setResolvedModel` on it. */
  response: Response;
  /** The conversation, when there is one. */
  conversation?: Conversation;
  /** The resolved API key, for models that need one. */
  key?: string;
  /** Aborted when the response is cancelled; pass it to `fetch`. */
  signal: AbortSignal;
}
