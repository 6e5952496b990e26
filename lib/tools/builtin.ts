/**
 * The built-in tools, as Python `llm` 0.32 has them: `llm_version` and `llm_time`. They carry Python's
 * descriptions and plugin name, so they hash to the same rows of logs.db's `tools` table in both tools.
 * @module
 */
import type { Tool } from "../models/tool_spec.ts";
import { VERSION } from "../version.ts";
import { defineTool } from "./define.ts";

/** The plugin name Python `llm` gives its built-in tools. */
export const BUILTIN_TOOLS_PLUGIN = "llm.default_plugins.default_tools";

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** `YYYY-MM-DD HH:MM:SS` of a date's fields (UTC or local). */
function stamp(date: Date, utc: boolean): string {
  const f = utc
    ? [
      date.getUTCFullYear(),
      date.getUTCMonth() + 1,
      date.getUTCDate(),
      date.getUTCHours(),
      date.getUTCMinutes(),
      date.getUTCSeconds(),
    ]
    : [
      date.getFullYear(),
      date.getMonth() + 1,
      date.getDate(),
      date.getHours(),
      date.getMinutes(),
      date.getSeconds(),
    ];
  return `${f[0]}-${pad(f[1])}-${pad(f[2])} ${pad(f[3])}:${pad(f[4])}:${pad(f[5])}`;
}

/** The local time zone's short name (`UTC`, `CET`, `GMT+1`). */
function zoneName(date: Date): string {
  const part = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" }).formatToParts(date)
    .find((p) => p.type === "timeZoneName");
  return part?.value ?? "UTC";
}

/** What `llm_time` returns: the time in UTC and locally, as Python's `llm.tools.llm_time` does. */
export function currentTime(now: Date = new Date()): Record<string, unknown> {
  const offset = -now.getTimezoneOffset();
  const january = new Date(now.getFullYear(), 0, 1).getTimezoneOffset();
  const july = new Date(now.getFullYear(), 6, 1).getTimezoneOffset();
  const isDst = now.getTimezoneOffset() < Math.max(january, july);
  const sign = offset >= 0 ? "+" : "-";
  const hours = Math.floor(Math.abs(offset) / 60);
  const minutes = Math.abs(offset) % 60;
  const micros = String(now.getUTCMilliseconds() * 1000).padStart(6, "0");
  return {
    utc_time: `${stamp(now, true)} UTC`,
    utc_time_iso: `${stamp(now, true).replace(" ", "T")}.${micros}+00:00`,
    local_timezone: zoneName(now),
    local_time: stamp(now, false),
    timezone_offset: `UTC${sign}${pad(hours)}:${pad(minutes)}`,
    is_dst: isDst,
  };
}

/** `llm_version`: this version of llm for Deno. */
export const llmVersion: Tool = {
  ...defineTool({
    name: "llm_version",
    description: "Return the installed version of llm",
    implementation: () => VERSION,
    plugin: BUILTIN_TOOLS_PLUGIN,
  }),
  signature: "llm_version() -> str",
};

/** `llm_time`: the current time, local and UTC. */
export const llmTime: Tool = {
  ...defineTool({
    name: "llm_time",
    description: "Returns the current time, as local time and UTC",
    implementation: () => currentTime(),
    plugin: BUILTIN_TOOLS_PLUGIN,
  }),
  signature: "llm_time() -> dict",
};

/** The built-in tools, in the order `llm tools list` shows them. */
export const BUILTIN_TOOLS: readonly Tool[] = [llmVersion, llmTime];
