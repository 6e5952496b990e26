/**
 * The flags of `llm tools` and its subcommands; the behaviour is in `run.ts`, loaded when a command runs.
 * @module
 */
import type { CommandSpec } from "../../../commands/spec.ts";
import { behaviourIn, group, leaf, many, o } from "../../command_builders.ts";
import { jsonOutput } from "../../shared_options.ts";

const run = behaviourIn(import.meta.url, "./run.ts");

/** `llm tools` and its subcommands. */
export function toolsGroup(): CommandSpec {
  return group("tools", "Manage tools that models can call", () => [
    leaf("list", "List available tools, and the server-side tools of a model", run("toolsList"), {
      args: [{ name: "tool_defs", variadic: true }],
      options: [
        jsonOutput(),
        o("-m --model", "string", "Also list the server-side tools of this model"),
        o(
          "--functions",
          "string",
          "TypeScript or JavaScript code, or a .ts or .js file, whose functions are tools",
          many,
        ),
      ],
    }),
  ]);
}
