/**
 * The Gemini plugin's schema clean-up (for `--schema` and tool input schemas), as `llm-gemini` does it:
 * keys Gemini refuses dropped outside `properties`, `$ref`s into `$defs` expanded, recursive schemas refused.
 * The pydantic schemas of the recorded exchanges are checked against the recorded requests in
 * plugins_gemini_replay_test.ts.
 */
import assert from "node:assert/strict";
import { cleanupSchema } from "../plugins/gemini/mod.ts";

Deno.test("schemas lose what Gemini refuses, keep property names, and get their $refs expanded", () => {
  assert.deepEqual(
    cleanupSchema({
      $schema: "http://json-schema.org/draft-07/schema#",
      title: "Example",
      additionalProperties: false,
      type: "object",
      properties: { title: { type: "string" }, $schema: { type: "string", title: "Kept inside properties" } },
    }),
    {
      type: "object",
      properties: { title: { type: "string" }, $schema: { type: "string", title: "Kept inside properties" } },
    },
  );
  const dogs = {
    $defs: { Dog: { title: "Dog", type: "object", properties: { name: { type: "string" } } } },
    type: "object",
    properties: { dogs: { type: "array", items: { $ref: "#/$defs/Dog" } } },
  };
  assert.deepEqual(cleanupSchema(dogs), {
    type: "object",
    properties: {
      dogs: {
        type: "array",
        items: { title: "Dog", type: "object", properties: { name: { type: "string" } } },
      },
    },
  });
  assert.ok("$defs" in dogs, "the input is left as it was");
  const node = {
    type: "object",
    properties: { next: { anyOf: [{ $ref: "#/$defs/Node" }, { type: "null" }] } },
  };
  assert.throws(() => cleanupSchema({ ...node, $defs: { Node: node } }), {
    name: "UnsupportedFeatureError",
    message:
      "Recursive schema: 'Node' refers to itself. Gemini does not accept recursive schemas; flatten the " +
      "schema so that no type contains itself",
  });
  const a = { type: "object", properties: { b: { $ref: "#/$defs/B" } } };
  const b = { type: "object", properties: { a: { $ref: "#/$defs/A" } } };
  assert.throws(() => cleanupSchema({ ...a, $defs: { A: a, B: b } }), /'B' refers to itself through 'A'/);
});
