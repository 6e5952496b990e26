/**
 * Shell completion for a command tree ({@link CommandSpec}, as `lib/cli/table.ts` builds it): given the words
 * typed so far and the one being typed, the candidates: subcommands, options (with their help), and values for
 * the options and arguments that name something, such as models, templates and fragments, which come from a
 * {@link CompletionSources}. A group with a default command (`llm` runs `prompt`) also offers that command's
 * options.
 *
 * @example
 * ```ts
 * import { complete } from "./completion.ts";
 * const root = { name: "llm", summary: "", subcommands: [{ name: "models", summary: "Manage models" }] };
 * complete(root, [], "mo"); // [{ value: "models", help: "Manage models" }]
 * ```
 * @module
 */
import type { CommandSpec, OptionSpec } from "../commands/spec.ts";

/** One thing the shell may put in place of the word being typed. */
export interface Candidate {
  /** The text. */
  value: string;
  /** A short description (shells that can show one do). */
  help?: string;
  /** `file` asks the shell to complete a path instead (the value is then the partial word). */
  type?: "plain" | "file";
}

/** Where the names that options and arguments take come from. */
export interface CompletionSources {
  /** Model ids and aliases. */
  models(): string[];
  /** Template names. */
  templates(): string[];
  /** Fragment aliases. */
  fragments(): string[];
  /** The user's model aliases. */
  aliases(): string[];
}

/** What kind of value an option or argument takes. */
type ValueKind = "models" | "templates" | "fragments" | "aliases" | "files" | "shells" | "none";

const OPTION_VALUES: Record<string, ValueKind> = {
  model: "models",
  template: "templates",
  fragment: "fragments",
  systemFragment: "fragments",
  database: "files",
  path: "files",
  attachment: "files",
};

/** The kind of value of positional argument `index` of the command at `path`. */
function argumentKind(path: string[], name: string): ValueKind {
  const where = path.join(" ");
  if (name === "shell") return "shells";
  if (name === "model" || name === "model_id") return "models";
  if (where.startsWith("templates") && name === "name") return "templates";
  if (
    where.startsWith("fragments") &&
    (name === "alias_or_hash" || (name === "alias" && where.endsWith("remove")))
  ) {
    return "fragments";
  }
  if (where === "fragments set" && name === "fragment") return "files";
  if (where.startsWith("aliases") && name === "alias") return "aliases";
  if (name === "path") return "files";
  return "none";
}

function valuesOf(kind: ValueKind, sources: CompletionSources, incomplete: string): Candidate[] {
  if (kind === "files") return [{ value: incomplete, type: "file" }];
  const values = kind === "models"
    ? sources.models()
    : kind === "templates"
    ? sources.templates()
    : kind === "fragments"
    ? sources.fragments()
    : kind === "aliases"
    ? sources.aliases()
    : kind === "shells"
    ? ["bash", "zsh", "fish"]
    : [];
  return [...new Set(values)].filter((v) => v.startsWith(incomplete)).map((value) => ({ value }));
}

function findOption(options: OptionSpec[], word: string): OptionSpec | undefined {
  const flag = word.includes("=") && word.startsWith("--") ? word.slice(0, word.indexOf("=")) : word;
  return options.find((o) => o.flags.includes(flag));
}

/** How many values follow an option's flag. */
function arity(option: OptionSpec): number {
  return option.type === "boolean" ? 0 : option.type === "pair" ? 2 : 1;
}

/**
 * The candidates for `incomplete`, the word being typed, after `words` (the complete words after the program
 * name).
 */
export function complete(
  root: CommandSpec,
  words: string[],
  incomplete: string,
  sources?: CompletionSources,
): Candidate[] {
  const none: CompletionSources = {
    models: () => [],
    templates: () => [],
    fragments: () => [],
    aliases: () => [],
  };
  const src = sources ?? none;
  let command = root;
  const path: string[] = [];
  let positional = 0;
  let pending: { option: OptionSpec; left: number } | null = null;
  let onlyArgs = false;
  const optionsOf = (c: CommandSpec) => c.options ?? [];
  const enterDefault = () => {
    const child = command.subcommands?.find((c) => c.name === command.defaultSubcommand);
    if (!child) return false;
    command = child;
    path.push(child.name);
    return true;
  };
  for (const word of words) {
    if (pending) {
      if (--pending.left <= 0) pending = null;
      continue;
    }
    if (word === "--") {
      onlyArgs = true;
      continue;
    }
    if (!onlyArgs && word.startsWith("-") && word.length > 1) {
      let option = findOption(optionsOf(command), word);
      if (!option && command.subcommands && enterDefault()) option = findOption(optionsOf(command), word);
      if (option && !word.includes("=") && arity(option) > 0) pending = { option, left: arity(option) };
      continue;
    }
    const child = command.subcommands?.find((c) => c.name === word);
    if (child) {
      command = child;
      path.push(child.name);
      positional = 0;
      continue;
    }
    if (command.subcommands && enterDefault()) {
      positional = 1;
      continue;
    }
    positional++;
  }
  if (pending) {
    const kind = OPTION_VALUES[pending.option.name] ?? "none";
    if (pending.option.choices) {
      return pending.option.choices.filter((c) => c.startsWith(incomplete)).map((value) => ({ value }));
    }
    return pending.left === arity(pending.option) ? valuesOf(kind, src, incomplete) : [];
  }
  if (incomplete.startsWith("-") && !onlyArgs) {
    const candidates: Candidate[] = [];
    const seen = new Set<string>();
    const addOptions = (c: CommandSpec, isRoot: boolean) => {
      const list = [...optionsOf(c).filter((o) => !o.hidden).map((o) => ({ flags: o.flags, help: o.help }))];
      if (isRoot) list.push({ flags: ["--version"], help: "Show the version and exit." });
      list.push({ flags: ["-h", "--help"], help: "Show this message and exit." });
      for (const o of list) {
        for (const flag of o.flags) {
          if (
            flag.startsWith(incomplete) && !seen.has(flag) &&
            (flag.startsWith("--") || incomplete.length <= 2)
          ) {
            seen.add(flag);
            candidates.push({ value: flag, help: o.help });
          }
        }
      }
    };
    addOptions(command, command === root);
    const fallback = command.subcommands?.find((c) => c.name === command.defaultSubcommand);
    if (fallback) addOptions(fallback, false);
    return candidates;
  }
  if (command.subcommands) {
    return command.subcommands.filter((c) => !c.hidden && c.name.startsWith(incomplete))
      .map((c) => ({ value: c.name, help: c.summary }));
  }
  const args = command.args ?? [];
  const arg = args[Math.min(positional, args.length - 1)];
  if (!arg || (positional >= args.length && !arg.variadic)) return [];
  return valuesOf(argumentKind(path, arg.name), src, incomplete);
}

/** Splits a command line into words as a shell would (quotes and backslashes; no expansions). */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
      else if (c === "\\" && quote === '"' && i + 1 < line.length) word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
