/**
 * What a model accepts, checked before any request: the attachment types it takes, schemas, tools, and the
 * server-side tools it offers. A prompt asking for more is refused with an {@link UnsupportedFeatureError}.
 * @module
 */
import { UnsupportedFeatureError } from "./errors.ts";
import type { Model } from "./model.ts";
import type { Prompt } from "./prompt.ts";

/** Refuses, before any request, attachments of a type the model does not take and tools it cannot use. */
export async function checkSupported(model: Model, prompt: Prompt): Promise<void> {
  const accepted = model.attachmentTypes;
  for (const attachment of prompt.attachments) {
    const type = await attachment.resolveType();
    if (!accepted.size) {
      throw new UnsupportedFeatureError(model.id, `Model ${model.id} does not support attachments`);
    }
    if (!accepted.has(type)) {
      throw new UnsupportedFeatureError(
        model.id,
        `Model ${model.id} does not support attachments of type '${type}', only ${[...accepted].join(", ")}`,
      );
    }
  }
  if (prompt.schema && !model.supportsSchema) {
    throw new UnsupportedFeatureError(model.id, `${model.label} does not support schemas`);
  }
  if (prompt.tools.length && !model.supportsTools) {
    throw new UnsupportedFeatureError(model.id, `${model.label} does not support tools`);
  }
  const offered = new Set(model.serverSideTools.map((t) => t.className));
  for (const tool of prompt.serverSideTools) {
    if (!offered.has(tool.className)) {
      throw new UnsupportedFeatureError(
        model.id,
        `Model '${model.id}' does not support server-side tool '${tool.className}'`,
      );
    }
  }
}
