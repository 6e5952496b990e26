/**
 * Where embedding models come from besides the built-in ones and `registerEmbeddingModel()`: sources added by
 * the layers above (the plugin system adds one that imports only the plugins whose records say they have
 * embedding models). A tiny module, so adding a source loads nothing of the embeddings code.
 * @module
 */
import type { EmbeddingModelLike } from "./embedding_model.ts";

/** An embedding model with its aliases and who registered it. */
export interface EmbeddingModelEntry {
  /** The model. */
  model: EmbeddingModelLike;
  /** Its aliases. */
  aliases: string[];
  /** Who registered it (a plugin's name), for messages. */
  source: string;
}

/** A source of embedding models, asked each time the registry lists them. */
export type EmbeddingModelSource = () => Promise<EmbeddingModelEntry[]>;

const sources: EmbeddingModelSource[] = [];

/** Adds a source (once: adding the same function again does nothing). */
export function addEmbeddingModelSource(source: EmbeddingModelSource): void {
  if (!sources.includes(source)) sources.push(source);
}

/** The sources, in the order they were added. */
export function embeddingModelSources(): readonly EmbeddingModelSource[] {
  return sources;
}
