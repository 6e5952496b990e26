/**
 * Attachments against Python llm 0.32's recordings (tests/fixtures/python-llm-0.32/attachments/): every
 * command is run with the real CLI against a loopback OpenAI server replaying the recorded reply and a file
 * server holding the same inputs; the request bodies, the files fetched (HEAD/GET), stdout, stderr and exit
 * codes are compared with what Python sent and printed. Then `llm logs` (Markdown, --json, -s) and the
 * logs.db tables are compared with Python's, and Python's logs.db is read back the same.
 *
 * Where 0.32 behaves badly this version differs on purpose, and the tests say so: types a model does not
 * accept are refused before any request (0.32 sends them on a plain prompt), the Responses API gets audio
 * as `input_audio` (0.32 sends an `input_image` with a `data:audio/...` URL), and some errors are worded to be
 * one line (httpx's second line, a link to MDN, is left out).
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { startOpenAIServer } from "./support/openai_server.ts";
import {
  type AttachmentFixture,
  commandFixtures,
  copyInputs,
  EXTRA_MODELS_YAML,
  FIXTURES,
  loadFixture,
  RECORDED_ORIGIN,
  relocate,
  replyNumber,
  runLlm,
  startFileServer,
  stdinOf,
} from "./support/python_attachments.ts";

/** The commands that 0.32 runs and this version refuses (a type the model does not take), and why. */
const REFUSED: Record<string, RegExp> = {
  "unvalidated-chat-text":
    /^Error: Model gpt-4o-mini does not support attachments of type 'text\/plain', only /,
  "unvalidated-chat-wav":
    /^Error: Model gpt-4o-mini does not support attachments of type 'audio\/wav', only /,
  "unvalidated-model-without-attachments": /^Error: Model gpt-3.5-turbo does not support attachments\n$/,
  "unvalidated-responses-wav": /^Error: Model gpt-5.6-luna does not support attachments of type 'audio\/wav'/,
  "error-chat-wav-unsupported-with-tools": /does not support attachments of type 'audio\/wav'/,
  "error-responses-text-unsupported-with-tools": /does not support attachments of type 'text\/plain'/,
};

/** Group 1 of the recordings: one user directory, run in the order of their scripted replies. */
function groupOne(): AttachmentFixture[] {
  return commandFixtures()
    .filter((f) => f.name.startsWith("chat-") || f.name.startsWith("responses-"))
    .sort((a, b) => replyNumber(a)! - replyNumber(b)!);
}

/**
 * The body Python sent, as this version sends it: the same, except audio to the Responses API, which goes as
 * `input_audio` (0.32 sends `{"type": "input_image", "image_url": "data:audio/wav;base64,..."}`).
 */
// deno-lint-ignore no-explicit-any
function expectedBody(fixture: AttachmentFixture, body: any): any {
  if (fixture.name !== "responses-audio-model-wav") return body;
  const content = body.input[0].content;
  const image = content[1];
  assert.match(image.image_url, /^data:audio\/wav;base64,/);
  content[1] = {
    type: "input_audio",
    input_audio: { data: image.image_url.slice("data:audio/wav;base64,".length), format: "wav" },
  };
  return body;
}

interface Dirs {
  user: string;
  work: string;
}

async function setUp(): Promise<Dirs & AsyncDisposable> {
  const user = await Deno.makeTempDir({ prefix: "llm-att-user-" });
  // The working directory's real path: Python llm (and this version) store resolved paths.
  const work = await Deno.realPath(await Deno.makeTempDir({ prefix: "llm-att-work-" }));
  await copyInputs(work);
  return {
    user,
    work,
    async [Symbol.asyncDispose]() {
      await Deno.remove(user, { recursive: true });
      await Deno.remove(work, { recursive: true });
    },
  };
}

Deno.test("attachments: each Chat and Responses command sends and prints what Python llm 0.32 does", async (t) => {
  await using dirs = await setUp();
  await Deno.writeTextFile(`${dirs.user}/extra-openai-models.yaml`, EXTRA_MODELS_YAML);
  await using files = startFileServer();
  await using server = await startOpenAIServer();
  const env = {
    LLM_USER_PATH: dirs.user,
    OPENAI_BASE_URL: server.url,
    OPENAI_API_KEY: "sk-test",
    LLM_OPENAI_MAX_RETRIES: "0",
  };
  for (const fixture of groupOne()) {
    await t.step(fixture.name, async () => {
      const posts = fixture.interactions.map((x, i) => [x, i] as const).filter(([x]) =>
        x.request.method === "POST"
      );
      assert.equal(posts.length, 1);
      server.enqueue({ kind: "recorded", file: `${FIXTURES}${fixture.name}.json`, index: posts[0][1] });
      const before = server.requests.length;
      files.requests.length = 0;
      // Port 9 (the recording's) is one fetch refuses to call; a port nothing listens on refuses the connection.
      const closed = closedPortUrl();
      const args = relocate(fixture.argv.slice(1), files.origin, dirs.work).map((a) =>
        a.replace("http://127.0.0.1:9/", closed)
      );
      const run = await runLlm(args, { cwd: dirs.work, env, stdin: stdinOf(fixture) });
      assert.equal(run.stderr, fixture.stderr);
      assert.equal(run.code, fixture.exit_code);
      assert.equal(run.stdout, fixture.stdout);
      const sent = server.requests.slice(before);
      assert.equal(sent.length, 1);
      assert.equal(sent[0].path, posts[0][0].request.path);
      assert.deepEqual(
        sent[0].body,
        expectedBody(fixture, relocate(posts[0][0].request.body, files.origin, dirs.work)),
      );
      const fetched = fixture.interactions.filter((x) => x.request.method !== "POST")
        .map((x) => ({ method: x.request.method, path: x.request.path }));
      assert.deepEqual(files.requests, fetched, "the same HEAD and GET requests for URL attachments");
    });
  }

  await t.step("llm logs (Markdown, --json, -s) prints what Python printed for the same logs", async () => {
    for (const name of ["logs-n0", "logs-n0-json", "logs-short"]) {
      const fixture = loadFixture(name);
      const run = await runLlm(fixture.argv.slice(1), { cwd: dirs.work, env });
      assert.equal(run.code, 0, run.stderr);
      const ours = normaliseLog(run.stdout, files.origin, dirs.work);
      const theirs = normaliseLog(fixture.stdout);
      // The JSON is compared as data, without the usage Python's SDK models shape (response_json's usage key
      // order, Responses' `cache_write_tokens: null` in token_details): differences outside attachments.
      if (name === "logs-n0-json") assert.deepEqual(withoutUsage(ours), withoutUsage(theirs));
      else assert.equal(ours, theirs);
    }
  });

  await t.step("logs.db holds the rows Python wrote: messages, parts, attachments, part_attachments", () => {
    if (files.origin !== RECORDED_ORIGIN) {
      // URL attachments' ids (and so message hashes) hash the URL, port included.
      console.log(`skipped: port ${new URL(RECORDED_ORIGIN).port} is in use, so URL attachment ids differ`);
      return;
    }
    const ours = tables(`${dirs.user}/logs.db`);
    const theirs = JSON.parse(Deno.readTextFileSync(`${FIXTURES}logs-tables.json`));
    assert.deepEqual(ours.messages, sortRows(theirs.messages.map(messageRow)));
    assert.deepEqual(ours.parts, sortRows(theirs.parts.map(partRow)));
    assert.deepEqual(
      ours.attachments,
      sortRows(relocate(theirs.attachments, files.origin, dirs.work).map(attachmentRow)),
    );
    assert.deepEqual(ours.partAttachments, sortRows(theirs.part_attachments.map(linkRow(theirs.parts))));
    assert.equal(ours.promptAttachments, 0, "the legacy prompt_attachments table stays empty");
  });
});

Deno.test("attachments: bad input is a one-line error before any request, and nothing is logged", async (t) => {
  await using dirs = await setUp();
  await using files = startFileServer();
  await using server = await startOpenAIServer();
  const env = {
    LLM_USER_PATH: dirs.user,
    OPENAI_BASE_URL: server.url,
    OPENAI_API_KEY: "sk-test",
    LLM_OPENAI_MAX_RETRIES: "0",
  };
  const usage = "Usage: llm prompt [OPTIONS] [PROMPT]\nTry 'llm prompt --help' for help.\n\n";
  for (
    const fixture of commandFixtures().filter((f) =>
      f.name.startsWith("error-") || f.name.startsWith("unvalidated-")
    )
  ) {
    await t.step(fixture.name, async () => {
      const before = server.requests.length;
      files.requests.length = 0;
      // Port 9 (the recording's) is one fetch refuses to call; a port nothing listens on refuses the connection.
      const closed = closedPortUrl();
      const args = relocate(fixture.argv.slice(1), files.origin, dirs.work).map((a) =>
        a.replace("http://127.0.0.1:9/", closed)
      );
      const run = await runLlm(args, { cwd: dirs.work, env, stdin: stdinOf(fixture) });
      assert.equal(run.stdout, "");
      assert.equal(server.requests.length, before, "no model request");
      const refused = REFUSED[fixture.name];
      if (refused) {
        assert.equal(run.code, 1);
        assert.match(run.stderr, refused);
        assert.equal(run.stderr.trimEnd().split("\n").length, 1);
      } else {
        assert.equal(run.code, fixture.exit_code);
        assert.ok(run.stderr.startsWith(usage), run.stderr);
        const expected = fixture.stderr.slice(usage.length).split("\n")[0];
        const got = run.stderr.slice(usage.length).trimEnd();
        assert.equal(got.split("\n").length, 1, "one line");
        if (fixture.name === "error-url-connection-refused") {
          // httpx says `[Errno 111] Connection refused`; this names the URL too.
          assert.equal(
            got,
            `Error: Invalid value for '-a' / '--attachment': Could not fetch ${closed}image.png: connection refused`,
          );
        } else {
          assert.equal(got, relocate(expected, files.origin, dirs.work));
        }
      }
      const fetched = fixture.interactions.filter((x) => x.request.method !== "POST")
        .map((x) => ({ method: x.request.method, path: x.request.path }));
      assert.deepEqual(files.requests, fetched);
    });
  }
  await t.step("a --at URL is never fetched, even a 404", async () => {
    const fixture = loadFixture("at-url-404-not-fetched");
    const post = fixture.interactions.findIndex((x) => x.request.method === "POST");
    server.enqueue({ kind: "recorded", file: `${FIXTURES}${fixture.name}.json`, index: post });
    files.requests.length = 0;
    const before = server.requests.length;
    const run = await runLlm(relocate(fixture.argv.slice(1), files.origin, dirs.work), {
      cwd: dirs.work,
      env,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, fixture.stdout);
    assert.deepEqual(files.requests, []);
    assert.deepEqual(
      server.requests[before].body,
      relocate(fixture.interactions[post].request.body, files.origin, dirs.work),
    );
  });
  await t.step("only the command that succeeded is logged: the failed ones left no turn", () => {
    const db = new DatabaseSync(`${dirs.user}/logs.db`, { readOnly: true });
    try {
      // Only the one successful command of this test is logged.
      assert.equal((db.prepare("select count(*) as n from turns").get() as { n: number }).n, 1);
    } finally {
      db.close();
    }
  });
});

Deno.test("attachments: Python llm 0.32's logs.db reads back as Python printed it", async () => {
  await using dirs = await setUp();
  await Deno.writeTextFile(`${dirs.user}/extra-openai-models.yaml`, EXTRA_MODELS_YAML);
  await Deno.copyFile(`${FIXTURES}logs.db`, `${dirs.user}/logs.db`);
  for (const name of ["logs-n0", "logs-n0-json", "logs-short"]) {
    const fixture = loadFixture(name);
    const run = await runLlm(fixture.argv.slice(1), { cwd: dirs.work, env: { LLM_USER_PATH: dirs.user } });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, fixture.stdout, name);
  }
});

const PYTHON_LLM = Deno.env.get("PYTHON_LLM") ?? "/tmp/pyllm/bin/llm";

Deno.test({
  name: "attachments: Python llm 0.32 prints our logs.db as ours (needs /tmp/pyllm)",
  ignore: !(() => {
    try {
      return Deno.statSync(PYTHON_LLM).isFile;
    } catch {
      return false;
    }
  })(),
  async fn() {
    await using dirs = await setUp();
    await using files = startFileServer();
    await using server = await startOpenAIServer();
    const env = { LLM_USER_PATH: dirs.user, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test" };
    server.enqueue({ kind: "text", text: "A red square." }, { kind: "text", text: "Red." });
    const stdin = await Deno.readFile(`${dirs.work}/image2.png`);
    assert.equal(
      (await runLlm([
        "-m",
        "4o-mini",
        "Describe",
        "-a",
        "image.png",
        "-a",
        `${files.origin}/files/image.jpg`,
        "--at",
        "-",
        "image/png",
      ], { cwd: dirs.work, env, stdin })).code,
      0,
    );
    assert.equal((await runLlm(["-c", "And the colour?"], { cwd: dirs.work, env })).code, 0);
    for (const args of [["logs", "-n", "0", "--json"], ["logs", "-n", "0"], ["logs", "-n", "0", "-s"]]) {
      const ours = await runLlm(args, { cwd: dirs.work, env });
      const python = await new Deno.Command(PYTHON_LLM, {
        args,
        cwd: dirs.work,
        env: { ...env, NO_COLOR: "1", TZ: "UTC", COLUMNS: "80" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(python.code, 0, new TextDecoder().decode(python.stderr));
      assert.equal(ours.stdout, new TextDecoder().decode(python.stdout), args.join(" "));
    }
  },
});

/** Log output without what differs between runs: ids, times, durations, the server's port, the directory. */
function normaliseLog(text: string, origin?: string, workdir?: string): string {
  let out = text;
  if (origin) out = out.replaceAll(origin, "ORIGIN");
  if (workdir) out = out.replaceAll(workdir, "WORKDIR");
  return out.replaceAll("http://127.0.0.1:18765", "ORIGIN").replaceAll("/tmp/llm-work", "WORKDIR")
    .replace(/\b01[0-9a-z]{24}\b/g, "ULID")
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(\+00:00)?/g, "DATETIME")
    .replace(/"duration_ms": \d+/g, '"duration_ms": 0');
}

/** A URL on 127.0.0.1 at a port nothing listens on (one just freed). */
function closedPortUrl(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return `http://127.0.0.1:${port}/`;
}

type Row = Record<string, unknown>;

/** `llm logs --json` rows without `response_json` and `token_details`. */
function withoutUsage(json: string): Row[] {
  return (JSON.parse(json) as Row[]).map(({ response_json: _r, token_details: _t, ...rest }) => rest);
}

function sortRows(rows: Row[]): Row[] {
  return rows.map((r) => JSON.stringify(r)).sort().map((r) => JSON.parse(r));
}

function messageRow(r: Row): Row {
  return { hash: r.hash, parent_hash: r.parent_hash, role: r.role, provider_metadata: r.provider_metadata };
}

function partRow(r: Row): Row {
  return {
    message_hash: r.message_hash,
    position: r.position,
    type: r.type,
    tool_name: r.tool_name,
    text: r.text,
    payload: r.payload,
  };
}

function attachmentRow(r: Row): Row {
  const content = r.content as { base64?: string } | Uint8Array | null;
  const base64 = content instanceof Uint8Array
    ? btoa(String.fromCharCode(...content))
    : content?.base64 ?? null;
  return { id: r.id, type: r.type, path: r.path, url: r.url, content: base64 };
}

/** A part_attachments row keyed by its part's message and position (part ids differ between databases). */
function linkRow(parts: Row[]): (r: Row) => Row {
  const byId = new Map(parts.map((p) => [p.id, p]));
  return (r) => {
    const part = byId.get(r.part_id)!;
    return {
      message_hash: part.message_hash,
      position: part.position,
      attachment_id: r.attachment_id,
      order: r.order,
    };
  };
}

function tables(path: string) {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const all = (sql: string) => db.prepare(sql).all() as Row[];
    return {
      messages: sortRows(all("select * from messages").map(messageRow)),
      parts: sortRows(all("select * from parts").map(partRow)),
      attachments: sortRows(all("select * from attachments").map(attachmentRow)),
      partAttachments: sortRows(
        all("select * from part_attachments").map(linkRow(all("select * from parts"))),
      ),
      promptAttachments:
        (db.prepare("select count(*) as n from prompt_attachments").get() as { n: number }).n,
    };
  } finally {
    db.close();
  }
}
