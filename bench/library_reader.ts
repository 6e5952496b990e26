/**
 * The library alone, for the streaming benchmark: `getModel("4o-mini").prompt(...)` from `mod.ts`, each chunk
 * written to stdout synchronously, nothing logged. The gap between this and `sdk_reader.ts` is what our
 * `Model`/`Response` layer costs; the gap between this and `llm -n` is the CLI's.
 *
 * `OPENAI_BASE_URL=<base url> deno run -A bench/library_reader.ts [prompt]`
 *
 * @module
 */
import { getModel } from "../mod.ts";

const encoder = new TextEncoder();
function writeAll(bytes: Uint8Array): void {
  while (bytes.length) bytes = bytes.subarray(Deno.stdout.writeSync(bytes));
}
for await (const chunk of getModel("4o-mini").prompt(Deno.args[0] ?? "hi")) writeAll(encoder.encode(chunk));
writeAll(encoder.encode("\n"));
