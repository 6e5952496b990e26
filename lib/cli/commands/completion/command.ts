/**
 * The flags of `llm completion`, not in Python llm: shell completion scripts (lib/terminal/completion_scripts.ts);
 * the behaviour is in `run.ts`, loaded when it runs.
 * @module
 */
import type { CommandSpec } from "../../../commands/spec.ts";
import { behaviourIn, leaf } from "../../command_builders.ts";

const run = behaviourIn(import.meta.url, "./run.ts");

/** `llm completion SHELL`. */
export function completionCommand(): CommandSpec {
  return leaf("completion", "Print a shell completion script", run("completionCommand"), {
    description: "Print a script that completes llm's commands, options, model ids and aliases, templates " +
      "and fragments in your shell.\n\n" +
      '    bash:  eval "$(llm completion bash)"   (in ~/.bashrc)\n' +
      '    zsh:   eval "$(llm completion zsh)"    (in ~/.zshrc, after compinit)\n' +
      "    fish:  llm completion fish > ~/.config/fish/completions/llm.fish",
    args: [{ name: "shell", required: true }],
  });
}
