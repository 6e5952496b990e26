/**
 * The `echo` example plugin: its JSON answer, steering by JSON prompts, options, reasoning, usage,
 * conversations, attachments, tool calls and results, and `echo-needs-key`; installed and run by the CLI too.
 */
import assert from "node:assert/strict";
import { cliErrorMessage } from "../lib/cli/error_messages.ts";
import { fileURLToPath } from "node:url";
import echoPlugin from "../examples/plugins/echo.ts";
import { getModel } from "../lib/default_registry.ts";
import { loadPlugin, unloadPlugin } from "../lib/plugins/runtime.ts";
import { runCli } from "./support/run_cli.ts";
import { tempUserDir } from "./support/env.ts";

const echoPath = fileURLToPath(new URL("../examples/plugins/echo.ts", import.meta.url));

async function withEcho(fn: () => Promise<void>): Promise<void> {
  await using _dir = await tempUserDir({ LLM_ECHO_NEEDS_KEY_KEY: undefined });
  await loadPlugin(echoPlugin);
  try {
    await fn();
  } finally {
    unloadPlugin("llm-echo");
  }
}

Deno.test("echo answers with the prompt as JSON, and counts words as usage", () =>
  withEcho(async () => {
    const model = getModel("echo");
    assert.equal(model.label, "Echo: echo");
    assert.equal(model.supportsTools, true);
    assert.deepEqual([...model.attachmentTypes], ["image/png", "image/jpeg", "image/gif"]);
    const response = model.prompt("two words", { system: "be ü", stream: false });
    const text = await response.text();
    assert.equal(
      text,
      '{\n  "prompt": "two words",\n  "system": "be \\u00fc",\n  "attachments": [],\n  "stream": false,\n  "previous": []\n}',
    );
    assert.deepEqual(await response.usage(), { input: 2, output: 14, details: null });
  }));

Deno.test("echo: example_bool is shown, thinking streams reasoning first, bad options are refused", () =>
  withEcho(async () => {
    const model = getModel("echo");
    const withOption = JSON.parse(await model.prompt("p", { options: { example_bool: "1" } }).text());
    assert.deepEqual(withOption.options, { example_bool: true });
    const events = await Array.fromAsync(model.prompt("p", { options: { thinking: true } }).streamEvents());
    assert.deepEqual(events.slice(0, 2), [
      { type: "reasoning", chunk: "First I consider the prompt, " },
      { type: "reasoning", chunk: "then I decide what to say." },
    ]);
    assert.equal(events[2].type, "text");
    assert.equal(JSON.parse(events[2].chunk).prompt, "p");
    await assert.rejects(model.prompt("p", { options: { nope: 1 } }).text(), /Unknown option 'nope'/);
  }));

Deno.test("echo: JSON prompts give raw answers, replace the prompt and request tool calls", () =>
  withEcho(async () => {
    const model = getModel("echo");
    assert.equal(await model.prompt('  {"raw": "exactly this"}').text(), "exactly this");
    const response = model.prompt(JSON.stringify({
      prompt: "instead",
      tool_calls: [{ name: "example", arguments: { input: "test" } }, { name: "bare" }],
    }));
    assert.equal(JSON.parse(await response.text()).prompt, "instead");
    // Calls without a provider id get one, as Python llm gives them (`tc_` and a lower-case ULID).
    const calls = await response.toolCalls();
    for (const call of calls) assert.match(call.toolCallId ?? "", /^tc_[0-9a-z]{26}$/);
    assert.deepEqual(calls.map(({ name, arguments: args }) => ({ name, arguments: args })), [
      { name: "example", arguments: { input: "test" } },
      { name: "bare", arguments: {} },
    ]);
    assert.equal(JSON.parse(await model.prompt("{not json").text()).prompt, "{not json");
  }));

Deno.test("echo: earlier prompts of the conversation, attachments and tool results", () =>
  withEcho(async () => {
    const conversation = getModel("echo").conversation();
    await conversation.prompt("first").text();
    const second = JSON.parse(await conversation.prompt("second").text());
    assert.deepEqual(second.previous, [{ prompt: "first" }]);

    const withParts = JSON.parse(
      await getModel("echo").prompt("look", {
        messages: [
          { role: "user", parts: [{ type: "text", text: "old" }] },
          {
            role: "assistant",
            parts: [{ type: "tool_call", name: "example", arguments: {}, tool_call_id: "c1" }],
          },
          {
            role: "tool",
            parts: [{ type: "tool_result", name: "example", output: "Example output", tool_call_id: "c1" }],
          },
          {
            role: "user",
            parts: [{ type: "attachment", attachment: { type: "image/png", url: "https://e.com/a.png" } }],
          },
        ],
      }).text(),
    );
    const urlId = Array.from(
      new Uint8Array(
        await crypto.subtle.digest("SHA-256", new TextEncoder().encode('{"url": "https://e.com/a.png"}')),
      ),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
    assert.deepEqual(withParts.attachments, [{
      type: "image/png",
      path: null,
      url: "https://e.com/a.png",
      id: urlId,
    }]);
    assert.deepEqual(withParts.tool_results, [{
      name: "example",
      output: "Example output",
      tool_call_id: "c1",
    }]);
  }));

Deno.test("echo-needs-key needs a key and shows it", () =>
  withEcho(async () => {
    const model = getModel("echo-needs-key");
    assert.equal(model.label, "EchoNeedsKey: echo-needs-key");
    const error = await model.prompt("hi").text().then(() => undefined, (e: unknown) => e);
    assert.match(cliErrorMessage(error), /llm keys set echo-needs-key.*LLM_ECHO_NEEDS_KEY_KEY/);
    assert.equal(JSON.parse(await model.prompt("hi", { key: "sk-direct" }).text()).key, "sk-direct");
  }));

Deno.test("llm install examples/plugins/echo.ts, then llm -m echo prints what Python's llm-echo prints", async () => {
  await using _dir = await tempUserDir();
  assert.equal((await runCli(["install", echoPath])).code, 0);
  const run = await runCli(["-m", "echo", "prompt", "-s", "system prompt", "--no-log"]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(
    run.stdout,
    '{\n  "prompt": "prompt",\n  "system": "system prompt",\n  "attachments": [],\n  "stream": true,\n  "previous": []\n}\n',
  );
  const keyed = await runCli(["-m", "echo-needs-key", "hi", "--no-log"], {
    env: { LLM_ECHO_NEEDS_KEY_KEY: "k9" },
  });
  assert.equal(JSON.parse(keyed.stdout).key, "k9");
});
