/**
 * From `llm prompt` / `llm chat` flags to the library's prompt pipeline: the {@link PromptRequest} they make,
 * the session they run in, `--save` (a template from the flags), and chat's `!fragment` lines.
 * @module
 */
import { lazyImport } from "../../../lazy_import.ts";
import "../../../deps/sqlite_ready.ts"; // node:sqlite loaded before this module opens a database
import { LlmError } from "../../../models/errors.ts";
import type { Fragment } from "../../../models/fragment.ts";
import type { PromptRequest } from "../../../prompting/request.ts";
import { PromptSession } from "../../../prompting/session.ts";
import { chooseModel } from "../../../prompting/model_choice.ts";
import { readStdinText } from "../../io.ts";
import type { CommandContext } from "../../../commands/spec.ts";
import type { Attachment } from "../../../attachments/attachment.ts";
import type { FlagAttachments } from "./_attachments.ts";

/** A flag this version does not support yet. */
export class UnsupportedFlagError extends LlmError {
  /** Creates the error for `flag`. */
  constructor(flag: string) {
    super(`${flag} is not supported yet by llm for Deno`);
  }
}

type Values = Record<string, unknown>;

function list(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function pairs(value: unknown): [string, string][] {
  return (value as [string, string][] | undefined) ?? [];
}

/** Refuses flags given for features this version does not have yet. */
export function refuseUnsupported(v: Values, flags: [string, string][]): void {
  for (const [key, flag] of flags) {
    const value = v[key];
    if (Array.isArray(value) ? value.length : value) throw new UnsupportedFlagError(flag);
  }
}

/** `--save` cannot be combined with a template or a conversation (Python llm's message). */
function checkSave(v: Values): void {
  if (!v.save) return;
  const clash = [["--template", v.template], ["--continue", v.continue], ["--cid", v.conversation]]
    .filter(([, value]) => value).map(([flag]) => flag);
  if (clash.length) throw new LlmError(`--save cannot be used with ${clash.join(", ")}`);
}

/**
 * The session a command's prompts run in: its `-d` database, and logging as `-n`/`--log` (or `llm logs`)
 * say; `alwaysLog` for `llm chat`, which logs whatever `llm logs off` says, as Python llm does.
 */
export function sessionFor(ctx: CommandContext, alwaysLog = false): PromptSession {
  const v = ctx.values as Values;
  if (v.log && v.noLog) throw new LlmError("--log and --no-log are mutually exclusive");
  checkSave(v);
  const log = v.noLog ? false : v.log || alwaysLog ? true : undefined;
  return new PromptSession({
    database: v.database as string | undefined,
    log,
    // A logs.db a newer llm changed so that turns do not fit: the prompt runs, and one line says why.
    warn: (message) => ctx.io.stderr.write(`Warning: ${message}\n`),
  });
}

/** The prompt request the flags make (the prompt text is added by the command). */
export function requestFrom(ctx: CommandContext): PromptRequest {
  const v = ctx.values as Values;
  return {
    model: v.model as string | undefined,
    query: list(v.query),
    template: v.template as string | undefined,
    params: Object.fromEntries(pairs(v.param)),
    system: v.system as string | undefined,
    fragments: list(v.fragment),
    systemFragments: list(v.systemFragment),
    options: Object.fromEntries(pairs(v.option)),
    schema: (v.schemaMulti ?? v.schema) as string | undefined,
    schemaMulti: v.schemaMulti !== undefined,
    continue: (v.conversation as string | undefined) ?? (v.continue ? true : undefined),
    key: v.key as string | undefined,
    tools: list(v.tool),
    functions: list(v.functions),
    hideReasoning: Boolean(v.hideReasoning),
    readStdin: () => readStdinText(ctx.io),
  };
}

/**
 * Handles chat lines that start with `!fragment a b ...`: the fragments they name are resolved, and the other
 * lines are kept as the prompt (Python llm's `process_fragments_in_chat`).
 */
export async function chatFragments(
  ctx: CommandContext,
  session: PromptSession,
  text: string,
): Promise<{ prompt: string; fragments: Fragment[]; attachments: Attachment[] }> {
  const { resolveFragmentInputs } = await lazyImport<typeof import("../../../prompting/prepare.ts")>(
    "../../../prompting/prepare.ts",
    import.meta.url,
  );
  const kept: string[] = [];
  const fragments: Fragment[] = [];
  const attachments: Attachment[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line.startsWith("!fragment ")) {
      kept.push(line);
      continue;
    }
    const names = line.trim().slice("!fragment ".length).split(/\s+/).filter(Boolean);
    const resolved = await resolveFragmentInputs(session, names, { readStdin: () => readStdinText(ctx.io) });
    fragments.push(...resolved.fragments);
    // Attachments a fragment loader returns go with this message, as in Python llm.
    attachments.push(...resolved.attachments);
  }
  return { prompt: kept.join("\n"), fragments, attachments };
}

/**
 * The `--functions` values as one block of code for a template: a file's contents rather than its path (Python
 * `llm` saves the path itself, which the template cannot run later).
 */
async function functionsSource(values: string[]): Promise<string> {
  const { readFunctionsSource } = await lazyImport<typeof import("../../../tools/functions/load.ts")>(
    "../../../tools/functions/load.ts",
    import.meta.url,
  );
  const blocks = [];
  for (const value of values) blocks.push((await readFunctionsSource(value)).code.trimEnd());
  return blocks.join("\n\n");
}

/**
 * Saves the prompt's settings as a template (`--save NAME`): the model when `-m`/`-q` chose one, the prompt
 * and system, `-p` defaults, the extract flags, the schema, the fragments as given (not resolved: a template
 * keeps its paths and URLs, as in Python llm) and the typed options.
 */
export async function saveTemplate(
  ctx: CommandContext,
  session: PromptSession,
  settings: { prompt?: string; system?: string; attachments?: FlagAttachments },
): Promise<void> {
  const v = ctx.values as Values;
  const request = requestFrom(ctx);
  const model = chooseModel({ model: request.model, query: request.query });
  const { saveTemplateFile } = await lazyImport<typeof import("../../../templates/save.ts")>(
    "../../../templates/save.ts",
    import.meta.url,
  );
  const data: import("../../../templates/template.ts").TemplateData = {};
  if (v.model || list(v.query).length) data.model = model.id;
  if (settings.prompt) data.prompt = settings.prompt;
  if (settings.system) data.system = settings.system;
  if (list(v.param).length) data.defaults = request.params;
  if (v.extract) data.extract = true;
  if (v.extractLast) data.extract_last = true;
  if (request.schema) {
    const { multiSchema, resolveSchemaInput } = await lazyImport<
      typeof import("../../../schemas/schema_input.ts")
    >("../../../schemas/schema_input.ts", import.meta.url);
    const schema = await resolveSchemaInput(request.schema as string, () => session.existingDb());
    data.schema_object = request.schemaMulti ? multiSchema(schema) : schema;
  }
  if (request.fragments?.length) data.fragments = request.fragments;
  if (request.systemFragments?.length) data.system_fragments = request.systemFragments;
  if (request.functions?.length) data.functions = await functionsSource(request.functions);
  if (request.tools?.length) data.tools = request.tools;
  // As Python llm: attachments with a path or URL are kept (stdin ones cannot be).
  const saved = (list: Attachment[]) => list.filter((a) => a.path || a.url);
  const plain = saved(settings.attachments?.plain ?? []);
  if (plain.length) data.attachments = plain.map((a) => a.path ?? a.url!);
  const typed = saved(settings.attachments?.typed ?? []);
  if (typed.length) data.attachment_types = typed.map((a) => ({ type: a.type!, value: a.path ?? a.url! }));
  if (Object.keys(request.options ?? {}).length) {
    const { validateOptions } = await lazyImport<typeof import("../../../models/options.ts")>(
      "../../../models/options.ts",
      import.meta.url,
    );
    const typed = await validateOptions(model.options, request.options!, model.id);
    if (Object.keys(typed).length) data.options = typed;
  }
  await saveTemplateFile(v.save as string, data);
}
