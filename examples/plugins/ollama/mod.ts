/**
 * `llm-ollama` for Deno: the models of a local [Ollama](https://ollama.com) server, through its native API.
 *
 * Each local model (`GET /api/tags`) becomes a model with its full name as id and, for `:latest`, the short
 * name as alias: `llm -m llama3.2 'Hi'`. Prompts go to `POST /api/chat` with the system prompt and the
 * conversation as messages, streamed as newline-delimited JSON. Options: temperature, top_p, top_k, num_ctx,
 * seed, stop, num_predict, json, think. Ollama's address comes from `OLLAMA_HOST` (default
 * http://127.0.0.1:11434). `llm ollama models` lists the local models and refreshes the list `llm models`
 * shows. Embedding models (BERT family) are registered as embedding models.
 *
 * The plugin imports only this library (and its own files), so it also loads in the compiled `llm` binary.
 * Published on its own it would import `jsr:@denollm/llm@^0.1/plugin` (and `jsr:@denollm/llm@^0.1` for
 * `userPath`) instead of the relative paths; the default export is a typed constant, as JSR's "no slow
 * types" rule wants.
 *
 * @example
 * ```sh
 * llm install ./examples/plugins/ollama/mod.ts
 * llm -m llama3.2 'Three names for a pet llama' -o temperature 0.2
 * ```
 * @module
 */
import type { Plugin } from "../../../plugin.ts";
import type { OllamaTag } from "./client.ts";
import { ollamaCommand } from "./commands.ts";
import { OllamaEmbeddingModel } from "./embedding_model.ts";
import { aliasesOf, isEmbeddingModel, localModels } from "./local_models.ts";
import { OllamaModel } from "./model.ts";

export { ollamaBaseUrl } from "./client.ts";
export { OllamaEmbeddingModel } from "./embedding_model.ts";
export { OllamaModel, ollamaOptions } from "./model.ts";

/** The list registerModels asked for, which registerEmbeddingModels (the next hook to run) reuses. */
let listed: Promise<OllamaTag[]> | undefined;

/** The plugin: one chat model per local model, embedding models, and the `llm ollama` commands. */
const plugin: Plugin = {
  name: "llm-ollama",
  version: "0.1.0",
  // What its Worker may do (docs/plugins.md): reach Ollama (OLLAMA_HOST's host, or the default address),
  // read OLLAMA_HOST, and keep its list of local models in the user directory.
  permissions: {
    net: ["127.0.0.1:11434", "$OLLAMA_HOST"],
    env: ["OLLAMA_HOST"],
    read: ["ollama-models.json"],
    write: ["ollama-models.json"],
  },
  async registerModels(register) {
    listed = localModels();
    listed.catch(() => {}); // handled below and by the next hook
    for (const tag of await listed) {
      if (!isEmbeddingModel(tag)) register(new OllamaModel(tag.name), { aliases: aliasesOf(tag.name) });
    }
  },
  async registerEmbeddingModels(register) {
    // When Ollama cannot be reached, registerModels has already said so: one message is enough.
    const tags = listed ?? localModels();
    listed = undefined;
    for (const tag of await tags.catch(() => [])) {
      if (isEmbeddingModel(tag)) {
        register(new OllamaEmbeddingModel(tag.name), { aliases: aliasesOf(tag.name) });
      }
    }
  },
  registerCommands(cli) {
    cli.add(ollamaCommand);
  },
};

export default plugin;
