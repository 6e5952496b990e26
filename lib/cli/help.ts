/**
 * Help, usage and version text, generated from the command table in the layout click gives Python llm:
 * `Usage:` line, description, `Options:` with aligned columns and wrapped help, `Commands:` for groups.
 *
 * @module
 */
import type { CommandSpec, OptionSpec } from "../commands/spec.ts";
import { VERSION } from "../version.ts";
import { userDir } from "../user/dir.ts";

/** Where the documentation is: the package's page, which shows the README, and links on from there. */
export const DOCS_URL = "https://jsr.io/@denollm/llm";

/** The widest help is 78 columns (80 minus a margin), the narrowest 50, as in click. */
function textWidth(columns: number): number {
  return Math.max(Math.min(columns, 80) - 2, 50);
}

/** Splits `text` into lines of at most `width` characters, breaking at spaces. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** The usage line after `Usage: `, e.g. `llm keys get [OPTIONS] NAME`. */
export function usageLine(programName: string, path: string[], command: CommandSpec): string {
  const parts = [programName, ...path, "[OPTIONS]"];
  if (command.subcommands) {
    parts.push("COMMAND [ARGS]...");
  }
  for (const arg of command.args ?? []) {
    const name = arg.name.toUpperCase();
    const shown = arg.required ? name : `[${name}]`;
    parts.push(arg.variadic ? `${shown}...` : shown);
  }
  return parts.join(" ");
}

/** The placeholder shown after an option's flags: `TEXT`, `INTEGER`, `<TEXT TEXT>...`, `[a|b]` or none. */
export function optionMetavar(spec: OptionSpec): string {
  if (spec.type === "boolean") return "";
  if (spec.metavar) return spec.metavar;
  if (spec.choices) return `[${spec.choices.join("|")}]`;
  if (spec.type === "integer") return "INTEGER";
  if (spec.type === "pair") return "<TEXT TEXT>...";
  return "TEXT";
}

/** The first help column of an option: its flags, short ones first, then the metavar. */
export function optionFlagsText(spec: OptionSpec): string {
  const flags = [...spec.flags].sort((a, b) => prefixLength(a) - prefixLength(b)).join(", ");
  const metavar = optionMetavar(spec);
  return metavar ? `${flags} ${metavar}` : flags;
}

function prefixLength(flag: string): number {
  return flag.startsWith("--") ? 2 : 1;
}

/** Lays out two columns as click does: the first at most 30 wide, the second wrapped beside it. */
function twoColumns(rows: [string, string][], width: number): string[] {
  const first = Math.min(Math.max(0, ...rows.map(([a]) => a.length)), 30);
  const helpStart = 2 + first + 2;
  const helpWidth = Math.max(width - helpStart, 10);
  const lines: string[] = [];
  for (const [left, right] of rows) {
    const wrapped = wrapText(right, helpWidth);
    if (left.length <= first) {
      lines.push(`  ${left.padEnd(first)}  ${wrapped.shift() ?? ""}`.trimEnd());
    } else {
      lines.push(`  ${left}`);
    }
    for (const line of wrapped) lines.push(" ".repeat(helpStart) + line);
  }
  return lines;
}

/**
 * Paragraphs of a description, indented 2 spaces. Paragraphs are separated by blank lines and wrapped to
 * the width; a paragraph whose lines start with a space (an example) is kept as written.
 */
function descriptionLines(text: string, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.trim().split(/\n\s*\n/)) {
    if (out.length) out.push("");
    if (paragraph.startsWith(" ")) {
      out.push(...paragraph.split("\n").map((l) => `  ${l}`.trimEnd()));
    } else {
      out.push(...wrapText(paragraph, width - 2).map((l) => `  ${l}`));
    }
  }
  return out;
}

/** A one-line summary cut to `limit` characters at a word boundary, ending in `...` when cut. */
function shortSummary(summary: string, limit: number): string {
  if (summary.length <= limit) return summary;
  let cut = "";
  for (const word of summary.split(" ")) {
    const next = cut ? `${cut} ${word}` : word;
    if (next.length + 3 > limit) break;
    cut = next;
  }
  return `${cut}...`;
}

/** The command rows of a group: the default child first, marked `*`, then the rest by name. */
function commandRows(command: CommandSpec, width: number): string[] {
  const visible = (command.subcommands ?? []).filter((c) => !c.hidden);
  const isDefault = (c: CommandSpec) => c.name === command.defaultSubcommand;
  // Code-point order, as Python's sorted() gives; localeCompare would also cost ~10 ms of ICU set-up.
  visible.sort((a, b) =>
    Number(isDefault(b)) - Number(isDefault(a)) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  );
  const names = visible.map((c) => (isDefault(c) ? `${c.name}*` : c.name));
  const nameWidth = Math.max(0, ...names.map((n) => n.length));
  const limit = width - 6 - nameWidth;
  return visible.map((c, i) =>
    `  ${names[i].padEnd(nameWidth)}  ${shortSummary(c.summary, limit)}`.trimEnd()
  );
}

/** What {@link renderHelp} needs to know about where the command sits. */
export interface HelpTarget {
  /** The root command's name, e.g. `llm`. */
  programName: string;
  /** Command names from the root. */
  path: string[];
  /** The command to describe. */
  command: CommandSpec;
  /** The root command shows `--version` among its options. */
  isRoot?: boolean;
}

/**
 * The full `--help` text of a command or group, ending in a newline.
 *
 * @example
 * ```ts
 * import { renderHelp } from "./help.ts";
 * const command = { name: "path", summary: "Print the path of keys.json" };
 * console.log(renderHelp({ programName: "llm", path: ["keys", "path"], command }, 80));
 * ```
 */
export function renderHelp(target: HelpTarget, columns = 80): string {
  const { command } = target;
  const width = textWidth(columns);
  const lines = [`Usage: ${usageLine(target.programName, target.path, command)}`, ""];
  lines.push(...descriptionLines(command.description ?? command.summary, width), "");
  if (target.isRoot) {
    // Not in Python llm's help: where the files are, and where to read more.
    lines.push(
      `  User directory: ${userDir()} (set LLM_USER_PATH for another)`,
      `  Documentation: ${DOCS_URL}`,
      "",
    );
  }
  const rows: [string, string][] = [];
  if (target.isRoot) rows.push(["--version", "Show the version and exit."]);
  for (const spec of command.options ?? []) {
    if (spec.hidden) continue;
    const env = spec.env ? ` [env var: ${spec.env}]` : "";
    rows.push([optionFlagsText(spec), spec.help + env]);
  }
  rows.push(["-h, --help", "Show this message and exit."]);
  lines.push("Options:", ...twoColumns(rows, width));
  if (command.subcommands) {
    lines.push("", "Commands:", ...commandRows(command, width));
  }
  return lines.join("\n") + "\n";
}

/**
 * What a usage error prints on stderr: the usage line, a hint to run `--help`, and the message.
 *
 * @example
 * ```ts
 * import { renderUsageError } from "./help.ts";
 * const command = { name: "prompt", summary: "Run a prompt", args: [{ name: "prompt" }] };
 * renderUsageError({ programName: "llm", path: ["prompt"], command }, "No such option '--frob'");
 * // Usage: llm prompt [OPTIONS] [PROMPT]\nTry 'llm prompt --help' for help.\n\nError: No such option '--frob'\n
 * ```
 */
export function renderUsageError(target: HelpTarget, message: string): string {
  const name = [target.programName, ...target.path].join(" ");
  return `Usage: ${usageLine(target.programName, target.path, target.command)}\n` +
    `Try '${name} --help' for help.\n\nError: ${message}\n`;
}

/** The `--version` line: `llm, version 0.1.0`. */
export function versionText(programName = "llm"): string {
  return `${programName}, version ${VERSION}\n`;
}
