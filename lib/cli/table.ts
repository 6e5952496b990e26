/**
 * The table of every command of the CLI, with the names, flags and defaults of Python llm 0.32 so its users
 * need no new docs. Only this table loads at startup: each `run` imports its implementation module from
 * `./commands/` when the command runs. An option's value key is the camelCase form of its longest long flag
 * (`--chain-limit` gives `chainLimit`, `--cid, --conversation` gives `conversation`).
 *
 * @module
 */
import type {
  CommandContext,
  CommandResult,
  CommandSpec,
  OptionSpec,
  OptionType,
  RunCommand,
} from "./spec.ts";
import { lazyImport } from "../lazy_import.ts";

/** A command whose implementation module or export does not exist yet. */
export class NotImplementedError extends Error {
  /** Always 1. */
  readonly exitCode = 1;
  /** Creates the error for the command `llm <path>`. */
  constructor(path: string[]) {
    super(`'llm ${path.join(" ")}' is not implemented yet`);
    this.name = "NotImplementedError";
  }
}

type CommandModule = Record<string, unknown>;

/**
 * The implementation module of each command group. They are imported with {@link lazyImport} (a specifier
 * computed at run time) so that starting the CLI loads none of them: Deno would load the module graph of
 * every literal `import("./commands/x.ts")` at startup. A module that does not exist makes its commands fail
 * with {@link NotImplementedError}.
 */
const COMMAND_MODULES = [
  "aliases",
  "chat",
  "collections",
  "embed",
  "embed_models",
  "embed_multi",
  "fragments",
  "keys",
  "logs",
  "models",
  "plugins",
  "prompt",
  "schemas",
  "similar",
  "templates",
  "tools",
];

/** Imports `./commands/<module>.ts`, or returns `undefined` when that file does not exist. */
async function loadCommandModule(module: string): Promise<CommandModule | undefined> {
  if (!COMMAND_MODULES.includes(module)) return undefined;
  try {
    return await lazyImport<CommandModule>(`./commands/${module}.ts`, import.meta.url);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (
      code === "ERR_MODULE_NOT_FOUND" && String((error as Error).message).includes(`/commands/${module}.ts`)
    ) {
      return undefined;
    }
    throw error;
  }
}

/**
 * A `run` that imports `./commands/<module>.ts` on first use and calls its export `exportName`.
 * A missing module or export becomes a {@link NotImplementedError}.
 */
export function lazyRun(module: string, exportName: string): RunCommand {
  return async (ctx: CommandContext): Promise<CommandResult> => {
    const fn = (await loadCommandModule(module))?.[exportName];
    if (typeof fn !== "function") throw new NotImplementedError(ctx.path);
    return await (fn as RunCommand)(ctx);
  };
}

function camelCase(flag: string): string {
  return flag.replace(/^-+/, "").replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Builds an option from `"-m --model"`; its name is the camelCase of its longest long flag. */
function o(flags: string, type: OptionType, help: string, extra: Partial<OptionSpec> = {}): OptionSpec {
  const list = flags.split(" ");
  const longest = list.filter((f) => f.startsWith("--")).sort((a, b) => b.length - a.length)[0] ?? list[0];
  return { name: camelCase(longest), flags: list, type, help, ...extra };
}

const many = { multiple: true };

/** Builds a leaf command whose implementation is `exportName` in `./commands/<module>.ts`. */
function leaf(
  name: string,
  summary: string,
  run: [module: string, exportName: string],
  more: Partial<CommandSpec> = {},
): CommandSpec {
  return { name, summary, run: lazyRun(...run), ...more };
}

/** Gives `command` options that are built the first time they are asked for (prompt and chat have many). */
function withLazyOptions(command: CommandSpec, build: () => OptionSpec[]): CommandSpec {
  let built: OptionSpec[] | undefined;
  Object.defineProperty(command, "options", {
    get: () => (built ??= build()),
    set: (value: OptionSpec[]) => {
      built = value;
    },
    enumerable: true,
    configurable: true,
  });
  return command;
}

/**
 * Builds a group whose default child is `list`. Its commands are built the first time they are asked for:
 * a run of `llm` builds only the group it uses (and `--help` the list of names).
 */
function group(name: string, summary: string, subcommands: () => CommandSpec[]): CommandSpec {
  let built: CommandSpec[] | undefined;
  return {
    name,
    summary,
    defaultSubcommand: "list",
    get subcommands(): CommandSpec[] {
      built ??= subcommands();
      return built;
    },
    set subcommands(value: CommandSpec[]) {
      built = value;
    },
  };
}

const database = o("-d --database", "string", "Log database to use instead of logs.db", { metavar: "FILE" });
const hiddenPath = o("-p --path", "string", "Log database to use instead of logs.db", {
  metavar: "FILE",
  hidden: true,
});
const jsonOutput = (help = "Print JSON") => o("--json", "boolean", help);

/** Options shared by `prompt` and `chat`. */
function conversationOptions(): OptionSpec[] {
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
function toolOptions(): OptionSpec[] {
  return [
    o("-T --tool", "string", "Tool to make available to the model", many),
    o("--functions", "string", "Python code or .py file defining functions to use as tools", many),
    o("--td --tools-debug", "boolean", "Show each tool call and its result", { env: "LLM_TOOLS_DEBUG" }),
    o("--ta --tools-approve", "boolean", "Ask before running each tool call"),
    o("--cl --chain-limit", "integer", "Most tool-call rounds in a chain (default 5, 0 for no limit)", {
      default: 5,
    }),
  ];
}

const system = o("-s --system", "string", "System prompt");
const model = o("-m --model", "string", "Model ID or alias to use", { env: "LLM_MODEL" });
const noStream = o("--no-stream", "boolean", "Print the response once it is complete");
const hideReasoning = o("-R --hide-reasoning", "boolean", "Do not show the model's reasoning");
const key = o("--key", "string", "API key to use");

const PROMPT_DESCRIPTION = `Run a prompt against a model and print the response.

Examples:

    llm 'Ten names for a pet pelican'
    llm 'Summarise this' -m gpt-4o-mini < notes.txt
    llm 'Reply in French' -s 'You translate text'
    llm 'What is in this picture?' -a photo.jpg
    cat photo | llm 'Describe it' --at - image/jpeg

Input piped to stdin is put before the prompt. -x prints only the first fenced code block of the response.`;

function promptCommand(): CommandSpec {
  const command = leaf("prompt", "Run a prompt", ["prompt", "promptCommand"], {
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
      cont,
      cid,
      key,
      o("--save", "string", "Save these options as a template with this name"),
      o("--async", "boolean", "Run the prompt with the async model"),
      o("-u --usage", "boolean", "Show token usage"),
      o("-x --extract", "boolean", "Print only the first fenced code block"),
      o("--xl --extract-last", "boolean", "Print only the last fenced code block"),
      jsonOutput("Print the response as JSON, in the format of 'llm logs --json'"),
    ];
  });
}

function chatCommand(): CommandSpec {
  const command = leaf("chat", "Chat with a model", ["chat", "chatCommand"], {
    description: "Hold an ongoing chat with a model. Type 'exit' or 'quit' to end it, '!multi' for " +
      "multi-line input and '!edit' to write a message in $EDITOR.",
  });
  return withLazyOptions(command, () => [
    system,
    model,
    ...conversationOptions(),
    database,
    noStream,
    hideReasoning,
    key,
    ...toolOptions(),
  ]);
}

function keysGroup(): CommandSpec {
  return group("keys", "Manage stored API keys", () => [
    leaf("list", "List the names of stored keys", ["keys", "keysList"]),
    leaf("path", "Print the path of keys.json", ["keys", "keysPath"]),
    leaf("get", "Print a stored key", ["keys", "keysGet"], { args: [{ name: "name", required: true }] }),
    leaf("set", "Store a key in keys.json", ["keys", "keysSet"], {
      description: "Store a key in keys.json. Without --value it asks for the key.\n\n" +
        "    $ llm keys set openai\n    Enter key: ...",
      args: [{ name: "name", required: true }],
      options: [o("--value", "string", "The key, instead of typing it at the prompt")],
    }),
  ]);
}

function logsGroup(): CommandSpec {
  return group("logs", "Explore logged prompts and responses", () => [
    leaf("path", "Print the path of logs.db", ["logs", "logsPath"]),
    leaf("status", "Show whether logging is on, and database details", ["logs", "logsStatus"]),
    leaf("backup", "Copy the logs database to a file", ["logs", "logsBackup"], {
      args: [{ name: "path", required: true }],
    }),
    leaf("on", "Turn logging on", ["logs", "logsOn"]),
    leaf("off", "Turn logging off", ["logs", "logsOff"]),
    leaf("list", "Show logged prompts and responses", ["logs", "logsList"], {
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
      ],
    }),
  ]);
}

function modelsGroup(): CommandSpec {
  const modelArg = { name: "model", required: true };
  return group("models", "Manage available models", () => [
    leaf("list", "List available models", ["models", "modelsList"], {
      options: [
        o("--options", "boolean", "Show each model's options, features and keys"),
        o("--async", "boolean", "Only models that can run asynchronously"),
        o("--schemas", "boolean", "Only models that support schemas"),
        o("--tools", "boolean", "Only models that support tools"),
        jsonOutput(),
        o("-q --query", "string", "Only models whose name matches all these strings", many),
        o("-m --model", "string", "Only these model IDs or aliases", many),
      ],
    }),
    leaf("default", "Show or set the default model", ["models", "modelsDefault"], {
      args: [{ name: "model" }],
    }),
    group("options", "Manage default options for models", () => [
      leaf("list", "List default options of every model", ["models", "modelsOptionsList"]),
      leaf("show", "List default options of one model", ["models", "modelsOptionsShow"], {
        args: [modelArg],
      }),
      leaf("set", "Set a default option for a model", ["models", "modelsOptionsSet"], {
        args: [modelArg, { name: "key", required: true }, { name: "value", required: true }],
      }),
      leaf("clear", "Clear one or all default options of a model", ["models", "modelsOptionsClear"], {
        args: [modelArg, { name: "key" }],
      }),
    ]),
  ]);
}

function aliasesGroup(): CommandSpec {
  return group("aliases", "Manage model aliases", () => [
    leaf("list", "List aliases", ["aliases", "aliasesList"], { options: [jsonOutput()] }),
    leaf("set", "Set an alias for a model", ["aliases", "aliasesSet"], {
      description: "Set an alias for a model, given by its ID or by -q strings that match its name.\n\n" +
        "    llm aliases set mini gpt-4o-mini\n    llm aliases set mini -q 4o -q mini",
      args: [{ name: "alias", required: true }, { name: "model_id" }],
      options: [o("-q --query", "string", "Use the first model whose name matches all these strings", many)],
    }),
    leaf("remove", "Remove an alias", ["aliases", "aliasesRemove"], {
      args: [{ name: "alias", required: true }],
    }),
    leaf("path", "Print the path of aliases.json", ["aliases", "aliasesPath"]),
  ]);
}

function templatesGroup(): CommandSpec {
  const name = [{ name: "name", required: true }];
  return group("templates", "Manage prompt templates", () => [
    leaf("list", "List templates", ["templates", "templatesList"]),
    leaf("show", "Show a template", ["templates", "templatesShow"], { args: name }),
    leaf("edit", "Edit a template in $EDITOR", ["templates", "templatesEdit"], { args: name }),
    leaf("path", "Print the path of the templates directory", ["templates", "templatesPath"]),
    leaf("loaders", "List template loaders added by plugins", ["templates", "templatesLoaders"]),
  ]);
}

function fragmentsGroup(): CommandSpec {
  const alias = { name: "alias", required: true };
  return group("fragments", "Manage fragments stored in the database", () => [
    leaf("list", "List fragments", ["fragments", "fragmentsList"], {
      options: [
        o("-q --query", "string", "Only fragments matching all these strings", many),
        o("--aliases", "boolean", "Only fragments that have aliases"),
        jsonOutput(),
      ],
    }),
    leaf("set", "Set an alias for a fragment", ["fragments", "fragmentsSet"], {
      description: "Set an alias for a fragment given as a file path, URL, hash, alias or - for stdin.",
      args: [alias, { name: "fragment", required: true }],
    }),
    leaf("show", "Print a fragment given its alias or hash", ["fragments", "fragmentsShow"], {
      args: [{ name: "alias_or_hash", required: true }],
    }),
    leaf("remove", "Remove a fragment alias", ["fragments", "fragmentsRemove"], { args: [alias] }),
    leaf("loaders", "List fragment loaders added by plugins", ["fragments", "fragmentsLoaders"]),
  ]);
}

function schemasGroup(): CommandSpec {
  return group("schemas", "Manage stored schemas", () => [
    leaf("list", "List stored schemas", ["schemas", "schemasList"], {
      options: [
        hiddenPath,
        database,
        o("-q --query", "string", "Only schemas matching all these strings", many),
        o("--full", "boolean", "Show the whole schema"),
        jsonOutput(),
        o("--nl", "boolean", "Print newline-delimited JSON"),
      ],
    }),
    leaf("show", "Show a stored schema", ["schemas", "schemasShow"], {
      args: [{ name: "schema_id", required: true }],
      options: [hiddenPath, database],
    }),
    leaf("dsl", "Turn schema DSL into a JSON schema", ["schemas", "schemasDsl"], {
      description:
        "Turn schema DSL into a JSON schema.\n\n    llm schemas dsl 'name, age int, bio: a short bio'",
      args: [{ name: "input", required: true }],
      options: [o("--multi", "boolean", "Wrap the schema for a list of results")],
    }),
  ]);
}

function toolsGroup(): CommandSpec {
  return group("tools", "Manage tools that models can call", () => [
    leaf("list", "List available tools, and the server-side tools of a model", ["tools", "toolsList"], {
      args: [{ name: "tool_defs", variadic: true }],
      options: [
        jsonOutput(),
        o("-m --model", "string", "Also list the server-side tools of this model"),
        o("--functions", "string", "Python code or .py file defining functions to use as tools", many),
      ],
    }),
  ]);
}

const EMBED_MULTI_DESCRIPTION = `Store embeddings for multiple strings at once in the specified collection.

Input data can come from one of three sources:

 1. A CSV, TSV, JSON or JSONL file:
    - CSV/TSV: First column is ID, remaining columns concatenated as content
    - JSON: Array of objects with "id" field and content fields
    - JSONL: Newline-delimited JSON objects

    Examples:
      llm embed-multi docs input.csv
      cat data.json | llm embed-multi docs -
      llm embed-multi docs input.json --format json

 2. A SQL query against a SQLite database:
    - First column returned is used as ID
    - Other columns concatenated to form content

    Examples:
      llm embed-multi docs --sql "SELECT id, title, body FROM posts"
      llm embed-multi docs --attach blog blog.db --sql "SELECT id, content FROM blog.posts"

 3. Files in directories matching glob patterns:
    - Each file becomes one embedding
    - Relative file paths become IDs

    Examples:
      llm embed-multi docs --files docs '**/*.md'
      llm embed-multi images --files photos '*.jpg' --binary
      llm embed-multi texts --files texts '*.txt' --encoding utf-8 --encoding latin-1`;

/** The embedding commands: `embed`, `embed-multi`, `similar`, and the `embed-models` and `collections` groups. */
function embeddingCommands(): CommandSpec[] {
  const db = () =>
    o("-d --database", "string", "Path to embeddings database", {
      metavar: "FILE",
      env: "LLM_EMBEDDINGS_DB",
    });
  const embedModel = o("-m --model", "string", "Embedding model to use", { env: "LLM_EMBEDDING_MODEL" });
  const binary = o("--binary", "boolean", "Treat input as binary data");
  const store = o("--store", "boolean", "Store the text itself in the database");
  return [
    leaf("embed", "Embed text and store or return the result", ["embed", "embedCommand"], {
      args: [{ name: "collection" }, { name: "id" }],
      options: [
        o("-i --input", "string", "File to embed", { metavar: "PATH" }),
        embedModel,
        store,
        db(),
        o("-c --content", "string", "Content to embed"),
        binary,
        o("--metadata", "string", "JSON object metadata to store"),
        o("-f --format", "string", "Output format", { choices: ["json", "blob", "base64", "hex"] }),
      ],
    }),
    leaf("embed-multi", "Store embeddings for multiple strings at once in the specified collection", [
      "embed_multi",
      "embedMultiCommand",
    ], {
      description: EMBED_MULTI_DESCRIPTION,
      args: [{ name: "collection", required: true }, { name: "input_path" }],
      options: [
        o("--format", "string", "Format of input file - defaults to auto-detect", {
          choices: ["json", "csv", "tsv", "nl"],
        }),
        o("--files", "pair", "Embed files in this directory - specify directory and glob pattern", {
          ...many,
          metavar: "<DIRECTORY TEXT>...",
        }),
        o("--encoding", "string", "Encodings to try when reading --files", many),
        o("--binary", "boolean", "Treat --files as binary data"),
        o("--sql", "string", "Read input using this SQL query"),
        o("--attach", "pair", "Additional databases to attach - specify alias and file path", {
          ...many,
          metavar: "<TEXT FILE>...",
        }),
        o("--batch-size", "integer", "Batch size to use when running embeddings"),
        o("--prefix", "string", "Prefix to add to the IDs", { default: "" }),
        embedModel,
        o("--prepend", "string", "Prepend this string to all content before embedding"),
        store,
        db(),
      ],
    }),
    leaf("similar", "Return top N similar IDs from a collection using cosine similarity", [
      "similar",
      "similarCommand",
    ], {
      description:
        "Return top N similar IDs from a collection using cosine similarity.\n\nExample usage:\n\n" +
        '    llm similar my-collection -c "I like cats"\n\nOr to find content similar to a specific stored ID:' +
        "\n\n    llm similar my-collection 1234",
      args: [{ name: "collection", required: true }, { name: "id" }],
      options: [
        o("-i --input", "string", "File to embed for comparison", { metavar: "PATH" }),
        o("-c --content", "string", "Content to embed for comparison"),
        binary,
        o("-n --number", "integer", "Number of results to return", { default: 10 }),
        o("-p --plain", "boolean", "Output in plain text format"),
        db(),
        o("--prefix", "string", "Just IDs with this prefix", { default: "" }),
      ],
    }),
    group("embed-models", "Manage available embedding models", () => [
      leaf("list", "List available embedding models", ["embed_models", "embedModelsList"], {
        options: [o("-q --query", "string", "Search for embedding models matching these strings", many)],
      }),
      leaf("default", "Show or set the default embedding model", ["embed_models", "embedModelsDefault"], {
        args: [{ name: "model" }],
        options: [o("--remove-default", "boolean", "Reset to specifying no default model")],
      }),
    ]),
    group("collections", "View and manage collections of embeddings", () => [
      leaf("list", "View a list of collections", ["collections", "collectionsList"], {
        options: [db(), jsonOutput("Output as JSON")],
      }),
      leaf("delete", "Delete the specified collection", ["collections", "collectionsDelete"], {
        description:
          "Delete the specified collection\n\nExample usage:\n\n    llm collections delete my-collection",
        args: [{ name: "collection", required: true }],
        options: [db()],
      }),
      leaf("path", "Output the path to the embeddings database", ["collections", "collectionsPath"]),
    ]),
  ];
}

function pluginCommands(): CommandSpec[] {
  return [
    leaf("plugins", "List installed plugins", ["plugins", "pluginsCommand"], {
      options: [
        o("--all", "boolean", "Include the built-in plugins"),
        o("--hook", "string", "Only plugins that implement this hook", many),
      ],
    }),
    leaf("install", "Install plugins", ["plugins", "installCommand"], {
      args: [{ name: "packages", variadic: true }],
      options: [
        o("-U --upgrade", "boolean", "Upgrade packages to their latest version"),
        o("-e --editable", "string", "Install a local project from this path in editable mode"),
        o("--force-reinstall", "boolean", "Reinstall packages that are already up to date"),
        o("--no-cache-dir", "boolean", "Do not use the download cache"),
        o("--pre", "boolean", "Allow pre-release and development versions"),
      ],
    }),
    leaf("uninstall", "Uninstall plugins", ["plugins", "uninstallCommand"], {
      args: [{ name: "packages", required: true, variadic: true }],
      options: [o("-y --yes", "boolean", "Do not ask for confirmation")],
    }),
  ];
}

const ROOT_DESCRIPTION = `Use large language models from the command line.

Store an API key, then run a prompt:

    $ llm keys set openai
    Enter key: ...
    $ llm 'Five names for a pet pelican'

Run 'llm prompt --help' for every prompt option.`;

/**
 * A fresh table of every command, rooted at `llm`, whose default command is `prompt`. It is a mutable tree:
 * plugins add commands with `addCommand` from `spec.ts`.
 */
export function buildCommandTable(): CommandSpec {
  return {
    name: "llm",
    summary: "Use large language models from the command line",
    description: ROOT_DESCRIPTION,
    defaultSubcommand: "prompt",
    subcommands: [
      promptCommand(),
      chatCommand(),
      keysGroup(),
      logsGroup(),
      modelsGroup(),
      templatesGroup(),
      schemasGroup(),
      toolsGroup(),
      aliasesGroup(),
      fragmentsGroup(),
      ...embeddingCommands(),
      ...pluginCommands(),
    ],
  };
}
