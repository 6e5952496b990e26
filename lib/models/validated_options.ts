/**
 * Which option objects `validateOptions()` made, so that options validated once (by the prompt pipeline,
 * before a prompt is sent) are not validated again when the response runs. A tiny module of its own: the
 * response checks it on every prompt without loading the option code.
 * @module
 */

const validated = new WeakSet<object>();

/** Marks `options` as the result of validating against a model's options. */
export function markValidated<T extends object>(options: T): T {
  validated.add(options);
  return options;
}

/** True for an object `validateOptions()` returned. */
export function isValidated(options: object): boolean {
  return validated.has(options);
}
