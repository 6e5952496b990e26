/**
 * `llm gemini models` and `llm gemini files`: what the Gemini API lists, printed as JSON the way
 * `llm-gemini` prints it (Python's `json.dumps(..., indent=2)`).
 * @module
 */
import { type CommandContext, type CommandSpec, ModelError } from "./_llm.ts";
import { geminiFetch } from "./client.ts";
import { GEMINI_KEY_ENV_VAR, GeminiModel } from "./model.ts";

/**
 * JSON as Python's `json.dumps(value, indent=2)` writes it: two-space indents and non-ASCII characters
 * escaped as `\uXXXX`.
 *
 * @example
 * ```ts
 * import { pythonIndentedJson } from "./commands.ts";
 * pythonIndentedJson({ name: "café" }); // '{\n  "name": "caf\\u00e9"\n}'
 * ```
 */
export function pythonIndentedJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** The key to use: `--key` (a key, or the name of one in keys.json), else the stored key, else the variable. */
function keyFor(ctx: CommandContext): string {
  const explicit = ctx.values.key as string | undefined;
  try {
    const key = new GeminiModel("gemini-flash-latest").resolveKey(explicit || undefined);
    if (key) return key;
  } catch (error) {
    if ((error as { name?: string }).name !== "NeedsKeyError") throw error;
  }
  throw new ModelError(`You must set the ${GEMINI_KEY_ENV_VAR} environment variable or use --key`);
}

async function getJson(path: string, key: string, what: string): Promise<Record<string, unknown>> {
  const response = await geminiFetch(path, { key, what });
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new ModelError(`The Gemini API sent ${what} that is not JSON: ${text.slice(0, 200)}`, {
      kind: "http",
      status: response.status,
    });
  }
}

interface ListedModel {
  supportedGenerationMethods?: string[];
}

async function listModels(ctx: CommandContext): Promise<void> {
  const key = keyFor(ctx);
  const methods = (ctx.values.methods as string[] | undefined) ?? [];
  const data = await getJson("/v1beta/models", key, "the model list");
  let models = (Array.isArray(data.models) ? data.models : []) as ListedModel[];
  if (methods.length) {
    models = models.filter((m) => methods.some((method) => m.supportedGenerationMethods?.includes(method)));
  }
  ctx.io.stdout.write(pythonIndentedJson(models) + "\n");
}

async function listFiles(ctx: CommandContext): Promise<void> {
  const key = keyFor(ctx);
  const data = await getJson("/v1beta/files", key, "the file list");
  if ("files" in data) ctx.io.stdout.write(pythonIndentedJson(data.files) + "\n");
  else ctx.io.stderr.write("No files uploaded to the Gemini API.\n");
}

const keyOption = { name: "key", flags: ["--key"], type: "string" as const, help: "API key to use" };

/** The `llm gemini` command group. */
export const geminiCommand: CommandSpec = {
  name: "gemini",
  summary: "Commands relating to the llm-gemini plugin",
  subcommands: [
    {
      name: "models",
      summary: "List of Gemini models pulled from their API",
      description: "List the models the Gemini API offers, as JSON (some of them are not models of this " +
        "plugin).\n\nUse --method to keep the models that support a generation method, for example:\n\n" +
        "    llm gemini models --method generateContent --method embedContent",
      options: [
        keyOption,
        {
          name: "methods",
          flags: ["--method"],
          type: "string",
          multiple: true,
          help: "Filter by supported generation methods",
        },
      ],
      run: listModels,
    },
    {
      name: "files",
      summary: "List of files uploaded to the Gemini API",
      options: [keyOption],
      run: listFiles,
    },
  ],
};
