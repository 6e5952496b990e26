/**
 * The flags of `llm openai models` and `llm openai endpoint`, the two commands Python llm 0.32's default
 * OpenAI plugin registers; the behaviour is in `models.ts` and `endpoint.ts`, loaded when a command runs.
 * @module
 */
import type { CommandSpec } from "../../../commands/spec.ts";
import { behaviourIn, leaf, many, o, withLazyOptions } from "../../command_builders.ts";
import { hideReasoning, jsonOutput, noStream, system } from "../../shared_options.ts";

const runModels = behaviourIn(import.meta.url, "./models.ts");
const runEndpoint = behaviourIn(import.meta.url, "./endpoint.ts");

const MODELS_DESCRIPTION = `List the models your OpenAI key can use, from the OpenAI API.

The key is --key (a key or the name of one in keys.json), else the stored 'openai' key, else
OPENAI_API_KEY. Requests go to OPENAI_BASE_URL when it is set (Python llm always asks api.openai.com).`;

const ENDPOINT_DESCRIPTION = `Run a prompt against any OpenAI-compatible API without logging it.

PROMPT, or stdin, runs once; with neither, it waits for input on stdin. --chat starts an interactive chat
(a template is applied to every message), and --models lists the model ids the endpoint serves.

No stored or environment key is ever sent to the endpoint: it gets 'Bearer DUMMY_KEY' unless --key gives a
key or the name of one in keys.json. Nothing is written to logs.db.

Examples:

    llm openai endpoint http://localhost:11434/v1 --models
    llm openai endpoint http://localhost:11434/v1 'Hello' -m llama3.2
    llm openai endpoint https://api.example.com/v1 -m big --key example -H X-Team research --chat`;

/** `llm openai`, with `models` and `endpoint`. */
export function openaiGroup(): CommandSpec {
  return {
    name: "openai",
    summary: "Commands for OpenAI and OpenAI-compatible APIs",
    subcommands: [
      leaf("models", "List the models the OpenAI API offers you", runModels("openaiModels"), {
        description: MODELS_DESCRIPTION,
        options: [
          jsonOutput("Print the API's model list as JSON"),
          o("--key", "string", "OpenAI API key, or the name of one in keys.json"),
        ],
      }),
      endpointCommand(),
    ],
  };
}

function endpointCommand(): CommandSpec {
  const command = leaf(
    "endpoint",
    "Run a prompt against an OpenAI-compatible endpoint, without logging",
    runEndpoint("openaiEndpoint"),
    { description: ENDPOINT_DESCRIPTION, args: [{ name: "url", required: true }, { name: "prompt" }] },
  );
  return withLazyOptions(command, () => [
    o("-m --model", "string", "Model id to send (needed unless --models or the template names one)"),
    system,
    o("-t --template", "string", "Template to use"),
    o("-p --param", "pair", "Template parameter: name and value", many),
    o("-o --option", "pair", "Model option: name and value", many),
    o("--schema", "string", "JSON schema, schema DSL, file path or stored schema ID"),
    o("--schema-multi", "string", "Like --schema, for a list of results"),
    // Attachments: parsed here, refused by the run until they are supported.
    o("-a --attachment", "string", "Attachment: file path, URL or - for stdin", {
      ...many,
      metavar: "ATTACHMENT",
    }),
    o("--at --attachment-type", "pair", "Attachment with an explicit type: --at photo.jpg image/jpeg", many),
    o("-T --tool", "string", "Tool to make available to the model", many),
    o("--functions", "string", "Python code or .py file defining functions to use as tools", many),
    o("--td --tools-debug", "boolean", "Show each tool call and its result", { env: "LLM_TOOLS_DEBUG" }),
    o("--ta --tools-approve", "boolean", "Ask before running each tool call"),
    o("--cl --chain-limit", "integer", "Most tool-call rounds in a chain (default 5, 0 for no limit)", {
      default: 5,
    }),
    o("--key", "string", "API key to send, or the name of one in keys.json"),
    o("-H --header", "pair", "Extra HTTP header: name and value", many),
    o("--responses", "boolean", "Use the Responses API instead of Chat Completions"),
    o("--chat", "boolean", "Start an interactive chat"),
    o("--models", "boolean", "List the endpoint's model ids and exit"),
    noStream,
    hideReasoning,
  ]);
}
