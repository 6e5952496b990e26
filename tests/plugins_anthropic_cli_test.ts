/**
 * Claude conversations logged by Python `llm` with `llm-anthropic` (tests/fixtures/anthropic-python/logs.db),
 * continued with this CLI (`llm --cid ...`) against the loopback API: the history read back from logs.db is
 * sent as the Python plugin sends it (thinking with its signature, tool calls and results with their ids,
 * web search blocks as they came), and `llm logs` reads Python's Claude turns.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "./support/run_cli.ts";
import { anthropicExchange, type AnthropicServer, startAnthropicServer } from "./support/anthropic_server.ts";

const PYTHON_DB = fileURLToPath(new URL("./fixtures/anthropic-python/logs.db", import.meta.url));

/** Thread ids in Python's logs.db (see record.sh for the commands that made them). */
const THREADS = {
  prompt: "01m8snd93z0cgwahhb1hp36zx4",
  thinking: "01m8sndcyge3sz852y0bv3rqbg",
  webSearch: "01m8sndthv76esa4d88vkd9aqn",
  toolChain: "01m8snevw9j0jyqb3kse0e0e8m",
};

async function withPythonLogs(
  fn: (llm: (...args: string[]) => ReturnType<typeof runCli>, server: AnthropicServer) => Promise<void>,
): Promise<void> {
  await using server = await startAnthropicServer();
  const user = await Deno.makeTempDir({ prefix: "llm-user-" });
  try {
    await Deno.copyFile(PYTHON_DB, join(user, "logs.db"));
    const env = { LLM_USER_PATH: user, ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: "sk-ant-test" };
    const llm = (...args: string[]) => runCli(args, { env });
    const installed = await llm("install", "llm-anthropic", "--yes");
    assert.equal(installed.code, 0, installed.stderr);
    await fn(llm, server);
  } finally {
    await Deno.remove(user, { recursive: true });
  }
}

Deno.test("a Python-logged Claude conversation continues with the request Python's plugin sent", () =>
  withPythonLogs(async (llm, server) => {
    server.enqueue({ kind: "recorded", file: "async-prompt", index: 1 });
    const out = await llm("--cid", THREADS.prompt, "in french", "-o", "max_tokens", "8192");
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, "- Capitaine\n- Bec (beak)\n");
    assert.deepEqual(server.requests.at(-1)!.body, anthropicExchange("async-prompt", 1).request.body);
  }));

Deno.test("thinking, tool rounds and web search from Python's logs go back as Anthropic blocks", () =>
  withPythonLogs(async (llm, server) => {
    let out = await llm("--cid", THREADS.thinking, "One more");
    assert.equal(out.code, 0, out.stderr);
    let sent = server.requests.at(-1)!.body.messages;
    assert.deepEqual(sent.map((m: { role: string }) => m.role), ["user", "assistant", "user"]);
    assert.deepEqual(sent[1].content.map((b: { type: string }) => b.type), ["thinking", "text"]);
    assert.equal(
      sent[1].content[0].signature,
      anthropicExchange("parts-thinking").response.body.match(/"signature":"(E[^"]+)"/)![1],
    );

    out = await llm("--cid", THREADS.toolChain, "Another joke");
    assert.equal(out.code, 0, out.stderr);
    sent = server.requests.at(-1)!.body.messages;
    const recorded =
      anthropicExchange("fixed-version-tool-chain-with-thinking-display-regression", 1).request.body;
    // The recorded second round, then its answer and the new prompt.
    assert.deepEqual(sent.slice(0, 3), recorded.messages);
    assert.deepEqual(sent.slice(3).map((m: { role: string }) => m.role), ["assistant", "user"]);
    assert.deepEqual(sent[4].content, [{ type: "text", text: "Another joke" }]);

    out = await llm("--cid", THREADS.webSearch, "And tomorrow?");
    assert.equal(out.code, 0, out.stderr);
    sent = server.requests.at(-1)!.body.messages;
    const types = sent[1].content.map((b: { type: string }) => b.type);
    assert.deepEqual(types.slice(0, 3), ["server_tool_use", "web_search_tool_result", "text"]);
    assert.equal(sent[1].content[1].tool_use_id, sent[1].content[0].id);
    assert.equal(sent[1].content[1].content[0].type, "web_search_result");
  }));

Deno.test("llm logs reads Python's Claude turns: model, reasoning, tool calls", () =>
  withPythonLogs(async (llm) => {
    const out = await llm("logs", "--cid", THREADS.thinking, "--json");
    assert.equal(out.code, 0, out.stderr);
    const [turn] = JSON.parse(out.stdout);
    assert.equal(turn.model, "anthropic/claude-haiku-4-5-20251001");
    assert.equal(turn.prompt, "Two names for a pet pelican, be brief");
    assert.match(turn.response, /^1\. \*\*Pouch\*\*/);
    assert.deepEqual(turn.options_json, { max_tokens: 8192, thinking: true });
    const markdown = await llm("logs", "--cid", THREADS.toolChain);
    assert.equal(markdown.code, 0, markdown.stderr);
    assert.match(markdown.stdout, /anthropic\/claude-haiku-4-5-20251001/);
    assert.match(markdown.stdout, /fixed_version/);
  }));
