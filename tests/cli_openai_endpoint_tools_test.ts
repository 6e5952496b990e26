/**
 * Tools on `llm openai endpoint`: -T, --functions, --td and --cl run a chain as `llm prompt` does, checked
 * against Python llm 0.32's recorded run (tests/fixtures/python-llm-0.32/openai/endpoint-tools.json), and in
 * `--chat`, where each message's tool calls run before the next message.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { main } from "../lib/cli/main.ts";
import { memoryIo } from "../lib/cli/io.ts";
import { VERSION } from "../lib/version.ts";
import { tempUserDir } from "./support/env.ts";
import { startOpenAIServer } from "./support/openai_server.ts";

const FIXTURE = new URL("./fixtures/python-llm-0.32/openai/endpoint-tools.json", import.meta.url).pathname;
const recorded = JSON.parse(Deno.readTextFileSync(FIXTURE)) as {
  argv: string[];
  stdout: string;
  stderr: string;
  interactions: { request: { body: Record<string, unknown> } }[];
};

async function llm(args: string[], stdin?: string) {
  const io = memoryIo({ stdin });
  const code = await main(args, io, { dotenv: false });
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

async function setup() {
  const server = await startOpenAIServer();
  const dir = await tempUserDir({ OPENAI_API_KEY: "sk-test" });
  return {
    server,
    dir: dir.path,
    replay: () =>
      recorded.interactions.forEach((_, index) => server.enqueue({ kind: "recorded", file: FIXTURE, index })),
    async [Symbol.asyncDispose]() {
      await dir[Symbol.asyncDispose]();
      await server.close();
    },
  };
}

/** Python's requests, with llm_version's answer ours (Python's was 0.32). */
function pythonRequests(): Record<string, unknown>[] {
  return JSON.parse(
    JSON.stringify(recorded.interactions.map((i) => i.request.body)).replaceAll(
      '"content":"0.32"',
      `"content":"${VERSION}"`,
    ),
  );
}

Deno.test("openai endpoint -T --td: the chain Python ran, the same requests, output and --td lines", async () => {
  await using env = await setup();
  env.replay();
  const args = recorded.argv.slice(1).map((a) => a.replace("http://127.0.0.1:18765/v1", env.server.url));
  const run = await llm(args);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, recorded.stdout);
  // llm_version answers with our version.
  assert.equal(run.stderr, recorded.stderr.replace("  0.32\n", `  ${VERSION}\n`));
  assert.deepEqual(env.server.requests.map((r) => r.body), pythonRequests());
  assert.deepEqual(env.server.requests.map((r) => r.headers.authorization), [
    "Bearer DUMMY_KEY",
    "Bearer DUMMY_KEY",
  ]);
  assert.deepEqual([...Deno.readDirSync(env.dir)].map((e) => e.name), [], "nothing logged");
});

Deno.test("openai endpoint --functions, --cl: functions run as tools; the chain limit ends the run", async () => {
  await using env = await setup();
  await Deno.writeTextFile(
    join(env.dir, "version.ts"),
    '/** Return the installed version of llm */\nfunction llm_version(): string { return "from functions"; }\n',
  );
  env.replay();
  const run = await llm([
    "openai",
    "endpoint",
    env.server.url,
    "What version?",
    "-m",
    "my-model",
    "--functions",
    join(env.dir, "version.ts"),
  ]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, recorded.stdout);
  const [first, second] = env.server.requests.map((r) => r.body);
  assert.deepEqual(first.tools, recorded.interactions[0].request.body.tools);
  assert.deepEqual(second.messages.at(-1), {
    role: "tool",
    tool_call_id: "call_ep1",
    content: "from functions",
  });
  env.server.enqueue({ kind: "recorded", file: FIXTURE, index: 0 });
  const limited = await llm([
    "openai",
    "endpoint",
    env.server.url,
    "What version?",
    "-m",
    "my-model",
    "-T",
    "llm_version",
    "--cl",
    "1",
  ]);
  assert.equal(limited.code, 1);
  assert.match(limited.stderr, /^Error: Chain limit of 1 exceeded/);
  const approve = await llm([
    "openai",
    "endpoint",
    env.server.url,
    "hi",
    "-m",
    "my-model",
    "-T",
    "llm_version",
    "--ta",
  ]);
  assert.equal(approve.code, 1);
  assert.match(
    approve.stderr,
    /^Error: --ta\/--tools-approve asks before each tool call, and needs a terminal/,
  );
  assert.equal(env.server.requests.length, 3, "nothing sent for --ta without a terminal");
});

Deno.test("openai endpoint --chat -T: a message's tool call runs, and the next message carries the call and result", async () => {
  await using env = await setup();
  env.replay();
  env.server.enqueue({ kind: "text", text: "It is llm." });
  const run = await llm(
    ["openai", "endpoint", env.server.url, "-m", "my-model", "--chat", "-T", "llm_version", "--td"],
    "What version?\nAnd its name?\nquit\n",
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /> 0\.32\.\n> It is llm\.\n> $/);
  assert.equal(run.stderr, `\nTool call: llm_version({})\n  ${VERSION}\n\n`);
  const bodies = env.server.requests.map((r) => r.body);
  assert.deepEqual(bodies.slice(0, 2), pythonRequests());
  const history = pythonRequests()[1].messages as unknown[];
  assert.deepEqual(bodies[2].messages, [
    ...history,
    { role: "assistant", content: "0.32." },
    { role: "user", content: "And its name?" },
  ]);
  assert.deepEqual(
    bodies[2].tools,
    recorded.interactions[0].request.body.tools,
    "tools offered on every message",
  );
});
