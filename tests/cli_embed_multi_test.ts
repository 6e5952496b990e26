/**
 * `llm embed-multi` in-process against the loopback embeddings server: every input source, batching,
 * skipping unchanged content, the progress bar, and bad input.
 * @module
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { main } from "../lib/cli/main.ts";
import { memoryIo } from "../lib/cli/io.ts";
import { decode } from "../lib/embeddings/codec.ts";
import { md5 } from "../lib/compat/md5.ts";
import { unloadPlugin } from "../lib/plugins/runtime.ts";
import { registry } from "../lib/default_registry.ts";
import { progressLine } from "../lib/cli/commands/embeddings/_progress.ts";
import { globRegExp } from "../lib/cli/commands/embeddings/_embed_files.ts";
import { type EmbeddingsServerOptions, startEmbeddingsServer } from "./support/embeddings_server.ts";
import { tempUserDir } from "./support/env.ts";

const INPUTS = fileURLToPath(new URL("./fixtures/embeddings/inputs/", import.meta.url));
const PLUGIN = fileURLToPath(new URL("./fixtures/plugins/embed_bytes.ts", import.meta.url));

async function run(args: string[], options: { stdin?: string; terminal?: boolean } = {}) {
  const io = memoryIo({ stdin: options.stdin, terminal: options.terminal, columns: 100 });
  const code = await main(args, io, { dotenv: false });
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

async function setup(options: EmbeddingsServerOptions = {}, env: Record<string, string> = {}) {
  const server = await startEmbeddingsServer(options);
  const dir = await tempUserDir({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test", ...env });
  const db = `${dir.path}/embeddings.db`;
  return {
    server,
    dir,
    db,
    /** `[collection, id, content]` of every row, in ID order. */
    rows(collection: string): { id: string; content: string | null; metadata: string | null }[] {
      const conn = new DatabaseSync(db, { readOnly: true });
      try {
        return (conn.prepare(
          `SELECT e.id, e.content, e.metadata FROM embeddings e JOIN collections c ON c.id = e.collection_id
           WHERE c.name = ? ORDER BY e.id`,
        ).all(collection) as { id: string; content: string | null; metadata: string | null }[]).map((r) => ({
          ...r,
        }));
      } finally {
        conn.close();
      }
    },
    async [Symbol.asyncDispose]() {
      await dir[Symbol.asyncDispose]();
      await server.close();
    },
  };
}

const ok = { code: 0, stdout: "", stderr: "" };

Deno.test("embed-multi reads CSV, TSV, JSON and newline-delimited JSON, from files or stdin", async () => {
  await using t = await setup();
  assert.deepEqual(await run(["embed-multi", "csv", INPUTS + "docs.csv", "-m", "3-small", "--store"]), ok);
  assert.deepEqual(t.rows("csv").map((r) => [r.id, r.content]), [
    ["1", "Cats Cats are furry pets that purr"],
    ["2", "Dogs Dogs are loyal pets that bark"],
    ["3", "Cars Cars have four wheels, an engine\nand seats"],
    ["4", "Café Un café au lait s'il vous plaît"],
    ["5", "Bikes Bikes have two wheels"],
  ]);
  assert.deepEqual(await run(["embed-multi", "tsv", INPUTS + "data.tsv", "-m", "3-small", "--store"]), ok);
  assert.deepEqual(t.rows("tsv").map((r) => r.content), [
    "Tabs separate these values",
    "Another tab separated value",
  ]);
  assert.deepEqual(
    await run(["embed-multi", "json", INPUTS + "notes.json", "-m", "ada", "--store", "--prefix", "n-"]),
    ok,
  );
  assert.deepEqual(t.rows("json").map((r) => [r.id, r.content]), [
    ["n-10", "Pelicans eat fish birds"],
    ["n-11", "Owls hunt at night birds"],
    ["n-12", "Salmon swim upstream fish"],
  ]);
  // Newline-delimited JSON: with --format nl as Python needs, and detected without it.
  for (const format of [["--format", "nl"], []]) {
    const name = `nl${format.length}`;
    assert.deepEqual(
      await run(["embed-multi", name, INPUTS + "lines.jsonl", "-m", "ada", "--store", ...format]),
      ok,
    );
    assert.deepEqual(t.rows(name).map((r) => r.content), ["first line of tea", "second line of coffee"]);
  }
  const stdin = "id,text\nx,from stdin\n";
  assert.deepEqual(
    await run(["embed-multi", "stdin", "-", "-m", "ada", "--store", "--prepend", "doc: "], { stdin }),
    ok,
  );
  assert.deepEqual(t.rows("stdin").map((r) => r.content), ["doc: from stdin"]);
  assert.deepEqual(t.server.inputs().at(-1), ["doc: from stdin"], "--prepend is part of what is embedded");
  const json = '[{"id": 1, "a": "x", "b": null, "c": 0, "d": 2.5}]';
  assert.deepEqual(
    await run(["embed-multi", "values", "-", "-m", "ada", "--store", "--format", "json"], { stdin: json }),
    ok,
  );
  assert.deepEqual(
    t.rows("values").map((r) => [r.id, r.content]),
    [["1", "x   2.5"]],
    "Python's v or '' joins",
  );
  // Keys keep their order, integer-like ones included (a JavaScript object would put "2024" first).
  const ordered = '{"slug": "k", "2024": "text for 2024"}\n{"slug": "m", "1": "one"}\n';
  assert.deepEqual(
    await run(["embed-multi", "ordered", "-", "-m", "ada", "--store", "--format", "nl"], { stdin: ordered }),
    ok,
  );
  assert.deepEqual(t.rows("ordered").map((r) => [r.id, r.content]), [["k", "text for 2024"], ["m", "one"]]);
});

Deno.test("embed-multi --batch-size and unchanged content: a re-run sends only what changed", async () => {
  await using t = await setup();
  assert.deepEqual(
    await run(["embed-multi", "docs", INPUTS + "docs.csv", "-m", "3-small", "--batch-size", "2"]),
    ok,
  );
  assert.deepEqual(t.server.inputs().map((b) => b.length), [2, 2, 1]);
  assert.deepEqual(await run(["embed-multi", "docs", INPUTS + "docs.csv", "--batch-size", "2"]), ok);
  assert.equal(t.server.inputs().length, 3, "the same content is not embedded again");
  const changed = `${t.dir.path}/changed.csv`;
  const text = await Deno.readTextFile(INPUTS + "docs.csv");
  await Deno.writeTextFile(changed, text.replace("Bikes have two wheels", "Bikes have pedals"));
  assert.deepEqual(await run(["embed-multi", "docs", changed]), ok);
  assert.deepEqual(t.server.inputs().at(-1), ["Bikes Bikes have pedals"]);
});

Deno.test("embed-multi --files: the glob as pathlib matches it, encodings, undecodable and unreadable files", async () => {
  await using t = await setup();
  const dir = `${t.dir.path}/files`;
  await Deno.mkdir(`${dir}/sub/deeper`, { recursive: true });
  await Deno.writeTextFile(`${dir}/a.txt`, "top level");
  await Deno.writeTextFile(`${dir}/.hidden.txt`, "a dot file");
  await Deno.writeTextFile(`${dir}/sub/b.txt`, "Un résumé");
  await Deno.writeTextFile(`${dir}/sub/deeper/c.txt`, "deep down");
  await Deno.writeTextFile(`${dir}/notes.md`, "not text glob");
  await Deno.writeFile(`${dir}/sub/latin.txt`, new Uint8Array([0x63, 0x61, 0x66, 0xe9])); // "café" in latin-1
  await Deno.mkdir(`${dir}/dir.txt`); // a directory that matches: skipped
  await Deno.symlink(`${dir}/gone`, `${dir}/broken.txt`);

  const result = await run(["embed-multi", "files", "--files", dir, "**/*.txt", "-m", "ada", "--store"]);
  assert.equal(result.code, 0);
  assert.equal(
    result.stderr,
    `Could not read file ${dir}/broken.txt: No such file or directory (os error 2): readfile '${dir}/broken.txt'\n`,
  );
  assert.deepEqual(t.rows("files").map((r) => [r.id, r.content]), [
    [".hidden.txt", "a dot file"],
    ["a.txt", "top level"],
    ["sub/b.txt", "Un résumé"],
    ["sub/deeper/c.txt", "deep down"],
    ["sub/latin.txt", "café"],
  ]);
  // UTF-8 only: the latin-1 file cannot be decoded, and is skipped with Python's warning.
  const strict = await run([
    "embed-multi",
    "strict",
    "--files",
    dir,
    "sub/*.txt",
    "--encoding",
    "utf-8",
    "-m",
    "ada",
  ]);
  assert.equal(strict.code, 0);
  assert.equal(strict.stderr, `Could not decode text in file ${dir}/sub/latin.txt\n`);
  assert.deepEqual(t.rows("strict").map((r) => r.id), ["sub/b.txt"]);
  // Two --files options, each keyed relative to its own directory.
  assert.equal(
    (await run(["embed-multi", "two", "--files", dir, "*.md", "--files", `${dir}/sub`, "b.*", "-m", "ada"]))
      .code,
    0,
  );
  assert.deepEqual(t.rows("two").map((r) => r.id), ["b.txt", "notes.md"]);

  assert.ok(globRegExp("**/*.txt").test("a.txt") && globRegExp("**/*.txt").test("x/y/z.txt"));
  assert.ok(!globRegExp("*.txt").test("x/a.txt") && globRegExp("[ab]?.md").test("a1.md"));
  assert.ok(!globRegExp("[!a]*.md").test("a.md") && globRegExp("[!a]*.md").test("b.md"));
});

Deno.test("embed-multi --files --binary stores bytes with a model that takes them", async () => {
  await using t = await setup({}, { LLM_PLUGINS: PLUGIN });
  const onWarning = registry.onWarning;
  registry.onWarning = () => {};
  try {
    const dir = `${t.dir.path}/imgs`;
    await Deno.mkdir(dir);
    const png = new Uint8Array([137, 80, 78, 71, 0, 0]);
    await Deno.writeFile(`${dir}/x.png`, png);
    assert.deepEqual(
      await run(["embed-multi", "imgs", "--files", dir, "*.png", "--binary", "-m", "bytes", "--store"]),
      ok,
    );
    const conn = new DatabaseSync(t.db, { readOnly: true });
    const row = conn.prepare("SELECT id, content, content_blob, content_hash, embedding FROM embeddings")
      .get() as {
        id: string;
        content: null;
        content_blob: Uint8Array;
        content_hash: Uint8Array;
        embedding: Uint8Array;
      };
    conn.close();
    assert.deepEqual([row.id, row.content, row.content_blob, row.content_hash], [
      "x.png",
      null,
      png,
      md5(png),
    ]);
    assert.deepEqual(decode(row.embedding), [6, 2, 1]);
  } finally {
    registry.onWarning = onWarning;
    unloadPlugin("llm-embed-bytes");
  }
});

Deno.test("embed-multi --sql reads a query, with --attach for another database", async () => {
  await using t = await setup();
  const blog = `${t.dir.path}/blog.db`;
  const conn = new DatabaseSync(blog);
  conn.exec("CREATE TABLE posts (id INTEGER, title TEXT, body TEXT)");
  conn.exec("INSERT INTO posts VALUES (1, 'Hello', 'First post'), (2, 'Again', NULL)");
  conn.close();
  assert.deepEqual(
    await run([
      "embed-multi",
      "posts",
      "--attach",
      "blog",
      blog,
      "--sql",
      "SELECT id, title, body FROM blog.posts",
      "-m",
      "ada",
      "--store",
    ]),
    ok,
  );
  assert.deepEqual(t.rows("posts").map((r) => [r.id, r.content]), [["1", "Hello First post"], [
    "2",
    "Again ",
  ]]);
});

Deno.test("embed-multi bad input: usage errors, a one-column CSV, bad JSON, no model, another model", async () => {
  await using t = await setup();
  const one = `${t.dir.path}/one.csv`;
  await Deno.writeTextFile(one, "text\nhello\n");
  const bad = `${t.dir.path}/bad.json`;
  await Deno.writeTextFile(bad, "[1, 2");
  const cases: [string[], number, RegExp][] = [
    [["embed-multi", "c"], 2, /Error: Either --sql or input path or --files is required\n$/],
    [["embed-multi", "c", one, "--binary"], 2, /Error: --binary must be used with --files\n$/],
    [
      ["embed-multi", "c", "--files", ".", "*", "--binary", "--encoding", "utf-8"],
      2,
      /Error: --binary cannot be used with --encoding\n$/,
    ],
    [
      ["embed-multi", "c", one, "--files", ".", "*"],
      2,
      /Error: Cannot use --files with --sql, input path or --format\n$/,
    ],
    [
      ["embed-multi", "c", "/no/such.csv"],
      2,
      /Error: Invalid value for 'INPUT_PATH': Path '\/no\/such\.csv' does not exist\.\n$/,
    ],
    [
      ["embed-multi", "c", "--files", "/no/such/dir", "*", "-m", "ada"],
      2,
      /Error: Invalid directory: \/no\/such\/dir\n$/,
    ],
    [
      ["embed-multi", "c", one, "-m", "ada"],
      1,
      /^Error: .*one\.csv has only one column \(text\): embed-multi takes the first column as the ID/,
    ],
    [["embed-multi", "c", bad, "-m", "ada"], 1, /^Error: Could not read .*bad\.json as JSON: /],
    [
      ["embed-multi", "fresh", one],
      1,
      /^Error: You need to specify an embedding model \(no default model is set\)/,
    ],
    [["embed-multi", "c", INPUTS + "docs.csv", "-m", "nope"], 1, /^Error: Unknown embedding model 'nope'/],
  ];
  for (const [args, code, pattern] of cases) {
    const result = await run(args);
    assert.equal(result.code, code, args.join(" "));
    assert.match(result.stderr, pattern, args.join(" "));
    if (code === 1) assert.equal(result.stderr.split("\n").length, 2, `one line: ${args.join(" ")}`);
  }
  assert.equal((await run(["embed-multi", "docs", INPUTS + "docs.csv", "-m", "ada"])).code, 0);
  const other = await run(["embed-multi", "docs", INPUTS + "docs.csv", "-m", "3-small"]);
  assert.equal(other.code, 1);
  assert.match(
    other.stderr,
    /^Error: Collection 'docs' was created with embedding model 'text-embedding-ada-002'/,
  );
  assert.equal(t.server.inputs().length, 1, "no request was sent for the failures");
});

Deno.test("embed-multi: an HTTP error half-way keeps what was stored, says how far it got, and a re-run resumes", async () => {
  await using t = await setup({ failAt: { 3: 500 } });
  const first = await run([
    "embed-multi",
    "docs",
    INPUTS + "docs.csv",
    "-m",
    "3-small",
    "--batch-size",
    "2",
    "--store",
  ]);
  assert.deepEqual(first, {
    code: 1,
    stdout: "",
    stderr: "Error: Embedding stopped after 4 items (those are stored): API error 500: Scripted failure of " +
      "request 3; the server failed: try again later. Embedding the same items again skips those already stored\n",
  });
  assert.deepEqual(t.rows("docs").map((r) => r.id), ["1", "2", "3", "4"]);
  assert.deepEqual(
    await run(["embed-multi", "docs", INPUTS + "docs.csv", "--batch-size", "2", "--store"]),
    ok,
  );
  assert.deepEqual(t.rows("docs").map((r) => r.id), ["1", "2", "3", "4", "5"]);
  assert.deepEqual(t.server.inputs().map((b) => b.length), [2, 2, 1, 1], "the re-run sent only item 5");
});

Deno.test("embed-multi shows a progress bar on a terminal (count, rate, ETA) and nothing on a pipe", async () => {
  await using _t = await setup();
  const terminal = await run([
    "embed-multi",
    "docs",
    INPUTS + "docs.csv",
    "-m",
    "3-small",
    "--batch-size",
    "2",
  ], {
    terminal: true,
  });
  assert.equal(terminal.code, 0);
  assert.equal(terminal.stdout, "");
  const frames = terminal.stderr.split("\r\x1b[2K").filter(Boolean);
  assert.match(frames[0], /^Embedding {2}\[-+\] {2}0\/5 {2}0% {2}0\.0\/s {2}ETA -:--:--$/);
  assert.match(frames.at(-1)!, /^Embedding {2}\[#+\] {2}5\/5 {2}100% {2}[\d.]+\/s {2}ETA 0:00:00\n$/);
  const piped = await run(["embed-multi", "docs2", INPUTS + "docs.csv", "-m", "3-small"]);
  assert.deepEqual(piped, ok);

  assert.equal(
    progressLine("Embedding", 250, 1000, 5000, 80),
    `Embedding  [${"#".repeat(8)}${"-".repeat(22)}]  250/1000  25%  50.0/s  ETA 0:00:15`,
  );
  assert.equal(progressLine("Embedding", 12, undefined, 1000, 80), "Embedding  12  12.0/s");
});
