/**
 * What the models floor needs from the floors above it, installed by them when they load: the default
 * registry (to find the model a serialised response names) and the logs.db reader (for
 * `Conversation.load`). Models import nothing from above; `lib/default_registry.ts` and
 * `lib/prompting/load_conversation.ts` call the setters here, and `mod.ts` loads both.
 * @module
 */
import { LlmError } from "./errors.ts";
import type { Conversation } from "./conversation.ts";
import type { Model } from "./model.ts";

/** Finds a model by id or alias; throws `UnknownModelError` when there is none. */
export type ModelLookup = (nameOrAlias: string) => Model;

/** How `Conversation.load()` reads a conversation from logs.db. */
export interface ConversationLoadOptions {
  /** The logs database (default `<user dir>/logs.db`). */
  database?: string;
  /** Continue with this model instead of the one the conversation used last. */
  model?: Model;
}

/** Reads a logged conversation: the latest one when `id` is undefined. */
export type ConversationLoader = (
  id: string | undefined,
  options: ConversationLoadOptions,
) => Promise<Conversation>;

let modelLookup: ModelLookup | undefined;
let conversationLoader: ConversationLoader | undefined;

/** Something the models floor needs was never installed (only `mod.ts` installs everything). */
export class NotInstalledError extends LlmError {
  /** Creates the error; `what` says what is missing and what to do. */
  constructor(what: string) {
    super(what);
  }
}

/** Installs the model lookup (the default registry's `getModel`). */
export function setModelLookup(lookup: ModelLookup): void {
  modelLookup = lookup;
}

/**
 * The model `nameOrAlias` names, from the installed registry.
 * @throws {NotInstalledError} when no registry is loaded.
 */
export function lookupModel(nameOrAlias: string): Model {
  if (!modelLookup) {
    throw new NotInstalledError(
      `No model registry is loaded to find model '${nameOrAlias}': import the library from mod.ts, or pass ` +
        "the model ({ model })",
    );
  }
  return modelLookup(nameOrAlias);
}

/** Installs the conversation loader (logs.db's). */
export function setConversationLoader(loader: ConversationLoader): void {
  conversationLoader = loader;
}

/**
 * Loads a logged conversation with the installed loader.
 * @throws {NotInstalledError} when none is installed.
 */
export function loadLoggedConversation(
  id: string | undefined,
  options: ConversationLoadOptions,
): Promise<Conversation> {
  if (!conversationLoader) {
    return Promise.reject(
      new NotInstalledError(
        "No logs.db reader is loaded to load conversations: import the library from mod.ts",
      ),
    );
  }
  return conversationLoader(id, options);
}
