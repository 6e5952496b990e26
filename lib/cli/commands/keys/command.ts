/**
 * The flags of `llm keys` and its subcommands; the behaviour is in `run.ts`, loaded when a command runs.
 * @module
 */
import type { CommandSpec } from "../../../commands/spec.ts";
import { behaviourIn, group, leaf, o } from "../../command_builders.ts";

const run = behaviourIn(import.meta.url, "./run.ts");

/** `llm keys` and its subcommands. */
export function keysGroup(): CommandSpec {
  return group("keys", "Manage stored API keys", () => [
    leaf("list", "List the names of stored keys", run("keysList")),
    leaf("path", "Print the path of keys.json", run("keysPath")),
    leaf("get", "Print a stored key", run("keysGet"), { args: [{ name: "name", required: true }] }),
    leaf("set", "Store a key in keys.json", run("keysSet"), {
      description: "Store a key in keys.json. Without --value it asks for the key.\n\n" +
        "    $ llm keys set openai\n    Enter key: ...",
      args: [{ name: "name", required: true }],
      options: [o("--value", "string", "The key, instead of typing it at the prompt")],
    }),
  ]);
}
