/**
 * `llm completion bash|zsh|fish`, and the `_LLM_COMPLETE` protocol the scripts use: with
 * `_LLM_COMPLETE=<shell>_source` the program prints the script, with `<shell>_complete` the completions for
 * `COMP_WORDS`/`COMP_CWORD`. Neither runs a command, loads a model or sends a prompt.
 * @module
 */
import { LlmError } from "../../../models/errors.ts";
import { complete, splitWords } from "../../../terminal/completion.ts";
import {
  completeVariable,
  completionScript,
  formatCandidates,
  type Shell,
  SHELLS,
} from "../../../terminal/completion_scripts.ts";
import { userDirSources } from "../../../terminal/completion_values.ts";
import type { Io } from "../../../commands/io.ts";
import type { CommandContext, CommandSpec } from "../../../commands/spec.ts";

/** A shell, or a `_LLM_COMPLETE` value, this version does not know. */
export class UnknownShellError extends LlmError {
  /** Creates the error for `value`. */
  constructor(value: string, what = "shell") {
    super(`Unknown ${what} '${value}'. Use one of: ${SHELLS.join(", ")}`);
  }
}

function asShell(value: string, what?: string): Shell {
  if ((SHELLS as readonly string[]).includes(value)) return value as Shell;
  throw new UnknownShellError(value, what);
}

/** Runs `llm completion SHELL`. */
export function completionCommand(ctx: CommandContext): Promise<void> {
  ctx.io.stdout.write(completionScript(asShell(String(ctx.args.shell))));
  return Promise.resolve();
}

/**
 * Answers a `_LLM_COMPLETE=<value>` request for the command tree `root`; returns the exit code. The words
 * come from `COMP_WORDS` (the whole line, program name first) and `COMP_CWORD` (bash and zsh: the index of the
 * word being completed; fish: that word itself).
 */
export function answerCompletion(value: string, root: CommandSpec, io: Io): number {
  const match = value.match(/^(\w+)_(source|complete)$/);
  if (!match) {
    throw new LlmError(
      `Unknown ${completeVariable(root.name)} value '${value}'. Use <shell>_source or <shell>_complete, ` +
        `with a shell among ${SHELLS.join(", ")}`,
    );
  }
  const shell = asShell(match[1], `shell in ${completeVariable(root.name)}`);
  if (match[2] === "source") {
    io.stdout.write(completionScript(shell, root.name));
    return 0;
  }
  const line = Deno.env.get("COMP_WORDS") ?? "";
  const cword = Deno.env.get("COMP_CWORD") ?? "";
  let words = splitWords(line);
  let incomplete: string;
  if (shell === "fish") {
    incomplete = cword;
    if (incomplete && words[words.length - 1] === incomplete) words.pop();
    words = words.slice(1);
  } else {
    const index = Number.parseInt(cword, 10);
    const at = Number.isInteger(index) && index > 0 ? index : words.length;
    incomplete = words[at] ?? "";
    words = words.slice(1, at);
  }
  io.stdout.write(formatCandidates(shell, complete(root, words, incomplete, userDirSources())));
  return 0;
}
