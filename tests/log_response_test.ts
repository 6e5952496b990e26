/**
 * Logging from the library (Python llm's `response.log_to_db(db)`): LogStore and logResponse write real
 * turns into a real logs.db that `queryLogs` (what `llm logs` reads) then returns.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { getModel, LogStore } from "../mod.ts";
import { queryLogs } from "../lib/logs/query/query_logs.ts";
import { startOpenAIServer } from "./support/openai_server.ts";
import { tempUserDir } from "./support/env.ts";

Deno.test("LogStore logs library responses: a conversation's turns, options as Python stores them", async () => {
  await using server = await startOpenAIServer();
  await using dir = await tempUserDir({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test" });
  const store = LogStore.open();
  try {
    assert.equal(store.path, join(dir.path, "logs.db"));
    const conversation = getModel("4o-mini").conversation();
    const first = conversation.prompt("hello pelican", { system: "be brief", options: { temperature: 1 } });
    assert.equal(await store.log(first), first.id); // log() waits for the response itself
    const second = conversation.prompt("second turn");
    await second.text();
    await store.log(second);
    const rows = queryLogs(store.db, { count: 0 });
    assert.deepEqual(rows.map((r) => [r.id, r.prompt, r.response, r.conversation_id]), [
      [first.id, "hello pelican", "Echo: hello pelican", conversation.id],
      [second.id, "second turn", "Echo: second turn", conversation.id],
    ]);
    assert.equal(rows[0].system, "be brief");
    assert.equal(rows[0].conversation_name, "hello pelican");
    // A float option holding a whole number is stored as Python stores it: 1.0, not 1.
    const raw = store.db.prepare("select options_json from turns where id = ?").get(first.id) as {
      options_json: string;
    };
    assert.equal(raw.options_json, '{"temperature": 1.0}');
    // The echo server counts the words of everything sent: system, first exchange, new prompt.
    assert.equal(rows[1].input_tokens, 9, "the second turn carried the system prompt and the first exchange");
  } finally {
    store.close();
  }
});

Deno.test("a response without a conversation is logged once under one conversation id, even logged twice", async () => {
  await using server = await startOpenAIServer();
  await using dir = await tempUserDir({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test" });
  const store = LogStore.open(join(dir.path, "other.db"));
  try {
    const response = getModel("gpt-4o-mini").prompt("alone");
    await store.log(response);
    await store.log(response);
    const rows = queryLogs(store.db, { count: 0 });
    assert.equal(rows.length, 1);
    assert.equal(rows[0].response, "Echo: alone");
  } finally {
    store.close();
  }
  const db = new DatabaseSync(join(dir.path, "other.db"));
  try {
    assert.equal((db.prepare("select count(*) as n from threads").get() as { n: number }).n, 1);
  } finally {
    db.close();
  }
});

Deno.test("an interrupted response is logged with what arrived and the reason in response_json", async () => {
  await using server = await startOpenAIServer({
    replies: [{ kind: "drop", chunks: ["partial ", "answer"] }],
  });
  await using _dir = await tempUserDir({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test" });
  const store = LogStore.open();
  try {
    const response = getModel("4o-mini").prompt("cut me off");
    await assert.rejects(() => response.text());
    await store.log(response, { interrupted: { reason: "connection lost" } });
    const [row] = queryLogs(store.db, { count: 0 });
    assert.equal(row.response, response.textSoFar());
    assert.ok(response.textSoFar().startsWith("partial"));
    const stored = store.db.prepare("select response_json from turns").get() as { response_json: string };
    assert.deepEqual(JSON.parse(stored.response_json).llm_interrupted, { reason: "connection lost" });
  } finally {
    store.close();
  }
});
