// deno-lint-ignore-file no-control-regex -- the screens and keystrokes under test are made of escape sequences
/**
 * `llm` and `llm chat` as a person at a terminal sees them: each test runs the real CLI in a tmux pane (a real
 * pseudo-terminal) against the loopback OpenAI server, types keys with `send-keys`, and reads the screen with
 * `capture-pane` (with `-e` for colours). Skipped when tmux is not installed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { startOpenAIServer } from "./support/openai_server.ts";
import { cliPath, runCli } from "./support/run_cli.ts";
import { hasTmux, TmuxSession } from "./support/tmux.ts";

const ignore = !hasTmux();
if (ignore) console.warn("tmux is not installed: the pseudo-terminal tests are skipped");

const ANSWER =
  "## Plan\n\nUse **Deno** and `fetch`:\n\n```ts\nconst answer = await fetch(url);\n```\n\n- one\n- two\n";

/** The answer cut into small chunks, as a model streams it. */
const CHUNKS = ANSWER.match(/[\s\S]{1,3}/g)!;

async function withSetup(
  fn: (
    ctx: {
      dir: string;
      server: Awaited<ReturnType<typeof startOpenAIServer>>;
      env: Record<string, string | null>;
    },
  ) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "llm-pty-" });
  await using server = await startOpenAIServer();
  const env: Record<string, string | null> = {
    LLM_USER_PATH: dir,
    OPENAI_BASE_URL: server.url,
    OPENAI_API_KEY: "sk-test",
    LLM_OPENAI_MAX_RETRIES: "0",
    LLM_MODEL: null,
    NO_COLOR: null,
    LLM_MARKDOWN: null,
  };
  try {
    await fn({ dir, server, env });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const llm = (...args: string[]) => [Deno.execPath(), "run", "-A", cliPath, ...args];

/** The user text of the last request the server received. */
function lastUserText(server: Awaited<ReturnType<typeof startOpenAIServer>>): string {
  const messages = server.requests[server.requests.length - 1].body.messages as {
    role: string;
    content: string;
  }[];
  return messages.filter((m) => m.role === "user").at(-1)!.content;
}

Deno.test({
  name: "pty: chat lines are edited in place, and the history comes back after a restart",
  ignore,
  fn: () =>
    withSetup(async ({ dir, server, env }) => {
      {
        await using term = await TmuxSession.start(llm("chat", "-m", "4o-mini"), { env, cwd: dir });
        await term.waitFor(/^> ?$/m);
        await term.type("hello wrld");
        await term.press("Left", "Left", "Left");
        await term.type("o");
        await term.press("Home");
        await term.type("Say ");
        await term.press("Enter");
        await term.waitFor(/Echo: Say hello world\n> ?$/m);
        assert.equal(lastUserText(server), "Say hello world");
        await term.type("日本語 second");
        await term.press("C-w", "Enter");
        // Keys go to the editor once the prompt is back (during an answer the terminal is not in raw mode).
        await term.waitFor(/Echo: 日本語\n> ?$/m);
        await term.press("C-d");
        await term.waitFor(/\[exit 0\]/);
      }
      const historyFile = join(dir, "chat-history.txt");
      assert.equal(await Deno.readTextFile(historyFile), "Say hello world\n日本語 \n");
      if (Deno.build.os !== "windows") assert.equal((await Deno.stat(historyFile)).mode! & 0o777, 0o600);
      {
        await using term = await TmuxSession.start(llm("chat", "-m", "4o-mini"), { env, cwd: dir });
        await term.waitFor(/^> ?$/m);
        await term.press("Up", "Up");
        await term.waitFor(/^> Say hello world$/m);
        await term.press("Enter");
        await term.waitFor(/^> Say hello world\nEcho: Say hello world\n> ?$/m);
        assert.equal(lastUserText(server), "Say hello world", "recalled from the last session");
        await term.press("C-r");
        await term.type("日本");
        await term.waitFor(/\(reverse-i-search\)`日本': 日本語/);
        await term.press("Enter");
        await term.waitFor(/Echo: 日本語\n> ?$/m);
        await term.type("exit");
        await term.press("Enter");
        await term.waitFor(/\[exit 0\]/);
      }
      assert.equal(server.requests.length, 4);
    }),
});

Deno.test({
  name: "pty: Ctrl-C at the chat prompt drops the line and the chat goes on; Ctrl-D ends it",
  ignore,
  fn: () =>
    withSetup(async ({ dir, server, env }) => {
      await using term = await TmuxSession.start(llm("chat", "-m", "4o-mini"), { env, cwd: dir });
      await term.waitFor(/^> ?$/m);
      await term.type("never sent");
      await term.press("C-c");
      await term.waitFor(/^> never sent\^C$/m);
      await term.type("real question");
      await term.press("Enter");
      await term.waitFor(/Echo: real question\n> ?$/m);
      assert.equal(server.requests.length, 1);
      assert.equal(lastUserText(server), "real question");
      await term.press("C-d");
      const screen = await term.waitFor(/\[exit 0\]/);
      assert.doesNotMatch(screen, /Echo: never sent/);
    }),
});

Deno.test({
  name: "pty: a streamed answer is rendered as Markdown on the terminal, code in colour",
  ignore,
  fn: () =>
    withSetup(async ({ dir, server, env }) => {
      server.enqueue({ kind: "text", text: ANSWER, chunks: CHUNKS });
      await using term = await TmuxSession.start(llm("-m", "4o-mini", "plan?"), { env, cwd: dir });
      const screen = await term.waitFor(/\[exit 0\]/);
      const lines = screen.split("\n");
      assert.ok(lines.includes("## Plan"), screen);
      assert.ok(lines.includes("Use Deno and fetch:"), "no ** or backticks: " + screen);
      assert.ok(lines.includes("• one") && lines.includes("• two"), screen);
      assert.ok(lines.includes("const answer = await fetch(url);"), screen);
      const coloured = await term.screen(true);
      assert.match(coloured, /\x1b\[(?:\d+;)*35mconst/, "the keyword is magenta");
      assert.match(coloured, /\x1b\[(?:\d+;)*1mDeno/, "bold is bold");
      assert.match(coloured, /\x1b\[(?:\d+;)*33mfetch/, "inline code is coloured");
    }),
});

Deno.test({
  name: "pty: raw text on the terminal with NO_COLOR, with --raw, and with LLM_MARKDOWN=0",
  ignore,
  fn: () =>
    withSetup(async ({ dir, server, env }) => {
      const cases: [string, Record<string, string | null>, string[]][] = [
        ["NO_COLOR", { ...env, NO_COLOR: "1" }, []],
        ["--raw", env, ["--raw"]],
        ["LLM_MARKDOWN=0", { ...env, LLM_MARKDOWN: "0" }, []],
      ];
      for (const [label, caseEnv, flags] of cases) {
        server.enqueue({ kind: "text", text: ANSWER, chunks: CHUNKS });
        await using term = await TmuxSession.start(llm("-m", "4o-mini", ...flags, "plan?"), {
          env: caseEnv,
          cwd: dir,
        });
        const screen = await term.waitFor(/\[exit 0\]/);
        assert.ok(screen.includes("Use **Deno** and `fetch`:"), `${label}: ${screen}`);
        assert.ok(screen.includes("```ts\nconst answer = await fetch(url);\n```"), `${label}: ${screen}`);
        assert.ok(screen.includes("- one\n- two"), `${label}: ${screen}`);
      }
    }),
});

Deno.test({
  name: "pty: piped output stays raw Markdown, even when the pipe ends on a terminal",
  ignore,
  fn: () =>
    withSetup(async ({ dir, server, env }) => {
      server.enqueue({ kind: "text", text: ANSWER, chunks: CHUNKS });
      const script = `${llm("-m", "4o-mini", "plan?").map((a) => `'${a}'`).join(" ")} | cat`;
      await using term = await TmuxSession.start(["sh", "-c", script], { env, cwd: dir });
      const screen = await term.waitFor(/\[exit 0\]/);
      assert.ok(screen.includes("Use **Deno** and `fetch`:"), screen);
      server.enqueue({ kind: "text", text: ANSWER, chunks: CHUNKS });
      const piped = await runCli(["-m", "4o-mini", "plan?"], {
        cwd: dir,
        env: {
          ...Object.fromEntries(Object.entries(env).filter(([, v]) => v !== null)) as Record<string, string>,
        },
      });
      assert.equal(piped.stdout, ANSWER + "\n", "byte for byte what the model sent, and a newline");
    }),
});

Deno.test({
  name: "pty: llm install shows a plugin's permissions and asks; n installs nothing, y records the grant",
  ignore,
  fn: () =>
    withSetup(async ({ dir, env }) => {
      const plugin = new URL("./fixtures/plugins/sandboxed/plugin.ts", import.meta.url).pathname;
      {
        await using term = await TmuxSession.start(llm("install", plugin), { env, cwd: dir });
        await term.waitFor(/stored keys: sandboxed\nGrant them\? \[y\/N\] ?$/m);
        await term.type("n");
        await term.press("Enter");
        const screen = await term.waitFor(/\[exit 1\]/);
        assert.match(screen, /Plugin 'llm-sandboxed' was not installed: its permissions were not granted/);
        const installed = await Deno.readTextFile(join(dir, "plugins.json"))
          .then((text) => JSON.parse(text).plugins as unknown[], () => []);
        assert.deepEqual(installed, [], "nothing recorded");
      }
      {
        await using term = await TmuxSession.start(llm("install", plugin), { env, cwd: dir });
        await term.waitFor(/Grant them\? \[y\/N\] ?$/m);
        await term.type("y");
        await term.press("Enter");
        const screen = await term.waitFor(/\[exit 0\]/);
        assert.match(screen, /Installed llm-sandboxed 1\.0\.0/);
        const [record] = JSON.parse(await Deno.readTextFile(join(dir, "plugins.json"))).plugins;
        assert.deepEqual(record.grant.permissions.keys, ["sandboxed"]);
      }
    }),
});
