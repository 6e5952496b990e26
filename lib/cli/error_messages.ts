/**
 * How the CLI words the library's errors: the library says what failed; the CLI adds the `llm` command that
 * helps (`Run 'llm models' to list models`), keeping the text Python `llm` 0.32 prints where it has one.
 * @module
 */

type Fields = Record<string, unknown> & { message: string };

function joined(message: string, hint: string): string {
  return /[?.!]$/.test(message) ? `${message} ${hint}` : `${message}. ${hint}`;
}

/** Per error class (by name, so errors from any copy of the library match): its CLI wording. */
const WORDING: Record<string, (e: Fields) => string> = {
  UnknownModelError: (e) => joined(e.message, "Run 'llm models' to list models"),
  NoModelMatchError: (e) => joined(e.message, "Run 'llm models' to list models"),
  NeedsKeyError: (e) =>
    `No key found - add one using 'llm keys set ${e.keyName}'` +
    (e.envVar ? ` or set the ${e.envVar} environment variable` : ""),
  InvalidOptionError: (e) =>
    e.unknownFor
      ? joined(e.message, `Run 'llm models --options -m ${e.unknownFor}' to list its options`)
      : e.message,
  UnknownAliasError: (e) => e.fileExists ? joined(e.message, "Run 'llm aliases' to list aliases") : e.message,
  NoConversationError: (e) =>
    e.id
      ? joined(e.message, "Run 'llm logs list' to see logged conversations")
      : joined(e.message, "Run a prompt first, or give an id with --cid"),
  ConversationModelError: (e) =>
    `The conversation used model '${e.model}', which is not installed; choose one with -m`,
  NoSuchTemplateError: (e) => `${e.message}; run 'llm templates list' to see your templates`,
  UnknownLoaderPrefixError: (e) =>
    joined(e.message, `Run 'llm ${e.kind}s loaders' to list the prefixes plugins provide`),
  FragmentNotFoundError: (e) =>
    e.notFound
      ? `Fragment '${e.value}' not found. Give a file path, a URL, '-' for stdin, or an alias or hash from ` +
        "'llm fragments list'"
      : e.message,
  InvalidSchemaError: (e) =>
    `Invalid schema '${e.input}': give JSON, a DSL such as 'name, age int', a JSON file, a stored schema id ` +
    "('llm schemas list') or t:TEMPLATE",
  ModelError: (e) =>
    (e.status === 401 || e.status === 403) && e.keyName
      ? e.message.replace(/; check the API key$/, `; check the key set with 'llm keys set ${e.keyName}'`)
      : e.message,
  UnsupportedFeatureError: (e) =>
    /does not support schemas$/.test(e.message)
      ? joined(e.message, "Run 'llm models --schemas' to list the models that do")
      : /does not support server-side tool/.test(e.message)
      ? `${e.message}. Run: llm tools -m ${e.model}`
      : e.message,
};

/**
 * The message the CLI prints for `error` (after `Error: `).
 *
 * @example
 * ```ts
 * import { UnknownModelError } from "../../mod.ts";
 * import { cliErrorMessage } from "./error_messages.ts";
 * cliErrorMessage(new UnknownModelError("gpt-4o-mni", ["gpt-4o-mini"]));
 * // "Unknown model 'gpt-4o-mni'. Did you mean 'gpt-4o-mini'? Run 'llm models' to list models"
 * ```
 */
export function cliErrorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const wording = WORDING[error.name];
  return wording ? wording(error as unknown as Fields) : error.message;
}
