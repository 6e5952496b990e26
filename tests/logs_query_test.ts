import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import {
  conversationOfLatestTurn,
  InvalidSearchQueryError,
  NoConversationsError,
  queryLogs,
} from "../lib/logs/query/query_logs.ts";
import { checkRenderOptions, LogsOptionsError } from "../lib/cli/logs_render/output.ts";

const RICH = fileURLToPath(new URL("./fixtures/logs-query/logs.db", import.meta.url));

/** Runs `fn` against a copy of the rich fixture database in a temp dir. */
async function withDb(fn: (db: DatabaseSync) => void | Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.copyFile(RICH, `${dir}/logs.db`);
    const db = new DatabaseSync(`${dir}/logs.db`);
    try {
      await fn(db);
    } finally {
      db.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const ids = (db: DatabaseSync, options: Parameters<typeof queryLogs>[1]) =>
  queryLogs(db, options).map((r) => r.id);

Deno.test("rows come out oldest to newest: the newest 3 by default, all with count 0 or below", async () => {
  await withDb((db) => {
    deepStrictEqual(ids(db, {}), [
      "01m9aaaaaaaaaaaaaaaaaaaaa4",
      "01m9aaaaaaaaaaaaaaaaaaaaa5",
      "01m9aaaaaaaaaaaaaaaaaaaaa6",
    ]);
    const all = ids(db, { count: 0 });
    strictEqual(all.length, 12);
    deepStrictEqual(all, [...all].sort());
    deepStrictEqual(ids(db, { count: -1 }), all);
  });
});

Deno.test("legacy responses interleave with turns by ULID, and a response also logged as a turn shows once", async () => {
  await withDb((db) => {
    const all = ids(db, { count: 0 });
    strictEqual(all[0], "01k0aaaaaaaaaaaaaaaaaaaaaa");
    strictEqual(all[2], "01m8ar7t0000000000000000zz");
    // Dual-write era: the same id in both tables; the turn wins
    db.exec(`pragma foreign_keys = off;
      insert into responses (id, model, prompt, response, conversation_id, datetime_utc)
      values ('01m9aaaaaaaaaaaaaaaaaaaaa6', 'old', 'dup', 'dup', 'c', '2026')`);
    const rows = queryLogs(db, { count: 0 });
    strictEqual(rows.filter((r) => r.id === "01m9aaaaaaaaaaaaaaaaaaaaa6").length, 1);
    strictEqual(rows.at(-1)!.prompt, "yes");
  });
});

Deno.test("a conversation lists all of its rows unless a count is given; current picks the newest one", async () => {
  await withDb((db) => {
    deepStrictEqual(ids(db, { conversationId: "01m9thread0000000000000001" }), [
      "01m9aaaaaaaaaaaaaaaaaaaaa1",
      "01m9aaaaaaaaaaaaaaaaaaaaa2",
    ]);
    deepStrictEqual(ids(db, { conversationId: "01m9thread0000000000000001", count: 1 }), [
      "01m9aaaaaaaaaaaaaaaaaaaaa2",
    ]);
    strictEqual(conversationOfLatestTurn(db), "01m9thread0000000000000005");
    deepStrictEqual(ids(db, { current: true }), ["01m9aaaaaaaaaaaaaaaaaaaaa5", "01m9aaaaaaaaaaaaaaaaaaaaa6"]);
    // A legacy response newer than every turn makes its conversation the current one
    db.exec(`insert into responses (id, model, prompt, response, conversation_id, datetime_utc)
      values ('01mzzzzzzzzzzzzzzzzzzzzzzz', 'old', 'newest', 'r', '01k0conv000000000000000001', '2027')`);
    strictEqual(conversationOfLatestTurn(db), "01k0conv000000000000000001");
  });
});

Deno.test("current on an empty database is a NoConversationsError", async () => {
  await withDb((db) => {
    db.exec("pragma foreign_keys = off; delete from turns; delete from responses;");
    strictEqual(conversationOfLatestTurn(db), null);
    throws(() => queryLogs(db, { current: true }), NoConversationsError);
    deepStrictEqual(queryLogs(db, {}), []);
  });
});

Deno.test("search ranks prompt matches above response matches; latest orders newest first", async () => {
  await withDb((db) => {
    db.exec(`pragma foreign_keys = off;
      insert into turns (id, thread_id, model, datetime_utc) values ('01mzaaaaaaaaaaaaaaaaaaaaa1', 't', 'm', 'd');
      insert into turns (id, thread_id, model, datetime_utc) values ('01mzaaaaaaaaaaaaaaaaaaaaa2', 't', 'm', 'd');
      insert into turn_search (turn_id, prompt, response) values ('01mzaaaaaaaaaaaaaaaaaaaaa1', 'zebra crossing', 'no');
      insert into turn_search (turn_id, prompt, response) values ('01mzaaaaaaaaaaaaaaaaaaaaa2', 'no', 'zebra crossing');`);
    const best = ["01mzaaaaaaaaaaaaaaaaaaaaa1", "01mzaaaaaaaaaaaaaaaaaaaaa2"];
    deepStrictEqual(ids(db, { query: "zebra" }), best);
    deepStrictEqual(ids(db, { query: "zebra", model: "m" }), best);
    deepStrictEqual(ids(db, { query: "zebra", latest: true }), [...best].reverse());
    deepStrictEqual(ids(db, { query: "zebra", count: 1 }), best.slice(0, 1));
    // Fragments, system prompts and tools are not searched: only typed prompts and responses
    deepStrictEqual(ids(db, { query: "concise OR brief" }), []);
  });
});

Deno.test("an invalid FTS5 query is an InvalidSearchQueryError naming SQLite's complaint", async () => {
  await withDb((db) => {
    throws(() => queryLogs(db, { query: "a AND" }), (error: unknown) => {
      ok(error instanceof InvalidSearchQueryError);
      strictEqual(error.query, "a AND");
      strictEqual(
        error.message,
        'Invalid search query: fts5: syntax error near "" - see the FTS5 query syntax documentation at ' +
          "https://sqlite.org/fts5.html#full_text_query_syntax",
      );
      return true;
    });
  });
});

Deno.test("filters: model or resolved model, id bounds, ids, fragments, tools, schema", async () => {
  await withDb((db) => {
    deepStrictEqual(ids(db, { model: "gpt-4o-mini-2024-07-18", count: 0 }), [
      "01m8ar7t0000000000000000zz",
      "01m9aaaaaaaaaaaaaaaaaaaaa1",
    ]);
    deepStrictEqual(ids(db, { idGt: "01m9aaaaaaaaaaaaaaaaaaaaa5", count: 0 }), [
      "01m9aaaaaaaaaaaaaaaaaaaaa6",
    ]);
    deepStrictEqual(ids(db, { idGte: "01m9aaaaaaaaaaaaaaaaaaaaa5", count: 0 }), [
      "01m9aaaaaaaaaaaaaaaaaaaaa5",
      "01m9aaaaaaaaaaaaaaaaaaaaa6",
    ]);
    deepStrictEqual(ids(db, { ids: ["01k0aaaaaaaaaaaaaaaaaaaaaa", "01m9aaaaaaaaaaaaaaaaaaaaa3"] }), [
      "01k0aaaaaaaaaaaaaaaaaaaaaa",
      "01m9aaaaaaaaaaaaaaaaaaaaa3",
    ]);
    const systemFragment = queryLogs(db, { ids: ["01m9aaaaaaaaaaaaaaaaaaaaa3"] })[0].system_fragments[0].hash;
    deepStrictEqual(ids(db, { fragments: [systemFragment] }), ["01m9aaaaaaaaaaaaaaaaaaaaa3"]);
    deepStrictEqual(ids(db, { fragments: [systemFragment, "0".repeat(64)] }), []);
    deepStrictEqual(ids(db, { anyTools: true }), [
      "01m8ar7t0000000000000000zz",
      "01m9aaaaaaaaaaaaaaaaaaaaa2",
    ]);
    deepStrictEqual(ids(db, { tools: ["nope"] }), []);
    deepStrictEqual(ids(db, { schemaId: "67179fd1d40eb7be474f806a3e999dab" }), [
      "01m9aaaaaaaaaaaaaaaaaaaaa4",
    ]);
  });
});

Deno.test("turn rows rebuild prompt, system, response, reasoning, fragments and tools from the message chain", async () => {
  await withDb((db) => {
    const [first, second, third] = queryLogs(db, {
      ids: [
        "01m9aaaaaaaaaaaaaaaaaaaaa1",
        "01m9aaaaaaaaaaaaaaaaaaaaa2",
        "01m9aaaaaaaaaaaaaaaaaaaaa3",
      ],
    });
    strictEqual(first.system, "You use tools");
    strictEqual(first.reasoning, "Thinking about weather\n\n");
    deepStrictEqual(first.tool_calls.map((c) => [c.name, c.tool_call_id, c.arguments]), [
      ["get_weather", "call_1", { city: "Paris", units: "metric", days: 3 }],
    ]);
    strictEqual(second.prompt, "");
    strictEqual(second.tool_results[0].output, "Sunny, 22C");
    deepStrictEqual(second.tool_results[0].instance, {
      name: "Weather",
      plugin: "llm-weather",
      arguments: '{"key": "x"}',
    });
    ok(third.prompt!.startsWith("A long document. "));
    ok(third.system!.startsWith("Be brief. System fragment"));
    deepStrictEqual(third.attachments[0], {
      id: "att-png",
      type: "image/png",
      path: null,
      url: null,
      content: true,
      content_length: 1500,
    });
    // The stored payload refers to the response text, which is resolved back in
    deepStrictEqual(Object.keys(third.response_json as object), ["id", "output_text", "created", "note"]);
    strictEqual((third.response_json as Record<string, unknown>).output_text, third.response);
  });
});

Deno.test("flag combinations Python rejects are a LogsOptionsError", () => {
  throws(() => checkRenderOptions({ short: true, json: true }), {
    name: "LogsOptionsError",
    message: "Cannot use --short and --json together",
  });
  throws(() => checkRenderOptions({ short: true, response: true }), LogsOptionsError);
  checkRenderOptions({ short: true, usage: true });
});

Deno.test("the newest page and a search stay fast on a database with 20,000 turns", async () => {
  await withDb((db) => {
    const n = 20_000;
    db.exec(`pragma foreign_keys = off; begin;
      with recursive n(i) as (select 1 union all select i + 1 from n where i < ${n})
      insert into messages select printf('u%08d', i), case when i % 10 = 1 then null else printf('a%08d', i - 1) end,
        'user', null from n;
      with recursive n(i) as (select 1 union all select i + 1 from n where i < ${n})
      insert into messages select printf('a%08d', i), printf('u%08d', i), 'assistant', null from n;
      with recursive n(i) as (select 1 union all select i + 1 from n where i < ${n})
      insert into parts (message_hash, position, type, text) select printf('u%08d', i), 0, 'text',
        'prompt ' || i || case when i % 1000 = 0 then ' pelican' else ' walrus' end from n;
      with recursive n(i) as (select 1 union all select i + 1 from n where i < ${n})
      insert into parts (message_hash, position, type, text) select printf('a%08d', i), 0, 'text', 'answer ' || i from n;
      with recursive n(i) as (select 1 union all select i + 1 from n where i < ${n})
      insert into turns (id, thread_id, parent_message_hash, tip_message_hash, model, datetime_utc)
        select printf('02z%023d', i), printf('02t%023d', (i + 9) / 10), printf('u%08d', i), printf('a%08d', i),
        'gpt-4o-mini', '2026-01-01T00:00:00.000001+00:00' from n;
      insert into turn_search (turn_id, prompt, response) select turns.id, p.text, r.text from turns
        join parts p on p.message_hash = turns.parent_message_hash
        join parts r on r.message_hash = turns.tip_message_hash where turns.id like '02z%';
      commit;`);
    const timed = (options: Parameters<typeof queryLogs>[1]) => {
      const start = performance.now();
      const rows = queryLogs(db, options);
      return { rows, ms: performance.now() - start };
    };
    timed({ count: 10 });
    const page = timed({ count: 10 });
    strictEqual(page.rows.length, 10);
    strictEqual(page.rows.at(-1)!.id, `02z${String(n).padStart(23, "0")}`);
    strictEqual(page.rows.at(-1)!.prompt, `prompt ${n} pelican`);
    const search = timed({ count: 10, query: "pelican" });
    strictEqual(search.rows.length, 10);
    // Generous bounds: they catch a full scan or per-row chain walks, not machine noise
    ok(page.ms < 100, `newest page took ${page.ms} ms`);
    ok(search.ms < 100, `search took ${search.ms} ms`);
  });
});
