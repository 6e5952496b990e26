/**
 * Helpers the command files use to declare their flags: options by their spellings, leaf commands whose
 * behaviour module (`run.ts` beside the command) loads only when they run, and groups whose commands are built
 * when first asked for. An option's value key is the camelCase form of its longest long flag (`--chain-limit`
 * gives `chainLimit`, `--cid, --conversation` gives `conversation`).
 * @module
 */
import type {
  CommandContext,
  CommandResult,
  CommandSpec,
  OptionSpec,
  OptionType,
  RunCommand,
} from "../commands/spec.ts";
import { LlmError } from "../errors.ts";
import { lazyImport } from "../lazy_import.ts";

/** A command whose behaviour module has no such export. */
export class NotImplementedError extends LlmError {
  /** Creates the error for the command `llm <path>`. */
  constructor(path: string[]) {
    super(`'llm ${path.join(" ")}' is not implemented yet`);
  }
}

function camelCase(flag: string): string {
  return flag.replace(/^-+/, "").replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Builds an option from `"-m --model"`; its name is the camelCase of its longest long flag. */
export function o(
  flags: string,
  type: OptionType,
  help: string,
  extra: Partial<OptionSpec> = {},
): OptionSpec {
  const list = flags.split(" ");
  const longest = list.filter((f) => f.startsWith("--")).sort((a, b) => b.length - a.length)[0] ?? list[0];
  return { name: camelCase(longest), flags: list, type, help, ...extra };
}

/** The option may be given more than once. */
export const many: Partial<OptionSpec> = { multiple: true };

/**
 * The runs of the commands whose behaviour is in `module` (resolved against `base`, the command file's
 * `import.meta.url`): `behaviour("keysList")` is a `run` that imports the module on first use and calls that
 * export. The specifier is computed, so starting the CLI loads none of the behaviour modules (Deno loads the
 * module graph of every literal dynamic import at startup).
 */
export function behaviourIn(base: string, module: string): (exportName: string) => RunCommand {
  return (exportName) => async (ctx: CommandContext): Promise<CommandResult> => {
    const behaviour = (await lazyImport<Record<string, unknown>>(module, base))[exportName];
    if (typeof behaviour !== "function") throw new NotImplementedError(ctx.path);
    return await (behaviour as RunCommand)(ctx);
  };
}

/** Builds a leaf command. */
export function leaf(
  name: string,
  summary: string,
  run: RunCommand,
  more: Partial<CommandSpec> = {},
): CommandSpec {
  return { name, summary, run, ...more };
}

/** Gives `command` options that are built the first time they are asked for (prompt and chat have many). */
export function withLazyOptions(command: CommandSpec, build: () => OptionSpec[]): CommandSpec {
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
export function group(name: string, summary: string, subcommands: () => CommandSpec[]): CommandSpec {
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
