/**
 * `llm aliases`: list, set and remove model aliases (the providers' and the user's aliases.json), with
 * Python llm 0.32's output.
 *
 * @module
 */
import { getModelAliases, getModelsWithAliases, removeAlias, setAlias } from "../../../default_registry.ts";
import { LlmError } from "../../../models/errors.ts";
import { aliasesPath as aliasesFile } from "../../../user/aliases.ts";
import type { CommandContext } from "../../../commands/spec.ts";
import { modelMatchesQueries } from "../../../models/model_registry.ts";
import { pythonJsonDumps } from "../../../compat/python_json.ts";
import { getEmbeddingModelAliases } from "../../../embeddings/registry.ts";

/** `llm aliases set ALIAS` was given neither a model id nor a `-q` query. */
export class MissingAliasTargetError extends LlmError {
  /** Creates the error for `alias`. */
  constructor(readonly alias: string) {
    super(
      `You must provide a model_id or at least one -q option, e.g. 'llm aliases set ${alias} gpt-4o-mini'`,
    );
  }
}

/** No model matches every `-q` query of `llm aliases set`. */
export class NoModelMatchesError extends LlmError {
  /** Creates the error for `queries`. */
  constructor(readonly queries: string[]) {
    super(`No model found matching query: ${queries.join(", ")}. Run 'llm models' to list models`);
  }
}

/**
 * Every alias with the id of its model, in the order Python llm lists them: model by model in registration
 * order, provider aliases first, then the user's. Aliases equal to a model id are left out.
 */
export function listAliases(): [alias: string, modelId: string][] {
  const map = new Map<string, string>();
  for (const { model, aliases } of getModelsWithAliases()) {
    for (const alias of aliases) map.set(alias, model.id);
    map.set(model.id, model.id);
  }
  return [...map].filter(([alias, id]) => alias !== id);
}

/**
 * The aliases as a JSON object indented by 4, as Python's `json.dumps(indent=4)` writes it: in list order
 * (a plain object would move keys such as `"4"` to the front).
 */
function aliasesJson(aliases: [string, string][]): string {
  return pythonJsonDumps(new Map(aliases), { indent: 4 });
}

/** `llm aliases list [--json]`: `alias : model_id` lines padded to the longest alias, or a JSON object. */
export async function aliasesList(ctx: CommandContext): Promise<void> {
  // Embedding models' aliases follow, marked `(embedding)`, as in Python llm.
  const chat = listAliases().map(([alias, id]) => [alias, id, ""]);
  const embedding = [...await getEmbeddingModelAliases()].filter(([alias, model]) => alias !== model.id)
    .map(([alias, model]) => [alias, model.id, " (embedding)"]);
  const all = [...chat, ...embedding];
  if (ctx.values.json) {
    const map = new Map<string, string>();
    for (const [alias, id] of all) map.set(alias, id);
    ctx.io.stdout.write(aliasesJson([...map]) + "\n");
    return;
  }
  const width = Math.max(0, ...all.map(([alias]) => alias.length));
  for (const [alias, id, kind] of all) ctx.io.stdout.write(`${alias.padEnd(width)} : ${id}${kind}\n`);
}

/**
 * `llm aliases set ALIAS [MODEL_ID] [-q ...]`: points an alias at a model. A MODEL_ID that is not a known
 * model is stored as given, with a warning; with `-q` instead, the first model matching every query is used.
 * @throws {MissingAliasTargetError} with neither MODEL_ID nor `-q`.
 * @throws {NoModelMatchesError} when no model matches the queries.
 */
export function aliasesSet(ctx: CommandContext): Promise<void> {
  const alias = String(ctx.args.alias);
  const modelId = ctx.args.model_id as string | undefined;
  const queries = (ctx.values.query as string[] | undefined) ?? [];
  if (modelId) {
    // Kept as given, as Python llm does (a plugin may add the model later), but said.
    if (!getModelAliases().has(modelId)) {
      ctx.io.stderr.write(
        `Warning: No model '${modelId}' is known; alias '${alias}' was set anyway, for a model a plugin may ` +
          "add later. Run 'llm models' to list models\n",
      );
    }
    setAlias(alias, modelId);
    return Promise.resolve();
  }
  if (queries.length === 0) throw new MissingAliasTargetError(alias);
  const found = getModelsWithAliases().find((entry) => modelMatchesQueries(entry, queries));
  if (!found) throw new NoModelMatchesError(queries);
  setAlias(alias, found.model.id);
  ctx.io.stderr.write(`Alias '${alias}' set to model '${found.model.id}'\n`);
  return Promise.resolve();
}

/**
 * `llm aliases remove ALIAS`: removes an alias from aliases.json.
 * @throws {UnknownAliasError} when aliases.json has no such alias.
 */
export function aliasesRemove(ctx: CommandContext): Promise<void> {
  removeAlias(String(ctx.args.alias));
  return Promise.resolve();
}

/** `llm aliases path`: the path of aliases.json. */
export function aliasesPath(ctx: CommandContext): Promise<void> {
  ctx.io.stdout.write(`${aliasesFile()}\n`);
  return Promise.resolve();
}
