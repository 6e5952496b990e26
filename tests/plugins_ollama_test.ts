/**
 * The Ollama example plugin against a fake Ollama on loopback: OLLAMA_HOST, the model list and its cache,
 * the /api/chat request (messages, options, stream or not), NDJSON read as it arrives, usage, response JSON,
 * reasoning, embeddings, cancellation and every error; then installed and used through the real CLI.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ollamaPlugin, { ollamaBaseUrl, OllamaModel } from "../examples/plugins/ollama/mod.ts";
import { getModel, getModels } from "../lib/default_registry.ts";
import { getPluginEmbeddingModels } from "../lib/plugins/extensions.ts";
import { loadPlugin, unloadPlugin } from "../lib/plugins/runtime.ts";
import { runCli } from "./support/run_cli.ts";
import { tempUserDir } from "./support/env.ts";
import { type OllamaServer, startOllamaServer } from "./support/ollama_server.ts";

const pluginPath = fileURLToPath(new URL("../examples/plugins/ollama/mod.ts", import.meta.url));

/** A loopback address where nothing listens (the port was free a moment ago). */
function closedAddress(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return `http://127.0.0.1:${port}`;
}

/** Runs `fn` with a fake Ollama, a temp user dir pointing at it and the plugin loaded in this process. */
async function withOllama(fn: (ollama: OllamaServer, userDir: string) => Promise<void>): Promise<void> {
  await using ollama = await startOllamaServer();
  await using dir = await tempUserDir({ OLLAMA_HOST: ollama.url });
  await loadPlugin(ollamaPlugin);
  try {
    await fn(ollama, dir.path);
  } finally {
    unloadPlugin("llm-ollama");
  }
}

Deno.test("OLLAMA_HOST is read as Ollama reads it", () => {
  const cases: [string | undefined, string][] = [
    [undefined, "http://127.0.0.1:11434"],
    ["", "http://127.0.0.1:11434"],
    ["0.0.0.0", "http://127.0.0.1:11434"],
    ["0.0.0.0:8080", "http://127.0.0.1:8080"],
    ["gpu-box", "http://gpu-box:11434"],
    ["gpu-box:1234", "http://gpu-box:1234"],
    ["http://gpu-box", "http://gpu-box:80"],
    ["https://ollama.example.com/", "https://ollama.example.com:443"],
    ["https://example.com:8443/ollama/", "https://example.com:8443/ollama"],
    ["[::1]:7000", "http://[::1]:7000"],
    ["[::]", "http://[::1]:11434"],
    ["  127.0.0.1:5000  ", "http://127.0.0.1:5000"],
  ];
  for (const [value, expected] of cases) assert.equal(ollamaBaseUrl(value), expected, `OLLAMA_HOST=${value}`);
});

Deno.test("each local chat model is registered with its alias; embedding models as embedding models", () =>
  withOllama(async (ollama, userDir) => {
    const ollamaModels = getModels().filter((m) => m.label.startsWith("Ollama: "));
    assert.deepEqual(ollamaModels.map((m) => m.id), ["llama3.2:latest", "qwen3:8b"]);
    assert.equal(getModel("llama3.2").id, "llama3.2:latest");
    assert.equal(getModel("llama3.2").label, "Ollama: llama3.2:latest");
    assert.equal(getModel("qwen3:8b").supportsSchema, true);
    assert.deepEqual(ollama.requests.map((r) => `${r.method} ${r.path}`), ["GET /api/tags"]);

    const [embedder] = (await getPluginEmbeddingModels()).filter((e) => e.plugin === "llm-ollama");
    assert.equal(embedder.model.id, "nomic-embed-text:latest");
    assert.deepEqual(embedder.aliases, ["nomic-embed-text"]);
    assert.deepEqual(await embedder.model.embedBatch(["two words", new TextEncoder().encode("é")]), [
      [9, 2, 0.5],
      [1, 1, 0.5],
    ]);
    assert.deepEqual(ollama.requests.at(-1)?.body, {
      model: "nomic-embed-text:latest",
      input: ["two words", "é"],
    });

    // The list is remembered in the user directory, for when Ollama cannot be reached.
    const cache = JSON.parse(await Deno.readTextFile(join(userDir, "ollama-models.json")));
    assert.equal(cache.host, ollama.url);
    assert.deepEqual(cache.models.map((m: { name: string }) => m.name), [
      "llama3.2:latest",
      "qwen3:8b",
      "nomic-embed-text:latest",
    ]);
  }));

Deno.test("a streamed prompt: request body, options mapping, chunks as they arrive, usage and the final object", () =>
  withOllama(async (ollama) => {
    // Cut every 5 bytes, so lines and the two-byte "é" arrive split across reads.
    ollama.enqueue({ kind: "text", chunks: ["Bonjour", " café", "!"], splitAt: 5, promptEvalCount: 17 });
    const response = getModel("llama3.2").prompt("Say hi", {
      system: "Be brief",
      options: {
        temperature: "0.5",
        top_p: 0.9,
        top_k: "40",
        num_ctx: 2048,
        seed: 7,
        stop: "END",
        num_predict: 64,
        json: "1",
      },
    });
    assert.deepEqual(await Array.fromAsync(response), ["Bonjour", " café", "!"]);
    assert.equal(await response.text(), "Bonjour café!");
    assert.deepEqual(ollama.chats()[0].body, {
      model: "llama3.2:latest",
      messages: [{ role: "system", content: "Be brief" }, { role: "user", content: "Say hi" }],
      stream: true,
      options: {
        temperature: 0.5,
        top_p: 0.9,
        top_k: 40,
        num_ctx: 2048,
        seed: 7,
        num_predict: 64,
        stop: ["END"],
      },
      format: "json",
    });
    assert.deepEqual(await response.usage(), { input: 17, output: 2, details: null });
    const final = await response.json() as Record<string, unknown>;
    assert.equal(final.done, true);
    assert.equal(final.done_reason, "stop");
    assert.equal(final.eval_count, 2);
    assert.deepEqual(final.message, { role: "assistant", content: "" });
  }));

Deno.test("stream false gets one object; a schema becomes format; think and a stop list are passed on", () =>
  withOllama(async (ollama) => {
    ollama.enqueue({ kind: "text", chunks: ['{"name": ', '"Ada"}'], thinking: ["Hmm, ", "a name."] });
    const schema = { type: "object", properties: { name: { type: "string" } } };
    const response = getModel("qwen3:8b").prompt("A name", {
      stream: false,
      schema,
      options: { think: true, stop: ["a", "b"], json: true },
    });
    assert.equal(await response.text(), '{"name": "Ada"}');
    assert.equal(response.reasoningSoFar(), "Hmm, a name.");
    const body = ollama.chats()[0].body;
    assert.equal(body.stream, false);
    assert.deepEqual(body.format, schema); // a schema wins over json
    assert.equal(body.think, true);
    assert.deepEqual(body.options, { stop: ["a", "b"] });
    assert.deepEqual(await response.usage(), { input: 2, output: 2, details: null });
    assert.equal(
      (await response.json() as { message: { content: string } }).message.content,
      '{"name": "Ada"}',
    );

    ollama.enqueue({ kind: "text", chunks: ["ok"], thinking: ["Let me see. "] });
    const events = await Array.fromAsync(getModel("qwen3:8b").prompt("x").streamEvents());
    assert.deepEqual(events, [{ type: "reasoning", chunk: "Let me see. " }, { type: "text", chunk: "ok" }]);
    await assert.rejects(
      getModel("qwen3:8b").prompt("x", { options: { top_p: 2 } }).text(),
      /Invalid value for option 'top_p' \(2\)/,
    );
    await assert.rejects(
      getModel("qwen3:8b").prompt("x", { options: { mirostat: 1 } }).text(),
      /Unknown option/,
    );
  }));

Deno.test("a conversation sends the system prompt and the earlier turns as messages", () =>
  withOllama(async (ollama) => {
    const conversation = getModel("llama3.2").conversation();
    assert.equal(await conversation.prompt("first", { system: "sys" }).text(), "Echo: first");
    assert.equal(await conversation.prompt("second").text(), "Echo: second");
    assert.deepEqual(ollama.chats()[1].body.messages, [
      { role: "system", content: "sys" },
      { role: "user", content: "first" },
      { role: "assistant", content: "Echo: first" },
      { role: "user", content: "second" },
    ]);
  }));

Deno.test("errors say what to do: not running, model not pulled, HTTP errors, broken streams", () =>
  withOllama(async (ollama) => {
    const model = getModel("llama3.2");
    const fail = async (pattern: RegExp, kind: string) => {
      const response = model.prompt("hi");
      await assert.rejects(response.text(), pattern);
      assert.equal((response.error as { kind: string }).kind, kind);
      return response;
    };
    ollama.enqueue({ kind: "drop", chunks: ["Par", "tial"] });
    const dropped = await fail(
      /^ModelError: The connection to Ollama was lost before the response finished/,
      "stream",
    );
    assert.equal(dropped.textSoFar(), "Partial");
    ollama.enqueue({ kind: "truncated", chunks: ["cut"] });
    await fail(
      /Ollama's answer ended before it was finished \(no final line with done: true\); try again/,
      "stream",
    );
    ollama.enqueue({ kind: "error-line", chunks: ["a"], error: "out of memory" });
    await fail(/Ollama reported an error: out of memory/, "stream");
    ollama.enqueue({ kind: "status", status: 500, error: "llama runner process has terminated" });
    await fail(/Ollama answered HTTP 500 for \/api\/chat: llama runner process has terminated/, "http");

    await assert.rejects(
      new OllamaModel("mistral:latest").prompt("hi").text(),
      {
        name: "ModelError",
        message: "Ollama does not have the model 'mistral:latest' (model \"mistral:latest\" not found, try " +
          "pulling it first); pull it with `ollama pull mistral:latest`",
      },
    );
    Deno.env.set("OLLAMA_HOST", `${ollama.url}/not-ollama`);
    await assert.rejects(
      model.prompt("hi").text(),
      /answered 404 for \/api\/chat \(404 page not found\); check that OLLAMA_HOST points at Ollama/,
    );

    const closed = closedAddress();
    Deno.env.set("OLLAMA_HOST", closed);
    await assert.rejects(model.prompt("hi").text(), (error: Error) => {
      assert.match(
        error.message,
        new RegExp(
          `^Cannot reach Ollama at ${closed} \\(.+\\)\\. Is Ollama running\\? Start it with \`ollama serve\``,
        ),
      );
      return true;
    });
  }));

Deno.test("cancelling a response stops reading the stream", () =>
  withOllama(async (ollama) => {
    // The next line would come 3 s later: only an aborted fetch ends the wait for it sooner.
    ollama.enqueue({ kind: "text", chunks: ["w0 ", "w1 ", "w2 "], delayMs: 3_000 });
    const controller = new AbortController();
    const response = getModel("llama3.2").prompt("slow", { signal: controller.signal });
    const started = performance.now();
    await assert.rejects(async () => {
      for await (const chunk of response) {
        assert.equal(chunk, "w0 ");
        controller.abort();
      }
    }, { name: "CancelledError" });
    await assert.rejects(response.text(), { name: "CancelledError" });
    assert.equal(response.status, "cancelled");
    assert.equal(response.textSoFar(), "w0 ");
    assert.ok(performance.now() - started < 1_500, "the read waiting for the next line was not aborted");
  }));

Deno.test("when Ollama is down the remembered list keeps the models; with none remembered the hook fails", async () => {
  await using dir = await tempUserDir({ OLLAMA_HOST: closedAddress() });
  await assert.rejects(
    Promise.resolve(ollamaPlugin.registerModels!(() => {})),
    /Cannot reach Ollama at .*Is Ollama running\?/,
  );
  await Deno.writeTextFile(
    join(dir.path, "ollama-models.json"),
    JSON.stringify({ host: "http://elsewhere:11434", models: [{ name: "phi4:latest" }] }),
  );
  const registered: [string, string[]][] = [];
  await ollamaPlugin.registerModels!((model, options) =>
    registered.push([model.id, [...options?.aliases ?? []]])
  );
  assert.deepEqual(registered, [["phi4:latest", ["phi4"]]]);
});

Deno.test("llm install the plugin, llm models, prompts with options, -c, --no-stream, usage and logs", async () => {
  await using ollama = await startOllamaServer();
  await using _dir = await tempUserDir({ OLLAMA_HOST: ollama.url });
  const install = await runCli(["install", pluginPath, "--yes"]);
  assert.match(
    install.stderr,
    /^Plugin llm-ollama 0\.1\.0 from .* asks for these permissions:\n(.*\n)+Granted \(--yes\)\n$/,
  );
  assert.equal(
    install.stdout,
    `Installed llm-ollama 0.1.0 from ${pluginPath} (models: llama3.2:latest, qwen3:8b; commands: ollama)\n`,
  );
  const plugins = JSON.parse((await runCli(["plugins"])).stdout);
  assert.deepEqual(plugins[0].hooks, ["register_models", "register_embedding_models", "register_commands"]);

  const models = await runCli(["models"]);
  assert.match(models.stdout, /\nOllama: llama3\.2:latest \(aliases: llama3\.2\)\nOllama: qwen3:8b\n/);
  assert.doesNotMatch(models.stdout, /nomic/);
  assert.equal(ollama.requests.length, 1, "listing models does not load the plugin");

  ollama.enqueue({ kind: "text", chunks: ["Hello", " from", " llama"] });
  const first = await runCli([
    "-m",
    "llama3.2",
    "hi",
    "-s",
    "be brief",
    "-o",
    "temperature",
    "0.2",
    "-o",
    "num_ctx",
    "4096",
  ]);
  assert.equal(first.stderr, "");
  assert.equal(first.stdout, "Hello from llama\n");
  assert.equal(first.code, 0);
  const again = await runCli(["-c", "again", "--no-stream", "-u"]);
  assert.equal(again.stdout, "Echo: again\n");
  // No price is known for a local model, and -u says so (lib/pricing).
  assert.equal(
    again.stderr,
    "Token usage: 7 input, 2 output\nCost: unknown (no price known for llama3.2:latest)\n",
  );
  const [firstChat, secondChat] = ollama.chats();
  assert.deepEqual(firstChat.body, {
    model: "llama3.2:latest",
    messages: [{ role: "system", content: "be brief" }, { role: "user", content: "hi" }],
    stream: true,
    options: { temperature: 0.2, num_ctx: 4096 },
  });
  assert.deepEqual(secondChat.body, {
    model: "llama3.2:latest",
    messages: [
      { role: "system", content: "be brief" },
      { role: "user", content: "hi" },
      { role: "assistant", content: "Hello from llama" },
      { role: "user", content: "again" },
    ],
    stream: false,
  });

  const logs = JSON.parse((await runCli(["logs", "--json", "-n", "2"])).stdout);
  assert.deepEqual(
    logs.map((
      r: Record<string, unknown>,
    ) => [r.model, r.prompt, r.system, r.response, r.input_tokens, r.output_tokens]),
    [
      ["llama3.2:latest", "hi", "be brief", "Hello from llama", 3, 3],
      ["llama3.2:latest", "again", "be brief", "Echo: again", 7, 2],
    ],
  );
  assert.deepEqual(logs[0].options_json, { temperature: 0.2, num_ctx: 4096 });
  assert.equal(logs[0].response_json.done, true);
  assert.equal(logs[0].response_json.done_reason, "stop");
  assert.equal(logs[1].response_json.message.content, "Echo: again");
  assert.equal(logs[0].conversation_id, logs[1].conversation_id);
});

Deno.test("llm ollama models lists the local models and refreshes the list llm models shows", async () => {
  await using ollama = await startOllamaServer();
  await using _dir = await tempUserDir({ OLLAMA_HOST: ollama.url });
  assert.equal((await runCli(["install", pluginPath, "--yes"])).code, 0);
  ollama.models.push({ name: "gemma3:1b", size: 815_319_791, details: { family: "gemma3" } });
  ollama.models.splice(1, 1); // ollama rm qwen3:8b
  const list = await runCli(["ollama", "models"]);
  assert.equal(list.code, 0, list.stderr);
  assert.equal(
    list.stdout,
    [
      "NAME                     ALIAS             KIND       PARAMETERS  QUANTIZATION  SIZE",
      "llama3.2:latest          llama3.2          chat       3.2B        Q4_K_M        2.0 GB",
      "nomic-embed-text:latest  nomic-embed-text  embedding  137M        F16           274 MB",
      "gemma3:1b                                  chat                                 815 MB",
      "",
    ].join("\n"),
  );
  const json = JSON.parse((await runCli(["ollama", "models", "--json"])).stdout);
  assert.equal(json[2].name, "gemma3:1b");
  const models = await runCli(["models"]);
  assert.match(models.stdout, /\nOllama: llama3\.2:latest \(aliases: llama3\.2\)\nOllama: gemma3:1b\n/);
  assert.doesNotMatch(models.stdout, /qwen3/);

  // A model removed from Ollama since the list was refreshed.
  ollama.models.splice(2, 1);
  const gone = await runCli(["-m", "gemma3:1b", "hi", "--no-log"]);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /Plugin 'llm-ollama' no longer provides the model 'gemma3:1b'/);
});

Deno.test("llm with Ollama down: install fails, prompts and commands say to start it", async () => {
  await using ollama = await startOllamaServer();
  await using _dir = await tempUserDir({ OLLAMA_HOST: ollama.url });
  const down = { OLLAMA_HOST: closedAddress() };
  const install = await runCli(["install", pluginPath, "--yes"], { env: down });
  assert.equal(install.code, 1);
  assert.match(
    install.stderr,
    /\nGranted \(--yes\)\nError: Plugin 'llm-ollama' from .* failed while registering \(registerModels failed: Cannot reach Ollama at http:\/\/127\.0\.0\.1:\d+ \(.+\)\. Is Ollama running\? Start it with `ollama serve`, or set OLLAMA_HOST to the address it listens on\); it was not installed\n$/,
  );
  assert.equal((await runCli(["install", pluginPath, "--yes"])).code, 0);
  const prompt = await runCli(["-m", "llama3.2", "hi"], { env: down });
  assert.equal(prompt.code, 1);
  assert.match(
    prompt.stderr,
    /^Error: Cannot reach Ollama at .*Is Ollama running\? Start it with `ollama serve`/,
  );
  assert.doesNotMatch(prompt.stderr, /no longer provides/);
  const command = await runCli(["ollama", "models"], { env: down });
  assert.equal(command.code, 1);
  assert.match(command.stderr, /^Error: Cannot reach Ollama at /);
  assert.match((await runCli(["models"])).stdout, /Ollama: llama3\.2:latest/, "the recorded models stay");

  ollama.enqueue({ kind: "drop", chunks: ["Half an ", "answer"] });
  const dropped = await runCli(["-m", "llama3.2", "hi"]);
  assert.equal(dropped.code, 1);
  assert.equal(dropped.stdout, "Half an answer\n");
  assert.match(
    dropped.stderr,
    /Error: The connection to Ollama was lost before the response finished \(.+\); try again/,
  );
});
