/**
 * Typed structured output: `model.prompt(text, { schema })` with a zod 4 schema, the concise DSL or a JSON
 * schema; the JSON Schema each sends (Chat Completions and Responses API, on the loopback server);
 * `await response.object()` parsed, validated and typed, with errors that name the path that failed; and
 * `schemaMulti` for lists.
 */
import assert from "node:assert/strict";
import { z } from "npm:zod@^4.1";
import {
  getModel,
  schemaDsl,
  type StandardSchemaLike,
  StructuredOutputError,
  UnsupportedFeatureError,
  UnsupportedSchemaError,
} from "../mod.ts";
import { tempUserDir } from "./support/env.ts";
import { startOpenAIServer } from "./support/openai_server.ts";

async function setup() {
  const server = await startOpenAIServer();
  const dir = await tempUserDir({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: server.url });
  return {
    server,
    async [Symbol.asyncDispose]() {
      await dir[Symbol.asyncDispose]();
      await server.close();
    },
  };
}

const dog = z.object({ name: z.string(), age: z.int(), breed: z.string().default("mutt") });

Deno.test("a zod schema is sent as JSON Schema; object() gives the validated, typed value", async () => {
  await using env = await setup();
  env.server.enqueue({ kind: "text", text: '{"name": "Rex", "age": 3}' });
  const response = getModel("gpt-4o-mini").prompt("Invent a dog", { schema: dog });
  const value = await response.object();
  // Typed from the schema: these lines would not compile with the wrong types.
  const name: string = value.name;
  const age: number = value.age;
  assert.deepEqual(
    { name, age, breed: value.breed },
    { name: "Rex", age: 3, breed: "mutt" },
    "zod's default",
  );
  const sent = env.server.requests[0].body.response_format;
  assert.deepEqual(sent, {
    type: "json_schema",
    json_schema: {
      name: "output",
      schema: {
        type: "object",
        properties: {
          name: { type: "string" },
          age: { type: "integer" },
          breed: { type: "string", default: "mutt" },
        },
        required: ["name", "age"],
      },
    },
  });
  assert.deepEqual(
    response.prompt.schema,
    sent.json_schema.schema,
    "the JSON Schema is the prompt's (logged)",
  );
});

Deno.test("object() names the path that failed validation, for one value and for schemaMulti items", async () => {
  await using env = await setup();
  env.server.enqueue(
    { kind: "text", text: '{"name": "Rex", "age": "three"}' },
    { kind: "text", text: '{"items": [{"name": "A", "age": 1}, {"name": "B", "age": 2.5}]}' },
    { kind: "text", text: '{"items": [{"name": "A", "age": 1}, {"name": "B", "age": 2}]}' },
    { kind: "text", text: "Sorry, no JSON today" },
  );
  const model = getModel("gpt-4o-mini");
  await assert.rejects(model.prompt("dog", { schema: dog }).object(), (error: unknown) => {
    assert.ok(error instanceof StructuredOutputError);
    assert.equal(error.path, "age");
    assert.match(error.message, /^The model's answer does not match the schema at age: /);
    assert.equal(error.text, '{"name": "Rex", "age": "three"}');
    return true;
  });
  await assert.rejects(
    model.prompt("dogs", { schema: dog, schemaMulti: true }).object(),
    (error: unknown) => error instanceof StructuredOutputError && error.path === "items[1].age",
  );
  const pack = await model.prompt("dogs", { schema: dog, schemaMulti: true }).object();
  const names: string[] = pack.items.map((d) => d.name);
  assert.deepEqual(names, ["A", "B"]);
  assert.deepEqual(pack.items.map((d) => d.breed), ["mutt", "mutt"]);
  const multiSent = env.server.requests[2].body.response_format.json_schema.schema;
  assert.deepEqual(multiSent.required, ["items"]);
  assert.equal(multiSent.properties.items.type, "array");
  await assert.rejects(model.prompt("dog", { schema: dog }).object(), /The model's answer is not JSON/);
});

Deno.test("the concise DSL and a JSON schema: sent as is, answers checked against them", async () => {
  await using env = await setup();
  env.server.enqueue(
    { kind: "text", text: '{"name": "Rex", "age": 3}' },
    { kind: "text", text: '{"name": "Rex"}' },
    { kind: "text", text: '{"items": [{"name": "Rex", "age": 3}]}' },
  );
  const model = getModel("gpt-4o-mini");
  const ok = await model.prompt("dog", { schema: "name, age int: in years" }).object();
  assert.deepEqual(ok, { name: "Rex", age: 3 });
  assert.deepEqual(
    env.server.requests[0].body.response_format.json_schema.schema,
    schemaDsl("name, age int: in years"),
  );
  await assert.rejects(
    model.prompt("dog", { schema: schemaDsl("name, age int") }).object(),
    (error: unknown) => error instanceof StructuredOutputError && error.path === "age",
  );
  const items = await model.prompt("dogs", { schema: "name, age int", schemaMulti: true }).object();
  assert.deepEqual(items, { items: [{ name: "Rex", age: 3 }] });
  assert.deepEqual(
    env.server.requests[2].body.response_format.json_schema.schema,
    schemaDsl("name, age int", true),
  );
});

Deno.test("the Responses API gets the zod schema as text.format; unsupported models and schemas fail early", async () => {
  await using env = await setup();
  env.server.enqueue({ kind: "text", text: '{"name": "Rex", "age": 3}' });
  const value = await getModel("gpt-5.5").prompt("dog", { schema: dog }).object();
  assert.equal(value.age, 3);
  const format = env.server.requests[0].body.text.format;
  assert.equal(format.type, "json_schema");
  assert.equal(format.strict, false);
  assert.deepEqual(format.schema.required, ["name", "age"]);

  await assert.rejects(
    getModel("gpt-4").prompt("dog", { schema: dog }).text(),
    (error: unknown) =>
      error instanceof UnsupportedFeatureError && /does not support schemas/.test(error.message),
  );
  const opaque: StandardSchemaLike<{ a: string }> = {
    "~standard": { version: 1, vendor: "handmade", validate: (value) => ({ value }) },
  };
  await assert.rejects(
    getModel("gpt-4o-mini").prompt("x", { schema: opaque }).text(),
    UnsupportedSchemaError,
  );
  assert.throws(
    () => getModel("gpt-4o-mini").prompt("x", { schema: 42 as unknown as string }),
    UnsupportedSchemaError,
  );
  assert.equal(env.server.requests.length, 1, "none of the failures sent a request");
});
