/**
 * OpenAI-compatible servers: `OPENAI_BASE_URL`, and models from extra-openai-models.yaml with `api_base` (a
 * custom path prefix), `headers`, `api_key_name`, no key at all, `can_stream: false`, `completion` and
 * `responses`, checked on the requests the loopback server receives.
 */
import assert from "node:assert/strict";
import { cliErrorMessage } from "../lib/cli/error_messages.ts";
import { join } from "node:path";
import { getModel, NeedsKeyError } from "../mod.ts";
import { setKey } from "../lib/user/keys.ts";
import { tempUserDir } from "./support/env.ts";
import { startOpenAIServer } from "./support/openai_server.ts";
import { registry } from "../lib/default_registry.ts";

/** A server, and a user dir whose extra-openai-models.yaml is `yaml` (`{base}` is replaced by the server's origin). */
async function setup(yaml: string, env: Record<string, string | undefined> = {}) {
  const server = await startOpenAIServer();
  const dir = await tempUserDir({ OPENAI_API_KEY: "sk-env-openai", ...env });
  await Deno.writeTextFile(
    join(dir.path, "extra-openai-models.yaml"),
    yaml.replaceAll("{base}", server.origin),
  );
  registry.reload();
  return {
    server,
    async [Symbol.asyncDispose]() {
      await dir[Symbol.asyncDispose]();
      await server.close();
    },
  };
}

const YAML = `
- model_id: local-llama
  model_name: llama3.2:latest
  api_base: "{base}/custom/prefix/v1"
  aliases: [llama, ll]
  headers:
    X-Team: research
    X-Trace: "42"
- model_id: keyed
  model_name: keyed-model
  api_base: "{base}/keyed/v1"
  api_key_name: localkey
- model_id: nostream
  api_base: "{base}/v1"
  can_stream: false
- model_id: local-instruct
  api_base: "{base}/v1"
  completion: true
- model_id: local-responses
  model_name: gpt-oss
  api_base: "{base}/v1"
  responses: true
- model_id: openai-proxy-name
  model_name: gpt-4o-mini
`;

Deno.test("OPENAI_BASE_URL sends the default models to another server", async () => {
  await using env = await setup("");
  const { server } = env;
  Deno.env.set("OPENAI_BASE_URL", `${server.origin}/proxy/v1`);
  assert.equal(await getModel("gpt-4o-mini").prompt("hi").text(), "Echo: hi");
  assert.equal(await getModel("gpt-5.5").prompt("hi").text(), "Echo: hi");
  assert.deepEqual(server.requests.map((r) => r.path), ["/proxy/v1/chat/completions", "/proxy/v1/responses"]);
  assert.equal(server.requests[0].headers.authorization, "Bearer sk-env-openai");
});

Deno.test("api_base with a path prefix, model_name, aliases, headers; no key sends Bearer DUMMY_KEY", async () => {
  await using env = await setup(YAML);
  const { server } = env;
  const model = getModel("llama");
  assert.equal(model.id, "local-llama");
  assert.equal(model.label, "OpenAI Chat: local-llama");
  assert.equal(model.needsKey, undefined);
  assert.equal(await model.prompt("hello", { system: "sys" }).text(), "Echo: hello");
  const [request] = server.requests;
  assert.equal(request.path, "/custom/prefix/v1/chat/completions");
  assert.equal(
    request.headers.authorization,
    "Bearer DUMMY_KEY",
    "never OPENAI_API_KEY for a custom api_base",
  );
  assert.equal(request.headers["x-team"], "research");
  assert.equal(request.headers["x-trace"], "42");
  assert.deepEqual(request.body, {
    model: "llama3.2:latest",
    messages: [{ role: "system", content: "sys" }, { role: "user", content: "hello" }],
    stream: true,
    stream_options: { include_usage: true },
  });
});

Deno.test("api_key_name sends that key from keys.json, never OPENAI_API_KEY; missing, it is NeedsKeyError", async () => {
  await using env = await setup(YAML);
  const { server } = env;
  const model = getModel("keyed");
  assert.equal(model.needsKey, "localkey");
  const error = await model.prompt("hi").text().then(() => undefined, (e) => e);
  assert.ok(error instanceof NeedsKeyError);
  assert.equal(cliErrorMessage(error), "No key found - add one using 'llm keys set localkey'");
  assert.equal(server.requests.length, 0);

  setKey("localkey", "sk-local-secret");
  setKey("openai", "sk-stored-openai");
  assert.equal(await model.prompt("hi").text(), "Echo: hi");
  assert.equal(server.requests[0].path, "/keyed/v1/chat/completions");
  assert.equal(server.requests[0].headers.authorization, "Bearer sk-local-secret");
  assert.equal(server.requests[0].body.model, "keyed-model");
});

Deno.test("can_stream: false sends stream: false and still yields the text", async () => {
  await using env = await setup(YAML);
  const { server } = env;
  const model = getModel("nostream");
  assert.equal(model.canStream, false);
  const response = model.prompt("hi");
  const chunks: string[] = [];
  for await (const chunk of response) chunks.push(chunk);
  assert.deepEqual(chunks, ["Echo: hi"]);
  assert.equal(response.stream, false);
  assert.deepEqual(server.requests[0].body, {
    model: "nostream",
    messages: [{ role: "user", content: "hi" }],
    stream: false,
  });
});

Deno.test("completion: true and responses: true pick the completions and responses endpoints", async () => {
  await using env = await setup(YAML);
  const { server } = env;
  const instruct = getModel("local-instruct");
  assert.equal(instruct.label, "OpenAI Completion: local-instruct");
  assert.equal(await instruct.prompt("hi").text(), "Echo: hi");
  const responses = getModel("local-responses");
  assert.equal(responses.label, "OpenAI Responses: local-responses");
  assert.equal(await responses.prompt("hi", { system: "sys" }).text(), "Echo: hi");
  assert.equal(server.requests[0].path, "/v1/completions");
  assert.deepEqual(server.requests[0].body, {
    model: "local-instruct",
    prompt: "hi",
    stream: true,
    stream_options: { include_usage: true },
  });
  assert.equal(server.requests[1].path, "/v1/responses");
  // Not a reasoning model: no reasoning settings and no encrypted content asked for.
  assert.deepEqual(server.requests[1].body, {
    model: "gpt-oss",
    input: [{ role: "user", content: "hi" }],
    instructions: "sys",
    store: false,
    stream: true,
  });
  for (const request of server.requests) assert.equal(request.headers.authorization, "Bearer DUMMY_KEY");
});

Deno.test("an extra model without api_base uses the OpenAI key and OPENAI_BASE_URL", async () => {
  await using env = await setup(YAML);
  const { server } = env;
  Deno.env.set("OPENAI_BASE_URL", server.url);
  const model = getModel("openai-proxy-name");
  assert.equal(model.needsKey, "openai");
  assert.equal(await model.prompt("hi").text(), "Echo: hi");
  assert.equal(server.requests[0].path, "/v1/chat/completions");
  assert.equal(server.requests[0].headers.authorization, "Bearer sk-env-openai");
  assert.equal(server.requests[0].body.model, "gpt-4o-mini");
});
