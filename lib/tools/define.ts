/**
 * `defineTool()`: a tool from a name, a description, the JSON Schema of its arguments (or a zod schema, whose
 * JSON Schema it gives and which then checks the arguments) and a function.
 * @module
 */
import type { Tool, ToolCallContext } from "../models/tool_spec.ts";
import { checkArguments } from "./schema_check.ts";

/** A zod object schema, or anything with the same two abilities: a JSON Schema and a Standard Schema check. */
export interface SchemaLike<T> {
  /** Its JSON Schema (zod 4's `schema.toJSONSchema()`). */
  toJSONSchema(): Record<string, unknown>;
  /** The Standard Schema interface zod 4 schemas carry. */
  readonly "~standard": {
    validate(value: unknown): { value: T; issues?: undefined } | {
      issues: readonly { message: string; path?: readonly (PropertyKey | { key: PropertyKey })[] }[];
    } | Promise<unknown>;
  };
}

/** How {@link defineTool} makes a tool. */
export interface ToolDefinitionInit<T = Record<string, unknown>> {
  /** The tool's name (letters, digits, `_` and `-`). */
  name: string;
  /** What it does; the model reads this. */
  description?: string;
  /** The JSON Schema of its arguments (default: no arguments). */
  inputSchema?: Record<string, unknown>;
  /** A zod schema of its arguments, instead of `inputSchema`: converted to JSON Schema, and used to check them. */
  schema?: SchemaLike<T>;
  /** Runs the tool; sync or async; returns a string or any value JSON can hold. */
  implementation: (args: T, context: ToolCallContext) => unknown;
  /** The plugin it comes from, if any. */
  plugin?: string;
}

/** Python's plain shape for a tool without arguments. */
const NO_ARGUMENTS = { properties: {}, type: "object" };

function fromSchema(schema: SchemaLike<unknown>): Record<string, unknown> {
  const { $schema: _dialect, ...json } = schema.toJSONSchema();
  return json;
}

function standardCheck(schema: SchemaLike<unknown>): (args: Record<string, unknown>) => string | undefined {
  return (args) => {
    const result = schema["~standard"].validate(args) as {
      issues?: readonly { message: string; path?: readonly (PropertyKey | { key: PropertyKey })[] }[];
    };
    const issue = result.issues?.[0];
    if (!issue) return undefined;
    const path = (issue.path ?? []).map((p) => String(typeof p === "object" ? p.key : p)).join(".");
    return path ? `${path}: ${issue.message}` : issue.message;
  };
}

/**
 * Makes a tool.
 *
 * @example
 * ```ts
 * import { defineTool } from "./define.ts";
 * const upper = defineTool({
 *   name: "upper",
 *   description: "Upper-case a text",
 *   inputSchema: { properties: { text: { type: "string" } }, required: ["text"], type: "object" },
 *   implementation: ({ text }) => String(text).toUpperCase(),
 * });
 * ```
 * @throws {TypeError} for a name a model would refuse.
 */
export function defineTool<T = Record<string, unknown>>(init: ToolDefinitionInit<T>): Tool {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(init.name)) {
    throw new TypeError(
      `Tool name '${init.name}' cannot be used: give 1 to 64 letters, digits, '_' or '-', such as 'get_weather'`,
    );
  }
  const inputSchema = init.schema
    ? fromSchema(init.schema as SchemaLike<unknown>)
    : init.inputSchema ?? NO_ARGUMENTS;
  const check = init.schema
    ? standardCheck(init.schema as SchemaLike<unknown>)
    : (args: Record<string, unknown>) => checkArguments(args, inputSchema);
  return {
    name: init.name,
    description: init.description ?? null,
    inputSchema,
    implementation: init.implementation as Tool["implementation"],
    check,
    ...(init.plugin ? { plugin: init.plugin } : {}),
  };
}
