/**
 * The default `llm logs` output: one Markdown section a row, byte for byte as Python `llm` 0.32 prints it.
 *
 * @module
 */

import { isJsonObject, type JsonValue, parseJson, pythonTruthy } from "../../compat/json_value.ts";
import type { LogAttachment, LogFragment, LogRow, LogTool } from "../../logs/query/log_row.ts";
import { type AnnotateOptions, annotateRows, type DisplayRow } from "./json.ts";
import { pythonIndent, pythonStr } from "../../compat/python_text.ts";
import { fencedBlock, inlineCode, maybeFencedCode } from "./code_blocks.ts";
import { pythonJsonDumps, thousands } from "../../compat/python_json.ts";
import { costLine } from "../../pricing/cost.ts";

/** Options of {@linkcode renderLogsMarkdown}. */
export interface MarkdownOptions extends AnnotateOptions {
  /** Add a `## Token usage` section (`-u/--usage`). */
  usage?: boolean;
  /** Conversation mode (`--cid`, `-c`, `-r`): header and model line only on the first row. */
  conversation?: boolean;
  /** With `usage`: a `Cost:` line under the token counts (not in Python llm; see lib/pricing/). */
  costs?: boolean;
  /** The model object for an id, whose `prices` a plugin may have set (for `costs`). */
  modelFor?: (id: string) => unknown;
}

/** True when the logged response was cut short (Ctrl-C, a dropped connection): `llm_interrupted` is set. */
function wasInterrupted(row: LogRow): boolean {
  return isJsonObject(row.response_json) && "llm_interrupted" in row.response_json;
}

/** Python's `"{}".format(value)` for a possibly missing string. */
const fmt = (
  value: string | null | undefined,
): string => (value === null || value === undefined ? "None" : value);

function fragmentsSection(fragments: LogFragment[], title: string, expand: boolean | undefined): string {
  if (!fragments.length) return "";
  const content = expand
    ? fragments.map((f) => `<details><summary>${f.hash}</summary>\n${maybeFencedCode(f.content)}\n</details>`)
      .join("\n")
    : fragments.map((f) => `- ${f.hash}`).join("\n");
  return `\n### ${title}\n\n${content}\n`;
}

function toolCallArguments(args: JsonValue): string {
  if (!isJsonObject(args) || !Object.keys(args).length) {
    return `    Arguments: ${inlineCode(pythonJsonDumps(args))}`;
  }
  return Object.entries(args).map(([key, value]) =>
    typeof value === "string"
      ? `    ${key}:\n${fencedBlock(value)}`
      : `    ${key}: ${inlineCode(pythonJsonDumps(value))}`
  ).join("\n");
}

function tokenUsage(row: DisplayRow): string {
  const bits: string[] = [];
  if (row.input_tokens !== null) bits.push(`${thousands(row.input_tokens)} input`);
  if (row.output_tokens !== null) bits.push(`${thousands(row.output_tokens)} output`);
  const usage = bits.join(", ");
  const details = row.token_details ? parseJson(row.token_details) : null;
  if (!pythonTruthy(details)) return usage;
  const code = inlineCode(pythonJsonDumps(details));
  return usage ? `${usage}, ${code}` : code;
}

function toolsSection(tools: LogTool[], seen: Set<string>): string {
  let out = "\n### Tools\n\n";
  const echoTool = (tool: LogTool, indent: string) => {
    let block: string;
    if (seen.has(tool.hash)) {
      block = `- **${tool.name}**: \`${tool.hash.slice(0, 7)}\``;
    } else {
      seen.add(tool.hash);
      const schema = tool.input_schema;
      const properties = isJsonObject(schema) && "properties" in schema ? schema.properties : {};
      block = `- **${tool.name}**: \`${tool.hash}\`  \n` +
        `${pythonIndent((tool.description ?? "").trimEnd(), "    ")}  \n` +
        `    Arguments: \`${pythonJsonDumps(properties)}\``;
    }
    out += pythonIndent(block, indent) + "\n";
  };
  const plain: LogTool[] = [];
  const byInstance = new Map<string, { name: string; args: string | null; tools: LogTool[] }>();
  for (const tool of tools) {
    if (!tool.instance) {
      plain.push(tool);
      continue;
    }
    const key = JSON.stringify([tool.instance.name, tool.instance.arguments]);
    const group = byInstance.get(key) ??
      { name: tool.instance.name, args: tool.instance.arguments, tools: [] };
    group.tools.push(tool);
    byInstance.set(key, group);
  }
  for (const tool of plain) echoTool(tool, "");
  for (const group of byInstance.values()) {
    out += `- \`${group.name}(${group.args && group.args !== "{}" ? group.args : ""})\`:\n`;
    for (const tool of group.tools) echoTool(tool, "    ");
  }
  return out;
}

function toolResultsSection(row: DisplayRow): string {
  let out = "\n### Tool results\n\n";
  for (const result of row.tool_results) {
    let attachments = "";
    for (const attachment of result.attachments) {
      let desc = attachment.type ? attachment.type + ": " : "";
      if (attachment.path) desc += attachment.path;
      else if (attachment.url) desc += attachment.url;
      else if (attachment.content) desc += `<${thousands(attachment.content_length ?? 0)} bytes>`;
      attachments += `\n    - ${desc}`;
    }
    const error = result.exception ? `  \n    **Error**: ${result.exception}\n` : "";
    out += `- **${fmt(result.name)}**: \`${fmt(result.tool_call_id)}\`  \n` +
      `${fencedBlock(result.output ?? "")}${error}${attachments}\n`;
  }
  return out;
}

function attachmentsSection(attachments: LogAttachment[]): string {
  if (!attachments.length) return "";
  let out = "\n### Attachments\n\n";
  attachments.forEach((attachment, index) => {
    const n = index + 1;
    if (attachment.path) out += `${n}. **${fmt(attachment.type)}**: \`${attachment.path}\`\n`;
    else if (attachment.url) out += `${n}. **${fmt(attachment.type)}**: ${attachment.url}\n`;
    else if (attachment.content_length) {
      out += `${n}. **${fmt(attachment.type)}**: \`<${thousands(attachment.content_length)} bytes>\`\n`;
    }
  });
  return out;
}

function responseText(row: DisplayRow): string | null {
  const response = row.response;
  if (!pythonTruthy(row.schema_json ?? null) || response === null) return response;
  try {
    return "```json\n" + pythonJsonDumps(parseJson(response), { indent: 2 }) + "\n```";
  } catch {
    return response;
  }
}

/**
 * The text of `llm logs` in its default Markdown form (what Python prints, newlines included).
 *
 * With `truncate`, Python 0.32 itself fails on any row with options or a schema (it reads keys that
 * `--truncate` removed); here those sections are simply left out.
 */
export function renderLogsMarkdown(rows: readonly LogRow[], options: MarkdownOptions = {}): string {
  let out = "";
  let currentSystem: string | null = null;
  let showConversation = true;
  const seenTools = new Set<string>();
  const interrupted = rows.map(wasInterrupted);
  for (const [index, row] of annotateRows(rows, options).entries()) {
    const datetime = fmt(row.datetime_utc).split(".")[0];
    const header = showConversation ? `    conversation: ${fmt(row.conversation_id)} id: ${row.id}` : "";
    const resolved = row.resolved_model ? ` (resolved: **${row.resolved_model}**)` : "";
    const modelLine = showConversation ? `\nModel: **${fmt(row.model)}**${resolved}\n` : "";
    out += `# ${datetime}${header}\n${modelLine}\n`;
    if (options.conversation) showConversation = false;
    out += `## Prompt\n\n${row.prompt || "-- none --"}\n`;
    out += fragmentsSection(row.prompt_fragments, "Prompt fragments", options.expand);
    const optionsJson = row.options_json ?? null;
    if (isJsonObject(optionsJson) && Object.keys(optionsJson).length) {
      const text = Object.entries(optionsJson).map(([key, value]) => `- ${key}: ${pythonStr(value)}`).join(
        "\n",
      );
      out += `\n## Options\n\n${text}\n`;
    }
    if (row.system !== currentSystem) {
      if (row.system !== null) out += `\n## System\n\n${row.system}\n`;
      currentSystem = row.system;
    }
    out += fragmentsSection(row.system_fragments, "System fragments", options.expand);
    if (pythonTruthy(row.schema_json ?? null)) {
      out += "\n## Schema\n\n```json\n" + pythonJsonDumps(row.schema_json, { indent: 2 }) + "\n```\n";
    }
    if (row.tools.length) out += toolsSection(row.tools, seenTools);
    if (row.tool_results.length) out += toolResultsSection(row);
    out += attachmentsSection(row.attachments);
    const response = responseText(row);
    if (row.reasoning) out += `\n## Reasoning\n\n${row.reasoning.trimEnd()}\n`;
    out += interrupted[index] ? "\n## Response (interrupted)\n\n" : "\n## Response\n\n";
    if (row.tool_calls.length) {
      out += "### Tool calls\n\n";
      for (const call of row.tool_calls) {
        out += `- **${fmt(call.name)}**: \`${fmt(call.tool_call_id)}\`  \n${
          toolCallArguments(call.arguments)
        }\n`;
      }
      out += "\n";
    }
    if (response) out += `${response}\n\n`;
    if (options.usage) {
      const usage = tokenUsage(row);
      if (usage) out += `## Token usage\n\n${usage}\n\n`;
      if (usage && options.costs) {
        const details = row.token_details ? parseJson(row.token_details) : null;
        const counts = {
          input: row.input_tokens,
          output: row.output_tokens,
          details: isJsonObject(details) ? details : null,
        };
        const model = fmt(row.model);
        out += `${costLine(model, counts, options.modelFor?.(model))}\n\n`;
      }
    }
  }
  return out;
}
