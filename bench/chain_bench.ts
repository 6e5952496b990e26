/**
 * The tool-chain benchmark: what a chain of five rounds (four rounds of tool calls, then the answer) costs in
 * our own code on top of the HTTP exchanges it makes. Against the loopback server, in this process:
 *
 * - a bare `fetch` client sends the same five request bodies the chain sent and reads each SSE stream (decode,
 *   split lines, `JSON.parse` each event): the HTTP time;
 * - `model.chain(...)` with one tool, as a library user runs it;
 * - the same, each round logged to a temporary logs.db with `LogStore`, as `llm -T` does.
 *
 * Each iteration runs the three one after the other, so their difference is paired; the second group is that
 * difference divided by the five rounds (target: under 2 ms a round).
 *
 * @module
 */
import { join } from "node:path";
import { startOpenAIServer } from "../tests/support/openai_server.ts";
import { defineTool, getModel, LogStore } from "../mod.ts";
import { fromSamples, type Sample } from "./measure.ts";
import type { Group } from "./report.ts";

const ROUNDS = 5;
const CREATED = 1767225600;

function event(id: string, choice: Record<string, unknown> | null, usage?: Record<string, number>): string {
  const chunk = {
    id,
    object: "chat.completion.chunk",
    created: CREATED,
    model: "gpt-4o-mini-2024-07-18",
    choices: choice ? [{ index: 0, logprobs: null, ...choice }] : [],
    ...(usage ? { usage } : {}),
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/** Round `n` (1-based) of the chain: a streamed tool call, or the answer in the last round. */
function roundBody(n: number): string {
  const id = `chatcmpl-bench${n}`;
  const usage = { prompt_tokens: 40 * n, completion_tokens: 12, total_tokens: 40 * n + 12 };
  if (n === ROUNDS) {
    const words = "The last key was reached and the answer is 42.".split(/(?<= )/);
    return [
      event(id, { delta: { role: "assistant", content: "" }, finish_reason: null }),
      ...words.map((word) => event(id, { delta: { content: word }, finish_reason: null })),
      event(id, { delta: {}, finish_reason: "stop" }),
      event(id, null, usage),
      "data: [DONE]\n\n",
    ].join("");
  }
  const call = { index: 0, id: `call_bench_${n}`, type: "function" };
  return [
    event(id, {
      delta: {
        role: "assistant",
        content: null,
        tool_calls: [{ ...call, function: { name: "lookup", arguments: "" } }],
      },
      finish_reason: null,
    }),
    event(id, {
      delta: { tool_calls: [{ index: 0, function: { arguments: '{"key": ' } }] },
      finish_reason: null,
    }),
    event(id, {
      delta: { tool_calls: [{ index: 0, function: { arguments: `"k${n}"}` } }] },
      finish_reason: null,
    }),
    event(id, { delta: {}, finish_reason: "tool_calls" }),
    event(id, null, usage),
    "data: [DONE]\n\n",
  ].join("");
}

const lookup = defineTool({
  name: "lookup",
  description: "Look up the next key.",
  inputSchema: { type: "object", properties: { key: { type: "string" } }, required: ["key"] },
  implementation: ({ key }) => `next key after ${key}`,
});

/** Reads one SSE body as a bare client would: decode, split into lines, parse each event. */
async function readBare(response: globalThis.Response): Promise<number> {
  const decoder = new TextDecoder();
  let pending = "";
  let events = 0;
  for await (const bytes of response.body!) {
    pending += decoder.decode(bytes, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
      JSON.parse(line.slice(6));
      events++;
    }
  }
  return events;
}

/** The chain groups: the three ways side by side, and our own time per round. */
export async function chainGroups(runs: number, userDir: string): Promise<Group[]> {
  await using server = await startOpenAIServer();
  const env = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-bench", LLM_USER_PATH: userDir };
  for (const [name, value] of Object.entries(env)) Deno.env.set(name, value);
  const queueChain = () => {
    for (let n = 1; n <= ROUNDS; n++) {
      server.enqueue({ kind: "raw", contentType: "text/event-stream", body: roundBody(n) });
    }
  };
  const model = getModel("gpt-4o-mini");
  const dir = await Deno.makeTempDir({ prefix: "llm-bench-chain-" });
  const store = LogStore.open(join(dir, "logs.db"));

  const runChain = async (logged: boolean) => {
    queueChain();
    const chain = model.chain("Follow the keys from k1", { tools: [lookup] });
    const text = await chain.text();
    const responses = chain.responsesSoFar();
    if (responses.length !== ROUNDS || !text.endsWith("42.")) {
      throw new Error(`the chain ran ${responses.length} rounds and answered ${JSON.stringify(text)}`);
    }
    if (logged) { for (const response of responses) await store.log(response); }
  };

  // One untimed chain, whose requests the bare client then sends as they were.
  const first = server.requests.length;
  await runChain(false);
  const bodies = server.requests.slice(first).map((request) => JSON.stringify(request.body));
  const runBare = async () => {
    queueChain();
    for (const body of bodies) {
      const response = await fetch(`${server.url}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer sk-bench" },
        body,
      });
      if (!response.ok || (await readBare(response)) < 4) {
        throw new Error(`bare round failed: ${response.status}`);
      }
    }
  };
  await runBare();
  await runChain(true);

  const timed = async (work: () => Promise<void>): Promise<number> => {
    const started = performance.now();
    await work();
    return performance.now() - started;
  };
  const samples: Record<"bare" | "chain" | "logged", Sample[]> = { bare: [], chain: [], logged: [] };
  const perRound: Record<"chain" | "logged", Sample[]> = { chain: [], logged: [] };
  // Ten times the process benchmarks' runs: one in-process chain takes a few milliseconds.
  for (let i = 0; i < runs * 10; i++) {
    const bare = await timed(runBare);
    const chain = await timed(() => runChain(false));
    const logged = await timed(() => runChain(true));
    samples.bare.push({ ms: bare, peakKib: null });
    samples.chain.push({ ms: chain, peakKib: null });
    samples.logged.push({ ms: logged, peakKib: null });
    perRound.chain.push({ ms: (chain - bare) / ROUNDS, peakKib: null });
    perRound.logged.push({ ms: (logged - bare) / ROUNDS, peakKib: null });
  }
  store.close();
  await Deno.remove(dir, { recursive: true });

  const chainName = "model.chain(), one tool";
  const loggedName = "model.chain(), each round logged to logs.db";
  return [
    {
      title: `Tool chain: ${ROUNDS} rounds`,
      description:
        `A chain of ${ROUNDS} streamed rounds (${ROUNDS - 1} of tool calls, then the answer) from the ` +
        "loopback server, in one process: a bare `fetch` client sending the same request bodies and parsing " +
        "every event, `model.chain()` from `mod.ts`, and the same with each round logged to a fresh logs.db " +
        "(as `llm -T` does). The three run one after the other in each iteration.",
      measurements: [
        fromSamples("bare fetch: the same requests", samples.bare),
        fromSamples(chainName, samples.chain),
        fromSamples(loggedName, samples.logged),
      ],
      targets: {},
    },
    {
      title: "Tool chain: our own time per round",
      description:
        `(chain − bare client) ÷ ${ROUNDS} in each iteration: what our code adds to a round on top of ` +
        "its HTTP exchange (building the request from the history, reading the stream, running the tool, " +
        "and with logging, writing the turn).",
      measurements: [
        fromSamples(`${chainName}, per round`, perRound.chain),
        fromSamples(`${loggedName}, per round`, perRound.logged),
      ],
      targets: { [`${chainName}, per round`]: { ms: 2 }, [`${loggedName}, per round`]: { ms: 2 } },
      noRatio: true,
    },
  ];
}
