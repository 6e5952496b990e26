/**
 * Whether model output is rendered as Markdown: only when it goes to a terminal, and never with `NO_COLOR`
 * set, with `TERM=dumb`, with `--raw`, with `LLM_MARKDOWN=0` (or `off`, `false`, `no`) in the environment, or
 * with a file named `markdown-off` in the user directory (the setting that keeps it off for good:
 * `touch "$(dirname "$(llm logs path)")/markdown-off"`).
 *
 * @example
 * ```ts
 * import { markdownWanted } from "./markdown_mode.ts";
 * markdownWanted(Deno.stdout, { raw: false }); // false when stdout is piped
 * ```
 * @module
 */
import { userPath } from "../user/dir.ts";

/** The name of the file in the user directory that turns Markdown rendering off. */
export const MARKDOWN_OFF_FILE = "markdown-off";

/** True when text for `stream` should be rendered as Markdown; see the module doc for what turns it off. */
export function markdownWanted(stream: { isTerminal(): boolean }, options: { raw?: boolean } = {}): boolean {
  if (options.raw || !stream.isTerminal()) return false;
  if (Deno.env.get("NO_COLOR") || Deno.env.get("TERM") === "dumb") return false;
  const setting = Deno.env.get("LLM_MARKDOWN")?.trim().toLowerCase();
  if (setting && ["0", "off", "false", "no"].includes(setting)) return false;
  try {
    Deno.statSync(userPath(MARKDOWN_OFF_FILE));
    return false;
  } catch {
    return true;
  }
}
