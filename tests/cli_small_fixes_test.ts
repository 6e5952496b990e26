/**
 * Smaller holes a hostile tester found (issue 12, item 5): a read-only logs.db is found before the request
 * is sent and named; `llm aliases set x nosuchmodel` says no such model is known; bytes on stdin that are not
 * UTF-8 are reported once with their offset; `-t ../../name` may not leave the templates directory. The real
 * CLI against the loopback server.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { cliSetup, makeFileUnwritable, ok } from "./support/cli_setup.ts";
import { runCli } from "./support/run_cli.ts";

Deno.test("read-only logs.db: found before the request is sent, and the error names the file", async () => {
  await using t = await cliSetup();
  ok(await t.llm(["-m", "4o-mini", "first"]));
  const db = join(t.dir, "logs.db");
  const undo = await makeFileUnwritable(db);
  if (!undo) return;
  try {
    for (const args of [["-m", "4o-mini", "second"], ["chat", "-m", "4o-mini"]]) {
      const run = await t.llm(args, { stdin: "hello\n" });
      assert.equal(run.code, 1, run.stderr);
      assert.equal(
        run.stderr,
        `Error: Cannot write to the logs database '${db}': the file or its directory is read-only. ` +
          "Fix its permissions, or run with --no-log to skip logging\n",
      );
    }
    assert.equal(t.server.requests.length, 1, "no request was sent");
    assert.equal(ok(await t.llm(["-m", "4o-mini", "-n", "unlogged"])).stdout, "Echo: unlogged\n");
  } finally {
    await undo();
  }
});

Deno.test("llm aliases set to an unknown model warns and keeps the alias; a known one says nothing", async () => {
  await using t = await cliSetup();
  const unknown = ok(await t.llm(["aliases", "set", "later", "nosuchmodel"]));
  assert.equal(
    unknown.stderr,
    "Warning: No model 'nosuchmodel' is known; alias 'later' was set anyway, for a model a plugin may add " +
      "later. Run 'llm models' to list models\n",
  );
  const known = ok(await t.llm(["aliases", "set", "mini", "4o-mini"]));
  assert.equal(known.stderr, "");
  assert.deepEqual(JSON.parse(await Deno.readTextFile(join(t.dir, "aliases.json"))), {
    later: "nosuchmodel",
    mini: "gpt-4o-mini",
  });
});

Deno.test("stdin that is not UTF-8: one warning with the offset of the first bad byte, the prompt still runs", async () => {
  await using t = await cliSetup();
  const bytes = new Uint8Array([...new TextEncoder().encode("café "), 0xe9, 0x20, 0x6f, 0x6b, 0xff]);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(import.meta.dirname!, "..", "cli.ts"), "-m", "4o-mini", "-n"],
    env: { NO_COLOR: "1", ...t.env },
    cwd: t.dir,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(bytes);
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  const decoder = new TextDecoder();
  assert.equal(code, 0, decoder.decode(stderr));
  assert.equal(
    decoder.decode(stderr),
    "Warning: stdin is not valid UTF-8 (first invalid byte 0xe9 at offset 6); invalid bytes were replaced " +
      "with U+FFFD\n",
  );
  assert.equal(decoder.decode(stdout), "Echo: café \uFFFD ok\uFFFD\n");
  assert.equal(t.server.requests[0].body.messages[0].content, "café \uFFFD ok\uFFFD");

  const clean = ok(await t.llm(["-m", "4o-mini", "-n"], { stdin: "naïve ✓ 𝄞" }));
  assert.equal(clean.stderr, "", "valid UTF-8, multi-byte included, is not warned of");
});

Deno.test("-t and llm templates refuse names that lead out of the templates directory", async () => {
  await using t = await cliSetup();
  await Deno.mkdir(join(t.dir, "templates"));
  await Deno.writeTextFile(join(t.dir, "templates", "inside.yaml"), "prompt: 'inside: $input'\n");
  await Deno.mkdir(join(t.dir, "elsewhere"));
  await Deno.writeTextFile(join(t.dir, "secret.yaml"), "prompt: 'secret: $input'\n");
  const cwd = join(t.dir, "elsewhere");
  // An editor that saves nothing, should `templates edit` ever get that far.
  const env = { ...t.env, EDITOR: "true", VISUAL: "true" };
  const llm = (args: string[]) => runCli(args, { cwd, env });

  const escaped = await llm(["-t", "../secret", "-m", "4o-mini", "-n", "x"]);
  assert.equal(escaped.code, 1);
  assert.equal(
    escaped.stderr,
    `Error: Template name '../secret' leads outside the templates directory ${join(t.dir, "templates")}: ` +
      "give a template name such as 'summarize', or the path of an existing file\n",
  );
  for (const args of [["templates", "show", "../secret"], ["templates", "edit", "../x"]]) {
    const run = await llm(args);
    assert.equal(run.code, 1, args.join(" "));
    assert.match(run.stderr, /leads outside the templates directory/);
  }
  assert.equal(t.server.requests.length, 0);
  assert.deepEqual([...Deno.readDirSync(t.dir)].map((e) => e.name).sort(), [
    "elsewhere",
    "secret.yaml",
    "templates",
  ]);
  // A stored template by name, and a file given by its path, still work.
  assert.equal(ok(await llm(["-t", "inside", "-m", "4o-mini", "-n", "x"])).stdout, "Echo: inside: x\n");
  assert.equal(
    ok(await llm(["-t", "../secret.yaml", "-m", "4o-mini", "-n", "x"])).stdout,
    "Echo: secret: x\n",
  );
});
