/** `--functions`: TypeScript and JavaScript functions become tools, with Python llm 0.32's plain schema shape. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { FunctionsError, functionTools } from "../lib/tools/functions/load.ts";
import { typeSchema } from "../lib/tools/functions/schema.ts";

Deno.test("TypeScript types map to the JSON Schema Python llm makes for the same Python types", () => {
  const cases: [string | undefined, unknown][] = [
    ["string", { type: "string" }],
    ["number", { type: "number" }],
    ["boolean", { type: "boolean" }],
    ["string[]", { items: { type: "string" }, type: "array" }],
    ["Array<number>", { items: { type: "number" }, type: "array" }],
    ["unknown[]", { items: {}, type: "array" }],
    ["object", { additionalProperties: true, type: "object" }],
    ["Record<string, number>", { additionalProperties: { type: "number" }, type: "object" }],
    ["string | null", { anyOf: [{ type: "string" }, { type: "null" }] }],
    ['"fast" | "slow"', { enum: ["fast", "slow"], type: "string" }],
    [undefined, { type: "string" }],
  ];
  for (const [type, schema] of cases) assert.deepEqual(typeSchema(type), schema, String(type));
});

Deno.test("every top-level function of a file becomes a tool: JSDoc, defaults, optional, destructured, relative imports", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "helper.ts"), "export const greeting = 'hi';\n");
    await Deno.writeTextFile(
      join(dir, "tools.ts"),
      `import { greeting } from "./helper.ts";
/** Multiply two integers. */
export function multiply(a: number, b: number): number { return a * b; }
/**
 * Greet someone.
 * @param {integer} times how often
 */
async function greet(name: string, times, mode: "loud" | "quiet" = "quiet", tags: string[] = [], note?: string) {
  return Array(times).fill(greeting + " " + (mode === "loud" ? name.toUpperCase() : name)).join(", ");
}
const describe = ({ city }: { city: string; units?: string }) => \`weather in \${city}\`;
function _helper(x: string) { return x; }
const text = "function notATool() {}";
`,
    );
    const tools = await functionTools([join(dir, "tools.ts")]);
    assert.deepEqual(tools.map((t) => t.name), ["multiply", "greet", "describe"]);
    const [multiply, greet, describe] = tools;
    assert.equal(multiply.description, "Multiply two integers.");
    assert.equal(multiply.signature, "multiply(a: number, b: number): number");
    assert.deepEqual(greet.inputSchema, {
      properties: {
        name: { type: "string" },
        times: { type: "integer" },
        mode: { default: "quiet", enum: ["loud", "quiet"], type: "string" },
        tags: { default: [], items: { type: "string" }, type: "array" },
        note: { type: "string" },
      },
      required: ["name", "times"],
      type: "object",
    });
    assert.equal(describe.description, null);
    assert.deepEqual(describe.inputSchema, {
      properties: { city: { type: "string" }, units: { type: "string" } },
      required: ["city"],
      type: "object",
    });
    const ctx = { call: { name: "x", arguments: {} }, signal: new AbortController().signal };
    assert.equal(await greet.implementation({ name: "ann", times: 2, mode: "loud" }, ctx), "hi ANN, hi ANN");
    assert.equal(await describe.implementation({ city: "Paris" }, ctx), "weather in Paris");
    const entries = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assert.deepEqual(entries, ["helper.ts", "tools.ts"], "the copy beside the file is removed");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--functions errors: a missing file, code that does not compile, code without a function", async () => {
  await assert.rejects(
    functionTools(["missing.ts"]),
    (e: unknown) => e instanceof FunctionsError && e.message === "File not found: missing.ts",
  );
  await assert.rejects(
    functionTools(["function broken(a: number { return a }"]),
    (e: unknown) => e instanceof FunctionsError && e.message.startsWith("Error in --functions definition: "),
  );
  await assert.rejects(functionTools(["const x = 1;"]), /No function found in --functions code/);
  const [add] = await functionTools(["function add(a: number, b = 2) { return a + b }"]);
  assert.deepEqual(add.inputSchema, {
    properties: { a: { type: "number" }, b: { default: 2, type: "number" } },
    required: ["a"],
    type: "object",
  });
});
