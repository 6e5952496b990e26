/**
 * Typed errors. Every error the library raises on purpose extends {@link LlmError}, whose message says what
 * failed and what to do about it. Checks use {@link isLlmError} or the `name` field rather than `instanceof`,
 * because a plugin may carry its own copy of this library.
 *
 * @module
 */

import { LlmError } from "../errors.ts";

export { isLlmError, LlmError } from "../errors.ts";

/** No model has this id or alias. `suggestions` lists close names. */
export class UnknownModelError extends LlmError {
  /** The name that was asked for. */
  readonly model: string;
  /** Model ids or aliases close to it. */
  readonly suggestions: string[];
  /** Creates the error for `model`, naming close matches. */
  constructor(model: string, suggestions: string[] = []) {
    const quoted = suggestions.map((s) => `'${s}'`);
    const names = quoted.length > 1 ? `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}` : quoted[0];
    super(quoted.length ? `Unknown model '${model}'. Did you mean ${names}?` : `Unknown model '${model}'`);
    this.model = model;
    this.suggestions = suggestions;
  }
}

/** A model needs an API key and none was found. */
export class NeedsKeyError extends LlmError {
  /** The keys.json name of the key, e.g. `openai`. */
  readonly keyName: string;
  /** The environment variable that may hold it, e.g. `OPENAI_API_KEY`. */
  readonly envVar?: string;
  /** Creates the error; the message says how to set the key. */
  constructor(keyName: string, envVar?: string) {
    const env = envVar ? `, or set the ${envVar} environment variable` : "";
    super(`No key found for '${keyName}': give one as the key option, store it in keys.json${env}`);
    this.keyName = keyName;
    this.envVar = envVar;
  }
}

/** An option name the model does not have, or a value it does not accept. */
export class InvalidOptionError extends LlmError {
  /** The option's name. */
  readonly option: string;
  /** For an option the model does not have: the model's id. */
  readonly unknownFor?: string;
  /** Creates the error for `option`. */
  constructor(option: string, message: string, details: { unknownFor?: string } = {}) {
    super(message);
    this.option = option;
    this.unknownFor = details.unknownFor;
  }
}

/** What went wrong while a model ran. */
export type ModelErrorKind = "http" | "connection" | "stream" | "cancelled" | "other";

/** A model failed while running: an HTTP error, a refused or dropped connection, a broken stream. */
export class ModelError extends LlmError {
  /** The kind of failure. */
  readonly kind: ModelErrorKind;
  /** The HTTP status, for `kind: "http"`. */
  readonly status?: number;
  /** The keys.json name of the key the request used, when the model needs one (for 401/403 hints). */
  readonly keyName?: string;
  /** Creates the error. */
  constructor(
    message: string,
    options: { kind?: ModelErrorKind; status?: number; keyName?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.kind = options.kind ?? "other";
    this.status = options.status;
    this.keyName = options.keyName;
  }
}

/** The response was cancelled (Ctrl-C or an aborted signal) before it finished. */
export class CancelledError extends ModelError {
  /** Creates the error. */
  constructor(message = "Cancelled", options: { cause?: unknown } = {}) {
    super(message, { kind: "cancelled", cause: options.cause });
    this.exitCode = 130;
  }
}

/** The prompt asks for something the model cannot do: attachments of a type it refuses, tools it lacks. */
export class UnsupportedFeatureError extends LlmError {
  /** The model's id. */
  readonly model: string;
  /** Creates the error for `model`. */
  constructor(model: string, message: string) {
    super(message);
    this.model = model;
  }
}

/**
 * Thrown by a chain's `beforeCall` to refuse a tool call: the model is sent `Cancelled: <message>` as the
 * result, and the chain goes on.
 */
export class CancelToolCall extends LlmError {}

/** A chain asked for more rounds of tool calls than its limit allows. */
export class ChainLimitError extends LlmError {
  /** The limit. */
  readonly limit: number;
  /** Creates the error for `limit`. */
  constructor(limit: number) {
    super(`Chain limit of ${limit} exceeded; the model asked for more tool calls after ${limit} rounds`);
    this.limit = limit;
  }
}

/** A response was asked for something only a finished response has (its text, its JSON). */
export class ResponseNotDoneError extends LlmError {
  /** The response's id. */
  readonly responseId: string;
  /** Where it is: `pending`, `running`, `failed` or `cancelled`. */
  readonly status: string;
  /** Creates the error for response `id` in `status`; `action` says what was asked, e.g. `serialise it`. */
  constructor(id: string, status: string, action: string) {
    super(
      status === "pending" || status === "running"
        ? `Response ${id} has not finished, so there is nothing to ${action} yet: await response.text() first`
        : `Response ${id} ${
          status === "failed" ? "failed" : "was cancelled"
        }, so it has no finished answer to ` +
          `${action}; look at response.error`,
    );
    this.responseId = id;
    this.status = status;
  }
}
