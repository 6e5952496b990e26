/**
 * How a response's failure is kept: typed, so that callers can tell a cancellation from a model error.
 * @module
 */
import { CancelledError, isLlmError, ModelError } from "./errors.ts";

/** A failure as the response keeps it: an `LlmError` as it is, anything else wrapped in a `ModelError`. */
export function toTyped(error: unknown): unknown {
  if (isLlmError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ModelError(message, { cause: error });
}

/** A cancellation as the response keeps it: the abort reason when it is an `LlmError`, else a `CancelledError`. */
export function toCancelled(reason: unknown, error: unknown): unknown {
  if (isLlmError(reason)) return reason;
  return new CancelledError("Cancelled", { cause: reason ?? error });
}
