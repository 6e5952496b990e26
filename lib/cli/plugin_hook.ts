/**
 * What the CLI does with plugins. Before it parses the command line ({@link preparePlugins}): add plugin
 * commands to the command table, and import the plugins named in `LLM_PLUGINS` (their commands are only known
 * once they are imported). A recorded command of an installed plugin is only a name and summary (so
 * `llm --help` lists it) until it is the command being run; then its plugin is imported and its real command,
 * with its options, takes the place. Before a command runs ({@link activatePlugins}): register the installed
 * plugins' models and loaders. `llm --version` and help skip that step, and with it the model registry and
 * every model class.
 * @module
 */
import { addCommand, type CommandSpec, findSubcommand } from "../commands/spec.ts";
import { lazyImport } from "../lazy_import.ts";
import { activePluginNames, enabledRecords, pluginsFromEnv, warnPlugin } from "../plugins/enabled.ts";
import { errorMessage, PluginError } from "../plugins/errors.ts";
import type { PluginRecord } from "../plugins/record.ts";

const prepared = new WeakSet<CommandSpec>();
const activated = new WeakSet<CommandSpec>();

/** The plugin runtime (and with it the model registry and every model class), loaded when plugins run. */
function loadRuntime(): Promise<typeof import("../plugins/runtime.ts")> {
  return lazyImport<typeof import("../plugins/runtime.ts")>("../plugins/runtime.ts", import.meta.url);
}

/**
 * Makes plugins available to the command about to run (once per command table): the installed plugins'
 * models, template and fragment loaders, and the plugins named in `LLM_PLUGINS`.
 */
export async function activatePlugins(root: CommandSpec): Promise<void> {
  if (activated.has(root)) return;
  // With no plugin installed, named in LLM_PLUGINS or active, there is nothing to activate: the plugin runtime
  // (18 modules, and node:path and node:url) is not loaded for the run (checked again on the next command).
  if (!pluginsFromEnv().length && !activePluginNames().length && !enabledRecords().length) return;
  activated.add(root);
  const { loadPlugins } = await lazyImport<typeof import("../plugins/activate.ts")>(
    "../plugins/activate.ts",
    import.meta.url,
  );
  await loadPlugins();
}

/** The model a command line names with `-m`/`--model`, unless it asks for help or the version. */
function modelArg(args: string[]): string | undefined {
  if (args.some((a) => a === "--help" || a === "-h" || a === "--version")) return undefined;
  for (let i = 0; i < args.length; i++) {
    if ((args[i] === "-m" || args[i] === "--model") && i + 1 < args.length) return args[i + 1];
    if (args[i].startsWith("--model=")) return args[i].slice("--model=".length);
  }
  return undefined;
}

/**
 * Starts the Worker of the sandboxed plugin whose model the command line names, while the rest of the command
 * gets ready: its start then overlaps the CLI's own. Nothing waits for it; a failure shows when the model runs.
 */
function prewarmSandbox(records: PluginRecord[], args: string[]): void {
  const name = modelArg(args);
  if (!name) return;
  const record = records.find((r) =>
    (r.grant || (Deno.env.get("LLM_PLUGIN_SANDBOX") ?? "").trim().toLowerCase() === "strict") &&
    [...r.models, ...r.embeddingModels].some((m) => m.id === name || m.aliases.includes(name))
  );
  if (!record) return;
  void lazyImport<typeof import("../plugins/sandbox_hosts.ts")>(
    "../plugins/sandbox_hosts.ts",
    import.meta.url,
  )
    .then(({ prewarmHost }) => prewarmHost(record, record.grant?.permissions ?? {}))
    .catch(() => {});
}

/** The command word of a command line: its first argument that is not an option. */
function commandWord(args: string[]): string | undefined {
  return args.find((a) => !a.startsWith("-"));
}

async function realCommand(record: PluginRecord, name: string): Promise<CommandSpec> {
  const loaded = await (await loadRuntime()).loadRecordedPlugin(record);
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
 * Adds plugin commands to `root` for one run of the CLI with `args` (once per root). Imports no plugin and
 * no model code unless plugins are named in `LLM_PLUGINS` or active in this process, or the command being run
 * is a plugin's.
 *
 * @throws {PluginError} when the command being run belongs to a plugin that cannot be loaded.
 */
export async function preparePlugins(root: CommandSpec, args: string[]): Promise<void> {
  if (prepared.has(root)) return;
  prepared.add(root);
  const word = commandWord(args);
  // Plugins named in LLM_PLUGINS, or activated in this process (loadPlugin()), bring their own commands.
  if (pluginsFromEnv().length || activePluginNames().length) {
    await activatePlugins(root);
    for (const { name, collected } of (await loadRuntime()).activePlugins()) {
      for (const command of collected.commands) tryAdd(root, command, name);
    }
  }
  const activeNames = activePluginNames();
  prewarmSandbox(enabledRecords().filter((r) => !activeNames.includes(r.name)), args);
  for (const record of enabledRecords()) {
    if (activeNames.includes(record.name)) continue;
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
