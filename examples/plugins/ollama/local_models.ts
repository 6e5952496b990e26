/**
 * The local models the plugin registers: asked of Ollama (`GET /api/tags`) each time the plugin loads, and
 * remembered in `ollama-models.json` in the user directory. When Ollama cannot be reached, the remembered
 * list is used, so the models stay known and prompting one says that Ollama is not running (rather than that
 * the model vanished).
 * @module
 */
import { userPath } from "../../../mod.ts";
import { listTags, ollamaBaseUrl, type OllamaTag } from "./client.ts";

/** The file, in the user directory, that remembers the last list of local models. */
export const MODELS_CACHE_FILE = "ollama-models.json";

/** How long the plugin waits for `/api/tags` when it loads, in milliseconds. */
export const TAGS_TIMEOUT_MS = 5_000;

/** The remembered list: where it came from and the models. */
interface ModelsCache {
  host: string;
  models: OllamaTag[];
}

function cachePath(): string {
  return userPath(MODELS_CACHE_FILE);
}

async function readCache(): Promise<OllamaTag[] | undefined> {
  try {
    const data = JSON.parse(await Deno.readTextFile(cachePath())) as ModelsCache;
    return Array.isArray(data?.models) ? data.models.filter((m) => typeof m?.name === "string") : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the list when it changed; a user directory that cannot be written only loses the fallback. */
async function writeCache(host: string, models: OllamaTag[]): Promise<void> {
  const text = JSON.stringify({ host, models } satisfies ModelsCache, null, 2) + "\n";
  try {
    if ((await Deno.readTextFile(cachePath()).catch(() => "")) === text) return;
    // In its sandbox the plugin may write only this file, not the directory: it usually exists already.
    await Deno.mkdir(userPath(), { recursive: true }).catch(() => {});
    await Deno.writeTextFile(cachePath(), text);
  } catch {
    // Read-only user directory: nothing to remember the list in.
  }
}

/**
 * The local models: from Ollama, else (when it cannot be reached) the list remembered last time.
 *
 * @throws {ModelError} when Ollama cannot be reached and no list was remembered.
 */
export async function localModels(): Promise<OllamaTag[]> {
  const host = ollamaBaseUrl();
  try {
    const tags = await listTags({ baseUrl: host, timeoutMs: TAGS_TIMEOUT_MS });
    await writeCache(host, tags);
    return tags;
  } catch (error) {
    const cached = await readCache();
    if (cached) return cached;
    throw error;
  }
}

/** Whether a local model is an embedding model (BERT-family models such as `nomic-embed-text`). */
export function isEmbeddingModel(tag: OllamaTag): boolean {
  const families = [tag.details?.family ?? "", ...(tag.details?.families ?? [])];
  return families.some((f) => /bert/i.test(f));
}

/** The aliases of a model: its name without `:latest`. */
export function aliasesOf(name: string): string[] {
  return name.endsWith(":latest") ? [name.slice(0, -":latest".length)] : [];
}
