/**
 * The registry `llm models list` reads. Once the default registry (`lib/default_registry.ts`) is loaded, that one: it
 * may hold plugin models and models a library user registered. Until then nothing can have been added to it,
 * so its models are exactly the built-in OpenAI ones and those of extra-openai-models.yaml, and they are listed
 * from their data: no model class, response or conversation code is loaded (11 modules fewer), which is what
 * keeps `llm models list` within its start-up target (BENCHMARKS.md).
 * @module
 */
import { type ModelListing, ModelRegistry } from "./models/model_registry.ts";
import {
  builtinOpenAIModelSpecs,
  OPENAI_SOURCE_NAMES,
  openAIModelListing,
  specSource,
} from "./providers/openai/catalog.ts";
import { readExtraOpenAIModelSpecs } from "./providers/openai/compatible.ts";

let defaultRegistry: ModelRegistry | undefined;

/** Called by `lib/default_registry.ts` when it is loaded: from then on listings come from `registry`. */
export function listFromDefaultRegistry(registry: ModelRegistry): void {
  defaultRegistry = registry;
}

/**
 * The models to list: the default registry once it is loaded, else {@link catalogRegistry}.
 */
export function listingRegistry(): ModelRegistry<ModelListing> {
  return defaultRegistry ?? catalogRegistry();
}

/**
 * The models the default registry starts with (the built-in OpenAI ones, then extra-openai-models.yaml's), as
 * listings made from their data, with the same warnings for a broken extra-openai-models.yaml and the user's
 * aliases. A new registry each call, so it reads the user directory afresh.
 */
export function catalogRegistry(): ModelRegistry<ModelListing> {
  return new ModelRegistry<ModelListing>([
    specSource(OPENAI_SOURCE_NAMES.builtin, builtinOpenAIModelSpecs, openAIModelListing),
    specSource(OPENAI_SOURCE_NAMES.extra, () => readExtraOpenAIModelSpecs(), openAIModelListing),
  ]);
}
