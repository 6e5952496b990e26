/**
 * The flags of `llm aliases` and its subcommands; the behaviour is in `run.ts`, loaded when a command runs.
 * @module
 */
import type { CommandSpec } from "../../../commands/spec.ts";
import { behaviourIn, group, leaf, many, o } from "../../command_builders.ts";
import { jsonOutput } from "../../shared_options.ts";

const run = behaviourIn(import.meta.url, "./run.ts");

/** `llm aliases` and its subcommands. */
export function aliasesGroup(): CommandSpec {
  return group("aliases", "Manage model aliases", () => [
    leaf("list", "List aliases", run("aliasesList"), { options: [jsonOutput()] }),
    leaf("set", "Set an alias for a model", run("aliasesSet"), {
      description: "Set an alias for a model, given by its ID or by -q strings that match its name.\n\n" +
        "    llm aliases set mini gpt-4o-mini\n    llm aliases set mini -q 4o -q mini",
      args: [{ name: "alias", required: true }, { name: "model_id" }],
      options: [o("-q --query", "string", "Use the first model whose name matches all these strings", many)],
    }),
    leaf("remove", "Remove an alias", run("aliasesRemove"), {
      args: [{ name: "alias", required: true }],
    }),
    leaf("path", "Print the path of aliases.json", run("aliasesPath")),
  ]);
}
