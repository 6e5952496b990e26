/**
 * Recorded real tool exchanges with the OpenAI APIs (tests/fixtures/openai-recorded/: chat-tools-*,
 * responses-tool-use*, responses-interleaved-reasoning-between-tool-calls, responses-round-trips-encrypted-
 * reasoning) replayed through a whole chain, the loopback server writing each body whole or cut every 1, 8 and
 * 64 bytes. Each round's response (text, tool calls with ids and arguments, reasoning with its encrypted
 * content, usage) must be what the recording holds, and the request for each next round (the earlier output,
 * the tool results, the tools) must match the recorded request in structure.
 */
import assert from "node:assert/strict";
import { type ChainResponse, getModel, type Model } from "../mod.ts";
import { ChainLimitError } from "../lib/models/errors.ts";
import { defineTool } from "../lib/tools/define.ts";
import { OpenAIChat } from "../lib/providers/openai/chat/model.ts";
import { registry } from "../lib/default_registry.ts";
import { tempUserDir } from "./support/env.ts";
import { loadRecording, type RecordedExchange, startOpenAIServer } from "./support/openai_server.ts";

type Json = Record<string, unknown>;

/** What one round of a recording answered, read from the recorded body (SSE or JSON). */
interface Round {
  text: string;
  calls: { toolCallId: string; name: string; arguments: unknown }[];
  reasoning: { id: string; encrypted_content: string }[];
  usage: { input: number; output: number };
}

function sseData(body: string): Json[] {
  return body.split("\n").filter((line) => line.startsWith("data: ") && line !== "data: [DONE]")
    .map((line) => JSON.parse(line.slice(6)));
}

function chatRound(exchange: RecordedExchange): Round {
  const body = exchange.response.body;
  if (!exchange.request.body.stream) {
    const raw = JSON.parse(body);
    const message = raw.choices[0].message;
    return {
      text: message.content ?? "",
      calls: (message.tool_calls ?? []).map((c: Json & { function: Json }) => ({
        toolCallId: c.id,
        name: c.function.name,
        arguments: JSON.parse(String(c.function.arguments || "{}")),
      })),
      reasoning: [],
      usage: { input: raw.usage.prompt_tokens, output: raw.usage.completion_tokens },
    };
  }
  let text = "";
  let usage = { input: 0, output: 0 };
  const calls = new Map<number, { toolCallId: string; name: string; args: string }>();
  for (const chunk of sseData(body)) {
    const delta = (chunk.choices as Json[] | undefined)?.[0]?.delta as Json | undefined;
    if (typeof delta?.content === "string") text += delta.content;
    for (const call of (delta?.tool_calls as (Json & { function: Json })[] | undefined) ?? []) {
      const known = calls.get(call.index as number);
      const args = (call.function.arguments as string | null) ?? "";
      if (known) known.args += args;
      else {
        calls.set(call.index as number, {
          toolCallId: call.id as string,
          name: call.function.name as string,
          args,
        });
      }
    }
    const u = chunk.usage as Json | undefined;
    if (u) usage = { input: u.prompt_tokens as number, output: u.completion_tokens as number };
  }
  return {
    text,
    calls: [...calls.values()].map((c) => ({
      toolCallId: c.toolCallId,
      name: c.name,
      arguments: JSON.parse(c.args || "{}"),
    })),
    reasoning: [],
    usage,
  };
}

function responsesRound(exchange: RecordedExchange): Round {
  const body = exchange.response.body;
  const response = exchange.request.body.stream
    ? sseData(body).find((event) => event.type === "response.completed")!.response as Json
    : JSON.parse(body);
  const output = response.output as Json[];
  const usage = response.usage as Json;
  return {
    text: output.filter((item) => item.type === "message")
      .flatMap((item) => (item.content as Json[]).map((part) => part.text)).join(""),
    calls: output.filter((item) => item.type === "function_call").map((item) => ({
      toolCallId: item.call_id as string,
      name: item.name as string,
      arguments: JSON.parse(String(item.arguments || "{}")),
    })),
    reasoning: output.filter((item) => item.type === "reasoning").map((item) => ({
      id: item.id as string,
      encrypted_content: item.encrypted_content as string,
    })),
    usage: { input: usage.input_tokens as number, output: usage.output_tokens as number },
  };
}

/** A Chat request in a form that is the same however the history's turns are split into messages. */
function chatShape(body: Json): Json {
  const items: Json[] = [];
  for (const m of body.messages as (Json & { tool_calls?: (Json & { function: Json })[] })[]) {
    if (m.role === "tool") items.push({ result: m.tool_call_id, content: m.content });
    else if (m.content) items.push({ role: m.role, content: m.content });
    for (const call of m.tool_calls ?? []) {
      items.push({
        call: call.id,
        name: call.function.name,
        arguments: JSON.parse(String(call.function.arguments || "{}")),
      });
    }
  }
  const { messages: _messages, ...rest } = body;
  return { ...rest, messages: items };
}

/** A Responses request in the same way: input items by what they carry (reasoning by id and content). */
function responsesShape(body: Json): Json {
  const items = (body.input as Json[]).map((item) => {
    if (item.type === "reasoning") return { reasoning: item.id, encrypted_content: item.encrypted_content };
    if (item.type === "function_call") {
      return { call: item.call_id, name: item.name, arguments: JSON.parse(String(item.arguments || "{}")) };
    }
    if (item.type === "function_call_output") return { result: item.call_id, output: item.output };
    return { role: item.role, content: item.content };
  });
  // Python llm 0.32 asks for a reasoning summary, which the recordings (made with an earlier version) did not.
  const { input: _input, ...rest } = body;
  return { ...rest, reasoning: { summary: "auto", ...(body.reasoning as Json) }, input: items };
}

/**
 * Recorded request `i`. chat-tools-streaming-c's second request comes from another run of the same test (its
 * provider named the call "0"); the reply it is replayed after names it "llm_version:0", which is the id a
 * client must send back, so that id is put in its place.
 */
function recordedRequest(file: string, exchanges: RecordedExchange[], i: number): Json {
  const body = exchanges[i].request.body;
  if (file !== "chat-tools-streaming-c") return body;
  return JSON.parse(
    JSON.stringify(body).replaceAll('"id":"0"', '"id":"llm_version:0"').replaceAll(
      '"tool_call_id":"0"',
      '"tool_call_id":"llm_version:0"',
    ),
  );
}

/** The output each recorded request sent back for a tool call, by call id. */
function recordedOutputs(requests: Json[]): Map<string, string> {
  const outputs = new Map<string, string>();
  for (const body of requests) {
    for (const m of (body.messages ?? []) as Json[]) {
      if (m.role === "tool") outputs.set(m.tool_call_id as string, m.content as string);
    }
    for (const item of (body.input ?? []) as Json[]) {
      if (item.type === "function_call_output") outputs.set(item.call_id as string, item.output as string);
    }
  }
  return outputs;
}

const CHAT = [
  "chat-tools-basic",
  "chat-tools-chain-of-two-calls",
  "chat-tools-streaming-a",
  "chat-tools-streaming-b",
  "chat-tools-streaming-c",
  "chat-tools-streaming-d",
];
const RESPONSES = [
  "responses-tool-use",
  "responses-tool-use-streaming",
  "responses-interleaved-reasoning-between-tool-calls",
  "responses-round-trips-encrypted-reasoning",
];

function modelFor(id: string, server: { url: string }): Model {
  if (registry.find(id)) return getModel(id);
  // A model the registry does not know (another provider's, behind an OpenAI-compatible API).
  return new OpenAIChat(id, { modelName: id, apiBase: server.url, supportsTools: true, needsKey: null });
}

async function replay(file: string, splitAt: number | undefined) {
  await using server = await startOpenAIServer();
  await using _dir = await tempUserDir({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test" });
  const exchanges = loadRecording(file);
  const first = exchanges[0].request.body;
  const responses = first.input !== undefined;
  exchanges.forEach((_, index) => server.enqueue({ kind: "recorded", file, index, splitAt }));
  const outputs = recordedOutputs(exchanges.map((_, i) => recordedRequest(file, exchanges, i)));
  const tools = (first.tools as Json[]).map((spec) => {
    const fn = (responses ? spec : spec.function) as Json;
    return defineTool({
      name: fn.name as string,
      description: fn.description as string,
      inputSchema: fn.parameters as Json,
      implementation: (_args, ctx) => outputs.get(ctx.call.toolCallId!) ?? "",
    });
  });
  const text = responses ? first.input[0].content : first.messages[0].content;
  const effort = (first.reasoning as Json | undefined)?.effort;
  // The chain runs as many rounds as were recorded; a recording that stops while the model still calls tools
  // (the interleaved one) ends with the chain limit.
  const chain: ChainResponse = modelFor(first.model, server).chain(text, {
    tools,
    stream: Boolean(first.stream),
    options: effort ? { reasoning_effort: effort } : {},
    chainLimit: exchanges.length,
  });
  const rounds = [];
  let limited = false;
  const all = chain.responses();
  while (true) {
    let next;
    try {
      next = await all.next();
    } catch (error) {
      if (!(error instanceof ChainLimitError)) throw error;
      limited = true;
      break;
    }
    if (next.done) break;
    const response = next.value;
    const [message] = await response.messages();
    const usage = await response.usage();
    rounds.push({
      text: await response.text(),
      calls: await response.toolCalls(),
      reasoning: (message?.parts ?? []).filter((p) => p.type === "reasoning").map((p) => {
        const openai = p.provider_metadata?.openai as Json;
        return { id: openai.id, encrypted_content: openai.encrypted_content };
      }),
      usage: { input: usage.input, output: usage.output },
    });
  }
  return { rounds, limited, requests: server.requests.map((r) => r.body as Json), exchanges, responses };
}

for (const file of [...CHAT, ...RESPONSES]) {
  Deno.test(`${file}: the whole chain, cut at 1, 8 and 64 bytes, gives the recorded responses and requests`, async () => {
    for (const splitAt of [undefined, 1, 8, 64]) {
      const label = `${file} cut at ${splitAt ?? "none"}`;
      const { rounds, limited, requests, exchanges, responses } = await replay(file, splitAt);
      const expected = exchanges.map(responses ? responsesRound : chatRound);
      assert.equal(rounds.length, expected.length, `${label}: rounds`);
      assert.equal(limited, expected.at(-1)!.calls.length > 0, `${label}: ends with the chain limit`);
      rounds.forEach((round, i) => assert.deepEqual(round, expected[i], `${label}: round ${i}`));
      const shape = responses ? responsesShape : chatShape;
      requests.forEach((body, i) =>
        assert.deepEqual(shape(body), shape(recordedRequest(file, exchanges, i)), `${label}: request ${i}`)
      );
    }
  });
}
