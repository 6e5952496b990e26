/**
 * Response and conversation helpers against the loopback server: `onDone()`, `textOrThrow()`, `reply()`,
 * `toJSON()`/`fromJSON()` for responses and conversations (also reading what Python llm 0.32's `to_dict()`
 * wrote, and, with Python llm at /tmp/pyllm, Python reading ours), and `Conversation.load()` from logs.db
 * (ours, and the one Python llm wrote).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  Conversation,
  getModel,
  InvalidResponseJsonError,
  LogStore,
  ModelError,
  NoConversationError,
  Response,
  ResponseNotDoneError,
} from "../mod.ts";
import { tempUserDir } from "./support/env.ts";
import { startOpenAIServer } from "./support/openai_server.ts";

const PYTHON_JSON = JSON.parse(
  Deno.readTextFileSync(
    new URL("./fixtures/python-llm-0.32/response-json/python_to_dict.json", import.meta.url),
  ),
);
const PYTHON_LOGS = fileURLToPath(new URL("./fixtures/python-llm-0.32/logs.db", import.meta.url));
const PYTHON = Deno.env.get("PYTHON_LLM_PY") ?? "/tmp/pyllm/bin/python";
const havePython = await Deno.stat(PYTHON).then(() => true, () => false);

async function setup() {
  const server = await startOpenAIServer();
  const dir = await tempUserDir({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: server.url });
  return {
    server,
    dir: dir.path,
    async [Symbol.asyncDispose]() {
      await dir[Symbol.asyncDispose]();
      await server.close();
    },
  };
}

/** Chat Completions messages as `role: text` lines. */
function texts(messages: { role: string; content: string }[]): string[] {
  return messages.map((m) => `${m.role}: ${m.content}`);
}

Deno.test("onDone: does not start the response, runs once it ends (also failed ones), at once when done", async () => {
  await using env = await setup();
  const response = getModel("gpt-4o-mini").prompt("hi");
  const seen: string[] = [];
  const first = response.onDone((r) => {
    seen.push(`first ${r.status} ${r.textSoFar()}`);
  });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(env.server.requests.length, 0, "registering a callback sends nothing");
  assert.equal(seen.length, 0);
  await response.text();
  await first;
  assert.deepEqual(seen, ["first done Echo: hi"]);
  await response.onDone(async (r) => {
    await Promise.resolve();
    seen.push(`late ${r.status}`);
  });
  assert.deepEqual(seen, ["first done Echo: hi", "late done"]);

  env.server.enqueue({ kind: "status", status: 400 });
  const failing = getModel("gpt-4o-mini").prompt("bad");
  const statuses: string[] = [];
  const registered = failing.onDone((r) => void statuses.push(r.status));
  await assert.rejects(failing.text(), ModelError);
  await registered;
  assert.deepEqual(statuses, ["failed"]);
  await assert.rejects(
    response.onDone(() => {
      throw new Error("callback broke");
    }),
    /callback broke/,
  );
});

Deno.test("textOrThrow: the text once done; ResponseNotDoneError before; the response's error after a failure", async () => {
  await using env = await setup();
  const response = getModel("gpt-4o-mini").prompt("hi");
  assert.throws(() => response.textOrThrow(), (e: unknown) => {
    assert.ok(e instanceof ResponseNotDoneError);
    assert.equal(e.status, "pending");
    assert.match(e.message, /has not finished.*await response\.text\(\) first/);
    return true;
  });
  await response.text();
  assert.equal(response.textOrThrow(), "Echo: hi");
  env.server.enqueue({ kind: "status", status: 400 });
  const failed = getModel("gpt-4o-mini").prompt("bad");
  await failed.start();
  assert.throws(() => failed.textOrThrow(), (e: unknown) => e instanceof ModelError && e.status === 400);
});

Deno.test("reply: continues the conversation from its latest response, branches from an earlier one", async () => {
  await using env = await setup();
  const conversation = getModel("gpt-4o-mini").conversation();
  const first = conversation.prompt("one", { system: "Be brief" });
  const second = first.reply("two");
  assert.equal(second.conversation, conversation);
  assert.equal(await second.text(), "Echo: two");
  assert.deepEqual(texts(env.server.requests[1].body.messages), [
    "system: Be brief",
    "user: one",
    "assistant: Echo: one",
    "user: two",
  ]);
  const branch = first.reply("three");
  assert.notEqual(branch.conversation, conversation);
  assert.equal(branch.conversation?.id, conversation.id, "a branch keeps the conversation id");
  await branch.text();
  assert.deepEqual(texts(env.server.requests[2].body.messages), [
    "system: Be brief",
    "user: one",
    "assistant: Echo: one",
    "user: three",
  ]);
  assert.equal(conversation.responses.length, 2, "the branch is not added to the original");
  const lone = getModel("gpt-4o-mini").prompt("solo");
  await lone.reply("again").text();
  assert.deepEqual(texts(env.server.requests[4].body.messages), [
    "user: solo",
    "assistant: Echo: solo",
    "user: again",
  ]);
});

Deno.test("toJSON/fromJSON: Python's ResponseDict keys; the restored response answers without a request", async () => {
  await using env = await setup();
  const conversation = getModel("gpt-4o-mini").conversation({ name: "pelicans" });
  const response = conversation.prompt("hi there", { system: "Be brief", options: { temperature: 0.5 } });
  assert.throws(() => response.toJSON(), ResponseNotDoneError);
  await response.text();
  const json = JSON.parse(JSON.stringify(response));
  assert.deepEqual(Object.keys(json), [
    "model",
    "prompt",
    "messages",
    "id",
    "usage",
    "datetime_utc",
    "duration_ms",
    "conversation",
  ]);
  assert.deepEqual(json.prompt.options, { temperature: 0.5 });
  assert.equal(json.prompt.system, "Be brief");
  const usage = response.usageSoFar();
  assert.deepEqual(json.usage, { input: usage.input, output: usage.output });
  assert.equal(typeof usage.input, "number");
  assert.deepEqual(json.conversation, { id: conversation.id, name: "pelicans" });
  assert.match(json.datetime_utc, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);

  const restored = Response.fromJSON(json);
  assert.equal(restored.status, "done");
  assert.equal(restored.id, response.id);
  assert.equal(restored.model, getModel("gpt-4o-mini"));
  assert.equal(restored.conversation?.id, conversation.id, "back in a conversation of the same id");
  assert.equal(restored.conversation?.name, "pelicans");
  assert.equal(restored.textOrThrow(), "Echo: hi there");
  const chunks: string[] = [];
  for await (const chunk of restored) chunks.push(chunk);
  assert.deepEqual(chunks, ["Echo: hi there"]);
  assert.deepEqual(await restored.usage(), usage);
  assert.deepEqual(await restored.messages(), await response.messages());
  assert.deepEqual(restored.prompt.messages, response.prompt.messages);
  assert.equal(restored.prompt.prompt, "hi there");
  assert.equal(restored.datetimeUtcSoFar(), response.datetimeUtcSoFar());
  assert.deepEqual(restored.toJSON(), json, "restored JSON is the JSON it came from");
  assert.equal(env.server.requests.length, 1, "restoring sent nothing");
  await restored.reply("and again").text();
  assert.deepEqual(texts(env.server.requests[1].body.messages), [
    "system: Be brief",
    "user: hi there",
    "assistant: Echo: hi there",
    "user: and again",
  ]);

  for (const bad of [null, [], {}, { model: "gpt-4o-mini", messages: "no" }, { model: 3 }]) {
    assert.throws(() => Response.fromJSON(bad), InvalidResponseJsonError);
  }
  assert.throws(
    () => Response.fromJSON({ ...json, model: "no-such-model" }),
    /Unknown model 'no-such-model'/,
  );
});

Deno.test("Conversation toJSON/fromJSON: every turn restored; the next prompt sends the whole history", async () => {
  await using env = await setup();
  const conversation = getModel("gpt-4o-mini").conversation();
  await conversation.prompt("one", { system: "sys" }).text();
  await conversation.prompt("two").text();
  const pending = conversation.prompt("three");
  assert.throws(() => JSON.stringify(conversation), ResponseNotDoneError);
  await pending.text();
  const json = JSON.parse(JSON.stringify(conversation));
  assert.deepEqual(Object.keys(json), ["id", "model", "responses"]);
  const restored = Conversation.fromJSON(json);
  assert.equal(restored.id, conversation.id);
  assert.deepEqual(await Promise.all(restored.responses.map((r) => r.text())), [
    "Echo: one",
    "Echo: two",
    "Echo: three",
  ]);
  assert.ok(restored.responses.every((r) => r.conversation === restored));
  await restored.prompt("four").text();
  assert.deepEqual(texts(env.server.requests[3].body.messages), [
    "system: sys",
    "user: one",
    "assistant: Echo: one",
    "user: two",
    "assistant: Echo: two",
    "user: three",
    "assistant: Echo: three",
    "user: four",
  ]);
  const empty = getModel("gpt-4o-mini").conversation({ loadedMessages: [{ role: "user", parts: [] }] });
  assert.deepEqual(JSON.parse(JSON.stringify(empty)).loaded_messages, [{ role: "user", parts: [] }]);
});

Deno.test("fromJSON reads Python llm 0.32's to_dict(): text, usage, options, reasoning with its signature", async () => {
  await using env = await setup();
  const first = Response.fromJSON(PYTHON_JSON.first);
  assert.equal(first.textOrThrow(), "Percy and Gulliver.");
  assert.equal(first.id, PYTHON_JSON.first.id);
  assert.deepEqual(first.usageSoFar(), { input: 12, output: 5, details: {} });
  assert.deepEqual(first.prompt.options, { temperature: 0.5 });
  assert.equal(first.prompt.system, "Be brief");
  assert.equal(first.datetimeUtcSoFar(), PYTHON_JSON.first.datetime_utc);

  await Response.fromJSON(PYTHON_JSON.second).reply("Last one").text();
  assert.deepEqual(env.server.requests[0].body.messages.map((m: { content: string }) => m.content), [
    "Be brief",
    "Two names for a pelican",
    "Percy and Gulliver.",
    "One more",
    "Pip.",
    "Last one",
  ]);

  const reasoning = Response.fromJSON(PYTHON_JSON.reasoning);
  assert.equal(reasoning.reasoningSoFar(), "Thinking.");
  await reasoning.reply("Why?").text();
  const input = env.server.requests[1].body.input;
  assert.equal(env.server.requests[1].path, "/v1/responses");
  assert.deepEqual(input[1], {
    type: "reasoning",
    id: "rs_ep1",
    encrypted_content: "gAAAAAB-fixture-encrypted-rs_ep1",
    summary: [{ text: "Thinking.", type: "summary_text" }],
  }, "the encrypted reasoning goes back, as Python sends it");
  // What we write for Python's responses is what Python wrote (plus our three keys).
  const { duration_ms: _d, ...ours } = Response.fromJSON(PYTHON_JSON.first).toJSON();
  assert.deepEqual(ours, PYTHON_JSON.first);
});

Deno.test({
  name: "Python llm 0.32's Response.from_dict() reads our JSON and writes it back the same",
  ignore: !havePython,
  async fn() {
    await using env = await setup();
    const conversation = getModel("gpt-4o-mini").conversation();
    await conversation.prompt("one", { system: "sys", options: { temperature: 0.25 } }).text();
    const second = conversation.prompt("two");
    await second.text();
    const ours = second.toJSON();
    const script = `
import json, sys, llm
data = json.load(sys.stdin)
response = llm.Response.from_dict(data)
print(json.dumps({"text": response.text(), "dict": response.to_dict()}))
`;
    const child = new Deno.Command(PYTHON, {
      args: ["-c", script],
      env: { LLM_USER_PATH: env.dir, OPENAI_API_KEY: "sk-test" },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(JSON.stringify(ours)));
    await writer.close();
    const out = await child.output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    const python = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.equal(python.text, "Echo: two");
    const { duration_ms: _d, conversation: _c, datetime_utc: _t, ...comparable } = ours;
    assert.deepEqual(python.dict, comparable, "Python keeps model, prompt, messages, id and usage");
  },
});

Deno.test("Conversation.load: a logged conversation by id (or the latest) as finished responses, ready to go on", async () => {
  await using env = await setup();
  const database = join(env.dir, "logs.db");
  const store = LogStore.open(database);
  const conversation = getModel("gpt-4o-mini").conversation();
  await store.log(conversation.prompt("one", { system: "sys" }));
  await store.log(conversation.prompt("two"));
  const other = getModel("gpt-4o-mini").conversation();
  await store.log(other.prompt("later"));
  store.close();

  const loaded = await Conversation.load(conversation.id, { database });
  assert.equal(loaded.id, conversation.id);
  assert.equal(loaded.model.id, "gpt-4o-mini");
  assert.deepEqual(loaded.responses.map((r) => r.textOrThrow()), ["Echo: one", "Echo: two"]);
  assert.deepEqual(loaded.responses.map((r) => r.id), conversation.responses.map((r) => r.id));
  assert.deepEqual(loaded.responses[0].usageSoFar(), conversation.responses[0].usageSoFar());
  await loaded.prompt("three").text();
  assert.deepEqual(texts(env.server.requests.at(-1)!.body.messages), [
    "system: sys",
    "user: one",
    "assistant: Echo: one",
    "user: two",
    "assistant: Echo: two",
    "user: three",
  ]);
  assert.equal((await Conversation.load(undefined, { database })).id, other.id, "the latest");
  await assert.rejects(Conversation.load("01nosuchconversation", { database }), NoConversationError);
  const missing = join(env.dir, "nothing.db");
  await assert.rejects(Conversation.load(undefined, { database: missing }), NoConversationError);
  await assert.rejects(Deno.stat(missing), Deno.errors.NotFound, "no logs.db is created");
});

Deno.test("Conversation.load reads the logs.db Python llm 0.32 wrote", async () => {
  await using env = await setup();
  const database = join(env.dir, "python-logs.db");
  await Deno.copyFile(PYTHON_LOGS, database);
  const loaded = await Conversation.load("01m8ar7s5vemdqhd0tbgbmmhrp", { database });
  assert.equal(loaded.name, "hello pelican");
  assert.deepEqual(loaded.responses.map((r) => r.textOrThrow()), [
    "Echo: hello pelican",
    "Echo: second turn",
  ]);
  assert.deepEqual(loaded.responses.map((r) => r.usageSoFar().input), [2, 7]);
  assert.equal(loaded.responses[1].prompt.prompt, "second turn");
});
