/**
 * The prompt pipeline's errors that `mod.ts` exports, in a module of their own so that importing the library
 * does not load the tool selection or the logs.db reader that raise them.
 * @module
 */
import { LlmError } from "../errors.ts";

/** The conversation to continue does not exist. */
export class NoConversationError extends LlmError {
  /** The id asked for; undefined when continuing the latest and there is none. */
  readonly id?: string;
  /** Creates the error. */
  constructor(id: string | undefined) {
    super(id ? `No conversation found with id=${id}` : "No conversation found to continue");
    this.id = id;
  }
}

/** `-T` named tools that do not exist. */
export class UnknownToolError extends LlmError {
  /** The names that were not found. */
  readonly names: string[];
  /** The names that are available. */
  readonly available: string[];
  /** Creates the error. */
  constructor(names: string[], available: string[]) {
    super(`Tool(s) ${names.join(", ")} not found. Available tools: ${available.join(", ")}`);
    this.names = names;
    this.available = available;
  }
}

/** A `-T Name(...)` whose settings cannot be read. */
export class ToolSpecError extends LlmError {}
