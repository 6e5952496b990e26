/**
 * The flags of `llm templates` and its subcommands; the behaviour is in `run.ts`, loaded when a command runs.
 * @module
 */
import type { CommandSpec } from "../../../commands/spec.ts";
import { behaviourIn, group, leaf } from "../../command_builders.ts";

const run = behaviourIn(import.meta.url, "./run.ts");

/** `llm templates` and its subcommands. */
export function templatesGroup(): CommandSpec {
  const name = [{ name: "name", required: true }];
  return group("templates", "Manage prompt templates", () => [
    leaf("list", "List templates", run("templatesList")),
    leaf("show", "Show a template", run("templatesShow"), { args: name }),
    leaf("edit", "Edit a template in $EDITOR", run("templatesEdit"), { args: name }),
    leaf("path", "Print the path of the templates directory", run("templatesPath")),
    leaf("loaders", "List template loaders added by plugins", run("templatesLoaders")),
  ]);
}
