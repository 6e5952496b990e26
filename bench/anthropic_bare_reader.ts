/**
 * The loopback limit for the Claude streaming benchmark: the least a Deno program can do to print a streamed
 * Messages API answer. It POSTs the request with `fetch`, and for each network read writes the text of the
 * `text_delta` events in it to stdout in one write. No plugin, no logging, no options.
 *
 * `deno run -A bench/anthropic_bare_reader.ts <base url> [prompt]`
 *
 * @module
 */

const [baseUrl, prompt = "hi"] = Deno.args;
if (!baseUrl) {
  console.error("Usage: anthropic_bare_reader.ts <base url, e.g. http://127.0.0.1:8080> [prompt]");
  Deno.exit(2);
}

const response = await fetch(`${baseUrl}/v1/messages`, {
  method: "POST",
  headers: { "content-type": "application/json", "x-api-key": "sk-bench", "anthropic-version": "2023-06-01" },
  body: JSON.stringify({
    model: "claude-haiku-4-5-20251001",
    max_tokens: 64000,
    stream: true,
    messages: [{ role: "user", content: [{ type: "text", text: prompt }] }],
  }),
});
if (!response.ok || !response.body) {
  console.error(`HTTP ${response.status}`);
  Deno.exit(1);
}

/** Writes all of `bytes` to stdout synchronously, as the CLI does. */
function writeAll(bytes: Uint8Array): void {
  while (bytes.length) bytes = bytes.subarray(Deno.stdout.writeSync(bytes));
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();
let pending = "";
for await (const bytes of response.body) {
  pending += decoder.decode(bytes, { stream: true });
  const lines = pending.split("\n");
  pending = lines.pop() ?? "";
  let text = "";
  for (const line of lines) {
    if (!line.startsWith("data: ")) continue;
    const event = JSON.parse(line.slice(6));
    if (event.type === "content_block_delta" && event.delta?.type === "text_delta") text += event.delta.text;
  }
  if (text) writeAll(encoder.encode(text));
}
writeAll(encoder.encode("\n"));
