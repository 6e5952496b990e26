/**
 * The library alone, writing as the bare reader does: `getModel("4o-mini").prompt(...)` from `mod.ts`, read with
 * `eventBatches()` (everything one network read delivered, together) and one stdout write per batch, nothing
 * logged. Next to bench/bare_reader.ts (one write per network read) this is what our `Model`/`Response` layer
 * and its start-up cost; bench/library_reader.ts, one write per chunk, shows what writing each chunk costs.
 *
 * `OPENAI_BASE_URL=<base url> deno run -A bench/library_batches_reader.ts [prompt]`
 *
 * @module
 */
import { getModel } from "../mod.ts";

const encoder = new TextEncoder();
function writeAll(bytes: Uint8Array): void {
  while (bytes.length) bytes = bytes.subarray(Deno.stdout.writeSync(bytes));
}
for await (const batch of getModel("4o-mini").prompt(Deno.args[0] ?? "hi").eventBatches()) {
  let text = "";
  for (const event of batch) if (event.type === "text") text += event.chunk;
  if (text) writeAll(encoder.encode(text));
}
writeAll(encoder.encode("\n"));
