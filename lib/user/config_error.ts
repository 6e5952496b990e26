/**
 * The error for a file in the user directory that cannot be read: broken JSON or YAML, a missing field.
 * @module
 */
import { LlmError } from "../errors.ts";

/** A file in the user directory could not be read: broken JSON or YAML, a missing required field. */
export class ConfigError extends LlmError {
  /** The file's path. */
  readonly path: string;
  /** Creates the error for `path`. */
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.path = path;
  }
}
