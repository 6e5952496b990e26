/**
 * The flags of `llm schemas` and its subcommands; the behaviour is in `run.ts`, loaded when a command runs.
 * @module
 */
import type { CommandSpec } from "../../../commands/spec.ts";
import { behaviourIn, group, leaf, many, o } from "../../command_builders.ts";
import { database, hiddenPath, jsonOutput } from "../../shared_options.ts";

const run = behaviourIn(import.meta.url, "./run.ts");

/** `llm schemas` and its subcommands. */
export function schemasGroup(): CommandSpec {
  return group("schemas", "Manage stored schemas", () => [
    leaf("list", "List stored schemas", run("schemasList"), {
      options: [
        hiddenPath,
        database,
        o("-q --query", "string", "Only schemas matching all these strings", many),
        o("--full", "boolean", "Show the whole schema"),
        jsonOutput(),
        o("--nl", "boolean", "Print newline-delimited JSON"),
      ],
    }),
    leaf("show", "Show a stored schema", run("schemasShow"), {
      args: [{ name: "schema_id", required: true }],
      options: [hiddenPath, database],
    }),
    leaf("dsl", "Turn schema DSL into a JSON schema", run("schemasDsl"), {
      description:
        "Turn schema DSL into a JSON schema.\n\n    llm schemas dsl 'name, age int, bio: a short bio'",
      args: [{ name: "input", required: true }],
      options: [o("--multi", "boolean", "Wrap the schema for a list of results")],
    }),
  ]);
}
