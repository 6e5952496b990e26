/**
 * The OpenAI model objects: the built-in models and the user's extra-openai-models.yaml ones, made from their
 * data in `catalog.ts` and `compatible.ts`. Making them loads no npm package and none of their
 * request code, which loads when one of them runs.
 * @module
 */
import type { Model } from "../../models/model.ts";
import type { ModelSource } from "../../models/model_registry.ts";
import { builtinOpenAIModelSpecs, OPENAI_SOURCE_NAMES, type OpenAIModelSpec, specSource } from "./catalog.ts";
import { OpenAIChat } from "./chat/model.ts";
import { readExtraOpenAIModelSpecs } from "./compatible.ts";
import { OpenAICompletion } from "./completion/model.ts";
import { OpenAIResponses } from "./responses/model.ts";

/** The model object of a spec: an {@link OpenAIChat}, {@link OpenAIResponses} or {@link OpenAICompletion}. */
export function createOpenAIModel(spec: OpenAIModelSpec): Model {
  switch (spec.api) {
    case "chat":
      return new OpenAIChat(spec.id, spec.config);
    case "responses":
      return new OpenAIResponses(spec.id, spec.config);
    case "completion":
      return new OpenAICompletion(spec.id, spec.config);
  }
}

/** The built-in OpenAI models as a registry source. */
export const openAIModelSource: ModelSource = specSource(
  OPENAI_SOURCE_NAMES.builtin,
  builtinOpenAIModelSpecs,
  createOpenAIModel,
);

/** The user's extra OpenAI-compatible models as a registry source. */
export const extraOpenAIModelSource: ModelSource = specSource(
  OPENAI_SOURCE_NAMES.extra,
  () => readExtraOpenAIModelSpecs(),
  createOpenAIModel,
);
