/**
 * `llm schemas`: the DSL, and the schemas that prompts stored in logs.db (ids as Python llm computes them).
 */
import assert from "node:assert/strict";
import { main } from "../lib/cli/main.ts";
import { memoryIo } from "../lib/cli/io.ts";
import { schemaSummary } from "../lib/cli/commands/schemas/run.ts";
import { startOpenAIServer } from "./support/openai_server.ts";
import { tempUserDir } from "./support/env.ts";

async function llm(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo();
  const code = await main(args, io, { dotenv: false });
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

Deno.test("llm schemas dsl prints the JSON schema of the DSL, --multi wraps it in items", async () => {
  await using _dir = await tempUserDir();
  const plain = await llm("schemas", "dsl", "name, age int, bio: their bio");
  assert.equal(plain.code, 0, plain.stderr);
  assert.deepEqual(JSON.parse(plain.stdout), {
    type: "object",
    properties: {
      name: { type: "string" },
      age: { type: "integer" },
      bio: { type: "string", description: "their bio" },
    },
    required: ["name", "age", "bio"],
  });
  assert.ok(plain.stdout.startsWith('{\n  "type": "object",\n  "properties": {\n    "name": {\n'));
  const multi = JSON.parse((await llm("schemas", "dsl", "name", "--multi")).stdout);
  assert.deepEqual(multi.required, ["items"]);
  assert.deepEqual(multi.properties.items.items.properties, { name: { type: "string" } });
});

Deno.test("llm schemas list/show: stored by prompts with --schema, counted, shown; bad id and no db are errors", async () => {
  await using server = await startOpenAIServer();
  await using _dir = await tempUserDir({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test" });
  assert.match((await llm("schemas")).stderr, /^Error: No log database found at /);
  for (const prompt of ["one dog", "two dogs"]) {
    const run = await llm("-m", "4o-mini", "--schema", "name, age int", prompt);
    assert.equal(run.code, 0, run.stderr);
  }
  assert.deepEqual(server.requests[0].body.response_format.json_schema.schema.required, ["name", "age"]);
  const listed = (await llm("schemas")).stdout;
  // The id is blake2b-128 of the compact JSON, the same id Python llm gives this schema.
  assert.match(
    listed,
    /^- id: 848bffbc260a905ad40888a4518f40ef\n {2}summary: \|\n {4}\{name, age\}\n {2}usage: \|\n {4}2 times, most recently \d{4}-.*\n$/,
  );
  const rows = JSON.parse((await llm("schemas", "--json")).stdout);
  assert.equal(rows[0].times_used, 2);
  assert.deepEqual(rows[0].content.required, ["name", "age"]);
  assert.equal((await llm("schemas", "-q", "nothing-like-this")).stdout, "");
  const shown = await llm("schemas", "show", "848bffbc260a905ad40888a4518f40ef");
  assert.deepEqual(JSON.parse(shown.stdout), rows[0].content);
  const bad = await llm("schemas", "show", "nope");
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^Error: Invalid schema ID/);
});

Deno.test("schemaSummary outlines nested objects and arrays as Python llm does", () => {
  assert.equal(
    schemaSummary({
      type: "object",
      properties: {
        title: { type: "string" },
        people: { type: "array", items: { type: "object", properties: { name: {}, age: {} } } },
        place: { type: "object", properties: { city: {} } },
      },
    }),
    "{title, people: [{name, age}], place: {city}}",
  );
  assert.equal(schemaSummary(null), "");
});

Deno.test("llm logs --schema and --schema-multi show only the responses that used that schema", async () => {
  await using server = await startOpenAIServer();
  await using _dir = await tempUserDir({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test" });
  const runs = [["--schema", "name, age int", "with schema"], ["plain"], [
    "--schema-multi",
    "title, year int",
    "multi",
  ]];
  for (const args of runs) {
    const run = await llm("-m", "4o-mini", ...args);
    assert.equal(run.code, 0, run.stderr);
  }
  const prompts = async (...args: string[]) =>
    JSON.parse((await llm("logs", "-n", "0", "--json", ...args)).stdout).map((r: { prompt: string }) =>
      r.prompt
    );
  assert.deepEqual(await prompts(), ["with schema", "plain", "multi"]);
  assert.deepEqual(await prompts("--schema", "name, age int"), ["with schema"]);
  assert.deepEqual(await prompts("--schema", "848bffbc260a905ad40888a4518f40ef"), ["with schema"]);
  assert.deepEqual(await prompts("--schema-multi", "title, year int"), ["multi"]);
  assert.deepEqual(
    await prompts("--schema", "title, year int"),
    [],
    "the same DSL without --multi is another schema",
  );
});
