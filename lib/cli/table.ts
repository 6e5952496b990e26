/**
 * The table of every command of the CLI, with the names, flags and defaults of Python llm 0.32 so its users
 * need no new docs. Each command's flags are in `commands/<name>/command.ts`, beside its behaviour
 * (`commands/<name>/run.ts`), which loads only when the command runs.
 *
 * @module
 */
import type { CommandSpec } from "../commands/spec.ts";
import { aliasesGroup } from "./commands/aliases/command.ts";
import { chatCommand } from "./commands/chat/command.ts";
import { embeddingCommands } from "./commands/embeddings/command.ts";
import { completionCommand } from "./commands/completion/command.ts";
import { fragmentsGroup } from "./commands/fragments/command.ts";
import { keysGroup } from "./commands/keys/command.ts";
import { logsGroup } from "./commands/logs/command.ts";
import { modelsGroup } from "./commands/models/command.ts";
import { openaiGroup } from "./commands/openai/command.ts";
import { pluginCommands } from "./commands/plugins/command.ts";
import { promptCommand } from "./commands/prompt/command.ts";
import { schemasGroup } from "./commands/schemas/command.ts";
import { templatesGroup } from "./commands/templates/command.ts";
import { toolsGroup } from "./commands/tools/command.ts";

const ROOT_DESCRIPTION = `Use large language models from the command line.

Store an API key, then run a prompt:

    $ llm keys set openai
    Enter key: ...
    $ llm 'Five names for a pet pelican'

Run 'llm prompt --help' for every prompt option.`;

/**
 * A fresh table of every command, rooted at `llm`, whose default command is `prompt`. It is a mutable tree:
 * plugins add commands with `addCommand` from `lib/commands/spec.ts`.
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
      openaiGroup(),
      completionCommand(),
    ],
  };
}
