/**
 * Choosing the model of a prompt as `llm` does: `-m` (an id or alias), else `-q` terms (the shortest id that
 * matches them all), else the model of the conversation or template, else the default model.
 * @module
 */
import { LlmError, UnknownModelError } from "../models/errors.ts";
import type { Model } from "../models/model.ts";
import { modelMatchesQueries } from "../models/model_registry.ts";
import { getModel, getModelsWithAliases } from "../default_registry.ts";

/** No model matched every `-q` term. */
export class NoModelMatchError extends LlmError {
  /** The terms. */
  readonly terms: string[];
  /** Creates the error for the query terms. */
  constructor(terms: string[]) {
    super(`No model found matching queries ${terms.join(", ")}`);
    this.terms = terms;
  }
}

/** The conversation to continue used a model that is no longer installed. */
export class ConversationModelError extends LlmError {
  /** The model the conversation used. */
  readonly model: string;
  /** Creates the error for `model`. */
  constructor(model: string) {
    super(`The conversation used model '${model}', which is not installed; choose another model`);
    this.model = model;
  }
}

/**
 * The model whose id is the shortest among those matching every term (case-insensitive substrings).
 * @throws {NoModelMatchError} when none matches.
 */
export function modelForQuery(terms: string[]): Model {
  const matches = getModelsWithAliases().filter((entry) => modelMatchesQueries(entry, terms));
  if (!matches.length) throw new NoModelMatchError(terms);
  return matches.reduce((best, m) => (m.model.id.length < best.model.id.length ? m : best)).model;
}

/** Where a prompt's model may come from, in the order they win. */
export interface ModelChoice {
  /** An id or alias given by the caller (`-m`). */
  model?: string | Model;
  /** Query terms (`-q`). */
  query?: string[];
  /** The model of the conversation being continued. */
  conversationModel?: string;
  /** The model a template names. */
  templateModel?: string;
}

/**
 * The model of a prompt.
 * @throws {UnknownModelError} for an unknown id or alias.
 * @throws {NoModelMatchError} when no model matches the query.
 * @throws {ConversationModelError} when the conversation's model is not installed.
 */
export function chooseModel(choice: ModelChoice): Model {
  if (typeof choice.model === "object") return choice.model;
  if (choice.model) return getModel(choice.model);
  if (choice.query?.length) return modelForQuery(choice.query);
  const fallback = choice.conversationModel ?? choice.templateModel;
  if (fallback) {
    try {
      return getModel(fallback);
    } catch (error) {
      if (error instanceof UnknownModelError && choice.conversationModel) {
        throw new ConversationModelError(fallback);
      }
      throw error;
    }
  }
  return getModel();
}
