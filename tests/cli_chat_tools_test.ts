/**
 * `llm chat -T`: lines piped into the real CLI (a subprocess) against the loopback server replaying Python llm
 * 0.32's recorded tool replies. A message whose answer calls a tool runs it before answering, and the next
 * message sends the whole exchange (call and result) as history, with the tools offered again.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { VERSION } from "../lib/version.ts";
import { cliSetup, rows } from "./support/cli_setup.ts";

const PYTHON = new URL("./fixtures/python-llm-0.32/tools/", import.meta.url).pathname;

function recording(name: string) {
  return JSON.parse(Deno.readTextFileSync(join(PYTHON, `${name}.json`))) as {
    interactions: { request: { body: Record<string, unknown> } }[];
  };
}

Deno.test("llm chat -T --td: a turn's tool call runs, and the next turn continues with the call and its result", async () => {
  await using t = await cliSetup();
  const file = join(PYTHON, "a-chat-stream-td.json");
  const rec = recording("a-chat-stream-td");
  t.server.enqueue(
    { kind: "recorded", file, index: 0 },
    { kind: "recorded", file, index: 1 },
    { kind: "text", text: "It is called llm." },
  );
  const result = await t.llm(
    ["chat", "-m", "4o-mini", "-T", "llm_version", "-T", "llm_time", "--td"],
    { stdin: "What version?\nAnd what is it called?\nquit\n" },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /> The installed version is 0\.32\.\n> It is called llm\.\n> $/);
  assert.equal(result.stderr, `\nTool call: llm_version({})\n  ${VERSION}\n\n`);
  const bodies = t.server.requests.map((r) => r.body);
  assert.equal(bodies.length, 3);
  // The first message's two rounds are the requests Python sent for the same prompt (the result is our version).
  const python = rec.interactions.map((i) => i.request.body);
  assert.deepEqual(bodies[0], python[0]);
  assert.deepEqual(
    bodies[1],
    JSON.parse(JSON.stringify(python[1]).replace('"content":"0.32"', `"content":"${VERSION}"`)),
  );
  // The next message: the whole exchange as history, then the new message; the tools are offered again.
  assert.deepEqual(bodies[2].messages, [
    ...bodies[1].messages,
    { role: "assistant", content: "The installed version is 0.32." },
    { role: "user", content: "And what is it called?" },
  ]);
  assert.deepEqual(bodies[2].tools, python[0].tools);
  // Three turns logged in one conversation, the tool result in the second.
  const db = join(t.dir, "logs.db");
  assert.equal(rows(db, "select count(distinct thread_id) as n from turns")[0].n, 1);
  assert.equal(rows(db, "select count(*) as n from turns")[0].n, 3);
  const results = rows(db, "select tool_name, payload from parts where type = 'tool_result'");
  assert.equal(results.length, 1);
  assert.equal(results[0].tool_name, "llm_version");
});

Deno.test("llm chat --functions --cl: a chain over the limit ends that answer only; the chat goes on", async () => {
  await using t = await cliSetup();
  await Deno.writeTextFile(
    join(t.dir, "chain_funcs.ts"),
    "/** Look up a value by key. */\nfunction lookup(key: string): string { return `value of ${key}`; }\n",
  );
  const file = join(PYTHON, "b-chain-3-rounds-td.json");
  t.server.enqueue({ kind: "recorded", file, index: 0 }, { kind: "text", text: "Fine." });
  const result = await t.llm(["chat", "-m", "4o-mini", "--functions", "chain_funcs.ts", "--cl", "1"], {
    stdin: "Follow the keys from start\nNever mind\n",
  });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /^Error: Chain limit of 1 exceeded/m);
  assert.match(result.stdout, /> Fine\.\n> \n$/);
  assert.equal(t.server.requests.length, 2, "the call over the limit did not run");
  const last = t.server.requests[1].body.messages as {
    role: string;
    content?: string;
    tool_calls?: { id: string }[];
  }[];
  assert.deepEqual(last.at(-1), { role: "user", content: "Never mind" });
  // The call the limit stopped is answered before the next message, as the API requires.
  const calls = last.at(-3)!.tool_calls!;
  assert.deepEqual(last.at(-2), {
    role: "tool",
    tool_call_id: calls[0].id,
    content: "Error: the tool was not run: the chain stopped at its limit before this call",
  });
});
