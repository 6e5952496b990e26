/**
 * The flags of `llm prompt`; the behaviour is in `run.ts`, loaded when a command runs.
 * @module
 */
import type { CommandSpec } from "../../../commands/spec.ts";
import { behaviourIn, leaf, many, o, withLazyOptions } from "../../command_builders.ts";
import {
  conversationOptions,
  database,
  hideReasoning,
  jsonOutput,
  key,
  model,
  noStream,
  raw,
  system,
  toolOptions,
} from "../../shared_options.ts";

const run = behaviourIn(import.meta.url, "./run.ts");

const PROMPT_DESCRIPTION = `Run a prompt against a model and print the response.

Examples:

    llm 'Ten names for a pet pelican'
    llm 'Summarise this' -m gpt-4o-mini < notes.txt
    llm 'Reply in French' -s 'You translate text'
    llm 'What is in this picture?' -a photo.jpg
    cat photo | llm 'Describe it' --at - image/jpeg

Input piped to stdin is put before the prompt. -x prints only the first fenced code block of the response.`;

/** `llm prompt`. */
export function promptCommand(): CommandSpec {
  const command = leaf("prompt", "Run a prompt", run("runPrompt"), {
    description: PROMPT_DESCRIPTION,
    args: [{ name: "prompt" }],
  });
  return withLazyOptions(command, () => {
    const [cont, cid, ...rest] = conversationOptions();
    return [
      system,
      model,
      database,
      o("-q --query", "string", "Use the first model whose name matches all these strings", many),
      o("-a --attachment", "string", "Attachment: file path, URL or - for stdin", {
        ...many,
        metavar: "ATTACHMENT",
      }),
      o(
        "--at --attachment-type",
        "pair",
        "Attachment with an explicit type: --at photo.jpg image/jpeg",
        many,
      ),
      ...toolOptions(),
      o("--options", "boolean", "Show the options of the selected model"),
      o("--schema", "string", "JSON schema, schema DSL, file path or stored schema ID"),
      o("--schema-multi", "string", "Like --schema, for a list of results"),
      ...rest,
      noStream,
      o("-n --no-log", "boolean", "Do not log to the database"),
      o("--log", "boolean", "Log to the database even when logging is off"),
      hideReasoning,
      raw,
      cont,
      cid,
      key,
      o("--save", "string", "Save these options as a template with this name"),
      o("--async", "boolean", "Run the prompt asynchronously (always so here: every model is async)"),
      o("-u --usage", "boolean", "Show token usage"),
      o("-x --extract", "boolean", "Print only the first fenced code block"),
      o("--xl --extract-last", "boolean", "Print only the last fenced code block"),
      jsonOutput("Print the response as JSON, in the format of 'llm logs --json'"),
    ];
  });
}
