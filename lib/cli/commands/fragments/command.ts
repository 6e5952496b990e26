/**
 * The flags of `llm fragments` and its subcommands; the behaviour is in `run.ts`, loaded when a command runs.
 * @module
 */
import type { CommandSpec } from "../../../commands/spec.ts";
import { behaviourIn, group, leaf, many, o } from "../../command_builders.ts";
import { jsonOutput } from "../../shared_options.ts";

const run = behaviourIn(import.meta.url, "./run.ts");

/** `llm fragments` and its subcommands. */
export function fragmentsGroup(): CommandSpec {
  const alias = { name: "alias", required: true };
  return group("fragments", "Manage fragments stored in the database", () => [
    leaf("list", "List fragments", run("fragmentsList"), {
      options: [
        o("-q --query", "string", "Only fragments matching all these strings", many),
        o("--aliases", "boolean", "Only fragments that have aliases"),
        jsonOutput(),
      ],
    }),
    leaf("set", "Set an alias for a fragment", run("fragmentsSet"), {
      description: "Set an alias for a fragment given as a file path, URL, hash, alias or - for stdin.",
      args: [alias, { name: "fragment", required: true }],
    }),
    leaf("show", "Print a fragment given its alias or hash", run("fragmentsShow"), {
      args: [{ name: "alias_or_hash", required: true }],
    }),
    leaf("remove", "Remove a fragment alias", run("fragmentsRemove"), { args: [alias] }),
    leaf("loaders", "List fragment loaders added by plugins", run("fragmentsLoaders")),
  ]);
}
