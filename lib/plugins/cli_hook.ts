/**
 * What the CLI does with plugins before it parses the command line: register the installed plugins' models
 * (from plugins.json), import those named in `LLM_PLUGINS`, and add plugin commands to the command table.
 * A recorded command is only a name and summary (so `llm --help` lists it) until it is the command being run;
 * then its plugin is imported and its real command, with its options, takes the place.
 * @module
 */
import { addCommand, type CommandSpec, findSubcommand } from "../cli/spec.ts";
import { errorMessage, PluginError } from "./errors.ts";
import type { PluginRecord } from "./record.ts";
import { loadPlugins } from "./activate.ts";
import { activePlugins, enabledRecords, loadRecordedPlugin, warnPlugin } from "./runtime.ts";

const prepared = new WeakSet<CommandSpec>();

/** The command word of a command line: its first argument that is not an option. */
function commandWord(args: string[]): string | undefined {
  return args.find((a) => !a.startsWith("-"));
}

async function realCommand(record: PluginRecord, name: string): Promise<CommandSpec> {
  const loaded = await loadRecordedPlugin(record);
  const command = loaded.collected.commands.find((c) => c.name === name);
  if (!command) {
    throw new PluginError(
      record.name,
      `Plugin '${record.name}' no longer provides the command '${name}'. Run 'llm --help' to list commands`,
    );
  }
  return command;
}

function tryAdd(root: CommandSpec, command: CommandSpec, plugin: string): void {
  if (findSubcommand(root, command.name)) {
    warnPlugin(plugin, `its command '${command.name}' has the name of another command and was left out`);
    return;
  }
  try {
    addCommand(root, command);
  } catch (error) {
    warnPlugin(plugin, errorMessage(error));
  }
}

/**
 * Sets up plugins for one run of the CLI with `args`, adding plugin commands to `root` (once per root).
 *
 * @throws {PluginError} when the command being run belongs to a plugin that cannot be loaded.
 */
export async function preparePlugins(root: CommandSpec, args: string[]): Promise<void> {
  if (prepared.has(root)) return;
  prepared.add(root);
  await loadPlugins();
  const word = commandWord(args);
  for (const { name, collected } of activePlugins()) {
    for (const command of collected.commands) tryAdd(root, command, name);
  }
  const activeNames = new Set(activePlugins().map((p) => p.name));
  for (const record of enabledRecords()) {
    if (activeNames.has(record.name)) continue;
    for (const { name, summary } of record.commands) {
      if (findSubcommand(root, name)) {
        warnPlugin(record.name, `its command '${name}' has the name of another command and was left out`);
      } else if (name === word) {
        addCommand(root, await realCommand(record, name));
      } else {
        addCommand(root, {
          name,
          summary,
          run: async (ctx) => await (await realCommand(record, name)).run?.(ctx),
        });
      }
    }
  }
}
