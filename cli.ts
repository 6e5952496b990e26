/**
 * The `llm` command.
 *
 * @example
 * ```sh
 * deno run -A jsr:@denollm/llm/cli 'Five surprising names for a pet pelican'
 * deno install -g -A -n llm jsr:@denollm/llm/cli
 * ```
 *
 * @module
 */
import { main } from "./lib/cli/main.ts";

if (import.meta.main) Deno.exit(await main(Deno.args));
