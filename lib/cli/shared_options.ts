/**
 * Options several commands share: the log database, JSON output, and the model, conversation and tool
 * options of `llm prompt` and `llm chat`.
 * @module
 */
import type { OptionSpec } from "../commands/spec.ts";
import { many, o } from "./command_builders.ts";

/** `-d/--database FILE`. */
export const database: OptionSpec = o("-d --database", "string", "Log database to use instead of logs.db", {
  metavar: "FILE",
});
/** `-p/--path FILE`, a hidden spelling of `--database`. */
export const hiddenPath: OptionSpec = o("-p --path", "string", "Log database to use instead of logs.db", {
  metavar: "FILE",
  hidden: true,
});
/** `--json`. */
export const jsonOutput = (help = "Print JSON"): OptionSpec => o("--json", "boolean", help);

/** Options shared by `prompt` and `chat`. */
export function conversationOptions(): OptionSpec[] {
  return [
    o("-c --continue", "boolean", "Continue the latest conversation"),
    o("--cid --conversation", "string", "Continue the conversation with this ID"),
    o("-f --fragment", "string", "Fragment to add to the prompt: alias, URL, hash or file path", many),
    o("--sf --system-fragment", "string", "Fragment to add to the system prompt", many),
    o("-t --template", "string", "Template to use"),
    o("-p --param", "pair", "Template parameter: name and value", many),
    o("-o --option", "pair", "Model option: name and value", many),
  ];
}

/** Tool options shared by `prompt` and `chat`. */
export function toolOptions(): OptionSpec[] {
  return [
    o("-T --tool", "string", "Tool to make available to the model", many),
    o(
      "--functions",
      "string",
      "TypeScript or JavaScript code, or a .ts or .js file: each top-level function is a tool, its JSDoc the " +
        "description, its parameter types (string, number, integer, boolean, T[], Record<string, T>, " +
        "'a' | 'b', T | null) the JSON Schema",
      many,
    ),
    o("--td --tools-debug", "boolean", "Show each tool call and its result", { env: "LLM_TOOLS_DEBUG" }),
    o("--ta --tools-approve", "boolean", "Ask before running each tool call"),
    o("--cl --chain-limit", "integer", "Most tool-call rounds in a chain (default 5, 0 for no limit)", {
      default: 5,
    }),
  ];
}

/** `-s/--system`. */
export const system: OptionSpec = o("-s --system", "string", "System prompt");
/** `-m/--model`. */
export const model: OptionSpec = o("-m --model", "string", "Model ID or alias to use", { env: "LLM_MODEL" });
/** `--no-stream`. */
export const noStream: OptionSpec = o("--no-stream", "boolean", "Print the response once it is complete");
/** `-R/--hide-reasoning`. */
export const hideReasoning: OptionSpec = o(
  "-R --hide-reasoning",
  "boolean",
  "Do not show the model's reasoning",
);
/** `--raw`: not in Python llm; Markdown is rendered on a terminal unless it is given (lib/terminal/markdown_mode.ts). */
export const raw: OptionSpec = o(
  "--raw",
  "boolean",
  "Print the response as plain text, without rendering Markdown",
);
/** `--key`. */
export const key: OptionSpec = o("--key", "string", "API key to use");
