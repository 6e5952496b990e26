/**
 * Running the tool calls a model asked for: each call gets the tool of its name, its arguments checked, an
 * optional `beforeCall` that may refuse it and an `afterCall` that sees the result, and a time limit. Calls
 * run concurrently; their results keep the order of the calls. A tool that throws, times out, gets bad
 * arguments or does not exist gives a result saying so, which the model can act on; nothing here throws for
 * them.
 * @module
 */
import { pythonJsonDumps } from "../compat/python_json.ts";
import { CancelToolCall, isLlmError } from "./errors.ts";
import type { ToolCall } from "./stream.ts";
import type { Tool, ToolResult } from "./tool_spec.ts";

/** Called before a tool runs; throw {@link CancelToolCall} to refuse it. `tool` is undefined for an unknown name. */
export type BeforeToolCall = (tool: Tool | undefined, call: ToolCall) => void | Promise<void>;

/** Called after a tool ran, with its result. */
export type AfterToolCall = (tool: Tool, call: ToolCall, result: ToolResult) => void | Promise<void>;

/** How {@link executeToolCalls} runs the calls. */
export interface ExecuteToolCallsOptions {
  /** Called before each call; may refuse it. */
  beforeCall?: BeforeToolCall;
  /** Called after each call ran. */
  afterCall?: AfterToolCall;
  /** The most a call may take, in milliseconds (default 60 000; 0 for no limit). */
  timeoutMs?: number;
  /** Aborts the calls still running. */
  signal?: AbortSignal;
}

/** The default time limit of one tool call. */
export const DEFAULT_TOOL_TIMEOUT_MS = 60_000;

/** A tool's return value as the model is sent it: strings as they are, anything else as Python's json.dumps. */
export function toolOutputText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "null";
  try {
    return pythonJsonDumps(value);
  } catch {
    return String(value);
  }
}

/** Python's rendering of an exception (`ValueError: message`), from a JavaScript error. */
function exceptionText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `Error: ${String(error)}`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** True when the arguments are the `{_raw: text}` the parts assembly keeps for arguments that were not JSON. */
function unparsed(tool: Tool, args: Record<string, unknown>): string | undefined {
  const keys = Object.keys(args);
  const declared = (tool.inputSchema.properties ?? {}) as Record<string, unknown>;
  if (keys.length === 1 && keys[0] === "_raw" && !("_raw" in declared)) return String(args._raw);
  return undefined;
}

async function runOne(
  call: ToolCall,
  tools: Map<string, Tool>,
  options: ExecuteToolCallsOptions,
): Promise<ToolResult> {
  const base = { name: call.name, ...(call.toolCallId !== undefined ? { toolCallId: call.toolCallId } : {}) };
  const tool = tools.get(call.name);
  if (options.beforeCall) {
    try {
      await options.beforeCall(tool, call);
    } catch (error) {
      if (isLlmError(error) && error.name === CancelToolCall.name) {
        return {
          ...base,
          output: `Cancelled: ${error.message}`,
          exception: `CancelToolCall: ${error.message}`,
        };
      }
      throw error;
    }
  }
  if (!tool) {
    const message = `tool "${call.name}" does not exist`;
    return { ...base, output: `Error: ${message}`, exception: `KeyError: '${message}'` };
  }
  const result = await runTool(tool, call, base, options);
  if (options.afterCall) await options.afterCall(tool, call, result);
  return result;
}

async function runTool(
  tool: Tool,
  call: ToolCall,
  base: { name: string; toolCallId?: string },
  options: ExecuteToolCallsOptions,
): Promise<ToolResult> {
  const raw = unparsed(tool, call.arguments);
  if (raw !== undefined) {
    const message = `the arguments were not valid JSON (${raw}); send a JSON object`;
    return { ...base, output: `Error: ${message}`, exception: `ValueError: ${message}` };
  }
  const problem = tool.check?.(call.arguments);
  if (problem) {
    const message = `invalid arguments for ${tool.name}: ${problem}`;
    return { ...base, output: `Error: ${message}`, exception: `ValueError: ${message}` };
  }
  const controller = new AbortController();
  const stop = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener("abort", stop, { once: true });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    if (timeoutMs > 0) {
      timer = setTimeout(() => {
        const error = new Error(`the tool did not finish within ${timeoutMs / 1000} s`);
        error.name = "TimeoutError";
        controller.abort(error);
        reject(error);
      }, timeoutMs);
    }
  });
  try {
    const value = await Promise.race([
      Promise.resolve().then(() => tool.implementation(call.arguments, { call, signal: controller.signal })),
      timedOut,
    ]);
    return { ...base, output: toolOutputText(value) };
  } catch (error) {
    return { ...base, output: `Error: ${errorMessage(error)}`, exception: exceptionText(error) };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", stop);
  }
}

/**
 * Runs `calls` with `tools`, all at once; the results come in the order of the calls.
 *
 * @example
 * ```ts
 * import { executeToolCalls } from "./tool_calls.ts";
 * const add = {
 *   name: "add",
 *   inputSchema: { properties: { a: { type: "integer" }, b: { type: "integer" } }, type: "object" },
 *   implementation: ({ a, b }: Record<string, unknown>) => Number(a) + Number(b),
 * };
 * const [result] = await executeToolCalls([{ name: "add", arguments: { a: 2, b: 3 }, toolCallId: "c1" }], [add]);
 * console.log(result.output); // "5"
 * ```
 */
export function executeToolCalls(
  calls: ToolCall[],
  tools: Iterable<Tool>,
  options: ExecuteToolCallsOptions = {},
): Promise<ToolResult[]> {
  const byName = new Map<string, Tool>();
  for (const tool of tools) if (!byName.has(tool.name)) byName.set(tool.name, tool);
  return Promise.all(calls.map((call) => runOne(call, byName, options)));
}
