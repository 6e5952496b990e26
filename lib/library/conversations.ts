/**
 * `loadConversation` of `mod.ts`, and `Conversation.load()`'s reader, with the logs.db reader loaded on first
 * use: importing the library does not load it (see lib/prompting/load_conversation.ts).
 * @module
 */
import { lazyImport } from "../lazy_import.ts";
import type { Conversation } from "../models/conversation.ts";
import { type ConversationLoadOptions, setConversationLoader } from "../models/late_bound.ts";

/**
 * The conversation `id` of logs.db (the latest one when `id` is undefined), with its turns as responses.
 * A logs.db that does not exist holds no conversation (it is not created).
 *
 * @example
 * ```ts ignore
 * import { loadConversation } from "../../mod.ts";
 * const conversation = await loadConversation(); // the latest, as `llm -c` continues it
 * console.log(await conversation.prompt("And then?").text());
 * ```
 * @throws {NoConversationError} when there is no such conversation.
 * @throws {ConversationModelError} when its model is not installed and `options.model` is not given.
 */
export async function loadConversation(
  id?: string,
  options: ConversationLoadOptions = {},
): Promise<Conversation> {
  const reader = await lazyImport<typeof import("../prompting/load_conversation.ts")>(
    "../prompting/load_conversation.ts",
    import.meta.url,
  );
  return await reader.loadConversation(id, options);
}

setConversationLoader(loadConversation);
