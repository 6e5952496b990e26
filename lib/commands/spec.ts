/**
 * The declarative shape of the command line: commands, their options and arguments, and the context a
 * command's `run` receives. The table in `lib/cli/table.ts` is built from these types; plugins add commands with
 * {@link addCommand}.
 *
 * @module
 */
import { LlmError } from "../errors.ts";
import type { Io } from "./io.ts";

/** How an option's value is read from the command line. */
export type OptionType = "string" | "boolean" | "integer" | "pair";

/** One option of a command, e.g. `-m, --model TEXT`. */
export interface OptionSpec {
  /** Key of the parsed value in {@link CommandContext.values}, e.g. `model`. */
  name: string;
  /** Every spelling of the option, e.g. `["-m", "--model"]`. Short ones first. */
  flags: string[];
  /**
   * `string` and `integer` take one value; `boolean` takes none; `pair` takes two values
   * (`-o name value`) and parses to a `[string, string]` tuple.
   */
  type: OptionType;
  /** May be given more than once; the value is then an array (empty when absent). */
  multiple?: boolean;
  /** Placeholder shown in help, e.g. `FILE`. Defaults to `TEXT`, `INTEGER` or `<TEXT TEXT>...`. */
  metavar?: string;
  /** One line of help. */
  help: string;
  /** Environment variable used when the option is not given, e.g. `LLM_MODEL`. */
  env?: string;
  /** Value used when the option and its environment variable are both absent. */
  default?: string | number | boolean;
  /** Only these values are accepted (for `string` options). */
  choices?: string[];
  /** Accepted but not listed in help. */
  hidden?: boolean;
}

/** One positional argument of a command. */
export interface ArgSpec {
  /** Key of the parsed value in {@link CommandContext.args}; shown upper-cased in usage lines. */
  name: string;
  /** Must be given (a variadic required argument needs at least one value). */
  required?: boolean;
  /** Takes every remaining positional value, as an array. */
  variadic?: boolean;
}

/** What a command's `run` returns: an exit code, or nothing for 0. */
export type CommandResult = number | void;

/** The implementation of a command. */
export type RunCommand = (ctx: CommandContext) => Promise<CommandResult>;

/** One command or group of commands. */
export interface CommandSpec {
  /** The name typed on the command line, e.g. `list`. */
  name: string;
  /** One line shown in the parent's command list. */
  summary: string;
  /** Paragraphs shown under the usage line in `--help`; defaults to the summary. */
  description?: string;
  /** Positional arguments, in order. */
  args?: ArgSpec[];
  /** Options, in the order help lists them. */
  options?: OptionSpec[];
  /** Child commands; a command with children is a group. */
  subcommands?: CommandSpec[];
  /** The child used when the first word is not a child's name, or when nothing follows the group. */
  defaultSubcommand?: string;
  /** Not listed in the parent's help. */
  hidden?: boolean;
  /** The implementation; it should import its module lazily so startup loads only the table. */
  run?: RunCommand;
}

/** Parsed option values, keyed by {@link OptionSpec.name}. */
export type OptionValues = Record<string, unknown>;

/** Parsed positional arguments, keyed by {@link ArgSpec.name}. */
export type ArgValues = Record<string, string | string[] | undefined>;

/** What a command's `run` receives. */
export interface CommandContext {
  /** Command names from the root, e.g. `["models", "options", "set"]`. */
  path: string[];
  /** Option values: strings, numbers, booleans, `[name, value]` pairs, or arrays of them when `multiple`. */
  values: OptionValues;
  /** Positional arguments. */
  args: ArgValues;
  /** Where to write output and read input. */
  io: Io;
  /** The command being run. */
  command: CommandSpec;
}

/** Marks usage errors from any copy of this library (checked instead of `instanceof`). */
const USAGE_MARKER = Symbol.for("@denollm/llm.usage-error");

/**
 * A mistake in how a command was called: an unknown option, a missing argument, a bad value. The CLI prints
 * the command's usage line, a hint to run `--help`, and `Error: <message>`, then exits with code 2.
 * Commands throw it for bad parameters that parsing cannot catch.
 */
export class UsageError extends LlmError {
  /** Marks this as a usage error for {@link isUsageError}. */
  readonly [USAGE_MARKER] = true;
  /** The exit code: 2, as click uses for usage errors. */
  override exitCode = 2;
  /** Command names from the root, when known; the CLI fills it in for errors thrown by commands. */
  path?: string[];
  /** Creates the error; `path` names the command whose usage to show. */
  constructor(message: string, path?: string[]) {
    super(message);
    this.path = path;
  }
}

/** True for a {@link UsageError} from any copy of this library. */
export function isUsageError(error: unknown): error is UsageError {
  return typeof error === "object" && error !== null &&
    (error as Record<symbol, unknown>)[USAGE_MARKER] === true;
}

/** A command name that is already taken in its group. */
export class DuplicateCommandError extends LlmError {
  /** Creates the error for `name` under `parent`. */
  constructor(parent: string, name: string) {
    super(`Command '${name}' already exists in '${parent}'. Choose another name for the plugin command`);
  }
}

/**
 * Adds `cmd` to the group `parent` (used by plugins to register commands at run time).
 *
 * @example
 * ```ts
 * import { addCommand, type CommandSpec } from "./spec.ts";
 * const root: CommandSpec = { name: "llm", summary: "root", subcommands: [] };
 * addCommand(root, { name: "hello", summary: "Say hello", run: async (ctx) => ctx.io.stdout.write("hi\n") });
 * ```
 */
export function addCommand(parent: CommandSpec, cmd: CommandSpec): void {
  parent.subcommands ??= [];
  if (parent.subcommands.some((c) => c.name === cmd.name)) {
    throw new DuplicateCommandError(parent.name, cmd.name);
  }
  parent.subcommands.push(cmd);
}

/** The child of `group` called `name`, if any. */
export function findSubcommand(group: CommandSpec, name: string): CommandSpec | undefined {
  return group.subcommands?.find((c) => c.name === name);
}

/** The command at `path` below `root` (e.g. `["models", "options"]`), or undefined. */
export function findCommand(root: CommandSpec, path: string[]): CommandSpec | undefined {
  let cmd: CommandSpec | undefined = root;
  for (const name of path) {
    cmd = cmd && findSubcommand(cmd, name);
  }
  return cmd;
}
