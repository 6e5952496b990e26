/**
 * The flags of `llm logs` and its subcommands; the behaviour is in `run.ts`, loaded when a command runs.
 * @module
 */
import type { CommandSpec } from "../../../commands/spec.ts";
import { behaviourIn, group, leaf, many, o } from "../../command_builders.ts";
import { database, hiddenPath, jsonOutput } from "../../shared_options.ts";

const run = behaviourIn(import.meta.url, "./run.ts");

/** `llm logs` and its subcommands. */
export function logsGroup(): CommandSpec {
  return group("logs", "Explore logged prompts and responses", () => [
    leaf("path", "Print the path of logs.db", run("logsPath")),
    leaf("status", "Show whether logging is on, and database details", run("logsStatus")),
    leaf("backup", "Copy the logs database to a file", run("logsBackup"), {
      args: [{ name: "path", required: true }],
    }),
    leaf("on", "Turn logging on", run("logsOn")),
    leaf("off", "Turn logging off", run("logsOff")),
    leaf("list", "Show logged prompts and responses", run("logsList"), {
      options: [
        o("-n --count", "integer", "How many entries to show (default 3, 0 for all)"),
        hiddenPath,
        database,
        o("-m --model", "string", "Only this model or alias"),
        o("-q --query", "string", "Full-text search for this string"),
        o("-f --fragment", "string", "Only prompts that used these fragments", many),
        o("-T --tool", "string", "Only prompts with results from these tools", many),
        o("--tools", "boolean", "Only prompts with results from any tool"),
        o("--schema", "string", "Only responses to this schema: JSON, file path or ID"),
        o("--schema-multi", "string", "Only responses to this schema used for a list of results"),
        o("-l --latest", "boolean", "With -q, order by date instead of relevance"),
        o("--data", "boolean", "Print schema responses as newline-delimited JSON"),
        o("--data-array", "boolean", "Print schema responses as a JSON array"),
        o("--data-key", "string", "Print the objects of the array under this key"),
        o("--data-ids", "boolean", "Add the response and conversation IDs to each object"),
        o("-t --truncate", "boolean", "Truncate long strings"),
        o("-s --short", "boolean", "Short YAML output with truncated prompts"),
        o("-u --usage", "boolean", "Show token usage"),
        o("-r --response", "boolean", "Print only the text of the last response"),
        o("-x --extract", "boolean", "Print only the first fenced code block"),
        o("--xl --extract-last", "boolean", "Print only the last fenced code block"),
        o("-c --current", "boolean", "Only the latest conversation"),
        o("--cid --conversation", "string", "Only the conversation with this ID"),
        o("--id-gt", "string", "Only responses with an ID greater than this"),
        o("--id-gte", "string", "Only responses with an ID greater than or equal to this"),
        jsonOutput("Print the logs as JSON"),
        o("-e --expand", "boolean", "Show the full content of fragments"),
        // Not in Python llm (tests/cli_help_test.ts lists them): costs, a date range, and raw output.
        o("--cost", "boolean", "Sum the tokens and cost of the selected responses, per model"),
        o("--since", "string", "Only responses logged on or after this day or time", { metavar: "DATE" }),
        o("--until", "string", "Only responses logged on or before this day or time", { metavar: "DATE" }),
        o("--raw", "boolean", "Print the Markdown as it is, without rendering it on a terminal"),
      ],
    }),
  ]);
}
