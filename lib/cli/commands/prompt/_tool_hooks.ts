/**
 * `--td/--tools-debug` and `--ta/--tools-approve` on the terminal: each tool call and its result on stderr, as
 * Python `llm` 0.32 prints them, and a y/N question before each call.
 * @module
 */
import { CancelToolCall, LlmError } from "../../../models/errors.ts";
import type { ToolCall } from "../../../models/stream.ts";
import type { Tool, ToolResult } from "../../../models/tool_spec.ts";
import type { AfterToolCall, BeforeToolCall } from "../../../models/tool_calls.ts";
import { pythonRepr } from "../../../compat/python_text.ts";
import { pythonJsonDumps } from "../../../compat/python_json.ts";
import type { JsonValue } from "../../../compat/json_value.ts";
import { paint } from "../../io.ts";
import type { Io } from "../../../commands/io.ts";

/** `--ta` without a terminal to ask on: refused before anything is sent, rather than waiting for an answer. */
export class ApprovalNeedsTerminalError extends LlmError {
  /** Creates the error. */
  constructor() {
    super(
      "--ta/--tools-approve asks before each tool call, and needs a terminal to ask on; run it from a terminal",
    );
  }
}

/** `name({'a': 1})`: a call as Python prints it. */
export function callText(call: ToolCall): string {
  return `${call.name}(${pythonRepr(call.arguments as JsonValue)})`;
}

/** A result's output, pretty-printed when it is JSON (Python's json.dumps(..., indent=2)). */
function outputText(result: ToolResult): string {
  try {
    return pythonJsonDumps(JSON.parse(result.output), { indent: 2 });
  } catch {
    return result.output;
  }
}

/** The `--td` printer: the call, then its result indented (and the exception when the tool failed). */
export function debugAfterCall(io: Io): AfterToolCall {
  return (_tool: Tool, call: ToolCall, result: ToolResult) => {
    io.stderr.write(paint(io.stderr, `\nTool call: ${callText(call)}`, "yellow", "bold") + "\n");
    const indented = outputText(result).split("\n").map((line) => (line.trim() ? `  ${line}` : line)).join(
      "\n",
    );
    io.stderr.write(paint(io.stderr, indented + (result.exception ? "" : "\n"), "green", "bold") + "\n");
    if (result.exception) {
      const message = result.exception.replace(/^[A-Za-z]+: /, "");
      io.stderr.write(paint(io.stderr, `  Exception: ${message}`, "red", "bold") + "\n");
    }
  };
}

/** The `--ta` question: shows the call, and refuses it unless the answer is yes. */
export function approveBeforeCall(io: Io, readLine: () => Promise<string | null>): BeforeToolCall {
  return async (_tool, call) => {
    io.stderr.write(paint(io.stderr, `Tool call: ${callText(call)}`, "yellow", "bold") + "\n");
    io.stdout.write("Approve tool call? [y/N]: ");
    const answer = (await readLine())?.trim().toLowerCase() ?? "";
    if (answer !== "y" && answer !== "yes") throw new CancelToolCall("User cancelled tool call");
  };
}

/** The chain settings `--cl`, `--td` and `--ta` give (`--ta` asks with `readLine`, and needs a terminal). */
export function toolChainSettings(
  io: Io,
  values: Record<string, unknown>,
  readLine: () => Promise<string | null>,
): { chainLimit: number; afterCall?: AfterToolCall; beforeCall?: BeforeToolCall } {
  if (values.toolsApprove && !io.stdin.isTerminal()) throw new ApprovalNeedsTerminalError();
  return {
    chainLimit: (values.chainLimit as number | undefined) ?? 5,
    afterCall: values.toolsDebug ? debugAfterCall(io) : undefined,
    beforeCall: values.toolsApprove ? approveBeforeCall(io, readLine) : undefined,
  };
}
