/**
 * Python's `string.Template` placeholders, as templates use them: `$name` and `${name}` are replaced by
 * parameters, `$$` is a literal `$`, and any other `$` is an error.
 *
 * @example
 * ```ts
 * import { substitute, templateVariables } from "./string_template.ts";
 * templateVariables("Say $greeting to ${name}, costs $$5"); // ["greeting", "name"]
 * substitute("Say $greeting", { greeting: "hi" }); // "Say hi"
 * ```
 * @module
 */
import { LlmError } from "../errors.ts";
import { pythonStr } from "./python_text.ts";
import type { JsonValue } from "./json_value.ts";

// Python's default pattern: delimiter "$", identifiers [_a-z][_a-z0-9]* (ASCII, case-insensitive).
const PLACEHOLDER = /\$(?:(\$)|([_a-z][_a-z0-9]*)|\{([_a-z][_a-z0-9]*)\}|())/gi;

/** A `$` in a template that starts no placeholder (write `$$` for a literal dollar sign). */
export class InvalidPlaceholderError extends LlmError {
  /** 1-based line of the bad `$`. */
  readonly line: number;
  /** 1-based column of the bad `$`. */
  readonly column: number;
  /** Creates the error for the `$` at `line`, `column`. */
  constructor(line: number, column: number) {
    super(
      `Invalid placeholder in template: line ${line}, col ${column}. ` +
        "Use $name or ${name} for a variable and $$ for a literal $",
    );
    this.line = line;
    this.column = column;
  }
}

/** The variable names a text uses (`$name` and `${name}`), in order of first use, without repeats. */
export function templateVariables(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[2] ?? match[3];
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  return names;
}

/** Python's `str()` of a parameter value: strings as they are, `True`, `None`, `[1, 2]` and so on. */
function asText(value: unknown): string {
  return pythonStr(value as JsonValue);
}

/**
 * Replaces every placeholder in `text` with its parameter, as Python's `Template.substitute` does.
 * @throws {InvalidPlaceholderError} for a `$` that starts no placeholder.
 * @throws {Error} when a variable has no parameter (check with {@link templateVariables} first).
 */
export function substitute(text: string, params: Record<string, unknown>): string {
  return text.replace(PLACEHOLDER, (_whole, escaped, named, braced, _invalid, offset: number) => {
    if (escaped !== undefined) return "$";
    const name = named ?? braced;
    if (name === undefined) {
      const before = text.slice(0, offset).split("\n");
      throw new InvalidPlaceholderError(before.length, before.at(-1)!.length + 1);
    }
    if (!Object.hasOwn(params, name)) throw new Error(`No value for template variable '${name}'`);
    return asText(params[name]);
  });
}
