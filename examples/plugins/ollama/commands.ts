/**
 * `llm ollama models`: lists the models Ollama has locally. Running any `llm ollama` command loads the
 * plugin, and loading it asks Ollama for its models, so this is also how the list `llm models` shows is
 * brought up to date after `ollama pull` or `ollama rm`.
 * @module
 */
import type { CommandContext, CommandSpec } from "../../../plugin.ts";
import { listTags, type OllamaTag } from "./client.ts";
import { aliasesOf, isEmbeddingModel } from "./local_models.ts";

/** A size in bytes as `ollama list` shows it: `2.0 GB`, `274 MB`. */
export function humanBytes(bytes: number | undefined): string {
  if (bytes === undefined) return "";
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} KB`;
  return `${bytes} B`;
}

/** The rows of the table: a header, then one row per model. */
function rows(tags: OllamaTag[]): string[][] {
  return [
    ["NAME", "ALIAS", "KIND", "PARAMETERS", "QUANTIZATION", "SIZE"],
    ...tags.map((tag) => [
      tag.name,
      aliasesOf(tag.name).join(", "),
      isEmbeddingModel(tag) ? "embedding" : "chat",
      tag.details?.parameter_size ?? "",
      tag.details?.quantization_level ?? "",
      humanBytes(tag.size),
    ]),
  ];
}

/** Lays rows out in columns two spaces apart, without trailing spaces. */
function columns(table: string[][]): string {
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  return table.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

async function listModels(ctx: CommandContext): Promise<void> {
  const tags = await listTags();
  if (ctx.values.json) {
    ctx.io.stdout.write(JSON.stringify(tags, null, 2) + "\n");
  } else if (!tags.length) {
    ctx.io.stderr.write("Ollama has no local models yet: pull one with `ollama pull llama3.2`\n");
  } else {
    ctx.io.stdout.write(columns(rows(tags)) + "\n");
  }
}

/** The `llm ollama` command group. */
export const ollamaCommand: CommandSpec = {
  name: "ollama",
  summary: "Commands of the Ollama plugin",
  subcommands: [{
    name: "models",
    summary: "List Ollama's local models (and refresh the ones llm knows)",
    description: "List the models Ollama has locally.\n\n" +
      "Running this also refreshes the Ollama models that 'llm models' lists: run it after " +
      "'ollama pull' or 'ollama rm'.",
    options: [{ name: "json", flags: ["--json"], type: "boolean", help: "Output Ollama's list as JSON" }],
    run: listModels,
  }],
};
