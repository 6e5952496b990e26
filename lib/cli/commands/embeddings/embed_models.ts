/**
 * `llm embed-models`: list the embedding models with their aliases, and show or set the default one.
 * @module
 */
import {
  getDefaultEmbeddingModel,
  getEmbeddingModelsWithAliases,
  setDefaultEmbeddingModel,
} from "../../../embeddings/registry.ts";
import type { CommandContext } from "../../../commands/spec.ts";

/** `llm embed-models list [-q ...]`: `label (aliases: a, b)` per model, as Python `llm` prints them. */
export async function embedModelsList(ctx: CommandContext): Promise<void> {
  const queries = ((ctx.values.query as string[] | undefined) ?? []).map((q) => q.toLowerCase());
  const lines: string[] = [];
  for (const { model, aliases } of await getEmbeddingModelsWithAliases()) {
    const names = [...aliases, model.label].map((s) => s.toLowerCase());
    if (!queries.every((q) => names.some((n) => n.includes(q)))) continue;
    lines.push(aliases.length ? `${model.label} (aliases: ${aliases.join(", ")})` : model.label);
  }
  ctx.io.stdout.write(lines.join("\n") + "\n");
}

/** `llm embed-models default [MODEL] [--remove-default]`. */
export async function embedModelsDefault(ctx: CommandContext): Promise<void> {
  const model = ctx.args.model as string | undefined;
  if (ctx.values.removeDefault) {
    await setDefaultEmbeddingModel(null);
    return;
  }
  if (!model) {
    const current = getDefaultEmbeddingModel();
    if (current === undefined) ctx.io.stderr.write("<No default embedding model set>\n");
    else ctx.io.stdout.write(current + "\n");
    return;
  }
  await setDefaultEmbeddingModel(model);
}
