/**
 * The server-side tools of the OpenAI Responses models, as Python `llm` 0.32 offers them: `WebSearch`,
 * `CodeInterpreter`, and `ServerSideTool` for a raw tool specification. Each turns its settings into the
 * request's `tools` entry and the `include` values it needs; a bad setting is refused before the request.
 * @module
 */
import { LlmError } from "../../../models/errors.ts";
import type { ServerSideToolInfo, ServerSideToolRequest } from "../../../models/tool_spec.ts";

/** A server-side tool's setting has a value it does not take. */
export class ServerSideToolSettingError extends LlmError {
  /** Creates the error. */
  constructor(tool: string, message: string) {
    super(`${tool}: ${message}`);
  }
}

/** The server-side tools the Responses models offer, for `-T` and `llm tools list -m`. */
export const OPENAI_SERVER_SIDE_TOOLS: readonly ServerSideToolInfo[] = [
  {
    className: "WebSearch",
    name: "web_search",
    description: "OpenAI's hosted web search: the model searches the web while it answers.\n\n" +
      "Settings narrow it down: domains to allow or block, an approximate location, how much context to read,\n" +
      "live access, images; include_sources keeps every URL it consulted, include_results the raw results.",
    parameters: [
      { name: "allowed_domains", default: null, type: "list[str] | None" },
      { name: "blocked_domains", default: null, type: "list[str] | None" },
      { name: "user_location", default: null, type: "dict | None" },
      { name: "search_context_size", default: null, type: "Optional[Literal['low', 'medium', 'high']]" },
      { name: "external_web_access", default: null, type: "bool | None" },
      { name: "return_token_budget", default: null, type: "Optional[Literal['default', 'unlimited']]" },
      { name: "search_content_types", default: null, type: "list[typing.Literal['text', 'image']] | None" },
      { name: "image_settings", default: null, type: "dict | None" },
      { name: "include_sources", default: false, type: "bool" },
      { name: "include_results", default: false, type: "bool" },
    ],
  },
  {
    className: "CodeInterpreter",
    name: "code_interpreter",
    description: "Python run by OpenAI in a container it manages.\n\n" +
      "Without container, OpenAI picks an automatic one, which memory_limit and file_ids configure; give the id\n" +
      "of an existing container (cntr_...) as container to use that one instead.",
    parameters: [
      { name: "container", default: null, type: "str | None" },
      { name: "memory_limit", default: null, type: "Optional[Literal['1g', '4g', '16g', '64g']]" },
      { name: "file_ids", default: null, type: "list[str] | None" },
    ],
  },
  {
    className: "ServerSideTool",
    name: "server_side_tool",
    description: "Any tool the provider runs itself, given as the raw specification its API takes (spec).",
    parameters: [{ name: "spec", default: null, type: "dict | None" }],
  },
];

function oneOf(tool: string, name: string, value: unknown, allowed: string[]): void {
  if (value !== null && value !== undefined && !allowed.includes(String(value))) {
    const list = allowed.length > 2
      ? `${allowed.slice(0, -1).join(", ")} or ${allowed.at(-1)}`
      : allowed.join(" or ");
    throw new ServerSideToolSettingError(tool, `${name} must be one of: ${list}`);
  }
}

function listOfStrings(tool: string, name: string, value: unknown): void {
  if (value === null || value === undefined) return;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw new ServerSideToolSettingError(tool, `${name} must be a list of strings`);
  }
}

/**
 * The request's `tools` entry for `request`, and the `include` values it adds.
 * @throws {ServerSideToolSettingError} for a setting the tool does not take.
 */
export function serverSideToolSpec(
  request: ServerSideToolRequest,
): { tool: Record<string, unknown>; include: string[] } {
  const c = request.config;
  const name = request.className;
  if (name === "WebSearch") {
    listOfStrings(name, "allowed_domains", c.allowed_domains);
    listOfStrings(name, "blocked_domains", c.blocked_domains);
    oneOf(name, "search_context_size", c.search_context_size, ["low", "medium", "high"]);
    oneOf(name, "return_token_budget", c.return_token_budget, ["default", "unlimited"]);
    const tool: Record<string, unknown> = { type: "web_search" };
    const filters: Record<string, unknown> = {};
    if (c.allowed_domains) filters.allowed_domains = c.allowed_domains;
    if (c.blocked_domains) filters.blocked_domains = c.blocked_domains;
    if (Object.keys(filters).length) tool.filters = filters;
    if (c.user_location) tool.user_location = { ...(c.user_location as object), type: "approximate" };
    for (const key of ["search_context_size", "external_web_access", "return_token_budget"]) {
      if (c[key] !== null && c[key] !== undefined) tool[key] = c[key];
    }
    for (const key of ["search_content_types", "image_settings"]) if (c[key]) tool[key] = c[key];
    const include = [
      ...(c.include_sources ? ["web_search_call.action.sources"] : []),
      ...(c.include_results ? ["web_search_call.results"] : []),
    ];
    return { tool, include };
  }
  if (name === "CodeInterpreter") {
    oneOf(name, "memory_limit", c.memory_limit, ["1g", "4g", "16g", "64g"]);
    listOfStrings(name, "file_ids", c.file_ids);
    let container: unknown = c.container;
    if (container === null || container === undefined) {
      container = {
        type: "auto",
        ...(c.memory_limit ? { memory_limit: c.memory_limit } : {}),
        ...(c.file_ids ? { file_ids: c.file_ids } : {}),
      };
    } else if (typeof container !== "string") {
      throw new ServerSideToolSettingError(name, "container must be the id of a container (cntr_...)");
    }
    return { tool: { type: "code_interpreter", container }, include: ["code_interpreter_call.outputs"] };
  }
  if (name === "ServerSideTool") {
    if (!c.spec || typeof c.spec !== "object" || Array.isArray(c.spec)) {
      throw new ServerSideToolSettingError(name, "give the tool's specification as spec={...}");
    }
    return { tool: c.spec as Record<string, unknown>, include: [] };
  }
  throw new ServerSideToolSettingError(name, "this tool is not one the OpenAI Responses API offers");
}
