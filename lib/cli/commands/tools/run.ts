/**
 * `llm tools list`: the tools plugins register. (Running tools from a prompt, `-T`, is not supported yet.)
 * @module
 */
import { getModel } from "../../../default_registry.ts";
import type { CommandContext } from "../../../commands/spec.ts";
import { UnsupportedFlagError } from "../prompt/_inputs.ts";

const TYPE_NAMES: Record<string, string> = {
  string: "str",
  integer: "int",
  number: "float",
  boolean: "bool",
  object: "dict",
  array: "list",
};

/** `name: type` for each argument of a tool's JSON Schema, Python-style (`text: str, n: int`). */
export function toolSignature(schema: Record<string, unknown> | undefined): string {
  const props = (schema?.properties ?? {}) as Record<string, { type?: string }>;
  return Object.entries(props).map(([name, p]) => `${name}: ${TYPE_NAMES[p?.type ?? ""] ?? p?.type ?? "any"}`)
    .join(", ");
}

/** `llm tools list` (the default). */
export async function toolsList(ctx: CommandContext): Promise<void> {
  const defs = ctx.args.tool_defs as string[] | undefined;
  if (defs?.length) throw new UnsupportedFlagError("Toolbox specs (llm tools list SPEC)");
  if ((ctx.values.functions as string[] | undefined)?.length) throw new UnsupportedFlagError("--functions");
  if (ctx.values.model) getModel(ctx.values.model as string); // an unknown model is an error, as in Python llm
  const { getPluginTools } = await import("../../../plugins/extensions.ts");
  const tools = [...(await getPluginTools()).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (ctx.values.json) {
    const { pythonJsonDumps } = await import("../../../compat/python_json.ts");
    const json = {
      tools: tools.map(([name, tool]) => ({
        name,
        description: tool.description ?? null,
        arguments: tool.inputSchema ?? { type: "object", properties: {} },
        plugin: tool.plugin,
      })),
      toolboxes: [],
    };
    ctx.io.stdout.write(pythonJsonDumps(json, { indent: 2 }) + "\n");
    return;
  }
  for (const [name, tool] of tools) {
    ctx.io.stdout.write(`${name}(${toolSignature(tool.inputSchema)}) (plugin: ${tool.plugin})\n\n`);
    if (tool.description) ctx.io.stdout.write(tool.description.replace(/^/gm, "  ") + "\n\n");
  }
}
