/**
 * The library's prompt pipeline (lib/prompting/): what `llm prompt` and `llm chat` do, as a library call,
 * against the loopback OpenAI server and a real logs.db.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { type Chunk, defineOptions, Model, type Prompt, PromptSession, registerModel } from "../mod.ts";
import { NoConversationError } from "../lib/prompting/resume.ts";
import { tempUserDir } from "./support/env.ts";
import { startOpenAIServer } from "./support/openai_server.ts";

async function setup() {
  const server = await startOpenAIServer();
  const dir = await tempUserDir({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: server.url });
  await Deno.mkdir(join(dir.path, "templates"), { recursive: true });
  return {
    server,
    dir: dir.path,
    async [Symbol.asyncDispose]() {
      await dir[Symbol.asyncDispose]();
      await server[Symbol.asyncDispose]();
    },
  };
}

function rows(path: string, sql: string): Record<string, unknown>[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db.prepare(sql).all().map((row) => ({ ...row }));
  } finally {
    db.close();
  }
}

Deno.test("a library user prompts with a template and fragments, continues the conversation, and logs both", async () => {
  await using t = await setup();
  await Deno.writeTextFile(
    join(t.dir, "templates", "brief.yaml"),
    "model: 4o-mini\nsystem: Be brief\nprompt: 'Summarise: $input'\noptions:\n  temperature: 0.3\n",
  );
  const notes = join(t.dir, "notes.txt");
  await Deno.writeTextFile(notes, "pelicans eat fish");
  {
    await using session = new PromptSession({ log: true });
    const prepared = await session.prepare({ template: "brief", fragments: [notes] });
    assert.equal(prepared.model.id, "gpt-4o-mini");
    assert.deepEqual(prepared.options, { temperature: 0.3 });
    const first = prepared.send("the notes");
    assert.equal(await first.text(), "Echo: pelicans eat fish\nSummarise: the notes");
    await session.log(first);
  }
  assert.deepEqual(t.server.requests[0].body.messages, [
    { role: "system", content: "Be brief" },
    { role: "user", content: "pelicans eat fish\nSummarise: the notes" },
  ]);
  assert.equal(t.server.requests[0].body.temperature, 0.3);
  {
    // A second session continues the latest logged conversation, with its model.
    await using session = new PromptSession({ log: true });
    const prepared = await session.prepare({ continue: true });
    assert.equal(prepared.model.id, "gpt-4o-mini");
    const second = prepared.send("and now?");
    await second.text();
    await session.log(second);
  }
  assert.deepEqual(t.server.requests[1].body.messages.map((m: { role: string }) => m.role), [
    "system",
    "user",
    "assistant",
    "user",
  ]);
  const db = join(t.dir, "logs.db");
  const turns = rows(db, "select thread_id from turns order by id");
  assert.equal(turns.length, 2);
  assert.equal(turns[0].thread_id, turns[1].thread_id);
  const fragments = rows(
    db,
    "select f.source, tf.kind from turn_fragments tf join fragments f on f.id = tf.fragment_id",
  );
  assert.deepEqual(fragments, [{ source: notes, kind: "prompt" }]);
});

Deno.test("a session that does not log, and needs no lookup, never opens logs.db", async () => {
  await using t = await setup();
  await using session = new PromptSession({ log: false });
  const prepared = await session.prepare({ model: "4o-mini", system: "s" });
  assert.equal(await prepared.send("hi").text(), "Echo: hi");
  assert.equal(await session.log(prepared.conversation.responses[0]), undefined);
  assert.equal(session.opened, false);
  assert.equal(await exists(join(t.dir, "logs.db")), false);
  await assert.rejects(session.prepare({ continue: true }), NoConversationError);
});

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

class Counting extends Model {
  definitions = 0;
  constructor() {
    super("counting", {
      options: defineOptions((z) => {
        this.definitions++;
        return { level: z.number().int().optional() };
      }),
    });
  }
  override async *execute(prompt: Prompt): AsyncGenerator<Chunk> {
    yield `level ${prompt.options.level}`;
  }
}

Deno.test("options are validated once per prepared prompt, however many turns it sends", async () => {
  await using _t = await setup();
  const model = new Counting();
  registerModel(model);
  await using session = new PromptSession({ log: false });
  const prepared = await session.prepare({ model: "counting", options: { level: "3" } });
  assert.equal(model.definitions, 1);
  assert.equal(await prepared.send("a").text(), "level 3");
  assert.equal(await prepared.send("b").text(), "level 3");
  assert.equal(model.definitions, 1);
  // A library prompt with options of its own is validated when it runs, as before.
  assert.equal(await model.prompt("c", { options: { level: "4" } }).text(), "level 4");
  assert.equal(model.definitions, 2);
});

Deno.test("a failed turn with no text is forgotten: the next turn carries the system prompt again", async () => {
  await using t = await setup();
  t.server.enqueue({ kind: "status", status: 500 });
  await using session = new PromptSession({ log: false });
  const prepared = await session.prepare({ model: "4o-mini", system: "be kind" });
  const failed = prepared.send("one");
  await assert.rejects(failed.text());
  prepared.forget(failed);
  await prepared.send("two").text();
  assert.deepEqual(t.server.requests[1].body.messages, [
    { role: "system", content: "be kind" },
    { role: "user", content: "two" },
  ]);
});
