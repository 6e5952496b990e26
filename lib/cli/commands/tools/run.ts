/**
 * `llm tools list`: the built-in and plugin tools, those of `--functions`, and with `-m MODEL` the server-side
 * tools of that model, as Python `llm` 0.32 prints them (plain, or `--json`).
 * @module
 */
import { lazyImport } from "../../../lazy_import.ts";
import { getModel } from "../../../default_registry.ts";
import type { Model } from "../../../models/model.ts";
import type { Tool } from "../../../models/tool_spec.ts";
import type { CommandContext } from "../../../commands/spec.ts";
import { pythonIndent } from "../../../compat/python_text.ts";

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

function signatureOf(tool: Tool): string {
  return tool.signature ?? `${tool.name}(${toolSignature(tool.inputSchema)})`;
}

/** `llm tools list [TOOL_DEFS]` (the default). */
export async function toolsList(ctx: CommandContext): Promise<void> {
  const v = ctx.values as Record<string, unknown>;
  const model: Model | undefined = v.model ? getModel(v.model as string) : undefined;
  const { availableTools, selectTools } = await lazyImport<typeof import("../../../prompting/tools.ts")>(
    "../../../prompting/tools.ts",
    import.meta.url,
  );
  const available = await availableTools();
  const functions = (v.functions as string[] | undefined) ?? [];
  const defs = (ctx.args.tool_defs as string[] | undefined) ?? [];
  let tools: Tool[];
  if (defs.length) {
    // Only the tools named (server-side ones are listed with -m, not named here).
    tools = (await selectTools(undefined, defs, functions)).tools;
  } else {
    tools = [...(await selectTools(undefined, [], functions)).tools, ...available.functions.values()];
    for (const { toolbox, plugin } of available.toolboxes.values()) {
      try {
        const instance = new toolbox();
        instance.plugin = plugin;
        tools.push(...instance.tools());
      } catch {
        // A toolbox that needs settings to be made is listed by name only, under toolboxes.
      }
    }
  }
  tools.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const serverSide = model?.serverSideTools ?? [];
  if (v.json) {
    const { pythonJsonDumps } = await lazyImport<typeof import("../../../compat/python_json.ts")>(
      "../../../compat/python_json.ts",
      import.meta.url,
    );
    const json: Record<string, unknown> = {
      tools: tools.map((tool) => ({
        name: tool.name,
        description: tool.description ?? null,
        arguments: tool.inputSchema,
        plugin: tool.plugin ?? null,
      })),
      toolboxes: [...available.toolboxes.entries()].map(([name, { plugin }]) => ({ name, plugin })),
    };
    if (model) {
      json.server_side_tools = serverSide.map((info) => ({
        name: info.className,
        description: info.description ?? null,
        signature: `(${(info.parameters ?? []).map(parameterText).join(", ")})`,
        server_side: true,
      }));
    }
    ctx.io.stdout.write(pythonJsonDumps(json, { indent: 2 }) + "\n");
    return;
  }
  for (const tool of tools) {
    const plugin = tool.plugin ? ` (plugin: ${tool.plugin})` : "";
    ctx.io.stdout.write(`${signatureOf(tool)}${plugin}\n\n`);
    if (tool.description) ctx.io.stdout.write(pythonIndent(tool.description, "  ") + "\n\n");
  }
  if (model && serverSide.length) {
    ctx.io.stdout.write(`Server-side tools for ${model.id} (executed by the provider):\n\n`);
    for (const info of serverSide) {
      ctx.io.stdout.write(`${info.className}(${(info.parameters ?? []).map(parameterText).join(", ")})\n\n`);
      if (info.description) ctx.io.stdout.write(pythonIndent(info.description, "  ") + "\n\n");
    }
  }
}

function parameterText(p: { name: string; default: unknown; type?: string }): string {
  const value = p.default === null
    ? "None"
    : p.default === false
    ? "False"
    : p.default === true
    ? "True"
    : JSON.stringify(p.default);
  return `${p.name}${p.type ? `: ${p.type}` : ""} = ${value}`;
}
