/**
 * Command-line parsing driven by the command table. The words before the options pick the command (a group
 * falls back to its default child, as click-default-group does in Python llm); the rest is read as that
 * command's options and arguments.
 *
 * A first pass reads two-value `pair` options (`-o name value`), takes the next word as an option's value even
 * when it starts with a dash (`-n -1`), expands short flag groups (`-xn 2`), and reports unknown options with
 * click's wording. It rewrites every option as `--name` or `--name=value`, which a second pass gathers into
 * the values (the last one wins, `multiple` options collect them all). No `node:util`: its `parseArgs` cost a
 * Deno process about 20 ms to load, on every command line with an option.
 *
 * @module
 */
import {
  type ArgValues,
  type CommandSpec,
  findSubcommand,
  type OptionSpec,
  type OptionValues,
  UsageError,
} from "../commands/spec.ts";

/**
 * Formerly loaded `node:util`'s `parseArgs` for {@link parseCommandLine}; the parser needs nothing loaded now.
 * Kept so that callers that prepare the parser still work.
 */
export function loadParseArgs(): Promise<void> {
  return Promise.resolve();
}

/** {@link parseCommandLine}, as a promise (for the CLI's entry point). */
export function parseCommand(root: CommandSpec, argv: string[]): Promise<ParsedCommandLine> {
  try {
    return Promise.resolve(parseCommandLine(root, argv));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** The outcome of {@link parseCommandLine}. */
export interface ParsedCommandLine {
  /** The command that was picked (a group when help was asked for it). */
  command: CommandSpec;
  /** Command names from the root, e.g. `["logs", "list"]`. */
  path: string[];
  /** Option values keyed by {@link OptionSpec.name}. */
  values: OptionValues;
  /** Positional arguments keyed by their {@link ArgSpec} name. */
  args: ArgValues;
  /** `-h` or `--help` was given: show the command's help instead of running it. */
  help: boolean;
  /** `--version` was given to the root command. */
  version: boolean;
}

const HELP_FLAGS = new Set(["-h", "--help"]);

/**
 * Parses `argv` (without the program name) against the command tree `root`.
 * Throws a {@link UsageError} (exit code 2) for unknown options, missing values or arguments, values that
 * are not valid integers or choices, and extra arguments.
 *
 * @example
 * ```ts
 * import { parseCommandLine } from "./args.ts";
 * import { buildCommandTable } from "./table.ts";
 * const parsed = parseCommandLine(buildCommandTable(), ["logs", "-n", "1"]);
 * console.log(parsed.path, parsed.values.count); // ["logs", "list"] 1
 * ```
 */
export function parseCommandLine(root: CommandSpec, argv: string[]): ParsedCommandLine {
  let command = root;
  const path: string[] = [];
  let i = 0;
  while (command.subcommands) {
    const word = argv[i];
    if (word !== undefined && HELP_FLAGS.has(word)) {
      return { command, path, values: {}, args: {}, help: true, version: false };
    }
    if (word === "--version" && command === root) {
      return { command, path, values: {}, args: {}, help: false, version: true };
    }
    const child = word === undefined || word.startsWith("-") ? undefined : findSubcommand(command, word);
    if (child) {
      i++;
    }
    const next = child ??
      (command.defaultSubcommand ? findSubcommand(command, command.defaultSubcommand) : undefined);
    if (!next) {
      if (word === undefined) return { command, path, values: {}, args: {}, help: true, version: false };
      const message = word.startsWith("-") ? `No such option '${word}'` : `No such command '${word}'`;
      throw new UsageError(message, path);
    }
    command = next;
    path.push(next.name);
  }
  return { command, path, ...parseOptions(command, argv.slice(i), path) };
}

/** Parses the options and arguments of one (non-group) command. */
function parseOptions(
  command: CommandSpec,
  argv: string[],
  path: string[],
): Pick<ParsedCommandLine, "values" | "args" | "help" | "version"> {
  const specs = command.options ?? [];
  const { tokens, positionals, help } = normalize(specs, argv, path);
  if (help) return { values: {}, args: {}, help: true, version: false };
  const raws = gather(specs, tokens);
  const values: OptionValues = {};
  for (const spec of specs) values[spec.name] = finishValue(spec, raws.get(spec.name), path);
  return { values, args: assignArgs(command, positionals, path), help: false, version: false };
}

/**
 * The second pass: the raw value of each option named in `tokens` (`--name` is `true`, `--name=value` the
 * text after the first `=`); the last one wins, except for `multiple` options, which collect them in order.
 */
function gather(specs: OptionSpec[], tokens: string[]): Map<string, unknown> {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const raws = new Map<string, unknown>();
  for (const token of tokens) {
    const eq = token.indexOf("=");
    const name = eq < 0 ? token.slice(2) : token.slice(2, eq);
    const value = eq < 0 ? true : token.slice(eq + 1);
    if (byName.get(name)?.multiple) {
      const list = (raws.get(name) as unknown[] | undefined) ?? [];
      list.push(value);
      raws.set(name, list);
    } else raws.set(name, value);
  }
  return raws;
}

interface Normalized {
  tokens: string[];
  positionals: string[];
  help: boolean;
}

/** The first pass: rewrites every option as `--name[=value]`, and sets positional words apart. */
function normalize(specs: OptionSpec[], argv: string[], path: string[]): Normalized {
  const byFlag = new Map<string, OptionSpec>();
  for (const spec of specs) for (const flag of spec.flags) byFlag.set(flag, spec);
  const tokens: string[] = [];
  const positionals: string[] = [];
  let help = false;
  let i = 0;

  /** Reads the value(s) of `spec`, given as `flag`; `inline` is text attached to the flag. */
  const take = (spec: OptionSpec, flag: string, inline: string | undefined) => {
    if (spec.type === "boolean") {
      if (inline !== undefined) throw new UsageError(`Option '${flag}' does not take a value`, path);
      tokens.push(`--${spec.name}`);
      return;
    }
    const needed = spec.type === "pair" ? 2 : 1;
    const found: string[] = inline === undefined ? [] : [inline];
    while (found.length < needed && i < argv.length) found.push(argv[i++]);
    if (found.length < needed) {
      const what = needed === 1 ? "an argument" : `${needed} arguments`;
      throw new UsageError(`Option '${flag}' requires ${what}`, path);
    }
    tokens.push(`--${spec.name}=${spec.type === "pair" ? JSON.stringify(found) : found[0]}`);
  };

  let onlyPositionals = false;
  while (i < argv.length) {
    const word = argv[i++];
    if (onlyPositionals || word === "-" || !word.startsWith("-") || isNegativeNumber(word, byFlag)) {
      positionals.push(word);
    } else if (word === "--") {
      onlyPositionals = true;
    } else if (word.startsWith("--")) {
      const eq = word.indexOf("=");
      const flag = eq === -1 ? word : word.slice(0, eq);
      const inline = eq === -1 ? undefined : word.slice(eq + 1);
      if (HELP_FLAGS.has(flag)) {
        if (inline !== undefined) throw new UsageError(`Option '${flag}' does not take a value`, path);
        help = true;
        continue;
      }
      const spec = byFlag.get(flag);
      if (!spec) throw noSuchOption(flag, [...byFlag.keys()], path);
      take(spec, flag, inline);
    } else {
      // One short flag (-x), a flag with its value attached (-n5), or a group of flags (-xn 5).
      for (let c = 1; c < word.length; c++) {
        const flag = `-${word[c]}`;
        if (flag === "-h") {
          help = true;
          continue;
        }
        const spec = byFlag.get(flag);
        if (!spec) throw noSuchOption(flag, [...byFlag.keys()], path);
        if (spec.type === "boolean") {
          take(spec, flag, undefined);
          continue;
        }
        const rest = word.slice(c + 1);
        take(spec, flag, rest === "" ? undefined : rest);
        break;
      }
    }
  }
  return { tokens, positionals, help };
}

function isNegativeNumber(word: string, byFlag: Map<string, OptionSpec>): boolean {
  return /^-\d+(\.\d+)?$/.test(word) && !byFlag.has(word.slice(0, 2));
}

function noSuchOption(flag: string, known: string[], path: string[]): UsageError {
  const best = closestMatch(flag, known);
  const hint = best ? ` Did you mean '${best}'?` : "";
  return new UsageError(`No such option '${flag}'.${hint}`.replace(/\.$/, ""), path);
}

/** The known flag most like `flag`, when it is close enough to be a likely typo. */
function closestMatch(flag: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestScore = 0.6;
  for (const candidate of known) {
    const score = 1 - editDistance(flag, candidate) / Math.max(flag.length, candidate.length);
    if (score >= bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length];
}

/** How click names an option in messages: `'-n' / '--count'`. */
export function optionLabel(spec: OptionSpec): string {
  return spec.flags.map((f) => `'${f}'`).join(" / ");
}

/** Converts one option's raw value, then falls back to its environment variable and its default. */
function finishValue(spec: OptionSpec, raw: unknown, path: string[]): unknown {
  if (spec.multiple) {
    const list = (raw as string[] | undefined) ?? [];
    if (list.length === 0 && spec.env) {
      const fromEnv = Deno.env.get(spec.env);
      if (fromEnv) return [convert(spec, fromEnv, path)];
    }
    return list.map((v) => convert(spec, v, path));
  }
  if (raw !== undefined) return spec.type === "boolean" ? raw : convert(spec, raw as string, path);
  const fromEnv = spec.env ? Deno.env.get(spec.env) : undefined;
  if (fromEnv) {
    return spec.type === "boolean" ? envBoolean(spec, fromEnv, path) : convert(spec, fromEnv, path);
  }
  if (spec.default !== undefined) return spec.default;
  return spec.type === "boolean" ? false : undefined;
}

function convert(spec: OptionSpec, raw: string, path: string[]): unknown {
  switch (spec.type) {
    case "integer": {
      const trimmed = raw.trim();
      if (!/^[-+]?\d+$/.test(trimmed)) {
        throw new UsageError(`Invalid value for ${optionLabel(spec)}: '${raw}' is not a valid integer`, path);
      }
      return Number(trimmed);
    }
    case "pair":
      return JSON.parse(raw) as [string, string];
    default:
      if (spec.choices && !spec.choices.includes(raw)) {
        const allowed = spec.choices.map((c) => `'${c}'`).join(", ");
        throw new UsageError(
          `Invalid value for ${optionLabel(spec)}: '${raw}' is not one of ${allowed}`,
          path,
        );
      }
      return raw;
  }
}

const TRUE_WORDS = new Set(["1", "true", "t", "yes", "y", "on"]);
const FALSE_WORDS = new Set(["0", "false", "f", "no", "n", "off"]);

function envBoolean(spec: OptionSpec, raw: string, path: string[]): boolean {
  const word = raw.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new UsageError(
    `Invalid value for ${optionLabel(spec)} from ${spec.env}: '${raw}' is not a valid boolean. Use 1 or 0`,
    path,
  );
}

/** Gives each positional word to its argument, in order. */
function assignArgs(command: CommandSpec, words: string[], path: string[]): ArgValues {
  const args: ArgValues = {};
  let next = 0;
  for (const spec of command.args ?? []) {
    if (spec.variadic) {
      const rest = words.slice(next);
      next = words.length;
      if (spec.required && rest.length === 0) {
        throw new UsageError(`Missing argument '${spec.name.toUpperCase()}...'`, path);
      }
      args[spec.name] = rest;
    } else if (next < words.length) {
      args[spec.name] = words[next++];
    } else if (spec.required) {
      throw new UsageError(`Missing argument '${spec.name.toUpperCase()}'`, path);
    } else {
      args[spec.name] = undefined;
    }
  }
  const extra = words.slice(next);
  if (extra.length > 0) {
    const noun = extra.length === 1 ? "argument" : "arguments";
    throw new UsageError(`Got unexpected extra ${noun} (${extra.join(" ")})`, path);
  }
  return args;
}
