/**
 * The CLI's entry point: loads `.env`, parses the command line against the command table, runs the command
 * and turns errors into output and exit codes, as Python llm does: usage errors print the usage line and
 * exit 2, other errors print `Error: <message>` and exit 1 (or the error's own `exitCode`).
 * Set `LLM_RAISE_ERRORS=1` to let errors through with their stack traces.
 *
 * @example
 * ```ts
 * import { main } from "./main.ts";
 * if (import.meta.main) Deno.exit(await main(Deno.args));
 * ```
 *
 * @module
 */
import { parseCommand } from "./args.ts";
import { loadDotenv } from "./dotenv.ts";
import { denoIo } from "./io.ts";
import { type CommandSpec, findCommand, isUsageError } from "../commands/spec.ts";
import { buildCommandTable } from "./table.ts";
import { userPath } from "../user/dir.ts";
import { lazyImport } from "../lazy_import.ts";
import { cliErrorMessage } from "./error_messages.ts";
import type { Io } from "../commands/io.ts";

/** Options for {@link main}. */
export interface MainOptions {
  /** The command tree to use instead of {@link commandTable} (tests, embedders). */
  root?: CommandSpec;
  /** Load `.env` from the working directory first (default true). */
  dotenv?: boolean;
}

let table: CommandSpec | undefined;

/** The process-wide command table, built on first use; plugins add their commands to it. */
export function commandTable(): CommandSpec {
  table ??= buildCommandTable();
  return table;
}

/**
 * Runs the CLI with `args` (without the program name) and returns the exit code.
 * Output goes to `io` (the real streams by default).
 */
export async function main(args: string[], io: Io = denoIo(), options: MainOptions = {}): Promise<number> {
  if (options.dotenv ?? true) await loadDotenv();
  const root = options.root ?? commandTable();
  let path: string[] = [];
  try {
    // Plugins: their commands join the table before parsing (recorded ones cost a read of plugins.json);
    // their models and loaders are activated before a command runs. With no plugin installed or named in
    // LLM_PLUGINS, the plugin machinery is not even imported.
    const pluginHook = pluginsMayBeInUse()
      ? await lazyImport<typeof import("./plugin_hook.ts")>("./plugin_hook.ts", import.meta.url)
      : undefined;
    await pluginHook?.preparePlugins(root, args);
    // Shell completion (the scripts of `llm completion`): answered here, and no command runs.
    const completing = Deno.env.get(`_${root.name.replace(/-/g, "_").toUpperCase()}_COMPLETE`);
    if (completing) {
      const { answerCompletion } = await lazyImport<typeof import("./commands/completion/run.ts")>(
        "./commands/completion/run.ts",
        import.meta.url,
      );
      return answerCompletion(completing, root, io);
    }
    const parsed = await parseCommand(root, args);
    path = parsed.path;
    if (parsed.version) {
      io.stdout.write((await loadHelp()).versionText(root.name));
      return 0;
    }
    const { command } = parsed;
    if (parsed.help || !command.run) {
      io.stdout.write(
        (await loadHelp()).renderHelp(
          { programName: root.name, path, command, isRoot: command === root },
          io.columns(),
        ),
      );
      return 0;
    }
    await pluginHook?.activatePlugins(root);
    const code = await command.run({ path, values: parsed.values, args: parsed.args, io, command });
    return typeof code === "number" ? code : 0;
  } catch (error) {
    return await report(error, { io, root, path });
  }
}

/** The help renderer, loaded only when help, the version or a usage error is printed. */
function loadHelp(): Promise<typeof import("./help.ts")> {
  return lazyImport<typeof import("./help.ts")>("./help.ts", import.meta.url);
}

/** True unless no plugin is installed (no plugins.json) and none is named in `LLM_PLUGINS`/`LLM_LOAD_PLUGINS`. */
function pluginsMayBeInUse(): boolean {
  if (Deno.env.get("LLM_PLUGINS")?.trim() || Deno.env.get("LLM_LOAD_PLUGINS")?.trim()) return true;
  try {
    Deno.statSync(userPath("plugins.json"));
    return true;
  } catch {
    return false;
  }
}

interface ReportContext {
  io: Io;
  root: CommandSpec;
  path: string[];
}

/** Prints `error` the way the CLI shows errors and returns the exit code. */
async function report(error: unknown, { io, root, path }: ReportContext): Promise<number> {
  const raise = Deno.env.get("LLM_RAISE_ERRORS");
  if (raise && raise !== "0") throw error;
  if (error instanceof Deno.errors.BrokenPipe) return 0; // e.g. `llm logs | head -n 1`
  const exitCode = (error as { exitCode?: unknown } | null)?.exitCode;
  const message = cliErrorMessage(error);
  if (isUsageError(error) || exitCode === 2) {
    const usagePath = (isUsageError(error) && error.path) || path;
    const command = findCommand(root, usagePath) ?? root;
    const { renderUsageError } = await loadHelp();
    io.stderr.write(renderUsageError({ programName: root.name, path: usagePath, command }, message));
    return 2;
  }
  io.stderr.write(`Error: ${message}\n`);
  return typeof exitCode === "number" && Number.isInteger(exitCode) && exitCode > 0 ? exitCode : 1;
}
