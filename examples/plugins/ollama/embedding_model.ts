/**
 * `OllamaEmbeddingModel`: a local embedding model (such as `nomic-embed-text`), through `POST /api/embed`.
 * @module
 */
import { ModelError } from "../../../plugin.ts";
import { ollamaBaseUrl, ollamaRequest, readJson } from "./client.ts";

/** A local Ollama embedding model, e.g. `nomic-embed-text:latest`. */
export class OllamaEmbeddingModel {
  /** The model's name with its tag. */
  readonly id: string;

  /** Creates the model for the Ollama model `id`. */
  constructor(id: string) {
    this.id = id;
  }

  /** Embeds a batch of texts (bytes are read as UTF-8) in one request; one vector per item, in order. */
  async embedBatch(items: (string | Uint8Array)[]): Promise<number[][]> {
    const input = items.map((item) => (typeof item === "string" ? item : new TextDecoder().decode(item)));
    const response = await ollamaRequest("/api/embed", {
      baseUrl: ollamaBaseUrl(),
      body: { model: this.id, input },
      model: this.id,
    });
    const data = await readJson(response);
    const embeddings = data.embeddings;
    if (!Array.isArray(embeddings) || embeddings.length !== input.length) {
      throw new ModelError(
        `Ollama returned ${Array.isArray(embeddings) ? embeddings.length : "no"} embeddings for ` +
          `${input.length} inputs from ${this.id}; check that it is an embedding model`,
        { kind: "stream" },
      );
    }
    return embeddings as number[][];
  }
}
