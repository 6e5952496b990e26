/**
 * `llm logs --cost` with the selections it sums (model, conversation, date range), `-u` costs, the
 * "(interrupted)" marker of plain `llm logs`, and logs rendered as Markdown only on a terminal; through the real
 * CLI against the loopback OpenAI server.
 */
import assert from "node:assert/strict";
import { startOpenAIServer } from "./support/openai_server.ts";
import { runCli } from "./support/run_cli.ts";
import { MARKDOWN_OFF_FILE, markdownWanted } from "../lib/terminal/markdown_mode.ts";
import { setEnv } from "./support/env.ts";
import { join } from "node:path";

async function setup() {
  const dir = await Deno.makeTempDir({ prefix: "llm-cost-" });
  const server = await startOpenAIServer();
  const env = {
    LLM_USER_PATH: dir,
    OPENAI_BASE_URL: server.url,
    OPENAI_API_KEY: "sk-test",
    LLM_OPENAI_MAX_RETRIES: "0",
    LLM_MODEL: "",
  };
  const llm = async (...args: string[]) => {
    const result = await runCli(args, { env, cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    return result.stdout;
  };
  return {
    dir,
    server,
    llm,
    run: (...args: string[]) => runCli(args, { env, cwd: dir }),
    async [Symbol.asyncDispose]() {
      await server.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("logs --cost: per model and total, by model, conversation and date range; JSON too", async () => {
  await using t = await setup();
  t.server.enqueue(
    { kind: "text", text: "one", usage: { input: 1_000_000, output: 100_000 } },
    { kind: "text", text: "two", usage: { input: 2_000_000, output: 0 } },
    { kind: "text", text: "three", usage: { input: 1000, output: 1000 } },
  );
  await t.llm("-m", "4o-mini", "first");
  await t.llm("-m", "4o-mini", "second", "-c");
  await t.llm("-m", "gpt-4o", "third");
  const all = await t.llm("logs", "--cost");
  // 4o-mini: 3M input x $0.15 + 0.1M output x $0.60; gpt-4o: 1,000 x $2.50 + 1,000 x $10 per million.
  assert.equal(
    all,
    [
      "Model        Responses      Input  Cached   Output     Cost",
      "gpt-4o-mini          2  3,000,000       0  100,000    $0.51",
      "gpt-4o               1      1,000       0    1,000  $0.0125",
      "Total                3  3,001,000       0  101,000   $0.522",
      "Prices as of 2024-10-01, in US dollars",
      "",
    ].join("\n"),
  );
  assert.match(
    await t.llm("logs", "--cost", "-m", "gpt-4o"),
    /^Model +Responses.*\ngpt-4o +1 +1,000 +0 +1,000 +\$0\.0125\n/,
  );
  assert.match(await t.llm("logs", "--cost", "-c"), /\ngpt-4o +1 /, "-c: the latest conversation only");
  const today = new Date().toISOString().slice(0, 10);
  assert.match(await t.llm("logs", "--cost", "--since", today, "--until", today), /\nTotal +3 /);
  assert.equal(await t.llm("logs", "--cost", "--since", "2999-01-01"), "No responses match\n");
  assert.equal(await t.llm("logs", "-n", "0", "--until", "2000-01-01"), "");
  assert.match(await t.llm("logs", "-n", "1", "--since", today), /## Prompt\n\nthird\n/);
  const json = JSON.parse(await t.llm("logs", "--cost", "--json", "-m", "4o-mini"));
  assert.equal(json.models[0].model, "gpt-4o-mini");
  assert.equal(json.total.responses, 2);
  const bad = await t.run("logs", "--cost", "--since", "last tuesday");
  assert.equal(bad.code, 1);
  assert.equal(
    bad.stderr,
    "Error: Invalid date 'last tuesday' for --since. Give a day (2025-06-01) or a time (2025-06-01T12:00)\n",
  );
});

Deno.test("logs --cost and -u: a model with no known price says unknown, never $0", async () => {
  await using t = await setup();
  await Deno.writeTextFile(
    join(t.dir, "extra-openai-models.yaml"),
    `- model_id: local-thing\n  model_name: local-thing\n  api_base: ${t.server.url}\n`,
  );
  t.server.enqueue({ kind: "text", text: "hi", usage: { input: 10, output: 5 } });
  await t.llm("-m", "local-thing", "hello");
  const summary = await t.llm("logs", "--cost");
  assert.match(summary, /\nlocal-thing +1 +10 +0 +5 +unknown\n/);
  assert.match(summary, /1 of 1 responses have no known price and are left out of the cost\n/);
  assert.match(
    await t.llm("logs", "-u"),
    /\n## Token usage\n\n10 input, 5 output\n\nCost: unknown \(no price known for local-thing\)\n\n$/,
  );
});

Deno.test("logs: an interrupted response says so in plain output, and in --json", async () => {
  await using t = await setup();
  t.server.enqueue({ kind: "drop", chunks: ["partial ", "answer"] });
  const result = await t.run("-m", "4o-mini", "cut me off");
  assert.equal(result.code, 1);
  const plain = await t.llm("logs", "-n", "1");
  assert.match(plain, /\n## Response \(interrupted\)\n\npartial answer\n/);
  const row = JSON.parse(await t.llm("logs", "--json", "-n", "1"))[0];
  assert.ok(row.response_json.llm_interrupted.reason);
  t.server.enqueue({ kind: "text", text: "whole" });
  await t.llm("-m", "4o-mini", "fine");
  assert.match(await t.llm("logs", "-n", "1"), /\n## Response\n\nwhole\n/);
});

Deno.test("markdownWanted: a terminal only, and not with NO_COLOR, TERM=dumb, --raw, LLM_MARKDOWN=0 or markdown-off", async () => {
  const dir = await Deno.makeTempDir();
  const restore = setEnv({ LLM_USER_PATH: dir, NO_COLOR: undefined, TERM: "xterm", LLM_MARKDOWN: undefined });
  try {
    const tty = { isTerminal: () => true };
    assert.equal(markdownWanted(tty), true);
    assert.equal(markdownWanted({ isTerminal: () => false }), false);
    assert.equal(markdownWanted(tty, { raw: true }), false);
    for (
      const [name, value] of [["NO_COLOR", "1"], ["TERM", "dumb"], ["LLM_MARKDOWN", "0"], [
        "LLM_MARKDOWN",
        "off",
      ]]
    ) {
      const undo = setEnv({ [name]: value });
      assert.equal(markdownWanted(tty), false, `${name}=${value}`);
      undo();
    }
    assert.equal(markdownWanted(tty), true);
    await Deno.writeTextFile(join(dir, MARKDOWN_OFF_FILE), "");
    assert.equal(markdownWanted(tty), false, "the markdown-off file");
  } finally {
    restore();
    await Deno.remove(dir, { recursive: true });
  }
});
