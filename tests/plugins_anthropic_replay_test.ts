/**
 * The Anthropic plugin against every recorded exchange, replayed from a loopback server: the request it sends
 * for the same prompt, options and history is the recorded request, and the text, reasoning, tool calls,
 * server-side search results, usage and final message it reads are those of the recording. Each stream is
 * also replayed cut every 1, 8 and 64 bytes, and must read the same.
 */
import assert from "node:assert/strict";
import anthropicPlugin from "../plugins/anthropic/mod.ts";
import { getModel } from "../lib/default_registry.ts";
import type { Response } from "../lib/models/response.ts";
import type { StreamEvent } from "../lib/models/stream.ts";
import { loadPlugin, unloadPlugin } from "../lib/plugins/runtime.ts";
import { tempUserDir } from "./support/env.ts";
import {
  anthropicExchange,
  anthropicRecording,
  anthropicRecordingNames,
  type AnthropicServer,
  startAnthropicServer,
} from "./support/anthropic_server.ts";
import { REPLAY_CASES, type ReplayCase } from "./support/anthropic_cases.ts";

/** Runs `fn` with the loopback API, a temp user dir pointing at it, and the plugin loaded. */
async function withApi(fn: (server: AnthropicServer) => Promise<void>): Promise<void> {
  await using server = await startAnthropicServer();
  await using _dir = await tempUserDir({ ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: "sk-ant-test" });
  await loadPlugin(anthropicPlugin);
  try {
    await fn(server);
  } finally {
    unloadPlugin("llm-anthropic");
  }
}

/** What a replayed case produced, interaction by interaction. */
interface Outcome {
  responses: Response[];
  events: StreamEvent[][];
  // deno-lint-ignore no-explicit-any
  requests: any[];
}

async function replay(server: AnthropicServer, c: ReplayCase, splitAt?: number): Promise<Outcome> {
  const before = server.requests.length;
  const exchanges = anthropicRecording(c.file);
  for (let index = 0; index < exchanges.length; index++) {
    server.enqueue({ kind: "recorded", file: c.file, index, splitAt });
  }
  const model = getModel(c.model);
  const responses: Response[] = [];
  const events: StreamEvent[][] = [];
  for (const step of c.steps) {
    const response = await step(model, responses);
    const seen: StreamEvent[] = [];
    for await (const event of response.streamEvents()) seen.push(event);
    responses.push(response);
    events.push(seen);
  }
  return { responses, events, requests: server.requests.slice(before).map((r) => r.body) };
}

function byName(name: string): ReplayCase {
  const found = REPLAY_CASES.find((c) => c.file === name);
  if (!found) throw new Error(`no case for ${name}`);
  return found;
}

Deno.test("every recording has a replay case, with a step for each of its interactions", () => {
  assert.deepEqual(REPLAY_CASES.map((c) => c.file).sort(), anthropicRecordingNames());
  for (const c of REPLAY_CASES) assert.equal(c.steps.length, anthropicRecording(c.file).length, c.file);
});

Deno.test("the request for each recorded prompt is the recorded request", () =>
  withApi(async (server) => {
    for (const c of REPLAY_CASES) {
      const { requests } = await replay(server, c);
      anthropicRecording(c.file).forEach((exchange, index) => {
        const expected = c.expectedBody?.(exchange.request.body, index) ?? exchange.request.body;
        assert.deepEqual(requests[index], expected, `${c.file} request ${index}`);
      });
    }
    // Every request went to POST /v1/messages with the key and API version headers.
    for (const request of server.requests) {
      assert.equal(request.method, "POST");
      assert.equal(request.path, "/v1/messages");
      assert.equal(request.headers["x-api-key"], "sk-ant-test");
      assert.equal(request.headers["anthropic-version"], "2023-06-01");
      assert.equal(request.headers["anthropic-beta"], undefined);
    }
  }));

/** Everything a run read, in a form two runs can be compared by. */
async function digest(outcome: Outcome): Promise<unknown> {
  return await Promise.all(outcome.responses.map(async (r, i) => ({
    text: await r.text(),
    events: outcome.events[i],
    messages: await r.messages(),
    usage: await r.usage(),
    json: await r.json(),
    toolCalls: await r.toolCalls(),
    options: r.prompt.options,
    request: outcome.requests[i],
  })));
}

Deno.test("each recorded stream reads the same when cut every 1, 8 and 64 bytes", () =>
  withApi(async (server) => {
    for (const c of REPLAY_CASES) {
      const whole = await digest(await replay(server, c));
      for (const splitAt of [1, 8, 64]) {
        assert.deepEqual(
          await digest(await replay(server, c, splitAt)),
          whole,
          `${c.file} cut every ${splitAt}`,
        );
      }
    }
  }));

Deno.test("text, usage and final message of plain prompts and a conversation", () =>
  withApi(async (server) => {
    const [prompt] = (await replay(server, byName("prompt"))).responses;
    assert.equal(await prompt.text(), "- Captain\n- Scoop");
    assert.deepEqual(await prompt.usage(), { input: 17, output: 10, details: null });
    assert.deepEqual(await prompt.json(), {
      id: "msg_017A4s3HAsrqf5d2WvBmrpLr",
      content: [{ citations: null, text: "- Captain\n- Scoop", type: "text" }],
      model: "claude-sonnet-4-5-20250929",
      role: "assistant",
      stop_reason: "end_turn",
      stop_sequence: null,
      type: "message",
    });
    const [first, second] = (await replay(server, byName("async-prompt"))).responses;
    assert.equal(await first.text(), "- Captain\n- Scoop");
    assert.equal(await second.text(), "- Capitaine\n- Bec (beak)");
    assert.deepEqual(await second.usage(), { input: 32, output: 16, details: null });
    for (const name of ["opus-46-prompt", "sonnet-46-prompt", "sonnet-46-effort-without-thinking"]) {
      const [response] = (await replay(server, byName(name))).responses;
      assert.ok((await response.text()).includes("Pel") || (await response.text()).length > 5, name);
      const usage = await response.usage();
      assert.ok(usage.input! > 0 && usage.output! > 0, name);
    }
    const [hello] = (await replay(server, byName("stream-events-text"))).responses;
    assert.match(await hello.text(), /hello/i);
  }));

Deno.test("prefill with hide_prefill and a stop sequence given as a string", () =>
  withApi(async (server) => {
    const [response] = (await replay(server, byName("prompt-with-prefill-and-stop-sequences"))).responses;
    assert.equal(
      await response.text(),
      '\ndef pelican():\n    return "A large waterbird with a long bill and a throat pouch for catching fish."\n',
    );
    assert.deepEqual(response.prompt.options.stop_sequences, ["```"]);
    assert.equal(((await response.json()) as { stop_reason: string }).stop_reason, "stop_sequence");
  }));

Deno.test("thinking is read as reasoning parts with their signatures, before the text", () =>
  withApi(async (server) => {
    const { responses, events } = await replay(server, byName("parts-thinking"));
    const [message] = await responses[0].messages();
    assert.deepEqual(message.parts.map((p) => p.type), ["reasoning", "text"]);
    const reasoning = message.parts[0] as unknown as {
      text: string;
      provider_metadata: { anthropic: { signature: string } };
    };
    assert.match(reasoning.text, /^The user wants two names for a pet pelican/);
    assert.match(reasoning.provider_metadata.anthropic.signature, /^EugGCmMIDBgCKkC4/);
    assert.equal(responses[0].reasoningSoFar(), reasoning.text);
    assert.equal(await responses[0].text(), (message.parts[1] as { text: string }).text);
    // The option the request implied is set, as llm-anthropic sets it.
    assert.deepEqual(responses[0].prompt.options, { max_tokens: 8192, thinking: true });
    const firstText = events[0].findIndex((e) => e.type === "text");
    assert.ok(events[0].slice(0, firstText).some((e) => e.type === "reasoning"));

    const adaptive = (await replay(server, byName("opus-46-adaptive-thinking"))).responses[0];
    const [parts] = (await adaptive.messages()).map((m) => m.parts.map((p) => p.type));
    assert.deepEqual(parts, ["text", "reasoning", "text"]);
    assert.equal(await adaptive.text(), "\n\n1. **Captain Scoop**\n2. **Gullet**");
    // With prompt caching on, usage details are kept, as llm-anthropic keeps them.
    const details = (await adaptive.usage()).details!;
    assert.equal(details.cache_read_input_tokens, 0);
    assert.equal(details.service_tier, "standard");
  }));

Deno.test("tool calls: ids round-tripped, thinking kept across the tool round", () =>
  withApi(async (server) => {
    const plain = await replay(server, byName("fixed-version-tool-chain-regression"));
    assert.deepEqual(await plain.responses[0].toolCalls(), [
      { name: "fixed_version", arguments: {}, toolCallId: "toolu_01UmKD1vMphVCN9vw8PEMk1q" },
    ]);
    // The display-only space after tool calls is in the text but never sent back.
    assert.equal(await plain.responses[0].text(), " ");
    assert.deepEqual(plain.requests[1].messages.map((m: { role: string }) => m.role), [
      "user",
      "assistant",
      "user",
    ]);
    assert.match(await plain.responses[1].text(), /0\.32a0/);

    const thinking = await replay(
      server,
      byName("fixed-version-tool-chain-with-thinking-display-regression"),
    );
    const [first] = await thinking.responses[0].messages();
    assert.deepEqual(first.parts.map((p) => p.type), ["reasoning", "tool_call", "text"]);
    const sent = thinking.requests[1].messages[1].content;
    assert.deepEqual(sent.map((b: { type: string }) => b.type), ["thinking", "tool_use"]);
    assert.match(sent[0].signature, /^EoQDCm0IDhgCKkCDzGs2/);
    assert.deepEqual(thinking.requests[1].messages[2].content, [
      { type: "tool_result", tool_use_id: "toolu_01825dXWLSoJwCst1qTsiWdb", content: "0.32a0" },
    ]);

    // Two calls in one answer: both recorded, both results sent back in one user turn, in order.
    const parallel = await replay(server, byName("tools-parallel"));
    const calls = await parallel.responses[0].toolCalls();
    assert.deepEqual(calls.map((c) => c.toolCallId), [
      "toolu_01LtHJmixrs9NcWQkK8hu8hj",
      "toolu_01N8a4jWyf116qKTMqKKmjyt",
    ]);
    assert.deepEqual(
      parallel.requests[1].messages[2].content.map((b: { tool_use_id: string; content: string }) => [
        b.tool_use_id,
        b.content,
      ]),
      [["toolu_01LtHJmixrs9NcWQkK8hu8hj", "Charles"], ["toolu_01N8a4jWyf116qKTMqKKmjyt", "Sammy"]],
    );
    assert.match(await parallel.responses[1].text(), /Charles.*Sammy/s);

    const named = await replay(server, byName("stream-events-tool-calls"));
    const nameEvents = named.events[0].filter((e) => e.type === "tool_call_name");
    assert.equal(nameEvents[0].chunk, "pelican_name_generator");
    assert.ok(nameEvents[0].toolCallId?.startsWith("toolu_"));
    assert.ok(!nameEvents[0].serverExecuted);
  }));

Deno.test("schemas: structured outputs read as the answer's JSON text", () =>
  withApi(async (server) => {
    const [good] = (await replay(server, byName("opus-46-schema"))).responses;
    const dog = JSON.parse(await good.text());
    assert.deepEqual(Object.keys(dog), ["name", "age", "bio"]);
    assert.equal(dog.name, "Biscuit");
    const [terrific] = (await replay(server, byName("schema-prompt-async"))).responses;
    assert.equal(JSON.parse(await terrific.text()).name, "Luna");
  }));

Deno.test("an image with no prompt text is sent as a base64 image block", () =>
  withApi(async (server) => {
    const { responses, requests } = await replay(server, byName("image-with-no-prompt"));
    assert.match(await responses[0].text(), /^I need to describe what I see in this image\./);
    assert.deepEqual(requests[0].messages[0].content.map((b: { type: string }) => b.type), ["image"]);
  }));

Deno.test("web search: server_tool_use and its results become server-executed parts, in order", () =>
  withApi(async (server) => {
    for (const name of ["web-search", "web-search-tool-result-ordering"]) {
      const { responses, events } = await replay(server, byName(name));
      const response = responses[0];
      const [message] = await response.messages();
      const types = message.parts.map((p) => p.type);
      assert.deepEqual(types.slice(0, 3), ["tool_call", "tool_result", "text"], name);
      const call = message.parts[0] as { name: string; arguments: unknown; server_executed: boolean };
      assert.deepEqual(call.arguments, { query: "San Francisco weather today" });
      assert.equal(call.server_executed, true);
      const result = message.parts[1] as { name: string; output: string; server_executed: boolean };
      assert.equal(result.name, "web_search");
      const results = JSON.parse(result.output);
      assert.equal(results[0].type, "web_search_result");
      // Python's json.dumps of the SDK's objects: keys sorted, ", " and ": " separators.
      assert.ok(result.output.startsWith('[{"encrypted_content": '));
      const firstResult = events[0].findIndex((e) => e.type === "tool_result");
      const firstText = events[0].findIndex((e) => e.type === "text" && e.chunk.trim());
      assert.ok(firstResult < firstText);
      // Server-side calls are not tool calls for the chain loop to run.
      assert.deepEqual(await response.toolCalls(), []);
      const usage = await response.usage();
      assert.equal(usage.input, 10423);
      assert.equal(usage.output, 341);
      assert.deepEqual(usage.details!.server_tool_use, { web_search_requests: 1 });
      assert.match(await response.text(), /San Francisco/);
    }
  }));

Deno.test("a follow-up to a web search turn sends the search call and results back as their blocks", () =>
  withApi(async (server) => {
    const [search] = (await replay(server, byName("web-search"))).responses;
    const follow = getModel("claude-opus-4.1").prompt("And tomorrow?", {
      messages: [...search.prompt.messages, ...await search.messages()],
      options: { max_tokens: 8192, web_search: true },
    });
    await follow.text();
    const sent = server.requests.at(-1)!.body.messages;
    assert.deepEqual(sent.map((m: { role: string }) => m.role), ["user", "assistant", "user"]);
    const blocks = sent[1].content;
    assert.deepEqual(blocks.slice(0, 2).map((b: { type: string }) => b.type), [
      "server_tool_use",
      "web_search_tool_result",
    ]);
    assert.equal(blocks[1].tool_use_id, blocks[0].id);
    const recordedResults = JSON.parse(
      anthropicExchange("web-search").response.body.split("\n").find((l) =>
        l.includes("web_search_tool_result")
      )!
        .slice(6),
    ).content_block.content;
    assert.deepEqual(blocks[1].content, recordedResults);
    assert.equal(await follow.text(), "Echo: And tomorrow?");
  }));
