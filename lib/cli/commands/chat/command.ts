/**
 * The flags of `llm chat`; the behaviour is in `run.ts`, loaded when a command runs.
 * @module
 */
import type { CommandSpec } from "../../../commands/spec.ts";
import { behaviourIn, leaf, withLazyOptions } from "../../command_builders.ts";
import {
  conversationOptions,
  database,
  hideReasoning,
  key,
  model,
  noStream,
  raw,
  system,
  toolOptions,
} from "../../shared_options.ts";

const run = behaviourIn(import.meta.url, "./run.ts");

/** `llm chat`. */
export function chatCommand(): CommandSpec {
  const command = leaf("chat", "Chat with a model", run("runChat"), {
    description: "Hold an ongoing chat with a model. Type 'exit' or 'quit' to end it, '!multi' for " +
      "multi-line input, '!edit' to write a message in $EDITOR, '!fragment NAME' to add fragments and " +
      "'!attach PATH_OR_URL' to attach files to the next message.",
  });
  return withLazyOptions(command, () => [
    system,
    model,
    ...conversationOptions(),
    database,
    noStream,
    hideReasoning,
    raw,
    key,
    ...toolOptions(),
  ]);
}
