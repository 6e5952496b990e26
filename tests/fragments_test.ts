/**
 * The fragments library: resolving `-f` values (file, loopback URL with redirects, stdin, alias, hash, loaders),
 * the `fragments` tables, the `llm fragments list` YAML, and recording a logged turn's fragments as Python llm
 * 0.32 does (text_ref parts, part_fragments, turn_fragments, literal-only search text).
 */
import assert from "node:assert/strict";
import { fragmentLoaderRegistry } from "../lib/loaders/registries.ts";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { openLogsDb } from "../lib/logs/db.ts";
import { loadChain, logTurn } from "../lib/logs/store.ts";
import { textMessage } from "../lib/models/messages.ts";
import { fetchText, FetchTextError, MAX_REDIRECTS } from "../lib/loaders/fetch_text.ts";
import { fragmentHash } from "../lib/models/fragment.ts";
import { fragmentRowYaml } from "../lib/cli/commands/fragments/list_yaml.ts";
import { pyyamlScalar } from "../lib/compat/pyyaml_dump.ts";
import { encodeTextRefs, recordTurnFragments } from "../lib/logs/fragments/record.ts";
import { FragmentNotFoundError, resolveFragments } from "../lib/fragments/resolve.ts";
import {
  ensureFragment,
  findFragment,
  listFragments,
  removeFragmentAlias,
  setFragmentAlias,
} from "../lib/logs/fragments/store.ts";

async function tempDb(): Promise<{ db: DatabaseSync; dir: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "fragments_test_" });
  const db = openLogsDb(join(dir, "logs.db"));
  return {
    db,
    dir,
    async [Symbol.asyncDispose]() {
      db.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("fragmentHash is the SHA-256 of the UTF-8 text", () => {
  assert.equal(fragmentHash("hello"), "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
});

Deno.test("fetchText: User-Agent, up to 3 redirects, status errors", async () => {
  const agents: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    agents.push(req.headers.get("user-agent") ?? "");
    const hops = Number(new URL(req.url).pathname.slice(1));
    if (hops > 0) return new Response(null, { status: 301, headers: { location: `/${hops - 1}` } });
    return hops === 0 ? new Response("landed é") : new Response("nope", { status: 500 });
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  try {
    assert.equal(await fetchText(`${base}/${MAX_REDIRECTS}`), "landed é");
    assert.equal(agents.length, MAX_REDIRECTS + 1);
    assert.ok(agents.every((a) => /^llm\/\d+\.\d+\.\d+ \(/.test(a)), agents[0]);
    await assert.rejects(fetchText(`${base}/${MAX_REDIRECTS + 1}`), /more than 3 redirects/);
    await assert.rejects(fetchText(`${base}/-1`), (e: unknown) => {
      assert.ok(e instanceof FetchTextError);
      assert.equal(e.status, 500);
      assert.equal(e.message, `Could not fetch ${base}/-1: HTTP 500 Internal Server Error`);
      return true;
    });
  } finally {
    await server.shutdown();
  }
});

Deno.test("resolveFragments: alias and hash before files, stdin, loaders, errors", async () => {
  await using t = await tempDb();
  const file = join(t.dir, "doc.txt");
  await Deno.writeTextFile(file, "file text");
  setFragmentAlias(t.db, "doc.txt", ensureFragment(t.db, { content: "stored", source: "s" }));

  let r = await resolveFragments([file, "-", fragmentHash("stored")], {
    db: t.db,
    readStdin: () => Promise.resolve("in"),
  });
  assert.deepEqual(r.fragments, [
    { content: "file text", source: file },
    { content: "in", source: "-" },
    { content: "stored", source: "s" },
  ]);
  const cwd = Deno.cwd();
  Deno.chdir(t.dir);
  try {
    // An alias wins over a file of the same name; without the db the file is read (source: absolute path).
    assert.equal((await resolveFragments(["doc.txt"], { db: t.db })).fragments[0].content, "stored");
    assert.deepEqual((await resolveFragments(["doc.txt"])).fragments, [{
      content: "file text",
      source: file,
    }]);
  } finally {
    Deno.chdir(cwd);
  }
  await assert.rejects(resolveFragments(["nothing-here"], { db: t.db }), FragmentNotFoundError);
  await assert.rejects(resolveFragments([t.dir]), /is a directory/);

  fragmentLoaderRegistry.register(
    "pair",
    (arg) => [{ content: `${arg}-1`, source: "p" }, { type: "image/png", url: "http://x/y.png" }],
  );
  fragmentLoaderRegistry.register("fail", () => Promise.reject(new Error("no network")));
  try {
    r = await resolveFragments(["pair:z"], { allowAttachments: true });
    assert.deepEqual(r.fragments, [{ content: "z-1", source: "p" }]);
    assert.deepEqual(r.attachments, [{ type: "image/png", url: "http://x/y.png" }]);
    await assert.rejects(
      resolveFragments(["pair:z"]),
      /Fragment loader pair returned a disallowed attachment/,
    );
    await assert.rejects(resolveFragments(["fail:z"]), /Could not load fragment fail:z: no network/);
    await assert.rejects(resolveFragments(["zzz:z"]), /Unknown fragment prefix: zzz/);
  } finally {
    fragmentLoaderRegistry.unregister("pair");
    fragmentLoaderRegistry.unregister("fail");
  }
});

Deno.test("fragments tables: stored once, aliases set, moved and removed, list filters", async () => {
  await using t = await tempDb();
  const a = ensureFragment(t.db, { content: "alpha text", source: "a.txt" });
  assert.equal(ensureFragment(t.db, { content: "alpha text", source: "elsewhere" }), a);
  const b = ensureFragment(t.db, "beta");
  setFragmentAlias(t.db, "x", a);
  setFragmentAlias(t.db, "x", b);
  setFragmentAlias(t.db, "y", b);
  assert.deepEqual(findFragment(t.db, "x"), { content: "beta", source: "" });
  assert.deepEqual(findFragment(t.db, fragmentHash("alpha text")), {
    content: "alpha text",
    source: "a.txt",
  });
  assert.equal(findFragment(t.db, "nope"), undefined);
  assert.deepEqual(listFragments(t.db).map((r) => [r.content, r.aliases]), [["alpha text", []], ["beta", [
    "x",
    "y",
  ]]]);
  assert.deepEqual(listFragments(t.db, { aliasesOnly: true }).map((r) => r.content), ["beta"]);
  assert.deepEqual(listFragments(t.db, { queries: ["a.t", "alpha"] }).map((r) => r.content), ["alpha text"]);
  assert.deepEqual(listFragments(t.db, { queries: [fragmentHash("beta")] }).map((r) => r.content), ["beta"]);
  assert.equal(removeFragmentAlias(t.db, "x"), true);
  assert.equal(removeFragmentAlias(t.db, "x"), false);
  assert.deepEqual(listFragments(t.db).map((r) => r.aliases), [[], ["y"]]);
});

Deno.test("fragments list YAML matches PyYAML's output", () => {
  // Python llm's own test expectation for a row (tests/test_fragments_cli.py).
  assert.equal(
    fragmentRowYaml({
      hash: "hash1",
      aliases: ["f1"],
      datetime_utc: "2023-10-01T00:00:00Z",
      source: "file1.txt",
      content: "1",
    }),
    "- hash: hash1\n  aliases:\n  - f1\n  datetime_utc: '2023-10-01T00:00:00Z'\n  source: file1.txt\n  content: '1'",
  );
  assert.equal(
    fragmentRowYaml({
      hash: "h",
      aliases: [],
      datetime_utc: null,
      source: null,
      content: "line 1\n\nline 3\n",
    }),
    "- hash: h\n  aliases: []\n  datetime_utc: null\n  source: null\n  content: |\n    line 1\n\n    line 3",
  );
  assert.equal(pyyamlScalar(" lead\nx", 4), "|2-\n     lead\n    x\n");
  assert.equal(pyyamlScalar("trailing \nx", 4), '"trailing \\nx"');
  assert.equal(pyyamlScalar("tab\there", 4), '"tab\\there"');
  assert.equal(pyyamlScalar("café", 4), '"caf\\xE9"');
  assert.equal(pyyamlScalar("it's: here", 4), "'it''s: here'");
  assert.equal(pyyamlScalar("yes", 4), "'yes'");
  assert.equal(pyyamlScalar("", 4), "''");
  assert.equal(pyyamlScalar("- item", 4), "'- item'");
  assert.equal(pyyamlScalar("a long sentence ".repeat(8).trim(), 4), "a long sentence ".repeat(8).trim());
});

Deno.test("encodeTextRefs: earliest occurrence wins, then the longer fragment", () => {
  const ids = new Map([["abc", 1], ["abcdef", 2], ["xyz", 3]]);
  assert.deepEqual(encodeTextRefs("abcdef then xyz and abc", ids), {
    pieces: [{ fragment: 2 }, { literal: " then " }, { fragment: 3 }, { literal: " and " }, { fragment: 1 }],
    used: [2, 3, 1],
  });
  assert.equal(encodeTextRefs("nothing here", ids), undefined);
  assert.equal(encodeTextRefs("", ids), undefined);
});

Deno.test("recordTurnFragments: turn_fragments, text_ref parts, literal search text; reads give the full text", async () => {
  await using t = await tempDb();
  const system = "Rules.\n\nBe terse.";
  const prompt = "Long document\nWhat is it?";
  const input = [textMessage("system", system), textMessage("user", prompt)];
  const output = [textMessage("assistant", "A document")];
  await logTurn(t.db, {
    id: "01turn",
    conversation: { id: "01conv", model: "m" },
    model: "m",
    input,
    output,
    promptText: "What is it?",
    responseText: "A document",
    options: {},
    responseJson: null,
    usage: {},
    durationMs: 5,
    datetimeUtc: "2025-01-01T00:00:00+00:00",
  });
  await recordTurnFragments(t.db, "01turn", {
    prompt: [{ content: "Long document", source: "/doc.txt" }],
    system: [{ content: "Rules.", source: "rules" }, { content: "", source: "empty" }],
  });
  const q = (sql: string) => t.db.prepare(sql).all().map((r) => ({ ...r }));
  const ids = Object.fromEntries(q("select content, id from fragments").map((r) => [r.content, r.id]));
  assert.deepEqual(q(`select fragment_id, "order", kind from turn_fragments order by kind, "order"`), [
    { fragment_id: ids["Long document"], order: 0, kind: "prompt" },
    { fragment_id: ids["Rules."], order: 0, kind: "system" },
    { fragment_id: ids[""], order: 1, kind: "system" },
  ]);
  const parts = q(`select m.role, p.text, p.payload from parts p join messages m on m.hash = p.message_hash
    order by m.role`);
  assert.deepEqual(parts, [
    { role: "assistant", text: "A document", payload: null },
    {
      role: "system",
      text: null,
      payload: `{"text_ref": [{"fragment": ${ids["Rules."]}}, {"literal": "\\n\\nBe terse."}]}`,
    },
    {
      role: "user",
      text: null,
      payload: `{"text_ref": [{"fragment": ${ids["Long document"]}}, {"literal": "\\nWhat is it?"}]}`,
    },
  ]);
  assert.equal(q("select count(*) as n from part_fragments")[0].n, 2);
  assert.deepEqual(q("select prompt, response from turn_search"), [{
    prompt: "\nWhat is it?",
    response: "A document",
  }]);
  // Reading the chain back resolves the references to the exact text.
  const tip = q("select tip_message_hash as tip from turns")[0].tip as string;
  assert.deepEqual(loadChain(t.db, tip), [...input, ...output]);
  // Recording again changes nothing.
  await recordTurnFragments(t.db, "01turn", {
    prompt: [{ content: "Long document", source: "/doc.txt" }],
    system: [],
  });
  assert.equal(q("select count(*) as n from part_fragments")[0].n, 2);
  assert.equal(q("select count(*) as n from turn_fragments")[0].n, 3);
});
