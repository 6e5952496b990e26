/**
 * Structured output beyond Python llm: the schema of `model.prompt(text, { schema })` may be a JSON schema,
 * the concise DSL (`"name, age int"`) or a zod 4 schema (any Standard Schema that can describe itself as JSON
 * Schema), and `await response.object()` gives the answer parsed and validated, typed from a zod schema.
 *
 * zod is never loaded for a JSON schema or the DSL until an answer is validated, and the user's own zod
 * converts the user's schemas when it can (`~standard.jsonSchema`, zod 4.2 and later).
 *
 * @example
 * ```ts ignore
 * import { z } from "npm:zod@4";
 * import { getModel } from "../../mod.ts";
 * const dog = z.object({ name: z.string(), age: z.int() });
 * const response = getModel("4o-mini").prompt("Invent a dog", { schema: dog });
 * const { name, age } = await response.object(); // typed { name: string; age: number }
 * const pack = await getModel("4o-mini").prompt("Three dogs", { schema: dog, schemaMulti: true }).object();
 * pack.items.length; // { items: { name: string; age: number }[] }
 * ```
 * @module
 */
import { loadZod } from "../deps/zod.ts";
import { LlmError } from "./errors.ts";
import { type JsonSchema, multiSchema, schemaDsl } from "./schema_dsl.ts";

/**
 * A schema object of a Standard Schema library (zod 4, valibot, ArkType): what `response.object()` can
 * validate with and take its type from. Only those that can also give their JSON Schema can be sent to a
 * model (zod 4 can).
 */
export interface StandardSchemaLike<T = unknown> {
  /** The Standard Schema interface. */
  readonly "~standard": {
    /** The interface version. */
    readonly version: 1;
    /** The library, e.g. `zod`. */
    readonly vendor: string;
    /** Validates a value: `{ value }` or `{ issues }`, or a promise of either. */
    readonly validate: (value: unknown) => unknown;
    /** The input and output types, for inference only. */
    readonly types?: { readonly input: unknown; readonly output: T } | undefined;
  };
}

/** What `schema` accepts: a JSON schema, the concise DSL, or a zod 4 (Standard Schema) object. */
export type SchemaInput = JsonSchema | string | StandardSchemaLike;

/** The type of a value that matches `S`: its output type for zod, a JSON object otherwise. */
export type SchemaOutput<S> = S extends StandardSchemaLike<infer T> ? T : Record<string, unknown>;

/** What `response.object()` gives for schema `S`: with `schemaMulti`, `{ items: [...] }` of them. */
export type StructuredOutput<S, M extends boolean = false> = M extends true ? { items: SchemaOutput<S>[] }
  : SchemaOutput<S>;

/** One problem a validation found: where (`items[0].age`, or `""` for the whole value) and what. */
export interface StructuredIssue {
  /** The path of the value that failed, e.g. `items[0].age`; `""` for the answer as a whole. */
  path: string;
  /** What is wrong with it. */
  message: string;
}

/** The model's answer is not JSON, or does not match the schema. */
export class StructuredOutputError extends LlmError {
  /** Every problem found (empty when the answer is not JSON). */
  readonly issues: StructuredIssue[];
  /** The path of the first problem (`""` for the whole answer). */
  readonly path: string;
  /** The answer's text. */
  readonly text: string;
  /** Creates the error. */
  constructor(message: string, text: string, issues: StructuredIssue[] = []) {
    super(message);
    this.issues = issues;
    this.path = issues[0]?.path ?? "";
    this.text = text;
  }
}

/** A schema object that cannot be sent to a model (neither JSON Schema nor able to give one). */
export class UnsupportedSchemaError extends LlmError {
  /** Creates the error. */
  constructor(problem: string) {
    super(problem);
  }
}

/** True for a Standard Schema object (zod 4 and others). */
export function isStandardSchema(value: unknown): value is StandardSchemaLike {
  return typeof value === "object" && value !== null && "~standard" in value &&
    typeof (value as StandardSchemaLike)["~standard"]?.validate === "function";
}

/** The JSON schema of a JSON schema or DSL input, at once; `undefined` for a schema object (see below). */
export function jsonSchemaNow(input: SchemaInput, multi = false): JsonSchema | undefined {
  if (typeof input === "string") return schemaDsl(input, multi);
  if (isStandardSchema(input)) return undefined;
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new UnsupportedSchemaError(
      "A schema must be a JSON schema object, a DSL string such as 'name, age int', or a zod schema",
    );
  }
  return multi ? multiSchema(input) : input;
}

/** Zod's bounds on `z.int()` (Number.MIN/MAX_SAFE_INTEGER): noise to a model, so they are left out. */
function withoutSafeIntegerBounds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSafeIntegerBounds);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === "$schema") continue;
    if (key === "minimum" && inner === Number.MIN_SAFE_INTEGER) continue;
    if (key === "maximum" && inner === Number.MAX_SAFE_INTEGER) continue;
    out[key] = withoutSafeIntegerBounds(inner);
  }
  return out;
}

/**
 * The JSON schema of any schema input: a zod schema through its own `~standard.jsonSchema` when it has one,
 * otherwise through zod's `toJSONSchema` (loaded now).
 * @throws {UnsupportedSchemaError} for a schema object that cannot give its JSON Schema.
 */
export async function jsonSchemaOf(input: SchemaInput, multi = false): Promise<JsonSchema> {
  const now = jsonSchemaNow(input, multi);
  if (now) return now;
  const standard = (input as StandardSchemaLike)["~standard"] as {
    vendor: string;
    jsonSchema?: { input?: (options: { target: string }) => unknown };
  };
  let schema: unknown;
  if (typeof standard.jsonSchema?.input === "function") {
    schema = standard.jsonSchema.input({ target: "draft-2020-12" });
  } else if ("_zod" in (input as object)) {
    const z = await loadZod() as unknown as { toJSONSchema: (schema: unknown, options: object) => unknown };
    schema = z.toJSONSchema(input, { io: "input" });
  } else {
    throw new UnsupportedSchemaError(
      `A ${standard.vendor} schema cannot describe itself as JSON Schema, which the model needs: give a zod 4 ` +
        "schema or a JSON schema",
    );
  }
  const json = withoutSafeIntegerBounds(schema) as JsonSchema;
  return multi ? multiSchema(json) : json;
}

/** `items[0].age` from a path of keys. */
function pathText(path: readonly unknown[]): string {
  let out = "";
  for (const raw of path) {
    const key = typeof raw === "object" && raw !== null && "key" in raw ? (raw as { key: unknown }).key : raw;
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

type Outcome = { value: unknown } | { issues: StructuredIssue[] };

async function validateStandard(
  schema: StandardSchemaLike,
  value: unknown,
  prefix: unknown[],
): Promise<Outcome> {
  const result = await schema["~standard"].validate(value) as {
    value?: unknown;
    issues?: readonly { message: string; path?: readonly unknown[] }[];
  };
  if (result.issues) {
    return {
      issues: result.issues.map((issue) => ({
        path: pathText([...prefix, ...(issue.path ?? [])]),
        message: issue.message,
      })),
    };
  }
  return { value: result.value };
}

/** Validates against a JSON schema with zod's `fromJSONSchema` (zod 4.2+); the value as it is without it. */
async function validateJson(schema: JsonSchema, value: unknown): Promise<Outcome> {
  const z = await loadZod() as unknown as { fromJSONSchema?: (schema: unknown) => StandardSchemaLike };
  if (typeof z.fromJSONSchema !== "function") return { value };
  let compiled: StandardSchemaLike;
  try {
    compiled = z.fromJSONSchema(schema);
  } catch {
    return { value }; // A schema zod cannot read is still sent to the model; its answer is only parsed.
  }
  return await validateStandard(compiled, value, []);
}

/** What `parseStructured` needs of a prompt. */
export interface StructuredPrompt {
  /** The schema as given. */
  readonly schemaInput?: SchemaInput;
  /** The JSON schema sent. */
  readonly schema?: JsonSchema;
  /** Whether the schema was wrapped for a list of results. */
  readonly schemaMulti: boolean;
}

/**
 * The answer `text` parsed as JSON and validated against the prompt's schema: a zod schema's own
 * validation (and output, with its transforms and defaults); a JSON schema or the DSL through zod.
 * @throws {StructuredOutputError} when the text is not JSON or does not match, naming the path that failed.
 */
export async function parseStructured(text: string, prompt: StructuredPrompt): Promise<unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new StructuredOutputError(
      `The model's answer is not JSON (${(error as Error).message}); it starts: ${
        JSON.stringify(text.slice(0, 60))
      }`,
      text,
    );
  }
  let outcome: Outcome;
  const input = prompt.schemaInput;
  if (input !== undefined && isStandardSchema(input)) {
    if (prompt.schemaMulti) {
      const items = (value as { items?: unknown } | null)?.items;
      if (!Array.isArray(items)) {
        outcome = { issues: [{ path: "items", message: "Expected a list of items" }] };
      } else {
        const results = await Promise.all(
          items.map((item, i) => validateStandard(input, item, ["items", i])),
        );
        const issues = results.flatMap((r) => ("issues" in r ? r.issues : []));
        outcome = issues.length
          ? { issues }
          : { value: { items: results.map((r) => (r as { value: unknown }).value) } };
      }
    } else outcome = await validateStandard(input, value, []);
  } else if (prompt.schema) {
    outcome = await validateJson(prompt.schema, value);
  } else {
    outcome = { value };
  }
  if ("issues" in outcome) {
    const [first] = outcome.issues;
    const where = first.path ? `at ${first.path}` : "as a whole";
    const more = outcome.issues.length > 1 ? ` (and ${outcome.issues.length - 1} more)` : "";
    throw new StructuredOutputError(
      `The model's answer does not match the schema ${where}: ${first.message}${more}`,
      text,
      outcome.issues,
    );
  }
  return outcome.value;
}
