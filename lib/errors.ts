/**
 * The root of the library's errors: {@link LlmError} and {@link isLlmError}. Every error raised on purpose
 * extends it, whatever floor of the library raises it, so this module sits below all of them.
 * @module
 */

const MARKER = Symbol.for("@denollm/llm.error");

/** Base class of the library's errors. */
export class LlmError extends Error {
  /** Marks errors from any copy of this library. */
  readonly [MARKER] = true;
  /** The CLI exit code this error maps to (1 unless a subclass says otherwise). */
  exitCode = 1;
  /** Creates the error; `cause` keeps the underlying error. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * True for an error raised by any copy of this library (no `instanceof`).
 *
 * @example
 * ```ts
 * import { getModel, isLlmError } from "../mod.ts";
 * try {
 *   getModel("no-such-model");
 * } catch (e) {
 *   if (isLlmError(e)) console.error(`Error: ${e.message}`);
 * }
 * ```
 */
export function isLlmError(error: unknown): error is LlmError {
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[MARKER] === true;
}
