/**
 * A prompt template: the fields of a `templates/NAME.yaml` file (the same format as Python `llm`), checked, and
 * how it turns typed input and `-p` parameters into a prompt and system prompt.
 *
 * @example
 * ```ts
 * import { Template } from "./template.ts";
 * const t = Template.fromData("summarize", { prompt: "Summarize: $input", defaults: { tone: "dry" } });
 * t.evaluate("some text", {}); // { prompt: "Summarize: some text", system: undefined }
 * ```
 * @module
 */
import { LlmError } from "../models/errors.ts";
import { substitute, templateVariables } from "../compat/string_template.ts";
import { lazyImport } from "../lazy_import.ts";

/** An attachment with an explicit MIME type (`attachment_types:` entries). */
export interface TemplateAttachmentType {
  /** The MIME type. */
  type: string;
  /** A path or URL. */
  value: string;
}

/** The fields of a template, named as in the YAML file (all optional). */
export interface TemplateData {
  /** The prompt; `$input` marks where the typed input goes. */
  prompt?: string;
  /** The system prompt. */
  system?: string;
  /** Attachments: paths or URLs. */
  attachments?: string[];
  /** Attachments with explicit types. */
  attachment_types?: TemplateAttachmentType[];
  /** The model id or alias to use unless `-m` is given. */
  model?: string;
  /** Default values of the template's variables (`-p` overrides them). */
  defaults?: Record<string, unknown>;
  /** Default model options (`-o` overrides them). */
  options?: Record<string, unknown>;
  /** Print only the first fenced code block of the answer. */
  extract?: boolean;
  /** Print only the last fenced code block of the answer. */
  extract_last?: boolean;
  /** A JSON schema the answer must follow. */
  schema_object?: Record<string, unknown>;
  /** Fragments placed before the prompt. */
  fragments?: string[];
  /** Fragments placed before the system prompt. */
  system_fragments?: string[];
  /** Tools the model may call. */
  tools?: string[];
  /** Python function source code offered as tools (Python `llm`; used only from local files). */
  functions?: string;
}

/** The fields in the order Python `llm` declares (and dumps) them. */
export const TEMPLATE_FIELDS: readonly (keyof TemplateData)[] = [
  "prompt",
  "system",
  "attachments",
  "attachment_types",
  "model",
  "defaults",
  "options",
  "extract",
  "extract_last",
  "schema_object",
  "fragments",
  "system_fragments",
  "tools",
  "functions",
];

type FieldKind = "str" | "strList" | "dict" | "bool" | "attachmentTypes";
const KINDS: Record<keyof TemplateData, FieldKind> = {
  prompt: "str",
  system: "str",
  model: "str",
  functions: "str",
  attachments: "strList",
  fragments: "strList",
  system_fragments: "strList",
  tools: "strList",
  defaults: "dict",
  options: "dict",
  schema_object: "dict",
  extract: "bool",
  extract_last: "bool",
  attachment_types: "attachmentTypes",
};

/** A template file whose fields are wrong: unknown keys, or values of the wrong type. */
export class InvalidTemplateError extends LlmError {
  /** `field` / `message` pairs, one per problem. */
  readonly problems: { field: string; message: string }[];
  /** Creates the error; `where` names the template or its file. */
  constructor(where: string, problems: { field: string; message: string }[]) {
    super(
      `Template ${where} is invalid:\n` + problems.map((p) => `${p.field}\n  ${p.message}`).join("\n") +
        "\nFix the template and try again",
    );
    this.problems = problems;
  }
}

/** The template uses variables that have no `-p` value and no default. */
export class MissingVariablesError extends LlmError {
  /** The variables without a value. */
  readonly names: string[];
  /** Creates the error for `names`. */
  constructor(names: string[]) {
    // The message is Python llm's, word for word: scripts may match it.
    super(`Missing variables: ${names.join(", ")}`);
    this.names = names;
  }
}

const isDict = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

// Pydantic's lax boolean parsing.
const TRUE_WORDS = ["1", "on", "t", "true", "y", "yes"];
const FALSE_WORDS = ["0", "off", "f", "false", "n", "no"];

function checkField(kind: FieldKind, value: unknown): { value?: unknown; message?: string } {
  switch (kind) {
    case "str":
      return typeof value === "string" ? { value } : { message: "Input should be a valid string" };
    case "dict":
      return isDict(value) ? { value } : { message: "Input should be a valid dictionary" };
    case "bool": {
      if (typeof value === "boolean") return { value };
      const word = typeof value === "number"
        ? String(value)
        : typeof value === "string"
        ? value.toLowerCase()
        : "";
      if (TRUE_WORDS.includes(word)) return { value: true };
      if (FALSE_WORDS.includes(word)) return { value: false };
      return { message: "Input should be a valid boolean" };
    }
    case "strList":
      if (!Array.isArray(value)) return { message: "Input should be a valid list" };
      return value.every((v) => typeof v === "string")
        ? { value }
        : { message: "Every item should be a valid string" };
    case "attachmentTypes":
      if (!Array.isArray(value)) return { message: "Input should be a valid list" };
      return value.every((v) => isDict(v) && typeof v.type === "string" && typeof v.value === "string")
        ? { value: value.map((v) => ({ type: v.type, value: v.value })) }
        : { message: "Every item should be a mapping with string 'type' and 'value' keys" };
  }
}

/** A loaded, checked template. */
export class Template {
  /** Its name: the file name without `.yaml`, a path, a URL or `prefix:rest`. */
  readonly name: string;
  /** Its fields. */
  readonly data: Readonly<TemplateData>;
  /**
   * True when it came from the user's own disk (a name or a path), so its `functions:` code may be run. Templates
   * from URLs and plugin loaders are never trusted.
   */
  functionsTrusted: boolean;

  /** Creates a template from fields already checked; use {@link Template.fromData} for raw input. */
  constructor(name: string, data: TemplateData, functionsTrusted = false) {
    this.name = name;
    this.data = data;
    this.functionsTrusted = functionsTrusted;
  }

  /**
   * Checks raw data (parsed YAML, or what a plugin loader returned): a string is a prompt; a mapping may hold
   * only the template fields (plus `name`, which is replaced by `name`). `null` values count as absent.
   * @throws {InvalidTemplateError} listing every problem.
   */
  static fromData(name: string, raw: unknown, where = `'${name}'`): Template {
    if (typeof raw === "string") return new Template(name, { prompt: raw });
    if (raw instanceof Template) return new Template(name, { ...raw.data });
    if (!isDict(raw)) {
      throw new InvalidTemplateError(where, [{
        field: "(top level)",
        message: "Input should be a mapping of template fields, or a string used as the prompt",
      }]);
    }
    const data: Record<string, unknown> = {};
    const problems: { field: string; message: string }[] = [];
    for (const [key, value] of Object.entries(raw)) {
      if (key === "name") continue;
      if (!(key in KINDS)) {
        problems.push({ field: key, message: "Extra inputs are not permitted" });
        continue;
      }
      if (value === null || value === undefined) continue;
      const checked = checkField(KINDS[key as keyof TemplateData], value);
      if (checked.message) problems.push({ field: key, message: checked.message });
      else data[key] = checked.value;
    }
    if (problems.length) throw new InvalidTemplateError(where, problems);
    return new Template(name, data as TemplateData);
  }

  /**
   * Loads a template as `llm -t` does: a name in the templates directory, a path, a URL or `prefix:rest` for
   * a plugin's loader.
   *
   * @example
   * ```ts ignore
   * import { Template } from "./template.ts";
   * const template = await Template.load("summarize");
   * console.log(template.variables(), template.evaluate("some text", {}));
   * ```
   * @throws {import("./load.ts").TemplateLoadError} when it cannot be found or read.
   */
  static async load(name: string): Promise<Template> {
    const { loadTemplate } = await lazyImport<typeof import("./load.ts")>("./load.ts", import.meta.url);
    return await loadTemplate(name);
  }

  /** The variables its prompt and system prompt use (`$name`, `${name}`), `input` included. */
  variables(): string[] {
    const names: string[] = [];
    for (const text of [this.data.prompt, this.data.system]) {
      for (const name of text ? templateVariables(text) : []) if (!names.includes(name)) names.push(name);
    }
    return names;
  }

  /**
   * Fills in the prompt and system prompt, as Python's `Template.evaluate`: `params` (from `-p`) win over
   * `defaults`, `input` is the typed input. A template with no prompt sends the input as the prompt.
   * @throws {MissingVariablesError} when a variable has no value.
   */
  evaluate(input: string, params: Record<string, unknown>): { prompt?: string; system?: string } {
    const values: Record<string, unknown> = { ...(this.data.defaults ?? {}), ...params, input };
    const fill = (text: string | undefined) => {
      if (!text) return text;
      const missing = templateVariables(text).filter((name) => !Object.hasOwn(values, name));
      if (missing.length) throw new MissingVariablesError(missing);
      return substitute(text, values);
    };
    if (!this.data.prompt) return { prompt: input, system: fill(this.data.system) };
    return { prompt: fill(this.data.prompt), system: fill(this.data.system) };
  }

  /**
   * Applies the template to what was typed, as `llm -t` does: the typed text fills `$input` when the template
   * uses it, and is otherwise added after the template's prompt on a new line; `-s` wins over the template's
   * system prompt.
   * @throws {MissingVariablesError} when a variable has no value.
   */
  apply(
    typed: string | undefined,
    system: string | undefined,
    params: Record<string, unknown>,
  ): { prompt?: string; system?: string } {
    const usesInput = this.variables().includes("input");
    const evaluated = this.evaluate(usesInput ? typed ?? "" : "", params);
    let prompt = typed;
    if (evaluated.prompt) prompt = typed && !usesInput ? `${evaluated.prompt}\n${typed}` : evaluated.prompt;
    return { prompt, system: system || evaluated.system || undefined };
  }

  /** Its fields in Python's order with `name` first, as `llm templates show` prints them (before sorting). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name };
    for (const field of TEMPLATE_FIELDS) if (this.data[field] !== undefined) out[field] = this.data[field];
    return out;
  }
}
