/**
 * The extra inputs of `llm prompt` and `llm chat` beyond text and system: templates (`-t`, `-p`, `--save`),
 * fragments (`-f`, `--sf`, chat's `!fragment`) and schemas (`--schema`, `--schema-multi`, a template's
 * `schema_object`). The commands call these hooks; everything heavy is imported lazily.
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { LlmError } from "../../../models/errors.ts";
import type { Model } from "../../../models/model.ts";
import type { Response } from "../../../models/response.ts";
import type { Fragment } from "../../../fragments/fragment.ts";
import type { Template } from "../../../templates/template.ts";
import { readStdinText } from "../../io.ts";
import type { CommandContext } from "../../../commands/spec.ts";

/** A flag this version does not support yet. */
export class UnsupportedFlagError extends LlmError {
  /** Creates the error for `flag`. */
  constructor(flag: string) {
    super(`${flag} is not supported yet by llm for Deno`);
  }
}

/** A template, ready to apply to the typed input. */
export interface AppliedTemplate {
  /** The template's model, if it names one. */
  model?: string;
  /** Its default options, as `-o` pairs (the command line's `-o` pairs come after and win). */
  options: [string, string][];
  /** Print only the first fenced code block. */
  extract?: boolean;
  /** Print only the last fenced code block. */
  extractLast?: boolean;
  /** Turns the typed input and `-s` into the prompt and system to send. */
  apply(input: string | undefined, system: string | undefined): { prompt?: string; system?: string };
}

/** Fragments, system fragments and a schema resolved from the command line. */
export interface ResolvedInputs {
  /** Fragment texts, placed before the prompt. */
  fragments: string[];
  /** System fragment texts, placed before the system prompt. */
  systemFragments: string[];
  /** A JSON Schema for the output. */
  schema?: Record<string, unknown>;
  /** True when these inputs make a prompt without typed text (so stdin is not waited for). */
  hasInput: boolean;
  /** Records what was used (fragments) once the response is logged. Call it for every logged response. */
  afterLog?: (db: DatabaseSync, response: Response) => Promise<void>;
}

type Values = Record<string, unknown>;

/** The template each command invocation loaded, for {@link resolveInputs}. */
const templates = new WeakMap<CommandContext, Template>();

/** The schema each invocation resolved, for {@link saveTemplate}. */
const schemas = new WeakMap<CommandContext, Record<string, unknown>>();

/** Where each fragment text came from, for the `fragments` table when it is logged. */
const sources = new Map<string, string>();

function list(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function params(v: Values): Record<string, string> {
  return Object.fromEntries((v.param as [string, string][] | undefined) ?? []);
}

/** `--save` cannot be combined with a template or a conversation (Python llm's message). */
function checkSave(v: Values): void {
  if (!v.save) return;
  const clash = [["--template", v.template], ["--continue", v.continue], ["--cid", v.conversation]]
    .filter(([, value]) => value).map(([flag]) => flag);
  if (clash.length) throw new LlmError(`--save cannot be used with ${clash.join(", ")}`);
}

function checkSupported(template: Template): void {
  const { tools, attachments, attachment_types: types, functions } = template.data;
  const unsupported = [
    tools?.length ? "tools" : "",
    attachments?.length || types?.length ? "attachments" : "",
    functions && template.functionsTrusted ? "functions" : "",
  ].filter(Boolean);
  if (unsupported.length) {
    throw new LlmError(
      `Template '${template.name}' uses ${
        unsupported.join(" and ")
      }, which llm for Deno does not support yet; ` +
        "remove them from the template to use it",
    );
  }
}

/** The template named by `-t`, if any. */
export async function loadTemplateFor(ctx: CommandContext): Promise<AppliedTemplate | undefined> {
  const v = ctx.values as Values;
  checkSave(v);
  const name = v.template as string | undefined;
  if (!name) return undefined;
  const { loadTemplate } = await import("../../../templates/load.ts");
  const template = await loadTemplate(name);
  checkSupported(template);
  templates.set(ctx, template);
  const values = params(v);
  return {
    model: template.data.model,
    options: Object.entries(template.data.options ?? {}).map((
      [key, value],
    ) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
    extract: template.data.extract,
    extractLast: template.data.extract_last,
    apply: (input, system) => template.apply(input, system, values),
  };
}

function openDb(v: Values): Promise<DatabaseSync> {
  return import("../../../logs/db.ts").then(({ logsDbPath, openLogsDb }) =>
    openLogsDb((v.database as string | undefined) ?? logsDbPath())
  );
}

/** Resolves fragment values against logs.db, noting their sources for logging. */
async function resolveTexts(
  ctx: CommandContext,
  values: string[],
  allowAttachments: boolean,
): Promise<string[]> {
  if (!values.length) return [];
  const { resolveFragments } = await import("../../../fragments/resolve.ts");
  const db = await openDb(ctx.values as Values);
  try {
    const resolved = await resolveFragments(values, {
      db,
      allowAttachments,
      readStdin: () => readStdinText(ctx.io),
    });
    if (resolved.attachments.length) {
      throw new LlmError(
        "A fragment loader returned an attachment, which llm for Deno does not support yet; use a text fragment",
      );
    }
    for (const f of resolved.fragments) if (!sources.has(f.content)) sources.set(f.content, f.source);
    return resolved.fragments.map((f) => f.content);
  } finally {
    db.close();
  }
}

/** Stores the fragments `response` was sent and links them to its logged turn. */
async function recordFragments(db: DatabaseSync, response: Response): Promise<void> {
  const { fragments, systemFragments } = response.prompt;
  if (!fragments.length && !systemFragments.length) return;
  const { recordTurnFragments } = await import("../../../fragments/record.ts");
  const withSource = (content: string): Fragment => ({ content, source: sources.get(content) ?? "" });
  await recordTurnFragments(db, response.id, {
    prompt: fragments.map(withSource),
    system: systemFragments.map(withSource),
  });
}

/** `--schema` or `--schema-multi`, resolved; a template's `schema_object` wins, as in Python llm. */
async function schemaFor(
  v: Values,
  template: Template | undefined,
): Promise<Record<string, unknown> | undefined> {
  if (template?.data.schema_object) return template.data.schema_object;
  const input = (v.schemaMulti ?? v.schema) as string | undefined;
  if (!input) return undefined;
  const { multiSchema, resolveSchemaInput } = await import("../../../schemas/schema_input.ts");
  const db = await openDb(v);
  try {
    const schema = await resolveSchemaInput(input, db);
    return v.schemaMulti ? multiSchema(schema) : schema;
  } finally {
    db.close();
  }
}

/** Resolves `-f`, `--sf` (after the template's own fragments) and `--schema` (or the template's schema). */
export async function resolveInputs(ctx: CommandContext, model: Model): Promise<ResolvedInputs> {
  const v = ctx.values as Values;
  const template = templates.get(ctx);
  const fragmentValues = [...(template?.data.fragments ?? []), ...list(v.fragment)];
  const systemValues = [...(template?.data.system_fragments ?? []), ...list(v.systemFragment)];
  const schema = await schemaFor(v, template);
  if (schema) schemas.set(ctx, schema);
  if (schema && !model.supportsSchema && !v.save) {
    throw new LlmError(
      `${model.label} does not support schemas. Run 'llm models --schemas' to list the models that do`,
    );
  }
  if (v.save) {
    // Saved as given, not resolved: a template keeps the paths and URLs, as in Python llm.
    return { fragments: [], systemFragments: [], schema, hasInput: fragmentValues.length > 0 };
  }
  const fragments = await resolveTexts(ctx, fragmentValues, true);
  const systemFragments = await resolveTexts(ctx, systemValues, false);
  return {
    fragments,
    systemFragments,
    schema,
    // A template with its own prompt and no $input needs no typed text either (Python llm does not wait).
    hasInput: fragments.length > 0 || schema !== undefined ||
      Boolean(template?.data.prompt && !template.variables().includes("input")),
    afterLog: recordFragments,
  };
}

/**
 * Handles chat lines that start with `!fragment a b ...`: the fragments they name are resolved, and the other
 * lines are kept as the prompt (Python llm's `process_fragments_in_chat`).
 */
export async function chatFragments(
  ctx: CommandContext,
  text: string,
): Promise<{ prompt: string; fragments: string[] }> {
  const kept: string[] = [];
  const fragments: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.startsWith("!fragment ")) {
      kept.push(line);
      continue;
    }
    const names = line.trim().slice("!fragment ".length).split(/\s+/).filter(Boolean);
    fragments.push(...await resolveTexts(ctx, names, true));
  }
  return { prompt: kept.join("\n"), fragments };
}

/** Saves the prompt's settings as a template (`--save NAME`). */
export async function saveTemplate(
  ctx: CommandContext,
  model: Model,
  settings: { prompt?: string; system?: string; options: [string, string][] },
): Promise<void> {
  const v = ctx.values as Values;
  const { saveTemplateFile } = await import("../../../templates/save.ts");
  const data: import("../../../templates/template.ts").TemplateData = {};
  if (v.model || list(v.query).length) data.model = model.id;
  if (settings.prompt) data.prompt = settings.prompt;
  if (settings.system) data.system = settings.system;
  if (list(v.param).length) data.defaults = params(v);
  if (v.extract) data.extract = true;
  if (v.extractLast) data.extract_last = true;
  if (schemas.has(ctx)) data.schema_object = schemas.get(ctx);
  if (list(v.fragment).length) data.fragments = list(v.fragment);
  if (list(v.systemFragment).length) data.system_fragments = list(v.systemFragment);
  if (settings.options.length) {
    const { validateOptions } = await import("../../../models/options.ts");
    const typed = await validateOptions(model.options, Object.fromEntries(settings.options), model.id);
    if (Object.keys(typed).length) data.options = typed;
  }
  await saveTemplateFile(v.save as string, data);
}
