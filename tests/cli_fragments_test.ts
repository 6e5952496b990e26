/**
 * `llm -f/--sf`, `llm fragments ...` and `llm logs -f` through the real CLI (subprocesses) against the loopback
 * OpenAI server and a loopback HTTP server for URL fragments; logs.db is checked row by row.
 */
import assert from "node:assert/strict";
import { fragmentLoaderRegistry } from "../lib/loaders/registries.ts";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { fragmentHash } from "../lib/models/fragment.ts";
import { main } from "../lib/cli/main.ts";
import { memoryIo } from "../lib/cli/io.ts";
import { tempUserDir } from "./support/env.ts";
import { startOpenAIServer } from "./support/openai_server.ts";
import { runCli } from "./support/run_cli.ts";

async function setup() {
  const server = await startOpenAIServer();
  const dir = await tempUserDir({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test" });
  const env = { LLM_USER_PATH: dir.path, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test" };
  return {
    server,
    dir,
    env,
    async [Symbol.asyncDispose]() {
      await dir[Symbol.asyncDispose]();
      await server.close();
    },
  };
}

/** A loopback HTTP server serving fixed texts, recording User-Agent headers. */
function textServer(routes: Record<string, string>) {
  const agents: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    agents.push(request.headers.get("user-agent") ?? "");
    const path = new URL(request.url).pathname;
    if (path === "/moved") return new Response(null, { status: 302, headers: { location: "/doc.txt" } });
    return path in routes ? new Response(routes[path]) : new Response("missing", { status: 404 });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, agents, close: () => server.shutdown() };
}

function messagesOf(body: { messages: { role: string; content: string }[] }) {
  return body.messages.map((m) => [m.role, m.content]);
}

Deno.test("-f file, URL, stdin and alias, --sf: the request, logs.db rows and llm logs -f", async () => {
  await using env = await setup();
  const web = textServer({ "/doc.txt": "Doc from the web" });
  try {
    const file = join(env.dir.path, "notes.txt");
    await Deno.writeTextFile(file, "Notes from a file");
    const set = await runCli(["fragments", "set", "rules", "-"], { env: env.env, stdin: "Be brief." });
    assert.equal(set.code, 0, set.stderr);

    const run = await runCli(
      ["-m", "gpt-4o-mini", "-f", file, "-f", `${web.url}/moved`, "-f", "-", "--sf", "rules", "Question?"],
      { env: env.env, stdin: "From stdin" },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(messagesOf(env.server.requests[0].body), [
      ["system", "Be brief."],
      ["user", "Notes from a file\nDoc from the web\nFrom stdin\nQuestion?"],
    ]);
    assert.match(web.agents[0], /^llm\/\d+\.\d+\.\d+ /);
    assert.equal(web.agents.length, 2); // the redirect, then the document

    const db = new DatabaseSync(join(env.dir.path, "logs.db"));
    try {
      const frags = db.prepare("select hash, source, content from fragments order by id").all();
      assert.deepEqual(frags.map((r) => r.content), [
        "Be brief.",
        "Notes from a file",
        "Doc from the web",
        "From stdin",
      ]);
      assert.deepEqual(frags.map((r) => r.source), ["-", file, `${web.url}/moved`, "-"]);
      const links = db.prepare(
        `select f.content, tf.kind, tf."order" from turn_fragments tf join fragments f on f.id = tf.fragment_id
         order by tf.kind, tf."order"`,
      ).all();
      assert.deepEqual(links.map((r) => [r.content, r.kind, r.order]), [
        ["Notes from a file", "prompt", 0],
        ["Doc from the web", "prompt", 1],
        ["From stdin", "prompt", 2],
        ["Be brief.", "system", 0],
      ]);
      // The user message stores references to the fragments and only the typed text literally.
      const user = db.prepare(
        `select p.text, p.payload from parts p join messages m on m.hash = p.message_hash where m.role = 'user'`,
      ).get()!;
      assert.equal(user.text, null);
      const refs = JSON.parse(String(user.payload)).text_ref;
      assert.equal(refs.length, 6);
      assert.deepEqual(refs.at(-1), { literal: "\nQuestion?" });
      assert.equal(db.prepare("select prompt from turn_search").get()!.prompt, "\n\n\nQuestion?");
    } finally {
      db.close();
    }

    // llm logs -f by alias and by path shows the turn (with the content expanded by -e); another does not.
    const logs = await runCli(["logs", "-f", "rules", "--json", "-e"], { env: env.env });
    assert.equal(logs.code, 0, logs.stderr);
    const rows = JSON.parse(logs.stdout);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].prompt, "Notes from a file\nDoc from the web\nFrom stdin\nQuestion?");
    assert.deepEqual(rows[0].system_fragments, [{
      hash: fragmentHash("Be brief."),
      content: "Be brief.",
      aliases: ["rules"],
    }]);
    assert.equal(rows[0].prompt_fragments.length, 3);
    const other = join(env.dir.path, "other.txt");
    await Deno.writeTextFile(other, "never used");
    const none = await runCli(["logs", "-f", other, "--json"], { env: env.env });
    assert.deepEqual(JSON.parse(none.stdout), []);
  } finally {
    await web.close();
  }
});

Deno.test("-f errors: missing fragment, unknown prefix, URL 404 (exit 1, nothing sent)", async () => {
  await using env = await setup();
  const web = textServer({});
  try {
    const missing = await runCli(["-m", "gpt-4o-mini", "-f", "no-such-thing", "hi"], { env: env.env });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^Error: Fragment 'no-such-thing' not found/);
    const prefix = await runCli(["-m", "gpt-4o-mini", "-f", "nope:x", "hi"], { env: env.env });
    assert.equal(prefix.code, 1);
    assert.match(prefix.stderr, /^Error: Unknown fragment prefix: nope\./);
    const gone = await runCli(["-m", "gpt-4o-mini", "--sf", `${web.url}/gone`, "hi"], { env: env.env });
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /Could not fetch http:\/\/127\.0\.0\.1:\d+\/gone: HTTP 404/);
    assert.equal(env.server.requests.length, 0);
  } finally {
    await web.close();
  }
});

Deno.test("llm fragments set, show, list (YAML, --aliases, -q, --json) and remove", async () => {
  await using env = await setup();
  const file = join(env.dir.path, "f1.txt");
  await Deno.writeTextFile(file, "Hello fragment 1");
  const run = (...args: string[]) => runCli(["fragments", ...args], { env: env.env });

  assert.equal((await run("list", "--aliases")).stdout, "");
  assert.equal((await run("set", "f1", file)).code, 0);
  assert.equal((await run("show", "f1")).stdout, "Hello fragment 1\n");
  assert.equal((await run("show", fragmentHash("Hello fragment 1"))).stdout, "Hello fragment 1\n");
  const listed = (await run("list")).stdout;
  assert.match(
    listed,
    new RegExp(
      `^- hash: ${
        fragmentHash("Hello fragment 1")
      }\n  aliases:\n  - f1\n  datetime_utc: '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d'\n` +
        `  source: ${file.replaceAll("/", "\\/")}\n  content: Hello fragment 1\n$`,
    ),
  );
  assert.ok((await run("list", "--aliases")).stdout.includes("aliases:\n  - f1\n"));
  assert.equal((await run("list", "-q", "nothing-matches")).stdout, "");
  const json = JSON.parse((await run("list", "--json", "-q", "fragment 1")).stdout);
  assert.deepEqual(json.map((r: { aliases: string[] }) => r.aliases), [["f1"]]);

  const bad = await run("show", "badalias");
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /Fragment 'badalias' not found/);
  const badAlias = await run("set", "not ok", file);
  assert.equal(badAlias.code, 2);
  assert.match(badAlias.stderr, /Fragment alias must be alphanumeric/);

  assert.equal((await run("remove", "f1")).code, 0);
  assert.match((await run("list")).stdout, /aliases: \[\]/);
  assert.equal((await run("list", "--aliases")).stdout, "");
});

Deno.test("fragment loaders: llm fragments loaders, and -f prefix:arg through a registered loader", async () => {
  await using env = await setup();
  const empty = memoryIo();
  assert.equal(await main(["fragments", "loaders"], empty), 0);
  assert.equal(empty.stdoutText(), "No fragment loaders found\n");

  fragmentLoaderRegistry.register(
    "upper",
    (arg) => ({ content: arg.toUpperCase(), source: `upper:${arg}` }),
    "Upper-cases\nthe argument",
  );
  fragmentLoaderRegistry.register(
    "bare",
    () => [{ content: "one", source: "" }, { content: "two", source: "" }],
  );
  try {
    const io = memoryIo();
    assert.equal(await main(["fragments", "loaders"], io), 0);
    assert.equal(io.stdoutText(), "upper:\n  Upper-cases\n  the argument\n\nbare:\n  Undocumented\n");

    const prompt = memoryIo();
    assert.equal(
      await main(["-m", "gpt-4o-mini", "-f", "upper:shout", "-f", "bare:", "go"], prompt),
      0,
      prompt.stderrText(),
    );
    assert.deepEqual(messagesOf(env.server.requests[0].body), [["user", "SHOUT\none\ntwo\ngo"]]);
    const db = new DatabaseSync(join(env.dir.path, "logs.db"));
    try {
      assert.deepEqual(db.prepare("select source from fragments order by id").all().map((r) => r.source), [
        "upper:shout",
        "",
        "",
      ]);
    } finally {
      db.close();
    }
  } finally {
    fragmentLoaderRegistry.unregister("upper");
    fragmentLoaderRegistry.unregister("bare");
  }
});

Deno.test("llm chat: -f goes on the first message, !fragment lines send fragments (also inside !multi)", async () => {
  await using env = await setup();
  const file = join(env.dir.path, "a.txt");
  await Deno.writeTextFile(file, "File text");
  assert.equal(
    (await runCli(["fragments", "set", "b", "-"], { env: env.env, stdin: "Aliased text" })).code,
    0,
  );
  const chat = await runCli(["chat", "-m", "gpt-4o-mini", "-f", file], {
    env: env.env,
    stdin: `hi\n!fragment b\n!multi\nline one\n!fragment ${file}\n!end\nquit\n`,
  });
  assert.equal(chat.code, 0, chat.stderr);
  const lastUser = (i: number) => messagesOf(env.server.requests[i].body).at(-1);
  assert.deepEqual(lastUser(0), ["user", "File text\nhi"]);
  assert.deepEqual(lastUser(1), ["user", "Aliased text"]);
  assert.deepEqual(lastUser(2), ["user", "File text\nline one"]);
  assert.equal(env.server.requests.length, 3);
  const db = new DatabaseSync(join(env.dir.path, "logs.db"));
  try {
    const used = db.prepare(
      `select f.content from turn_fragments tf join fragments f on f.id = tf.fragment_id
       join turns t on t.id = tf.turn_id order by t.id`,
    ).all().map((r) => r.content);
    assert.deepEqual(used, ["File text", "Aliased text", "File text"]);
  } finally {
    db.close();
  }
});
