/**
 * Token usage as text, as Python `llm` prints it (`1,000 input, 20 output, {"cached_tokens": 5}`).
 * @module
 */
import { pythonJsonDumps, thousands } from "../compat/python_json.ts";
import type { Usage } from "./stream.ts";

/** Formats usage as Python `llm` does: `1,000 input, 20 output, {"cached_tokens": 5}`. */
export function tokenUsageString(usage: Usage): string {
  const bits: string[] = [];
  if (usage.input !== null) bits.push(`${thousands(usage.input)} input`);
  if (usage.output !== null) bits.push(`${thousands(usage.output)} output`);
  if (usage.details && Object.keys(usage.details).length) bits.push(pythonJsonDumps(usage.details));
  return bits.join(", ");
}
