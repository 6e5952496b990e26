/**
 * End-to-end tests of `llm chat`, driven by piping lines into the real CLI (a subprocess) talking to the loopback
 * OpenAI server, with a temporary user directory.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { startOpenAIServer } from "./support/openai_server.ts";
import { runCli, type RunCliResult } from "./support/run_cli.ts";

const BANNER = "Chatting with gpt-4o-mini\n" +
  "Type 'exit' or 'quit' to exit\n" +
  "Type '!multi' to enter multiple lines, then '!end' to finish\n" +
  "Type '!edit' to open your default editor and modify the prompt\n" +
  "Type '!fragment <my_fragment> [<another_fragment> ...]' to insert one or more fragments\n";

async function withChat(
  fn: (
    chat: (lines: string, args?: string[], env?: Record<string, string>) => Promise<RunCliResult>,
    ctx: { dir: string; server: Awaited<ReturnType<typeof startOpenAIServer>> },
  ) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "llm-cli-chat-" });
  await using server = await startOpenAIServer();
  const env = {
    LLM_USER_PATH: dir,
    OPENAI_BASE_URL: server.url,
    OPENAI_API_KEY: "sk-test",
    LLM_OPENAI_MAX_RETRIES: "0",
    LLM_MODEL: "",
  };
  try {
    await fn(
      (lines, args = ["-m", "4o-mini"], extra = {}) =>
        runCli(["chat", ...args], { stdin: lines, cwd: dir, env: { ...env, ...extra } }),
      { dir, server },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function turns(dir: string): { thread_id: string; prompt: string; response: string }[] {
  const db = new DatabaseSync(join(dir, "logs.db"), { readOnly: true });
  try {
    return db.prepare(
      "select t.thread_id, s.prompt, s.response from turns t join turn_search s on s.turn_id = t.id order by t.id",
    ).all() as { thread_id: string; prompt: string; response: string }[];
  } finally {
    db.close();
  }
}

Deno.test("chat: banner, prompts, one conversation, !multi/!end with tokens, -s once, exit, logged with logs off", async () => {
  await withChat(async (chat, { dir, server }) => {
    await Deno.writeTextFile(join(dir, "logs-off"), "");
    const lines = [
      "hello",
      "!multi",
      "line one",
      "quit",
      "!end",
      "!multi abc",
      "x",
      "!end",
      "!end abc",
      "  exit  ",
      "never sent",
    ].join("\n") + "\n";
    const result = await chat(lines, ["-m", "4o-mini", "-s", "Be brief"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, "");
    assert.equal(
      result.stdout,
      BANNER +
        "> Echo: hello\n" +
        "> Echo: line one\nquit\n" +
        "> Echo: x\n!end\n" +
        "> ",
    );
    assert.equal(server.requests.length, 3);
    const [first, second, third] = server.requests.map((r) => r.body.messages);
    assert.deepEqual(first, [{ role: "system", content: "Be brief" }, { role: "user", content: "hello" }]);
    assert.deepEqual(second, [
      ...first,
      { role: "assistant", content: "Echo: hello" },
      { role: "user", content: "line one\nquit" },
    ]);
    assert.equal(third.filter((m: { role: string }) => m.role === "system").length, 1, "system sent once");
    assert.deepEqual(third.at(-1), { role: "user", content: "x\n!end" });

    const logged = turns(dir);
    assert.deepEqual(logged.map((t) => t.prompt), ["hello", "line one\nquit", "x\n!end"]);
    assert.equal(new Set(logged.map((t) => t.thread_id)).size, 1, "one conversation");
  });
});

Deno.test("chat: EOF ends cleanly; -c continues the latest logged conversation with its model", async () => {
  await withChat(async (chat, { dir, server }) => {
    const first = await chat("only line\n");
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, BANNER + "> Echo: only line\n> \n");

    const resumed = await chat("again\n", ["-c"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.ok(resumed.stdout.startsWith(BANNER), "the conversation's model, gpt-4o-mini, is used");
    const last = server.requests.at(-1)!;
    assert.equal(last.body.model, "gpt-4o-mini");
    assert.deepEqual(last.body.messages, [
      { role: "user", content: "only line" },
      { role: "assistant", content: "Echo: only line" },
      { role: "user", content: "again" },
    ]);
    const logged = turns(dir);
    assert.equal(logged.length, 2);
    assert.equal(logged[0].thread_id, logged[1].thread_id);
  });
});

Deno.test("chat: an HTTP error ends that answer only; a missing key ends the chat with exit 1", async () => {
  await withChat(async (chat, { dir, server }) => {
    server.enqueue({ kind: "status", status: 500 });
    const result = await chat("boom\nafter\n", ["-m", "4o-mini", "-s", "Sys"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^Error: .*server had an error.*\n$/);
    assert.ok(result.stdout.endsWith("> Echo: after\n> \n"), result.stdout);
    assert.equal(server.requests.length, 2);
    // The failed turn is not history, and the system prompt goes with the first turn that is.
    assert.deepEqual(server.requests[1].body.messages, [
      { role: "system", content: "Sys" },
      { role: "user", content: "after" },
    ]);
    assert.deepEqual(turns(dir).map((t) => t.prompt), ["after"]);

    const noKey = await chat("hi\n", ["-m", "4o-mini"], { OPENAI_API_KEY: "" });
    assert.equal(noKey.code, 1);
    assert.match(noKey.stderr, /^Error: .*llm keys set openai.*OPENAI_API_KEY.*\n$/);
    assert.equal(server.requests.length, 2);
  });
});

Deno.test("chat: !edit sends what $EDITOR saved, and says so when nothing was saved", async () => {
  await withChat(async (chat, { dir, server }) => {
    const writer = join(dir, "write-editor.sh");
    await Deno.writeTextFile(writer, "#!/bin/sh\nsleep 0.01\nprintf 'edited in the editor\\n' > \"$1\"\n");
    const noop = join(dir, "noop-editor.sh");
    await Deno.writeTextFile(noop, "#!/bin/sh\nexit 0\n");
    await Deno.chmod(writer, 0o755);
    await Deno.chmod(noop, 0o755);

    const edited = await chat("!edit\n", ["-m", "4o-mini"], { EDITOR: writer, VISUAL: "" });
    assert.equal(edited.code, 0, edited.stderr);
    assert.deepEqual(server.requests[0].body.messages, [{ role: "user", content: "edited in the editor" }]);
    assert.match(edited.stdout, /> Echo: edited in the editor\n/);

    const unsaved = await chat("!edit\n", ["-m", "4o-mini"], { EDITOR: noop, VISUAL: "" });
    assert.equal(unsaved.code, 0, unsaved.stderr);
    assert.equal(unsaved.stderr, "Editor closed without saving.\n");
    assert.equal(server.requests.length, 1);
  });
});

Deno.test("chat: --no-stream prints each answer once; -o replaces the model_options.json defaults", async () => {
  await withChat(async (chat, { dir, server }) => {
    await Deno.writeTextFile(
      join(dir, "model_options.json"),
      JSON.stringify({ "gpt-4o-mini": { temperature: "0.2", max_tokens: "9" } }),
    );
    const whole = await chat("hi\nthere\n", ["-m", "4o-mini", "--no-stream"]);
    assert.equal(whole.code, 0, whole.stderr);
    assert.equal(whole.stdout, BANNER + "> Echo: hi\n> Echo: there\n> \n");
    assert.notEqual(server.requests[0].body.stream, true);
    assert.equal(server.requests[0].body.temperature, 0.2);
    assert.equal(server.requests[0].body.max_tokens, 9);

    const replaced = await chat("hi\n", ["-m", "4o-mini", "-o", "temperature", "0.7"]);
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.equal(server.requests[2].body.temperature, 0.7);
    assert.equal("max_tokens" in server.requests[2].body, false, "-o replaces the defaults entirely");
  });
});
