/**
 * The completion scripts `llm completion bash|zsh|fish` prints. Each defines a completion function that runs
 * the program again with `_LLM_COMPLETE=<shell>_complete` and the command line in `COMP_WORDS` and
 * `COMP_CWORD`, the protocol click uses for Python llm, and shows what it answers (see
 * {@link formatCandidates}). So completions always match the installed version and its plugins.
 *
 * @example
 * ```ts
 * import { completionScript } from "./completion_scripts.ts";
 * console.log(completionScript("bash")); // add to ~/.bashrc: eval "$(llm completion bash)"
 * ```
 * @module
 */
import type { Candidate } from "./completion.ts";

/** The shells with a completion script. */
export type Shell = "bash" | "zsh" | "fish";

/** The shells {@link completionScript} knows. */
export const SHELLS: readonly Shell[] = ["bash", "zsh", "fish"];

/** The environment variable that asks the program for completions instead of running a command. */
export function completeVariable(program: string): string {
  return `_${program.replace(/-/g, "_").toUpperCase()}_COMPLETE`;
}

/** The completion script for `shell`, for the program called `program` (default `llm`). */
export function completionScript(shell: Shell, program = "llm"): string {
  const fn = `_${program.replace(/[^A-Za-z0-9_]/g, "_")}_completion`;
  const variable = completeVariable(program);
  if (shell === "bash") {
    return `# bash completion for ${program}: add to ~/.bashrc
#   eval "$(${program} completion bash)"
${fn}() {
    local IFS=$'\\n'
    local response
    response=$(env COMP_WORDS="\${COMP_WORDS[*]}" COMP_CWORD=$COMP_CWORD ${variable}=bash_complete ${program} 2>/dev/null)
    COMPREPLY=()
    local completion type value
    for completion in $response; do
        type=\${completion%%,*}
        value=\${completion#*,}
        if [[ $type == file ]]; then
            compopt -o default 2>/dev/null
        elif [[ $type == plain ]]; then
            COMPREPLY+=("$value")
        fi
    done
    return 0
}
complete -o nosort -F ${fn} ${program} 2>/dev/null || complete -F ${fn} ${program}
`;
  }
  if (shell === "zsh") {
    return `#compdef ${program}
# zsh completion for ${program}: add to ~/.zshrc (after compinit)
#   eval "$(${program} completion zsh)"
${fn}() {
    local -a completions described response
    local type key descr
    response=("\${(@f)$(env COMP_WORDS="\${words[*]}" COMP_CWORD=$((CURRENT-1)) ${variable}=zsh_complete ${program} 2>/dev/null)}")
    for type key descr in "\${response[@]}"; do
        if [[ "$type" == plain ]]; then
            if [[ "$descr" == _ ]]; then completions+=("$key"); else described+=("$key:$descr"); fi
        elif [[ "$type" == file ]]; then
            _path_files -f
        fi
    done
    [[ -n "$described" ]] && _describe -V unsorted described -U
    [[ -n "$completions" ]] && compadd -U -V unsorted -a completions
    return 0
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
    ${fn} "$@"
else
    compdef ${fn} ${program}
fi
`;
  }
  return `# fish completion for ${program}: save as ~/.config/fish/completions/${program}.fish
#   ${program} completion fish > ~/.config/fish/completions/${program}.fish
function ${fn}
    set -l response (env ${variable}=fish_complete COMP_WORDS=(commandline -cp) COMP_CWORD=(commandline -t) ${program} 2>/dev/null)
    for completion in $response
        set -l parts (string split -m 1 "," -- $completion)
        if test "$parts[1]" = plain
            echo $parts[2]
        else if test "$parts[1]" = file
            __fish_complete_path $parts[2]
        end
    end
end
complete --no-files --command ${program} --arguments "(${fn})"
`;
}

/** Candidates as the script of `shell` reads them: `type,value` lines (bash), triplets (zsh), `type,value\thelp` (fish). */
export function formatCandidates(shell: Shell, candidates: Candidate[]): string {
  const lines: string[] = [];
  for (const c of candidates) {
    const type = c.type ?? "plain";
    const help = (c.help ?? "").replace(/\s+/g, " ").trim();
    if (shell === "bash") lines.push(`${type},${c.value}`);
    else if (shell === "zsh") lines.push(type, c.value.replace(/:/g, "\\:"), help || "_");
    else lines.push(`${type},${c.value}${help ? `\t${help}` : ""}`);
  }
  return lines.length ? lines.join("\n") + "\n" : "";
}
