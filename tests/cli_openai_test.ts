/**
 * `llm openai models` and `llm openai endpoint` against the loopback server, checked against what Python llm
 * 0.32 sent and printed (tests/fixtures/python-llm-0.32/openai/): the Authorization header (which key, and
 * never a stored one for `endpoint`), the request bodies, the output, the validation errors, and that
 * `endpoint` leaves no logs.db behind.
 *
 * `openai models` is pointed at the server with OPENAI_BASE_URL: Python llm always asks api.openai.com, which
 * its recording reached through a TLS proxy; here the variable is honoured, as for every OpenAI request.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { main } from "../lib/cli/main.ts";
import { memoryIo } from "../lib/cli/io.ts";
import { setKey } from "../lib/user/keys.ts";
import { loadParseArgs } from "../lib/cli/args.ts";
import { tempUserDir } from "./support/env.ts";
import { type OpenAIServer, type Reply, startOpenAIServer } from "./support/openai_server.ts";
import { runCli } from "./support/run_cli.ts";

await loadParseArgs();

const FIXTURES = new URL("./fixtures/python-llm-0.32/openai/", import.meta.url);

interface Recorded {
  argv: string[];
  exit_code: number;
  stdout: string;
  stderr: string;
  // deno-lint-ignore no-explicit-any
  interactions: { request: { method: string; path: string; headers: Record<string, string>; body: any } }[];
}

function fixture(name: string): Recorded {
  return JSON.parse(Deno.readTextFileSync(new URL(`${name}.json`, FIXTURES)));
}

/** A reply replaying interaction `index` of a Python fixture. */
function replay(name: string, index = 0): Reply {
  return { kind: "recorded", file: new URL(`${name}.json`, FIXTURES).pathname, index };
}

/** The Python fixture's argv after `llm`, with the recorder's URL replaced by the server's. */
function argsOf(recorded: Recorded, server: OpenAIServer): string[] {
  return recorded.argv.slice(1).map((a) => a.replace("http://127.0.0.1:18765/v1", server.url));
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function llm(args: string[], stdin?: string): Promise<Run> {
  const io = memoryIo({ stdin });
  const code = await main(args, io, { dotenv: false });
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

/** A user directory holding Python's recorded keys.json, OPENAI_API_KEY set, and a server. */
async function setup(options: { keys?: boolean; env?: Record<string, string | undefined> } = {}) {
  const server = await startOpenAIServer();
  const dir = await tempUserDir({ OPENAI_API_KEY: "sk-test", LLM_OPENAI_MAX_RETRIES: "2", ...options.env });
  if (options.keys ?? true) {
    setKey("openai", "sk-stored-openai");
    setKey("other", "sk-stored-alias");
  }
  return {
    server,
    dir: dir.path,
    async [Symbol.asyncDispose]() {
      await dir[Symbol.asyncDispose]();
      await server.close();
    },
  };
}

function userFiles(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

Deno.test("openai models: the table Python prints, with the key from --key, keys.json, then OPENAI_API_KEY", async () => {
  for (
    const [name, keys, args, expected] of [
      ["models-env-key", false, [], "Bearer sk-test"],
      ["models-explicit-key", false, ["--key", "sk-explicit"], "Bearer sk-explicit"],
      ["models-key-alias", true, ["--key", "other"], "Bearer sk-stored-alias"],
      ["models-stored-key-and-env", true, ["--json"], "Bearer sk-stored-openai"],
      ["models-json-env-key", false, ["--json"], "Bearer sk-test"],
    ] as const
  ) {
    const recorded = fixture(name);
    assert.deepEqual(recorded.argv.slice(3), args, name);
    await using env = await setup({ keys });
    Deno.env.set("OPENAI_BASE_URL", env.server.url);
    env.server.enqueue(replay(name, 1));
    const run = await llm(["openai", "models", ...args]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, recorded.stdout, name);
    const [request] = env.server.requests;
    assert.equal(request.method, "GET");
    assert.equal(request.path, "/v1/models");
    assert.equal(request.headers.authorization, expected, name);
    assert.equal(request.headers.authorization, recorded.interactions[1].request.headers.authorization);
  }
});

Deno.test("openai models: no key sends no Authorization header; an HTTP error names the status", async () => {
  await using env = await setup({ keys: false, env: { OPENAI_API_KEY: "" } });
  Deno.env.set("OPENAI_BASE_URL", env.server.url);
  env.server.enqueue(replay("models-no-key", 1), replay("models-401", 1));
  const run = await llm(["openai", "models"]);
  assert.equal(run.stdout, fixture("models-no-key").stdout);
  assert.equal(env.server.requests[0].headers.authorization, undefined);
  const failed = await llm(["openai", "models", "--key", "sk-test"]);
  assert.equal(failed.code, 1);
  assert.equal(
    failed.stderr,
    "Error: API error 401: Incorrect API key provided: sk-test; check the key set with 'llm keys set openai'\n",
  );
  assert.equal(env.server.requests[1].headers.authorization, "Bearer sk-test");
});

/** Runs a recorded endpoint case: same argv, same replies; returns the run and the server's requests. */
async function endpointCase(name: string, options: { stdin?: string; replies?: Reply[] } = {}) {
  const recorded = fixture(name);
  const env = await setup();
  const replies = options.replies ?? recorded.interactions.map((_, i) => replay(name, i));
  env.server.enqueue(...replies);
  const run = await llm(argsOf(recorded, env.server), options.stdin);
  return { run, recorded, env, requests: env.server.requests };
}

Deno.test("openai endpoint: Bearer DUMMY_KEY whatever is stored, Python's request body, no logs.db", async () => {
  for (const name of ["endpoint-chat-stream", "endpoint-chat-no-stream", "endpoint-headers-system-options"]) {
    const { run, recorded, env, requests } = await endpointCase(name);
    await using _ = env;
    assert.equal(run.code, 0, `${name}: ${run.stderr}`);
    assert.equal(run.stdout, recorded.stdout, name);
    assert.equal(requests.length, 1);
    const [theirs] = recorded.interactions;
    assert.equal(requests[0].path, theirs.request.path);
    assert.equal(requests[0].headers.authorization, "Bearer DUMMY_KEY", name);
    assert.deepEqual(requests[0].body, theirs.request.body, name);
    for (const [header, value] of Object.entries(theirs.request.headers)) {
      if (header.startsWith("x-")) assert.equal(requests[0].headers[header], value, `${name}: ${header}`);
    }
    assert.deepEqual(userFiles(env.dir), ["keys.json"], `${name}: nothing but keys.json`);
  }
});

Deno.test("openai endpoint --key: a literal key or a keys.json name, on prompts and --models", async () => {
  for (
    const [name, expected] of [
      ["endpoint-key-literal", "Bearer sk-literal"],
      ["endpoint-key-alias", "Bearer sk-stored-alias"],
      ["endpoint-models-key", "Bearer sk-literal"],
      ["endpoint-models", "Bearer DUMMY_KEY"],
    ]
  ) {
    const { run, recorded, env, requests } = await endpointCase(name);
    await using _ = env;
    assert.equal(run.code, 0, `${name}: ${run.stderr}`);
    assert.equal(run.stdout, recorded.stdout, name);
    assert.equal(requests[0].headers.authorization, expected, name);
    assert.equal(requests[0].headers.authorization, recorded.interactions[0].request.headers.authorization);
  }
});

Deno.test("openai endpoint --responses: /responses, no reasoning unless an effort is set, then no summary", async () => {
  for (const name of ["endpoint-responses", "endpoint-responses-reasoning"]) {
    const { run, recorded, env, requests } = await endpointCase(name);
    await using _ = env;
    assert.equal(run.code, 0, `${name}: ${run.stderr}`);
    assert.equal(run.stdout, recorded.stdout, name);
    assert.equal(run.stderr.trim(), recorded.stderr.trim(), `${name}: reasoning on stderr`);
    assert.equal(requests[0].path, "/v1/responses");
    assert.deepEqual(requests[0].body, recorded.interactions[0].request.body, name);
  }
});

Deno.test("openai endpoint: --schema, a prompt from stdin, --chat with history", async () => {
  {
    const { run, recorded, env, requests } = await endpointCase("endpoint-schema");
    await using _ = env;
    assert.equal(run.stdout, recorded.stdout);
    assert.deepEqual(requests[0].body, recorded.interactions[0].request.body);
  }
  {
    const { run, recorded, env, requests } = await endpointCase("endpoint-stdin-prompt", {
      stdin: "prompt from stdin",
    });
    await using _ = env;
    assert.equal(run.stdout, recorded.stdout);
    assert.deepEqual(requests[0].body, recorded.interactions[0].request.body);
  }
  {
    const { run, recorded, env, requests } = await endpointCase("endpoint-chat-mode", {
      stdin: "hello\nand again\nquit\n",
    });
    await using _ = env;
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, recorded.stdout.replace("http://127.0.0.1:18765/v1", env.server.url));
    assert.deepEqual(requests.map((r) => r.body), recorded.interactions.map((i) => i.request.body));
    assert.deepEqual(requests.map((r) => r.headers.authorization), ["Bearer DUMMY_KEY", "Bearer DUMMY_KEY"]);
    assert.deepEqual(userFiles(env.dir), ["keys.json"]);
  }
});

Deno.test("openai endpoint: Python's validation errors, before any request", async () => {
  for (
    const name of [
      "endpoint-error-models-with-prompt",
      "endpoint-error-models-with-template",
      "endpoint-error-models-with-tools",
      "endpoint-error-models-with-schema",
      "endpoint-error-chat-with-prompt",
      "endpoint-error-no-model",
    ]
  ) {
    const { run, recorded, env, requests } = await endpointCase(name);
    await using _ = env;
    assert.equal(run.code, 1, name);
    assert.equal(run.stderr, recorded.stderr, name);
    assert.equal(requests.length, 0, name);
  }
  const { run, env } = await endpointCase("endpoint-error-bad-option");
  await using _ = env;
  assert.equal(run.code, 1);
  assert.match(run.stderr, /^Error: Invalid value for option 'temperature' \(9\)/);
});

Deno.test("openai endpoint: a server error after two retries; a models list that is an error", async () => {
  {
    const { run, env, requests } = await endpointCase("endpoint-error-server-500");
    await using _ = env;
    assert.equal(run.code, 1);
    assert.equal(requests.length, 3, "Python's SDK tried three times too");
    assert.equal(run.stderr, "Error: API error 500: Server exploded; the server failed: try again later\n");
  }
  {
    const { run, recorded, env } = await endpointCase("endpoint-models-error-body");
    await using _ = env;
    assert.equal(run.code, 1);
    assert.equal(run.stderr, recorded.stderr);
  }
});

Deno.test("openai endpoint: attachments say they are not supported yet", async () => {
  await using env = await setup();
  const run = await llm(["openai", "endpoint", env.server.url, "hi", "-m", "m", "-a", "photo.png"]);
  assert.equal(run.code, 1);
  assert.equal(run.stderr, "Error: -a/--attachment is not supported yet by llm for Deno\n");
  assert.equal(env.server.requests.length, 0);
});

Deno.test("openai endpoint from a real process: the command is found, answers, and logs nothing", async () => {
  await using env = await setup();
  env.server.enqueue(replay("endpoint-chat-stream"));
  const result = await runCli(["openai", "endpoint", env.server.url, "Hello there", "-m", "my-model"], {
    env: { LLM_USER_PATH: env.dir, OPENAI_API_KEY: "sk-test" },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, fixture("endpoint-chat-stream").stdout);
  assert.equal(env.server.requests[0].headers.authorization, "Bearer DUMMY_KEY");
  assert.deepEqual(userFiles(env.dir), ["keys.json"]);
  await Deno.stat(join(env.dir, "keys.json"));
});
