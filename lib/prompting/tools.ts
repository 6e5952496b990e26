/**
 * The tools of a prompt as `llm` chooses them: `-T NAME` (a built-in or plugin tool), `-T Name(...)` (a
 * plugin's toolbox, or one of the model's server-side tools, with its settings), and `--functions CODE|FILE`.
 * `--functions` tools come first, then `-T` ones in the order given; server-side tools go to the provider.
 * @module
 */
import { lazyImport } from "../lazy_import.ts";
import { ToolSpecError, UnknownToolError } from "./errors.ts";
import type { Model } from "../models/model.ts";
import type { ServerSideToolRequest, Tool } from "../models/tool_spec.ts";
import { BUILTIN_TOOLS } from "../tools/builtin.ts";
import { defineTool } from "../tools/define.ts";
import type { ToolboxClass } from "../plugins/api.ts";

export { ToolSpecError, UnknownToolError } from "./errors.ts";

/** The tools that can be named with `-T`: function tools by name, toolbox classes by class name. */
export interface AvailableTools {
  /** Built-in and plugin function tools. */
  functions: Map<string, Tool>;
  /** Plugin toolbox classes. */
  toolboxes: Map<string, { toolbox: ToolboxClass; plugin: string }>;
}

/**
 * The built-in tools and those of the installed plugins (importing only the plugins that recorded tools).
 * Duplicate names get `_1`, `_2`... as in Python `llm`.
 */
export async function availableTools(): Promise<AvailableTools> {
  const functions = new Map<string, Tool>(BUILTIN_TOOLS.map((tool) => [tool.name, tool]));
  const { getPluginToolboxes, getPluginTools } = await lazyImport<typeof import("../plugins/extensions.ts")>(
    "../plugins/extensions.ts",
    import.meta.url,
  );
  for (const [key, definition] of await getPluginTools()) {
    if (functions.has(key)) continue;
    const { plugin, ...def } = definition;
    const tool = defineTool({
      name: def.name,
      description: def.description ?? undefined,
      inputSchema: def.inputSchema,
      implementation: def.implementation,
      plugin,
    });
    functions.set(key, def.check ? { ...tool, check: def.check } : tool);
  }
  return { functions, toolboxes: await getPluginToolboxes() };
}

/** `Name` and its settings from `Name`, `Name({...})` or `Name(key=JSON, ...)`. */
export function parseToolSpec(spec: string): { name: string; config: Record<string, unknown> } {
  const m = /^\s*([A-Za-z_][\w]*)\s*(?:\((.*)\))?\s*$/s.exec(spec);
  if (!m) throw new ToolSpecError(`Cannot read tool '${spec}': write Name or Name(key=value, ...)`);
  const [, name, inner] = m;
  if (inner === undefined || !inner.trim()) return { name, config: {} };
  const text = inner.trim();
  if (text.startsWith("{")) {
    try {
      const value = JSON.parse(text);
      if (value && typeof value === "object" && !Array.isArray(value)) return { name, config: value };
    } catch { /* reported below */ }
    throw new ToolSpecError(`The settings of ${name} are not a JSON object: ${text}`);
  }
  const config: Record<string, unknown> = {};
  for (const piece of splitArguments(text)) {
    const eq = piece.indexOf("=");
    if (eq < 0) throw new ToolSpecError(`Settings of ${name} are written key=value; '${piece}' has no '='`);
    const key = piece.slice(0, eq).trim();
    const raw = piece.slice(eq + 1).trim();
    try {
      config[key] = JSON.parse(raw);
    } catch {
      throw new ToolSpecError(
        `Value for '${key}' is not valid JSON: ${raw} (write true, false, null, "text")`,
      );
    }
  }
  return { name, config };
}

/** Splits `a=1, b=[1, 2], c="x,y"` at the top-level commas. */
function splitArguments(text: string): string[] {
  const out: string[] = [];
  let depth = 0, start = 0, quote = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
    } else if (c === '"' || c === "'") quote = c;
    else if ("[{(".includes(c)) depth++;
    else if ("]})".includes(c)) depth--;
    else if (c === "," && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(text.slice(start).trim());
  return out.filter(Boolean);
}

/** What a prompt's tool flags select. */
export interface ToolSelection {
  /** Tools this library runs. */
  tools: Tool[];
  /** Tools the provider runs. */
  serverSideTools: ServerSideToolRequest[];
}

/**
 * The tools `specs` (`-T` values) and `functions` (`--functions` values) name, for `model`.
 * @throws {UnknownToolError} naming every name that is not found, and those that are.
 * @throws {ToolSpecError} for settings that cannot be read.
 * @throws {import("../tools/functions/load.ts").FunctionsError} for `--functions` code that cannot be used.
 */
export async function selectTools(
  model: Model | undefined,
  specs: string[],
  functions: string[] = [],
): Promise<ToolSelection> {
  const selection: ToolSelection = { tools: [], serverSideTools: [] };
  if (functions.length) {
    const { functionTools } = await lazyImport<typeof import("../tools/functions/load.ts")>(
      "../tools/functions/load.ts",
      import.meta.url,
    );
    selection.tools.push(...await functionTools(functions));
  }
  if (!specs.length) return selection;
  const available = await availableTools();
  const serverSide = new Map((model?.serverSideTools ?? []).map((info) => [info.className, info]));
  const parsed = specs.map((spec) => ({ spec, ...parseToolSpec(spec) }));
  const missing = parsed.filter(({ name }) =>
    !available.functions.has(name) && !available.toolboxes.has(name) && !serverSide.has(name)
  ).map(({ spec }) => spec);
  if (missing.length) {
    throw new UnknownToolError(missing, [
      ...available.functions.keys(),
      ...available.toolboxes.keys(),
      ...serverSide.keys(),
    ]);
  }
  for (const { name, config } of parsed) {
    const fn = available.functions.get(name);
    const box = available.toolboxes.get(name);
    const info = serverSide.get(name);
    if (fn && /^[a-z_]/.test(name)) selection.tools.push(fn);
    else if (box) {
      const toolbox = new box.toolbox(config);
      toolbox.plugin = box.plugin;
      selection.tools.push(...toolbox.tools());
    } else if (info) {
      selection.serverSideTools.push({
        className: info.className,
        name: info.name,
        config,
        position: selection.tools.length,
      });
    } else if (fn) selection.tools.push(fn);
  }
  return selection;
}
