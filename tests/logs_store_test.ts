import { DatabaseSync } from "node:sqlite";
import assert from "node:assert/strict";
import { condenseJson, payloadReplacements } from "../lib/logs/condense.ts";
import { messageHash } from "../lib/logs/hash.ts";
import {
  conversationName,
  loadConversation,
  logTurn,
  newestConversationId,
  type TurnRecord,
} from "../lib/logs/store.ts";
import { type Message, textMessage } from "../lib/models/messages.ts";
import { pyFloat } from "../lib/compat/python_json.ts";
import { pythonDatetimeStr, pythonIsoformat } from "../lib/compat/isoformat.ts";

const FIXTURE = new URL("./fixtures/logs-store/python-0.32.db", import.meta.url).pathname;
const WORKER = new URL("./support/log_worker.ts", import.meta.url).pathname;

type Row = Record<string, unknown>;

/** A temp dir holding a copy of the Python 0.32 database, emptied unless `keepRows`. */
async function tempDb(
  keepRows = false,
): Promise<{ path: string; db: DatabaseSync; done: () => Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "logs_store_test_" });
  const path = `${dir}/logs.db`;
  await Deno.copyFile(FIXTURE, path);
  await Deno.chmod(path, 0o644);
  const db = new DatabaseSync(path);
  if (!keepRows) {
    for (const table of ["turn_search", "turns", "threads", "parts", "messages", "schemas"]) {
      db.exec(`DELETE FROM ${table}`);
    }
  }
  return {
    path,
    db,
    done: async () => {
      db.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

function rows(db: DatabaseSync, sql: string): Row[] {
  return (db.prepare(sql).all() as Row[]).map((r) => ({ ...r }));
}

const user = (text: string) => textMessage("user", text);
const assistant = (text: string) => textMessage("assistant", text);

function record(overrides: Partial<TurnRecord> & Pick<TurnRecord, "id" | "input" | "output">): TurnRecord {
  return {
    conversation: { id: "conv", model: "gpt-4o-mini" },
    model: "gpt-4o-mini",
    promptText: "",
    responseText: "",
    options: {},
    responseJson: null,
    usage: {},
    durationMs: 1,
    datetimeUtc: "2026-01-01T00:00:00.000001+00:00",
    ...overrides,
  };
}

/** The four exchanges Python llm 0.32 logged into the fixture, with the fixture's ids and timings. */
function fixtureTurns(): TurnRecord[] {
  const chat = (n: number, content: string, prompt: number) => ({
    content,
    finish_reason: "stop",
    usage: { completion_tokens: 3, prompt_tokens: prompt, total_tokens: prompt + 3 },
    id: `chatcmpl-fake-${n}`,
    object: "chat.completion.chunk",
    model: "gpt-4o-mini",
    created: 1700000000,
  });
  const first = { id: "01m8ar7s5vemdqhd0tbgbmmhrp", model: "gpt-4o-mini" };
  return [
    record({
      id: "01m8ar7s5y2fw8bv64cnt2024t",
      conversation: first,
      input: [user("hello pelican")],
      output: [assistant("Echo: hello pelican")],
      promptText: "hello pelican",
      responseJson: chat(1, "Echo: hello pelican", 2),
      usage: { input: 2, output: 3 },
      durationMs: 399,
      datetimeUtc: "2026-11-26T01:41:35.038064+00:00",
    }),
    record({
      id: "01m8ar7v6n436yjbrac4v5q2qk",
      conversation: first,
      input: [user("hello pelican"), assistant("Echo: hello pelican"), user("second turn")],
      output: [assistant("Echo: second turn")],
      promptText: "second turn",
      responseJson: chat(2, "Echo: second turn", 7),
      usage: { input: 7, output: 3 },
      durationMs: 480,
      datetimeUtc: "2026-11-26T01:41:37.109355+00:00",
    }),
    record({
      id: "01m8ar7x55vg17v9851vgjb57x",
      conversation: { id: "01m8ar7x53ghkh89aqyq35pqv4", model: "gpt-5.6-luna" },
      model: "gpt-5.6-luna",
      input: [textMessage("system", "Answer tersely"), user("Five names for a pet skunk")],
      output: [assistant("Echo: Five names for a pet skunk")],
      promptText: "Five names for a pet skunk",
      options: { temperature: 0.5, max_tokens: null },
      responseJson: {
        id: "resp_fake_3",
        created_at: pyFloat(1700000000),
        instructions: "Answer tersely",
        model: "gpt-5.6-luna",
        object: "response",
        output: [],
        parallel_tool_calls: true,
        status: "completed",
        text: { format: { type: "text" } },
        usage: {
          input_tokens: 8,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: 7,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: 15,
        },
        store: false,
      },
      usage: {
        input: 8,
        output: 7,
        details: {
          input_tokens_details: { cache_write_tokens: null, cached_tokens: 0 },
          output_tokens_details: { reasoning_tokens: 0 },
        },
      },
      durationMs: 1597,
      datetimeUtc: "2026-11-26T01:41:39.109896+00:00",
    }),
    record({
      id: "01m8ar80eqshwyvaqygt8zakap",
      conversation: { id: "01m8ar80emcyh7rvsaek5ptgd6", model: "gpt-4o-mini" },
      input: [user("code please")],
      output: [assistant("Echo: code please")],
      promptText: "code please",
      responseJson: {
        id: "chatcmpl-fake-4",
        choices: [{
          finish_reason: "stop",
          index: 0,
          message: { content: "Echo: code please", role: "assistant" },
        }],
        created: 1700000000,
        model: "gpt-4o-mini",
        object: "chat.completion",
        system_fingerprint: "fp_fake",
        usage: { completion_tokens: 3, prompt_tokens: 2, total_tokens: 5 },
      },
      usage: { input: 2, output: 3 },
      durationMs: 390,
      datetimeUtc: "2026-11-26T01:41:42.487154+00:00",
    }),
  ];
}

Deno.test("writing the fixture's exchanges reproduces the rows Python llm 0.32 wrote", async () => {
  const fresh = await tempDb();
  const python = new DatabaseSync(FIXTURE, { readOnly: true });
  try {
    for (const turn of fixtureTurns()) await logTurn(fresh.db, turn);
    for (
      const sql of [
        "SELECT * FROM messages ORDER BY rowid",
        "SELECT * FROM parts ORDER BY id",
        "SELECT id, name, tip_message_hash, forked_from FROM threads ORDER BY id",
        "SELECT * FROM turn_search ORDER BY id",
        "SELECT * FROM schemas",
      ]
    ) {
      assert.deepEqual(rows(fresh.db, sql), rows(python, sql), sql);
    }
    const ours = rows(fresh.db, "SELECT * FROM turns ORDER BY id");
    const theirs = rows(python, "SELECT * FROM turns ORDER BY id");
    // Python condensed the Responses output item against its model's boilerplate dictionary (a near-match
    // form we do not produce); the test record leaves that item out, so compare the payload without it.
    const withoutOutput = (text: unknown) => ({ ...JSON.parse(String(text)), output: null });
    assert.deepEqual(withoutOutput(ours[2].response_json), withoutOutput(theirs[2].response_json));
    assert.match(String(ours[2].response_json), /"created_at": 1700000000\.0/);
    ours[2].response_json = theirs[2].response_json = null;
    assert.deepEqual(ours, theirs);
    // The FTS index follows turn_search through the triggers.
    assert.deepEqual(
      rows(
        fresh.db,
        "SELECT turn_id FROM turn_search JOIN turn_search_fts ON turn_search_fts.rowid = turn_search.id " +
          "WHERE turn_search_fts MATCH 'skunk'",
      ),
      [{ turn_id: "01m8ar7x55vg17v9851vgjb57x" }],
    );
    const [thread] = rows(fresh.db, "SELECT datetime_utc FROM threads LIMIT 1");
    assert.match(String(thread.datetime_utc), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?\+00:00$/);
  } finally {
    python.close();
    await fresh.done();
  }
});

Deno.test("a system prompt, two turns, float options and non-ASCII text give Python's rows", async () => {
  const fixture = JSON.parse(
    await Deno.readTextFile(new URL("./fixtures/logs-store/python-system-two-turns.json", import.meta.url)),
  ) as Record<string, Row[]>;
  const { db, done } = await tempDb();
  try {
    const [t1, t2] = fixture.turns;
    const conversation = { id: String(fixture.threads[0].id), model: "echo-fixture" };
    const first = "Héllo 😀 wörld\n\tline two, long enough to be cut off";
    const details = { cached_tokens: 0, nested: { "é": 1.5 } };
    const input1 = [textMessage("system", "Réponds brièvement"), user(first)];
    const output1 = [assistant(`Écho: ${first}`)];
    const base = { conversation, model: "echo-fixture", durationMs: 0 };
    await logTurn(db, {
      ...record({ id: String(t1.id), input: input1, output: output1 }),
      ...base,
      promptText: first,
      options: { temperature: pyFloat(1), max_tokens: null },
      usage: { input: 50, output: 2, details },
      datetimeUtc: String(t1.datetime_utc),
    });
    await logTurn(db, {
      ...record({
        id: String(t2.id),
        input: [...input1, ...output1, user("second ☃ turn")],
        output: [assistant("Écho: second ☃ turn")],
      }),
      ...base,
      promptText: "second ☃ turn",
      options: { temperature: null, max_tokens: 20 },
      usage: { input: 13, output: 2, details },
      datetimeUtc: String(t2.datetime_utc),
    });
    const withoutTime = (r: Row[]) => r.map(({ datetime_utc: _, ...rest }) => rest);
    assert.deepEqual(rows(db, "SELECT * FROM messages ORDER BY rowid"), fixture.messages);
    assert.deepEqual(rows(db, "SELECT * FROM parts ORDER BY id"), fixture.parts);
    assert.deepEqual(withoutTime(rows(db, "SELECT * FROM threads")), withoutTime(fixture.threads));
    assert.deepEqual(rows(db, "SELECT * FROM turns ORDER BY id"), fixture.turns);
    assert.deepEqual(rows(db, "SELECT * FROM turn_search ORDER BY id"), fixture.turn_search);
  } finally {
    await done();
  }
});

Deno.test("identical history written twice stores its messages once", async () => {
  const { db, done } = await tempDb();
  try {
    const input = [textMessage("system", "sys"), user("same question")];
    const output = [assistant("same answer")];
    await logTurn(db, record({ id: "t1", input, output, promptText: "same question" }));
    await logTurn(
      db,
      record({
        id: "t2",
        input,
        output,
        promptText: "same question",
        conversation: { id: "other", model: "m" },
      }),
    );
    assert.equal(rows(db, "SELECT * FROM messages").length, 3);
    assert.equal(rows(db, "SELECT * FROM parts").length, 3);
    assert.equal(rows(db, "SELECT * FROM turns").length, 2);
    assert.deepEqual(rows(db, "SELECT tip_message_hash FROM turns GROUP BY tip_message_hash").length, 1);
    // Re-logging the same turn id replaces the turn and its search row rather than adding new ones.
    await logTurn(db, record({ id: "t2", input, output, promptText: "same question" }));
    assert.equal(rows(db, "SELECT * FROM turns").length, 2);
    assert.equal(rows(db, "SELECT * FROM turn_search").length, 2);
  } finally {
    await done();
  }
});

Deno.test("a two-turn conversation chains parent hashes and moves the thread tip", async () => {
  const { db, done } = await tempDb();
  try {
    const turn1 = { input: [user("one")], output: [assistant("Echo: one")] };
    await logTurn(db, record({ id: "a", ...turn1, promptText: "one" }));
    const input2 = [...turn1.input, ...turn1.output, user("two")];
    await logTurn(
      db,
      record({ id: "b", input: input2, output: [assistant("Echo: two")], promptText: "two" }),
    );
    const [a, b] = rows(db, "SELECT * FROM turns ORDER BY id");
    const h1 = await messageHash(null, user("one"));
    const h2 = await messageHash(h1, assistant("Echo: one"));
    const h3 = await messageHash(h2, user("two"));
    assert.deepEqual([a.parent_message_hash, a.tip_message_hash], [h1, h2]);
    assert.deepEqual([b.parent_message_hash, b.tip_message_hash], [
      h3,
      await messageHash(h3, assistant("Echo: two")),
    ]);
    assert.deepEqual(rows(db, "SELECT parent_hash FROM messages WHERE hash = '" + h3 + "'"), [{
      parent_hash: h2,
    }]);
    assert.deepEqual(rows(db, "SELECT name, tip_message_hash FROM threads"), [{
      name: "one",
      tip_message_hash: b.tip_message_hash,
    }]);
  } finally {
    await done();
  }
});

Deno.test("columns: options, token details, tool parts, attachments, schemas, no-text turns", async () => {
  const { db, done } = await tempDb();
  try {
    const schema = { type: "object", properties: { n: { type: "integer" } } };
    const output: Message[] = [{
      role: "assistant",
      parts: [
        { type: "reasoning", text: "", redacted: true },
        { type: "tool_call", name: "add", arguments: { b: pyFloat(1), a: "é" }, tool_call_id: "c1" },
      ],
      provider_metadata: { id: "x" },
    }];
    const input: Message[] = [{
      role: "user",
      parts: [{ type: "attachment", attachment: { type: "text/plain", content: btoa("hello") } }],
    }];
    await logTurn(
      db,
      record({ id: "t", input, output, schema, options: { temperature: pyFloat(1), seed: 7 } }),
    );
    const [turn] = rows(db, "SELECT * FROM turns");
    assert.equal(turn.options_json, '{"temperature": 1.0, "seed": 7}');
    assert.equal(turn.schema_id, "4a302d4c6c34661a2d6d80f7a62f6251");
    assert.equal(turn.token_details, null);
    assert.deepEqual(rows(db, "SELECT * FROM schemas"), [{
      id: "4a302d4c6c34661a2d6d80f7a62f6251",
      content: '{"type":"object","properties":{"n":{"type":"integer"}}}',
    }]);
    assert.deepEqual(rows(db, "SELECT type, tool_name, text, payload FROM parts ORDER BY id"), [
      {
        type: "attachment",
        tool_name: null,
        text: null,
        payload: '{"attachment": {"id": "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}}',
      },
      { type: "reasoning", tool_name: null, text: "", payload: '{"redacted": true}' },
      {
        type: "tool_call",
        tool_name: "add",
        text: null,
        payload: '{"name": "add", "arguments": {"b": 1.0, "a": "\\u00e9"}, "tool_call_id": "c1"}',
      },
    ]);
    assert.deepEqual(rows(db, "SELECT role, provider_metadata FROM messages ORDER BY rowid"), [
      { role: "user", provider_metadata: null },
      { role: "assistant", provider_metadata: '{"id": "x"}' },
    ]);
    const [attachment] = rows(db, "SELECT id, type, path, url, content FROM attachments");
    assert.equal(attachment.type, "text/plain");
    assert.deepEqual(new TextDecoder().decode(attachment.content as Uint8Array), "hello");
    assert.equal(rows(db, "SELECT * FROM part_attachments").length, 1);
    // No typed text and no response text: no search row, as in Python.
    assert.equal(rows(db, "SELECT * FROM turn_search").length, 0);
    // The stored chain reads back to messages with the same hashes.
    const loaded = loadConversation(db, "conv")!;
    assert.equal(await messageHash(null, loaded.turns[0].input[0]), turn.parent_message_hash);
    assert.equal(
      await messageHash(turn.parent_message_hash as string, loaded.turns[0].output[0]),
      turn.tip_message_hash,
    );
  } finally {
    await done();
  }
});

Deno.test("thread names collapse whitespace as Python's \\s does and cut at 32 characters", () => {
  assert.equal(conversationName("  a\n\tb\x1c c\u00a0d "), " a b c d ");
  assert.equal(conversationName("x\ufeffy"), "x\ufeffy");
  assert.equal(conversationName("0123456789".repeat(4)), "0123456789012345678901234567890…");
  assert.equal(conversationName("😀".repeat(32)), "😀".repeat(32));
  assert.equal(conversationName("😀".repeat(33)), "😀".repeat(31) + "…");
});

Deno.test("datetimes are formatted as Python prints them", () => {
  const date = new Date(Date.UTC(2026, 10, 26, 1, 41, 35, 38));
  assert.equal(pythonIsoformat(date), "2026-11-26T01:41:35.038000+00:00");
  assert.equal(pythonDatetimeStr(date), "2026-11-26 01:41:35.038000+00:00");
  assert.equal(pythonIsoformat(new Date(Date.UTC(2026, 0, 1))), "2026-01-01T00:00:00+00:00");
});

Deno.test("response_json is condensed against the turn's own long strings", async () => {
  const long = "A long answer that goes on well past the sixty-four character limit set by llm.";
  const replacements = payloadReplacements([assistant(long)], { modelReplacements: { usage_0: { a: 0 } } });
  assert.deepEqual(
    condenseJson({ text: long, quoted: `>> ${long}`, usage: { a: 0 }, odd: { $: 1 } }, replacements),
    {
      text: { $: "0.0.text" },
      quoted: { $r: [">> ", { $: "0.0.text" }] },
      usage: { $: "m.usage_0" },
      odd: { $raw: { $: 1 } },
    },
  );
  const { db, done } = await tempDb();
  try {
    await logTurn(
      db,
      record({ id: "t", input: [user("q")], output: [assistant(long)], responseJson: { content: long } }),
    );
    assert.deepEqual(rows(db, "SELECT response_json FROM turns"), [{
      response_json: '{"content": {"$": "0.0.text"}}',
    }]);
  } finally {
    await done();
  }
});

Deno.test("loadConversation reads threads written by Python and by us, and legacy responses", async () => {
  const { db, done } = await tempDb(true);
  try {
    const loaded = loadConversation(db, "01m8ar7s5vemdqhd0tbgbmmhrp")!;
    assert.equal(loaded.name, "hello pelican");
    assert.equal(loaded.model, "gpt-4o-mini");
    assert.deepEqual(loaded.turns.map((t) => [t.prompt, t.response, t.system]), [
      ["hello pelican", "Echo: hello pelican", null],
      ["second turn", "Echo: second turn", null],
    ]);
    assert.deepEqual(loaded.messages, [
      user("hello pelican"),
      assistant("Echo: hello pelican"),
      user("second turn"),
      assistant("Echo: second turn"),
    ]);
    const skunk = loadConversation(db, "01m8ar7x53ghkh89aqyq35pqv4")!;
    assert.equal(skunk.turns[0].system, "Answer tersely");
    assert.deepEqual(skunk.turns[0].options, { temperature: 0.5 });
    assert.equal(newestConversationId(db), "01m8ar80emcyh7rvsaek5ptgd6");
    assert.equal(loadConversation(db, "missing"), null);

    // Continue a Python conversation: the shared history is not written again.
    const before = rows(db, "SELECT * FROM messages").length;
    await logTurn(
      db,
      record({
        id: "01zzzzzzzzzzzzzzzzzzzzzzzz",
        conversation: { id: loaded.id, model: loaded.model },
        input: [...loaded.messages, user("third")],
        output: [assistant("Echo: third")],
        promptText: "third",
      }),
    );
    assert.equal(rows(db, "SELECT * FROM messages").length, before + 2);
    const again = loadConversation(db, loaded.id)!;
    assert.deepEqual(again.turns.map((t) => t.prompt), ["hello pelican", "second turn", "third"]);
    assert.equal(again.messages.length, 6);

    // A conversation logged by llm 0.31 or earlier, only in the legacy tables.
    db.exec(`INSERT INTO conversations VALUES ('01zzzzzzzzzzzzzzzzzzzzzzzy', 'old chat', 'gpt-4o')`);
    const legacy = db.prepare(
      `INSERT INTO responses (id, model, prompt, system, options_json, response, conversation_id, datetime_utc)
       VALUES (?, 'gpt-4o', ?, ?, ?, ?, '01zzzzzzzzzzzzzzzzzzzzzzzy', '2024-01-01T00:00:00')`,
    );
    legacy.run("r1", "hi", "be nice", '{"temperature": 0.2}', "hello!");
    legacy.run("r2", "again", null, "{}", "hello again");
    const old = loadConversation(db, "01zzzzzzzzzzzzzzzzzzzzzzzy")!;
    assert.equal(old.name, "old chat");
    assert.equal(old.model, "gpt-4o");
    assert.deepEqual(old.turns.map((t) => [t.prompt, t.system, t.response, t.legacy]), [
      ["hi", "be nice", "hello!", true],
      ["again", null, "hello again", true],
    ]);
    assert.deepEqual(old.turns[0].options, { temperature: 0.2 });
    assert.deepEqual(old.messages, [
      textMessage("system", "be nice"),
      user("hi"),
      assistant("hello!"),
      user("again"),
      assistant("hello again"),
    ]);
    assert.equal(newestConversationId(db), "01zzzzzzzzzzzzzzzzzzzzzzzy");
  } finally {
    await done();
  }
});

Deno.test("8 processes writing 50 turns each at once lose none", async () => {
  const { path, db, done } = await tempDb();
  try {
    const workers = Array.from({ length: 8 }, (_, w) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", WORKER, path, String(w), "50"],
        stdout: "piped",
        stderr: "piped",
      }).output());
    for (const result of await Promise.all(workers)) {
      assert.equal(result.code, 0, new TextDecoder().decode(result.stderr));
    }
    assert.equal(rows(db, "SELECT * FROM turns").length, 400);
    assert.equal(rows(db, "SELECT * FROM turn_search").length, 400);
    assert.equal(rows(db, "SELECT * FROM threads").length, 8);
    // The shared opening (system, user, assistant) is stored once; each worker adds 49 exchanges.
    assert.equal(rows(db, "SELECT * FROM messages").length, 3 + 8 * 49 * 2);
    assert.equal(rows(db, "SELECT * FROM parts").length, 3 + 8 * 49 * 2);
    for (let w = 0; w < 8; w++) {
      const conversation = loadConversation(db, `conv-${w}`)!;
      assert.equal(conversation.turns.length, 50);
      assert.equal(conversation.messages.length, 1 + 50 * 2);
    }
  } finally {
    await done();
  }
});
