/**
 * Ctrl-C and kill mid-stream: `llm prompt` in a subprocess, streaming a slow reply from the loopback server, is
 * sent SIGINT (or SIGKILL) after its first chunk. The partial answer must stay on stdout and in logs.db, and the
 * database must stay sound.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { startOpenAIServer } from "./support/openai_server.ts";
import { cliPath } from "./support/run_cli.ts";

const unix = Deno.build.os !== "windows";

/** Starts `llm -m 4o-mini <prompt>` against a slow stream and resolves once its first chunk is on stdout. */
async function streamUntilFirstChunk(dir: string, serverUrl: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", cliPath, "-m", "4o-mini", "tell me slowly"],
    env: {
      NO_COLOR: "1",
      LLM_USER_PATH: dir,
      OPENAI_BASE_URL: serverUrl,
      OPENAI_API_KEY: "sk-test",
      LLM_OPENAI_MAX_RETRIES: "0",
    },
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const stderrText = new Response(child.stderr).text();
  let seen = "";
  while (!seen.includes("Once")) {
    const { value, done } = await stdout.read();
    if (done) break;
    seen += value;
  }
  const rest = async (): Promise<string> => {
    while (true) {
      const { value, done } = await stdout.read();
      if (done) return seen;
      seen += value;
    }
  };
  return { child, firstChunk: seen, rest, stderrText };
}

function integrity(path: string): string {
  const db = new DatabaseSync(path);
  try {
    return (db.prepare("pragma integrity_check").get() as { integrity_check: string }).integrity_check;
  } finally {
    db.close();
  }
}

Deno.test({
  name: "interrupt: SIGINT mid-stream exits 130, keeps the partial text and logs it as interrupted",
  ignore: !unix,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "llm-cli-sigint-" });
    await using server = await startOpenAIServer();
    try {
      server.enqueue({ kind: "slow", chunks: ["Once ", "upon ", "a ", "time"], delayMs: 2000 });
      const run = await streamUntilFirstChunk(dir, server.url);
      assert.equal(run.firstChunk, "Once ");
      run.child.kill("SIGINT");
      const stdout = await run.rest();
      const status = await run.child.status;
      const stderr = await run.stderrText;
      assert.equal(status.code, 130);
      assert.equal(stdout, "Once \n");
      assert.equal(stderr, "Error: Cancelled with Ctrl-C\n");

      const path = join(dir, "logs.db");
      assert.equal(integrity(path), "ok");
      const db = new DatabaseSync(path, { readOnly: true });
      try {
        const turns = db.prepare(
          "select s.prompt, s.response, t.response_json from turns t join turn_search s on s.turn_id = t.id",
        ).all() as { prompt: string; response: string; response_json: string }[];
        assert.equal(turns.length, 1);
        assert.equal(turns[0].prompt, "tell me slowly");
        assert.equal(turns[0].response, "Once ");
        assert.deepEqual(JSON.parse(turns[0].response_json).llm_interrupted, {
          reason: "Cancelled with Ctrl-C",
        });
      } finally {
        db.close();
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "interrupt: SIGKILL mid-stream leaves a logs.db that passes integrity_check and keeps earlier turns",
  ignore: !unix,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "llm-cli-sigkill-" });
    await using server = await startOpenAIServer();
    try {
      const before = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", cliPath, "-m", "4o-mini", "kept"],
        env: { LLM_USER_PATH: dir, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test" },
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).output();
      assert.equal(before.code, 0);
      server.enqueue({ kind: "slow", chunks: ["Once ", "upon ", "a ", "time"], delayMs: 2000 });
      const run = await streamUntilFirstChunk(dir, server.url);
      assert.equal(run.firstChunk, "Once ");
      run.child.kill("SIGKILL");
      await run.rest();
      const status = await run.child.status;
      await run.stderrText;
      assert.equal(status.signal, "SIGKILL");

      const path = join(dir, "logs.db");
      assert.equal(integrity(path), "ok");
      const db = new DatabaseSync(path, { readOnly: true });
      try {
        const prompts = db.prepare("select prompt from turn_search").all().map((r) => r.prompt);
        assert.deepEqual(prompts, ["kept"]);
      } finally {
        db.close();
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "interrupt: Ctrl-C in llm chat cancels the answer, logs it, and the chat goes on",
  ignore: !unix,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "llm-cli-chat-sigint-" });
    await using server = await startOpenAIServer();
    try {
      server.enqueue({ kind: "slow", chunks: ["Once ", "upon ", "a ", "time"], delayMs: 2000 });
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", cliPath, "chat", "-m", "4o-mini"],
        env: {
          NO_COLOR: "1",
          LLM_USER_PATH: dir,
          OPENAI_BASE_URL: server.url,
          OPENAI_API_KEY: "sk-test",
          LLM_OPENAI_MAX_RETRIES: "0",
        },
        cwd: dir,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const stdin = child.stdin.getWriter();
      await stdin.write(new TextEncoder().encode("tell me slowly\n"));
      const stdout = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      const stderrText = new Response(child.stderr).text();
      let seen = "";
      while (!seen.includes("Once")) {
        const { value, done } = await stdout.read();
        if (done) break;
        seen += value;
      }
      child.kill("SIGINT");
      await stdin.write(new TextEncoder().encode("after\n"));
      await stdin.close();
      while (true) {
        const { value, done } = await stdout.read();
        if (done) break;
        seen += value;
      }
      const status = await child.status;
      const stderr = await stderrText;
      assert.equal(status.code, 0, stderr);
      assert.match(seen, /> Once \n> Echo: after\n> \n$/);
      assert.match(stderr, /^Cancelled/);
      assert.equal(server.requests.length, 2);
      assert.deepEqual(server.requests[1].body.messages, [
        { role: "user", content: "tell me slowly" },
        { role: "assistant", content: "Once " },
        { role: "user", content: "after" },
      ]);
      const db = new DatabaseSync(join(dir, "logs.db"), { readOnly: true });
      try {
        const rows = db.prepare(
          "select s.response, t.response_json from turns t join turn_search s on s.turn_id = t.id order by t.id",
        ).all() as { response: string; response_json: string }[];
        assert.deepEqual(rows.map((r) => r.response), ["Once ", "Echo: after"]);
        assert.ok(JSON.parse(rows[0].response_json).llm_interrupted);
      } finally {
        db.close();
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "interrupt: SIGINT while waiting for a --no-stream answer exits 130 and logs nothing",
  ignore: !unix,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "llm-cli-sigint-whole-" });
    await using server = await startOpenAIServer();
    try {
      server.enqueue({ kind: "slow", chunks: ["Once ", "upon"], delayMs: 5000 });
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", cliPath, "-m", "4o-mini", "--no-stream", "wait"],
        env: { NO_COLOR: "1", LLM_USER_PATH: dir, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test" },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      await server.waitForRequests(1);
      child.kill("SIGINT");
      const { code, stdout, stderr } = await child.output();
      assert.equal(code, 130);
      assert.equal(new TextDecoder().decode(stdout), "");
      assert.equal(new TextDecoder().decode(stderr), "Error: Cancelled with Ctrl-C\n");
      const db = new DatabaseSync(join(dir, "logs.db"), { readOnly: true });
      try {
        assert.equal(db.prepare("select count(*) as n from turns").get()!.n, 0);
      } finally {
        db.close();
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

for (const [signal, code] of [["SIGTERM", 143], ["SIGHUP", 129]] as const) {
  Deno.test({
    name: `interrupt: ${signal} mid-stream exits ${code}, keeps the partial text and logs it as interrupted`,
    ignore: !unix,
    async fn() {
      const dir = await Deno.makeTempDir({ prefix: "llm-cli-sigterm-" });
      await using server = await startOpenAIServer();
      try {
        server.enqueue({ kind: "slow", chunks: ["Once ", "upon ", "a ", "time"], delayMs: 2000 });
        const run = await streamUntilFirstChunk(dir, server.url);
        run.child.kill(signal);
        const stdout = await run.rest();
        const status = await run.child.status;
        assert.equal(status.code, code);
        assert.equal(stdout, "Once \n");
        assert.equal(await run.stderrText, `Error: Cancelled by ${signal}\n`);
        const path = join(dir, "logs.db");
        assert.equal(integrity(path), "ok");
        const db = new DatabaseSync(path, { readOnly: true });
        try {
          const turns = db.prepare(
            "select s.response, t.response_json from turns t join turn_search s on s.turn_id = t.id",
          ).all() as { response: string; response_json: string }[];
          assert.deepEqual(turns.map((t) => t.response), ["Once "]);
          assert.deepEqual(JSON.parse(turns[0].response_json).llm_interrupted, {
            reason: `Cancelled by ${signal}`,
          });
        } finally {
          db.close();
        }
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}

Deno.test({
  name: "interrupt: SIGTERM in llm chat logs the partial answer and ends the chat; idle, it ends it at once",
  ignore: !unix,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "llm-cli-chat-sigterm-" });
    await using server = await startOpenAIServer();
    const env = {
      NO_COLOR: "1",
      LLM_USER_PATH: dir,
      OPENAI_BASE_URL: server.url,
      OPENAI_API_KEY: "sk-test",
      LLM_OPENAI_MAX_RETRIES: "0",
    };
    const chat = () =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", cliPath, "chat", "-m", "4o-mini"],
        env,
        cwd: dir,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    /** Reads stdout until `marker` has appeared. */
    const readUntil = async (reader: ReadableStreamDefaultReader<string>, marker: string) => {
      let seen = "";
      while (!seen.includes(marker)) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += value;
      }
      return seen;
    };
    try {
      server.enqueue({ kind: "slow", chunks: ["Once ", "upon ", "a ", "time"], delayMs: 2000 });
      const answering = chat();
      const stdin = answering.stdin.getWriter();
      await stdin.write(new TextEncoder().encode("tell me slowly\n"));
      const stdout = answering.stdout.pipeThrough(new TextDecoderStream()).getReader();
      const stderr = new Response(answering.stderr).text();
      await readUntil(stdout, "Once");
      answering.kill("SIGTERM");
      const status = await answering.status;
      await stdin.close().catch(() => {});
      assert.equal(status.code, 143);
      assert.equal(await stderr, "Error: Cancelled by SIGTERM\n");
      const db = new DatabaseSync(join(dir, "logs.db"), { readOnly: true });
      try {
        const rows = db.prepare(
          "select s.response, t.response_json from turns t join turn_search s on s.turn_id = t.id",
        ).all() as { response: string; response_json: string }[];
        assert.deepEqual(rows.map((r) => r.response), ["Once "]);
        assert.equal(JSON.parse(rows[0].response_json).llm_interrupted.reason, "Cancelled by SIGTERM");
      } finally {
        db.close();
      }

      const idle = chat();
      const idleOut = idle.stdout.pipeThrough(new TextDecoderStream()).getReader();
      // The prompt after the banner (whose last line has a "> " of its own): the chat is waiting for a line.
      await readUntil(idleOut, "fragments\n> ");
      idle.kill("SIGHUP");
      const idleStatus = await idle.status;
      await idle.stdin.close().catch(() => {});
      await idle.stderr.cancel();
      assert.equal(idleStatus.code, 129);
      assert.equal(idleStatus.signal, null, "it exits on its own, not killed by the signal");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
