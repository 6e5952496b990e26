/**
 * Model options: declared as a function of zod, so that zod is loaded only when options are validated or
 * shown. Listing models never loads it.
 *
 * @example
 * ```ts
 * import { defineOptions } from "./options.ts";
 * const options = defineOptions((z) => ({
 *   temperature: z.number().min(0).max(2).optional().describe("Sampling temperature, 0 to 2"),
 * }));
 * ```
 *
 * @module
 */
import { loadZod, type Zod } from "../deps/zod.ts";
import type { ZodType } from "npm:zod@^4.1";
import { InvalidOptionError } from "./errors.ts";
import { markValidated } from "./validated_options.ts";

/** One option's zod schema (any zod type; `.describe()` gives its help text). */
export interface OptionSchema {
  /** The help text set with `.describe()`. */
  readonly description?: string;
}

/** The options of a model: names mapped to zod schemas, each `.optional()`. */
export type OptionsShape = Record<string, OptionSchema>;

/**
 * A function that builds a model's options shape from the zod namespace it is given. It may be async, so a
 * provider can load the code that describes its options only when they are used.
 */
export type OptionsDefinition = (z: Zod) => OptionsShape | Promise<OptionsShape>;

/** Declares a model's options; the identity function, for type inference. */
export function defineOptions(definition: OptionsDefinition): OptionsDefinition {
  return definition;
}

/** Combines option definitions; later ones add fields or replace earlier ones. */
export function mergeOptions(...definitions: (OptionsDefinition | undefined)[]): OptionsDefinition {
  return async (z) => Object.assign({}, ...await Promise.all(definitions.map((d) => d?.(z) ?? {})));
}

/** How an option is shown by `llm models --options`. */
export interface OptionInfo {
  /** The option's name. */
  name: string;
  /** Its type as Python `llm` names them: `float`, `int`, `str`, `bool`, `dict`, several joined by `, `. */
  type: string;
  /** Its description, if any. */
  description?: string;
  /** Its JSON Schema. */
  jsonSchema: Record<string, unknown>;
}

type JsonSchema = Record<string, unknown>;

const TYPE_NAMES: Record<string, string> = {
  number: "float",
  integer: "int",
  string: "str",
  object: "dict",
  boolean: "bool",
  array: "list",
};

function schemaTypes(schema: JsonSchema): string[] {
  if (typeof schema.type === "string") return [schema.type];
  if (Array.isArray(schema.type)) return schema.type as string[];
  const variants = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (variants) return variants.flatMap(schemaTypes);
  if (Array.isArray(schema.enum)) return ["string"];
  return [];
}

async function objectSchema(definition: OptionsDefinition) {
  const z = await loadZod();
  const shape = (await definition(z)) as Record<string, ZodType>;
  return { z, shape, schema: z.object(shape).strict() };
}

/** Each option of a definition with its type and description, in declaration order. */
export async function describeOptions(definition: OptionsDefinition | undefined): Promise<OptionInfo[]> {
  if (!definition) return [];
  const { z, shape } = await objectSchema(definition);
  return Object.entries(shape).map(([name, type]) => {
    const jsonSchema = z.toJSONSchema(type, { unrepresentable: "any", io: "input" }) as JsonSchema;
    const types = [...new Set(schemaTypes(jsonSchema).filter((t) => t !== "null"))].map((t) =>
      TYPE_NAMES[t] ?? t
    );
    return {
      name,
      type: types.join(", ") || "any",
      description: type.description ?? (jsonSchema.description as string | undefined),
      jsonSchema,
    };
  });
}

const TRUE_WORDS = new Set(["1", "true", "t", "yes", "y", "on"]);
const FALSE_WORDS = new Set(["0", "false", "f", "no", "n", "off"]);

/** Turns a string from the command line into the type the option's JSON Schema asks for, as pydantic does. */
function coerce(value: unknown, schema: JsonSchema): unknown {
  if (typeof value !== "string") return value;
  const types = schemaTypes(schema);
  if (types.includes("string")) return value;
  const trimmed = value.trim();
  if ((types.includes("number") || types.includes("integer")) && trimmed !== "" && !isNaN(Number(trimmed))) {
    return Number(trimmed);
  }
  if (types.includes("boolean")) {
    const lower = trimmed.toLowerCase();
    if (TRUE_WORDS.has(lower)) return true;
    if (FALSE_WORDS.has(lower)) return false;
  }
  if (types.includes("object") || types.includes("array")) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return value;
    }
  }
  return value;
}

/**
 * Validates option values against a model's options (unknown names are rejected) and returns them typed.
 * String values, as they come from the command line, are converted first (`"0.5"` becomes `0.5`).
 * Options whose value is `undefined` or `null` are dropped.
 *
 * @throws {InvalidOptionError} naming the first bad option and what it accepts.
 */
export async function validateOptions(
  definition: OptionsDefinition | undefined,
  values: Record<string, unknown>,
  modelId = "this model",
): Promise<Record<string, unknown>> {
  const given = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== null));
  if (Object.keys(given).length === 0) return markValidated({});
  if (!definition) {
    const name = Object.keys(given)[0];
    throw new InvalidOptionError(name, `Model ${modelId} does not accept options, but got '${name}'`);
  }
  const { z, shape, schema } = await objectSchema(definition);
  const input: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(given)) {
    if (!(name in shape)) {
      throw new InvalidOptionError(name, `Unknown option '${name}' for model ${modelId}`, {
        unknownFor: modelId,
      });
    }
    const jsonSchema = z.toJSONSchema(shape[name], { unrepresentable: "any", io: "input" }) as JsonSchema;
    input[name] = coerce(value, jsonSchema);
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = String(issue.path[0] ?? Object.keys(input)[0]);
    const shown = typeof given[name] === "string" ? given[name] : JSON.stringify(given[name]);
    throw new InvalidOptionError(name, `Invalid value for option '${name}' (${shown}): ${issue.message}`);
  }
  return markValidated(Object.fromEntries(
    Object.entries(result.data as Record<string, unknown>).filter(([, v]) => v !== undefined),
  ));
}
