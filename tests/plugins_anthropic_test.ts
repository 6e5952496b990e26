/**
 * The Anthropic plugin's requests for options and inputs the recordings do not cover (thinking budgets,
 * effort, betas, sampling, caching, user id, web search settings, schemas on models without structured
 * outputs, PDFs and URLs, system prompts), its whole (not streamed) answers and redacted thinking.
 */
import assert from "node:assert/strict";
import anthropicPlugin, { anthropicBaseUrl, strictSchema } from "../plugins/anthropic/mod.ts";
import { Attachment } from "../lib/attachments/attachment.ts";
import { getModel } from "../lib/default_registry.ts";
import { loadPlugin, unloadPlugin } from "../lib/plugins/runtime.ts";
import { tempUserDir } from "./support/env.ts";
import {
  anthropicExchange,
  type AnthropicServer,
  startAnthropicServer,
  textStreamEvents,
} from "./support/anthropic_server.ts";
import { DOG_SCHEMA, tinyPng } from "./support/anthropic_cases.ts";

async function withApi(fn: (server: AnthropicServer) => void | Promise<void>): Promise<void> {
  await using server = await startAnthropicServer();
  await using _dir = await tempUserDir({ ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: "sk-ant-test" });
  await loadPlugin(anthropicPlugin);
  try {
    await fn(server);
  } finally {
    unloadPlugin("llm-anthropic");
  }
}

/** The body of the request sent for a prompt (answered by the echo stream). */
async function bodyFor(
  server: AnthropicServer,
  model: string,
  text: string | undefined,
  options: Parameters<ReturnType<typeof getModel>["prompt"]>[1] = {},
  // deno-lint-ignore no-explicit-any
): Promise<any> {
  await getModel(model).prompt(text, options).text();
  return server.requests.at(-1)!.body;
}

/** The error a prompt fails with. */
async function errorOf(model: string, options: Record<string, unknown> = {}, text = "hi"): Promise<Error> {
  const error = await getModel(model).prompt(text, { options }).text().then(() => undefined, (e) => e);
  assert.ok(error instanceof Error, "the prompt should have failed");
  return error;
}

const HAIKU = "claude-haiku-4.5";

Deno.test("ANTHROPIC_BASE_URL sets the API host; the public API otherwise", () => {
  assert.equal(anthropicBaseUrl(undefined), "https://api.anthropic.com");
  assert.equal(anthropicBaseUrl(""), "https://api.anthropic.com");
  assert.equal(anthropicBaseUrl("http://127.0.0.1:9000/"), "http://127.0.0.1:9000");
  assert.equal(anthropicBaseUrl("https://proxy.example/anthropic"), "https://proxy.example/anthropic");
});

Deno.test("models, aliases, capabilities and options as llm-anthropic registers them", () =>
  withApi(() => {
    const haiku = getModel(HAIKU);
    assert.equal(haiku.id, "anthropic/claude-haiku-4-5-20251001");
    assert.equal(haiku.label, "Anthropic Messages: anthropic/claude-haiku-4-5-20251001");
    assert.equal(haiku.needsKey, "anthropic");
    assert.equal(haiku.keyEnvVar, "ANTHROPIC_API_KEY");
    assert.ok(haiku.attachmentTypes.has("application/pdf") && haiku.attachmentTypes.has("image/webp"));
    assert.deepEqual(haiku.serverSideTools, []);
    assert.deepEqual(getModel("claude-opus-4.6").serverSideTools.map((t) => t.className), ["WebSearch"]);
    assert.equal(getModel("claude-3-haiku").attachmentTypes.has("application/pdf"), false);
    for (const alias of ["claude-3.5-sonnet", "claude-3.7-sonnet", "claude-4-opus", "claude-opus-4.1"]) {
      assert.ok(getModel(alias).id.startsWith("anthropic/claude-"), alias);
    }
    assert.equal(getModel("claude-fable-5").id, "anthropic/claude-fable-5");
  }));

Deno.test("thinking: budgets, max_tokens above the budget, display, adaptive and effort", () =>
  withApi(async (server) => {
    let body = await bodyFor(server, HAIKU, "hi", { options: { thinking_budget: 70000 } });
    assert.deepEqual(body.thinking, { type: "enabled", budget_tokens: 70000 });
    assert.equal(body.max_tokens, 70001);
    // More than 64000 output tokens on a pre-4.6 model needs the 128k beta.
    assert.equal(server.requests.at(-1)!.headers["anthropic-beta"], "output-128k-2025-02-19");
    assert.equal(server.requests.at(-1)!.path, "/v1/messages?beta=true");
    body = await bodyFor(server, "claude-sonnet-4.6", "hi", { options: { thinking: true } });
    assert.deepEqual(body.thinking, { type: "adaptive" });
    assert.equal(body.max_tokens, 128000);
    assert.equal(server.requests.at(-1)!.headers["anthropic-beta"], undefined);
    body = await bodyFor(server, "claude-opus-4.5", "hi", { options: { thinking_effort: "high" } });
    assert.deepEqual(body.thinking, { type: "adaptive" });
    assert.deepEqual(body.output_config, { effort: "high" });
    assert.equal(server.requests.at(-1)!.headers["anthropic-beta"], "effort-2025-11-24");
    body = await bodyFor(server, HAIKU, "hi", {
      options: { thinking_display: true, thinking_adaptive: true },
    });
    assert.deepEqual(body.thinking, { type: "adaptive", display: "summarized" });
    // A model without thinking has no thinking options.
    const error = await errorOf("claude-3-haiku", { thinking: true });
    assert.match(error.message, /Unknown option 'thinking'/);
  }));

Deno.test("sampling, stop sequences, user id, caching, fast mode and system prompts", () =>
  withApi(async (server) => {
    let body = await bodyFor(server, HAIKU, "hi", {
      system: "Be brief",
      options: {
        top_p: 0.5,
        top_k: 10,
        user_id: "u-1",
        stop_sequences: '["END", "STOP"]',
        cache: true,
        fast: true,
      },
    });
    assert.equal(body.system, "Be brief");
    assert.equal(body.top_p, 0.5);
    assert.equal(body.temperature, undefined);
    assert.equal(body.top_k, 10);
    assert.deepEqual(body.metadata, { user_id: "u-1" });
    assert.deepEqual(body.stop_sequences, ["END", "STOP"]);
    assert.deepEqual(body.messages.at(-1).content.at(-1).cache_control, { type: "ephemeral" });
    assert.equal(body.speed, "fast");
    assert.equal(server.requests.at(-1)!.headers["anthropic-beta"], "fast-mode-2026-02-01");
    body = await bodyFor(server, HAIKU, "hi", { options: { temperature: 0.2 } });
    assert.equal(body.temperature, 0.2);
    assert.match(
      (await errorOf(HAIKU, { temperature: 0.2, top_p: 0.5 })).message,
      /Set temperature or top_p, not both/,
    );
    assert.match(
      (await errorOf(HAIKU, { temperature: 1.5 })).message,
      /Invalid value for option 'temperature'/,
    );
    assert.match(
      (await errorOf(HAIKU, { stop_sequences: "[1, 2]" })).message,
      /stop_sequences takes a JSON list of strings, or one string/,
    );
  }));

Deno.test("prefill: shown before the answer unless hidden; refused by the adaptive models", () =>
  withApi(async (server) => {
    const response = getModel(HAIKU).prompt("Count", { options: { prefill: "1, 2," } });
    assert.equal(await response.text(), "1, 2,Echo: Count");
    assert.deepEqual(server.requests.at(-1)!.body.messages.at(-1), {
      role: "assistant",
      content: [{ type: "text", text: "1, 2," }],
    });
    const error = await errorOf("claude-opus-4.6", { prefill: "{" });
    assert.match(error.message, /^Model anthropic\/claude-opus-4-6 cannot continue a prefilled answer/);
  }));

Deno.test("web search settings from options and from -T WebSearch(...)", () =>
  withApi(async (server) => {
    let body = await bodyFor(server, "claude-opus-4.6", "news", {
      options: {
        web_search: true,
        web_search_max_uses: 3,
        web_search_allowed_domains: ["example.com"],
        web_search_location: { city: "Paris", region: "IDF", country: "FR", timezone: "Europe/Paris" },
      },
    });
    assert.deepEqual(body.tools, [{
      type: "web_search_20250305",
      name: "web_search",
      max_uses: 3,
      allowed_domains: ["example.com"],
      user_location: {
        city: "Paris",
        region: "IDF",
        country: "FR",
        timezone: "Europe/Paris",
        type: "approximate",
      },
    }]);
    body = await bodyFor(server, "claude-opus-4.6", "news", {
      serverSideTools: [{
        className: "WebSearch",
        name: "web_search",
        config: { blocked_domains: ["x.com"] },
      }],
    });
    assert.deepEqual(body.tools, [{
      type: "web_search_20250305",
      name: "web_search",
      blocked_domains: ["x.com"],
    }]);
    const bad = await getModel("claude-opus-4.6").prompt("news", {
      serverSideTools: [{ className: "WebSearch", name: "web_search", config: { depth: 3 } }],
    }).text().catch((e) => e);
    assert.match(bad.message, /WebSearch has no setting 'depth'/);
    assert.match(
      (await errorOf(HAIKU, { web_search: true })).message,
      /has no web search; use a model that has it/,
    );
    const refused = await getModel(HAIKU).prompt("news", {
      serverSideTools: [{ className: "WebSearch", name: "web_search", config: {} }],
    }).text().catch((e) => e);
    assert.match(refused.message, /does not support server-side tool 'WebSearch'/);
    assert.match(
      (await errorOf("claude-opus-4.6", {
        web_search_allowed_domains: ["a"],
        web_search_blocked_domains: ["b"],
      }))
        .message,
      /not both/,
    );
  }));

Deno.test("schemas: made strict for structured outputs; a forced tool read as text on other models", () =>
  withApi(async (server) => {
    assert.deepEqual(
      strictSchema({ type: "object", properties: { n: { type: "integer", minimum: 1, description: "N" } } }),
      {
        type: "object",
        properties: { n: { type: "integer", description: "N\n\n{minimum: 1}" } },
        additionalProperties: false,
      },
    );
    assert.deepEqual(strictSchema({ type: "string", format: "email" }), { type: "string", format: "email" });
    assert.deepEqual(strictSchema({ type: "array", items: { type: "string" }, maxItems: 2 }), {
      type: "array",
      items: { type: "string" },
      description: "{maxItems: 2}",
    });
    // claude-haiku-4.5 has no structured outputs: the schema goes as a tool the model must call.
    const events = [
      ...textStreamEvents([]).slice(0, 1),
      {
        type: "content_block_start",
        index: 0,
        content_block: { type: "tool_use", id: "toolu_1", name: "output_structured_data", input: {} },
      },
      {
        type: "content_block_delta",
        index: 0,
        delta: { type: "input_json_delta", partial_json: '{"name": "Rex", ' },
      },
      {
        type: "content_block_delta",
        index: 0,
        delta: { type: "input_json_delta", partial_json: '"age": 3}' },
      },
      { type: "content_block_stop", index: 0 },
      { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 9 } },
      { type: "message_stop" },
    ];
    server.enqueue({ kind: "events", events });
    const response = getModel(HAIKU).prompt("A dog", { schema: DOG_SCHEMA });
    assert.deepEqual(JSON.parse(await response.text()), { name: "Rex", age: 3 });
    assert.deepEqual(await response.toolCalls(), []);
    const body = server.requests.at(-1)!.body;
    assert.deepEqual(body.tools, [{ name: "output_structured_data", input_schema: DOG_SCHEMA }]);
    assert.deepEqual(body.tool_choice, { type: "tool", name: "output_structured_data" });
    const both = await getModel(HAIKU).prompt("x", {
      schema: DOG_SCHEMA,
      tools: [{ name: "t", inputSchema: { type: "object" } }],
    }).text().catch((e) => e);
    assert.match(both.message, /cannot follow a schema and use tools in the same prompt/);
  }));

Deno.test("attachments: PDFs as documents, URLs as url sources, images as base64", () =>
  withApi(async (server) => {
    const pdf = Attachment.fromBytes(new TextEncoder().encode("%PDF-1.4\n%%EOF\n"), "application/pdf");
    const url = Attachment.fromUrl("https://example.com/pelican.jpg", "image/jpeg");
    const png = Attachment.fromBytes(tinyPng());
    const body = await bodyFor(server, HAIKU, "describe", { attachments: [pdf, url, png] });
    const [text, doc, remote, image] = body.messages[0].content;
    assert.deepEqual(text, { type: "text", text: "describe" });
    assert.deepEqual(doc, {
      type: "document",
      source: { data: btoa("%PDF-1.4\n%%EOF\n"), media_type: "application/pdf", type: "base64" },
    });
    assert.deepEqual(remote, {
      type: "image",
      source: { type: "url", url: "https://example.com/pelican.jpg" },
    });
    assert.equal(image.source.media_type, "image/png");
    assert.equal(
      image.source.data,
      anthropicExchange("image-with-no-prompt").request.body.messages[0].content[0].source.data,
    );
    const refused = await getModel("claude-3-haiku").prompt("x", { attachments: [pdf] }).text().catch((e) =>
      e
    );
    assert.match(refused.message, /does not support attachments of type 'application\/pdf'/);
  }));

Deno.test("a whole answer (--no-stream): blocks in order, no stream flag sent", () =>
  withApi(async (server) => {
    const message = {
      id: "msg_whole",
      type: "message",
      role: "assistant",
      model: "claude-haiku-4-5-20251001",
      content: [
        { type: "thinking", thinking: "Hmm.", signature: "sig-1" },
        { type: "text", text: "Calling." },
        { type: "tool_use", id: "toolu_9", name: "lookup", input: { q: "x" } },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 5, output_tokens: 7, cache_read_input_tokens: 2 },
    };
    server.enqueue({ kind: "raw", contentType: "application/json", body: JSON.stringify(message) });
    const response = getModel(HAIKU).prompt("q", {
      stream: false,
      tools: [{ name: "lookup", inputSchema: { type: "object" } }],
      options: { prefill: "So: ", cache: true },
    });
    assert.equal(await response.text(), "So: Calling.");
    assert.equal(server.requests.at(-1)!.body.stream, undefined);
    const [assistant] = await response.messages();
    assert.deepEqual(assistant.parts, [
      { type: "reasoning", text: "Hmm.", provider_metadata: { anthropic: { signature: "sig-1" } } },
      { type: "text", text: "So: Calling." },
      { type: "tool_call", name: "lookup", arguments: { q: "x" }, tool_call_id: "toolu_9" },
    ]);
    assert.deepEqual(await response.toolCalls(), [{
      name: "lookup",
      arguments: { q: "x" },
      toolCallId: "toolu_9",
    }]);
    assert.deepEqual(await response.usage(), {
      input: 5,
      output: 7,
      details: { cache_read_input_tokens: 2 },
    });
  }));

Deno.test("redacted thinking is kept and sent back as a redacted_thinking block", () =>
  withApi(async (server) => {
    const events = [
      textStreamEvents([])[0],
      { type: "content_block_start", index: 0, content_block: { type: "redacted_thinking", data: "opaque" } },
      { type: "content_block_stop", index: 0 },
      ...textStreamEvents(["Done"]).slice(1).map((e) => ("index" in e ? { ...e, index: 1 } : e)),
    ];
    server.enqueue({ kind: "events", events });
    const first = getModel(HAIKU).prompt("q", { options: { thinking: true } });
    assert.equal(await first.text(), "Done");
    const [message] = await first.messages();
    assert.deepEqual(message.parts[0], {
      type: "reasoning",
      text: "",
      redacted: true,
      provider_metadata: { anthropic: { data: "opaque" } },
    });
    await getModel(HAIKU).prompt("again", { messages: [...first.prompt.messages, message] }).text();
    assert.deepEqual(server.requests.at(-1)!.body.messages[1].content, [
      { type: "redacted_thinking", data: "opaque" },
      { type: "text", text: "Done" },
    ]);
  }));
