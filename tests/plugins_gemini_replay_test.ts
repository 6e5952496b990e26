/**
 * The Gemini plugin against every recorded exchange (tests/fixtures/gemini-recorded/, real traffic from the
 * `llm-gemini` test cassettes), replayed from a loopback server whole and cut every 1, 8 and 64 bytes: the
 * request we send must match the recorded one (path, key header, body), and the text, reasoning, tool calls,
 * usage, resolved model, response JSON and message parts we read must be what Python `llm` with `llm-gemini`
 * read from the same bytes (its logs.db, tests/fixtures/gemini-python/).
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import plugin from "../plugins/gemini/mod.ts";
import { getModel } from "../lib/default_registry.ts";
import { loadPlugin, unloadPlugin } from "../lib/plugins/runtime.ts";
import { chainHashes } from "../lib/logs/hash.ts";
import type { Message, ToolResultPart } from "../lib/models/messages.ts";
import type { Response } from "../lib/models/response.ts";
import type { ToolSpec } from "../lib/models/tool_spec.ts";
import { tempUserDir } from "./support/env.ts";
import { type GeminiExchange, type GeminiServer, startGeminiServer } from "./support/gemini_server.ts";
import { geminiPythonPath, pythonSchemas, type PythonTurn, pythonTurns } from "./support/gemini_python.ts";

const SCHEMAS = pythonSchemas();
const KEY = "test-key";

interface ReplayCase {
  /** The recording. */
  name: string;
  /** The model, as the `llm-gemini` test asked for it. */
  model: string;
  /** The first prompt. */
  prompt: string;
  /** Whether the test passed pydantic's schema of the same name. */
  schema?: boolean;
  /** The function tool the test offered. */
  tool?: ToolSpec;
  /** The test used `stream=False` (llm-gemini streams all the same). */
  stream?: boolean;
}

const CASES: ReplayCase[] = [
  { name: "prompt", model: "gemini-flash-latest", prompt: "Name for a pet pelican, just the name" },
  { name: "prompt-async", model: "gemini-flash-latest", prompt: "Name for a pet pelican, just the name" },
  { name: "resolved-model", model: "gemini-flash-latest", prompt: "hi" },
  {
    name: "prompt-with-pydantic-schema",
    model: "gemini-flash-latest",
    prompt: "Invent a cool dog",
    schema: true,
    stream: false,
  },
  {
    name: "nested-model-direct-reference",
    model: "gemini-flash-latest",
    prompt: "Create a person named Alice living in San Francisco",
    schema: true,
    stream: false,
  },
  {
    name: "nested-model-optional",
    model: "gemini-flash-latest",
    prompt: "Create a person named Bob who works at TechCorp",
    schema: true,
    stream: false,
  },
  {
    name: "tools",
    model: "gemini-2.5-flash",
    prompt: "Two names for a pet pelican",
    tool: { name: "pelican_name_generator", inputSchema: { properties: {}, type: "object" } },
  },
  {
    name: "tools-with-nested-pydantic-models",
    model: "gemini-flash-latest",
    prompt: "Add Alice who is 30 years old and lives at 123 Main St, San Francisco, CA 94102 to the database",
    tool: {
      name: "add_person",
      description: "Add a person with their address to the database",
      inputSchema: SCHEMAS["tools-with-nested-pydantic-models"],
    },
  },
];

// deno-lint-ignore no-explicit-any
type Json = any;

/** The chunks of a recorded streamed answer. */
function recordedChunks(exchange: GeminiExchange): Json[] {
  return JSON.parse(exchange.response.body as string);
}

/** The parts of the first candidate of every chunk, in order (an independent reading of the recording). */
function recordedParts(exchange: GeminiExchange): Json[] {
  return recordedChunks(exchange).flatMap((c) => c.candidates?.[0]?.content?.parts ?? []);
}

/** The tool results the next recorded request sends back (what the `llm-gemini` test's tool returned). */
function recordedResults(next: GeminiExchange, ourIds: string[]): ToolResultPart[] {
  const last = next.request.body.contents.at(-1);
  return last.parts.filter((p: Json) => p.function_response).map((p: Json, i: number) => ({
    type: "tool_result",
    name: p.function_response.name,
    output: p.function_response.response.output,
    tool_call_id: ourIds[i],
  }));
}

/** `text` with every id we made up replaced by the one at the same place in `theirs`. */
function withIds(value: unknown, ours: string[], theirs: string[]): Json {
  let text = JSON.stringify(value);
  ours.forEach((id, i) => {
    if (theirs[i] !== undefined) text = text.replaceAll(id, theirs[i]);
  });
  return JSON.parse(text);
}

/** The tool call ids in a list of recorded requests, in the order they first appear. */
function recordedCallIds(exchanges: GeminiExchange[]): string[] {
  const ids: string[] = [];
  for (const exchange of exchanges) {
    for (const content of exchange.request.body.contents) {
      for (const part of content.parts) {
        const id = part.function_call?.id;
        if (id && !ids.includes(id)) ids.push(id);
      }
    }
  }
  return ids;
}

/** The tool call ids Python's turns stored, in order. */
function pythonCallIds(turns: PythonTurn[]): string[] {
  const db = new DatabaseSync(geminiPythonPath("logs.db"), { readOnly: true });
  try {
    const ids: string[] = [];
    for (const turn of turns) {
      const rows = db.prepare("select payload from parts where message_hash = ? and type = 'tool_call'")
        .all(turn.tip_message_hash) as { payload: string }[];
      for (const row of rows) ids.push(JSON.parse(row.payload).tool_call_id);
    }
    return ids;
  } finally {
    db.close();
  }
}

/** Runs every round of a case against the server; returns the responses. */
async function runRounds(testCase: ReplayCase, exchanges: GeminiExchange[]): Promise<Response[]> {
  const model = getModel(testCase.model);
  const tools = testCase.tool ? [testCase.tool] : undefined;
  const responses: Response[] = [];
  let history: Message[] = [];
  for (let round = 0; round < exchanges.length; round++) {
    const previous = responses.at(-1);
    const response = round === 0
      ? model.prompt(testCase.prompt, {
        key: KEY,
        tools,
        stream: testCase.stream,
        schema: testCase.schema ? SCHEMAS[testCase.name] : undefined,
      })
      : model.prompt(undefined, {
        key: KEY,
        tools,
        messages: history,
        toolResults: recordedResults(
          exchanges[round],
          (await previous!.toolCalls()).map((c) => c.toolCallId!),
        ),
      });
    await response.text();
    history = [...response.prompt.messages, ...await response.messages()];
    responses.push(response);
  }
  return responses;
}

async function replay(
  testCase: ReplayCase,
  gemini: GeminiServer,
  splitAt: number | undefined,
): Promise<void> {
  const before = gemini.requests.length;
  const exchanges = gemini.enqueueRecording(testCase.name, { splitAt });
  const responses = await runRounds(testCase, exchanges);
  const sent = gemini.requests.slice(before);
  assert.equal(sent.length, exchanges.length);
  const ourIds = (await Promise.all(responses.map((r) => r.toolCalls()))).flat().map((c) => c.toolCallId!);
  const theirIds = recordedCallIds(exchanges);
  for (const [round, exchange] of exchanges.entries()) {
    const request = sent[round];
    const where = `${testCase.name} round ${round + 1}, split ${splitAt ?? "none"}`;
    assert.equal(request.method, exchange.request.method, where);
    assert.equal(request.path, exchange.request.path, where);
    assert.equal(request.search, "", `the key is not in the URL (${where})`);
    assert.equal(request.apiKey, KEY, where);
    assert.equal(request.contentType, "application/json", where);
    assert.deepEqual(withIds(request.body, ourIds, theirIds), exchange.request.body, where);
    for (const id of ourIds.filter((id) => !theirIds.includes(id))) {
      assert.match(id, /^call_[0-9a-f]{32}$/, `made-up ids look like llm-gemini's (${where})`);
    }

    const response = responses[round];
    const parts = recordedParts(exchange);
    const text = parts.filter((p) => typeof p.text === "string" && !p.thought).map((p) => p.text).join("");
    const reasoning = parts.filter((p) => p.thought).map((p) => p.text).join("");
    assert.equal(await response.text(), text, where);
    assert.equal(response.reasoningSoFar(), reasoning, where);
    assert.deepEqual(
      (await response.toolCalls()).map((c) => [c.name, c.arguments]),
      parts.filter((p) => p.functionCall).map((p) => [p.functionCall.name, p.functionCall.args]),
      where,
    );
    if (testCase.schema) assert.equal(typeof JSON.parse(text), "object", where);
    const last = recordedChunks(exchange).at(-1);
    assert.equal(response.resolvedModel, last.modelVersion, where);
  }
}

/** Compares each round with what Python read from the same recording (its logs.db). */
async function compareWithPython(testCase: ReplayCase, responses: Response[]): Promise<void> {
  const turns = pythonTurns(testCase.name);
  assert.equal(turns.length, responses.length, `Python logged one turn per round of ${testCase.name}`);
  const ours = (await Promise.all(responses.map((r) => r.toolCalls()))).flat().map((c) => c.toolCallId!);
  const theirs = pythonCallIds(turns);
  for (const [round, turn] of turns.entries()) {
    const response = responses[round];
    const where = `${testCase.name} round ${round + 1}`;
    assert.equal(`gemini/${testCase.model}`, turn.model, where);
    assert.equal(response.model.id, turn.model, where);
    assert.equal(response.resolvedModel, turn.resolved_model, where);
    const usage = await response.usage();
    assert.deepEqual(
      [usage.input, usage.output, usage.details],
      [turn.input_tokens, turn.output_tokens, JSON.parse(turn.token_details!)],
      where,
    );
    assert.deepEqual(await response.json(), JSON.parse(turn.response_json!), where);
    const chain = withIds([...response.prompt.messages, ...await response.messages()], ours, theirs);
    const hashes = await chainHashes(null, chain);
    assert.equal(hashes.at(-1), turn.tip_message_hash, `same message parts as Python (${where})`);
    assert.equal(hashes.at(-2), turn.parent_message_hash, `same input chain as Python (${where})`);
  }
}

async function withGemini(fn: (gemini: GeminiServer) => Promise<void>): Promise<void> {
  await using gemini = await startGeminiServer();
  await using _dir = await tempUserDir({ LLM_GEMINI_BASE_URL: gemini.url, LLM_GEMINI_KEY: undefined });
  await loadPlugin(plugin);
  try {
    await fn(gemini);
  } finally {
    unloadPlugin("llm-gemini");
  }
}

for (const testCase of CASES) {
  Deno.test(`replay ${testCase.name}: request as recorded, output as Python read it, whole and cut at 1/8/64 bytes`, () =>
    withGemini(async (gemini) => {
      for (const splitAt of [undefined, 1, 8, 64]) await replay(testCase, gemini, splitAt);
      if (testCase.name === "prompt-async") return;
      const exchanges = gemini.enqueueRecording(testCase.name, { splitAt: 8 });
      await compareWithPython(testCase, await runRounds(testCase, exchanges));
    }));
}

Deno.test("replay prompt-async: usage and response JSON as llm-gemini computes them", () =>
  withGemini(async (gemini) => {
    gemini.enqueueRecording("prompt-async");
    const response = getModel("gemini-flash-latest").prompt("Name for a pet pelican, just the name", {
      key: KEY,
    });
    assert.equal(await response.text(), "Scoop");
    // 11 prompt tokens; 2 candidate tokens + 359 thinking tokens.
    assert.deepEqual(await response.usage(), {
      input: 11,
      output: 361,
      details: {
        candidatesTokenCount: 2,
        promptTokensDetails: [{ modality: "TEXT", tokenCount: 11 }],
        thoughtsTokenCount: 359,
        serviceTier: "standard",
      },
    });
    assert.deepEqual(await response.json(), {
      candidates: [{ finishReason: "STOP", index: 0 }],
      modelVersion: "gemini-3.6-flash",
      responseId: "JIpyaqm4II2hjrEPg6eWoAY",
    });
    const [message] = await response.messages();
    assert.deepEqual(message.parts.map((p) => p.type), ["reasoning", "text"]);
    const signature = (message.parts[1] as { provider_metadata?: Json }).provider_metadata?.gemini
      ?.thoughtSignature;
    assert.match(signature, /^EooLCocLARFNMg/);
  }));
