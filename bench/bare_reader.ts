/**
 * The loopback limit for the streaming benchmark: the least a Deno program can do to print a streamed chat
 * completion. It POSTs the request with `fetch`, and for each network read writes the text of the complete
 * `data:` events in it to stdout in one write. No SDK, no logging, no options.
 *
 * `deno run -A bench/bare_reader.ts <base url> [model] [prompt]`
 *
 * @module
 */

const [baseUrl, model = "gpt-4o-mini", prompt = "hi"] = Deno.args;
if (!baseUrl) {
  console.error("Usage: bare_reader.ts <base url, e.g. http://127.0.0.1:8080/v1> [model] [prompt]");
  Deno.exit(2);
}

const response = await fetch(`${baseUrl}/chat/completions`, {
  method: "POST",
  headers: { "content-type": "application/json", authorization: "Bearer sk-bench" },
  body: JSON.stringify({ model, stream: true, messages: [{ role: "user", content: prompt }] }),
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
    if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
    const content = JSON.parse(line.slice(6)).choices?.[0]?.delta?.content;
    if (typeof content === "string") text += content;
  }
  if (text) writeAll(encoder.encode(text));
}
writeAll(encoder.encode("\n"));
