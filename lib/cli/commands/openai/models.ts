/**
 * `llm openai models [--json] [--key KEY]`: the models the OpenAI API lists for your key, as a table of id,
 * owner and creation time (Python llm 0.32's layout: columns padded to the widest value, trailing spaces
 * kept, joined by four spaces), or the API's `data` array as JSON with indent 4.
 *
 * Unlike Python llm, which always asks `https://api.openai.com/v1`, the request goes to `OPENAI_BASE_URL`
 * when it is set, as every other OpenAI request here does.
 * @module
 */
import type { CommandContext } from "../../../commands/spec.ts";
import { pythonIsoformat } from "../../../compat/isoformat.ts";
import { pythonJsonDumps } from "../../../compat/python_json.ts";
import { listOpenAIModels, type OpenAIModelInfo } from "../../../providers/openai/list_models.ts";
import { getKey } from "../../../user/keys.ts";

/** The rows as Python llm's `dicts_to_table_string` lays them out: padded columns, four spaces between. */
export function modelsTable(models: OpenAIModelInfo[]): string {
  const header = ["id", "owned_by", "created"];
  const rows = models.map((m) => [
    m.id,
    String(m.owned_by ?? ""),
    typeof m.created === "number" ? pythonIsoformat(m.created * 1000) : "",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows].map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join("    ")).join(
    "\n",
  );
}

/** Runs `llm openai models`. */
export async function openaiModels(ctx: CommandContext): Promise<void> {
  const key = getKey({
    explicit: ctx.values.key as string | undefined,
    alias: "openai",
    envVar: "OPENAI_API_KEY",
  });
  const models = await listOpenAIModels({
    baseURL: Deno.env.get("OPENAI_BASE_URL") || "https://api.openai.com/v1",
    apiKey: key,
    keyName: "openai",
  });
  if (ctx.values.json) ctx.io.stdout.write(pythonJsonDumps(models, { indent: 4 }) + "\n");
  else ctx.io.stdout.write(modelsTable(models) + "\n");
}
