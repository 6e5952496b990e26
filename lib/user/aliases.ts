/**
 * User-defined model aliases in `aliases.json`, shared with Python `llm` (`{"alias": "model_id"}`, indent 4).
 * @module
 */
import { LlmError } from "../errors.ts";
import { userPath } from "./dir.ts";
import { readJsonObject, writeJsonFile } from "./json_file.ts";

/** The path of aliases.json. */
export function aliasesPath(): string {
  return userPath("aliases.json");
}

/** The user's aliases, `{alias: model_id}`; `{}` when the file does not exist. */
export function loadUserAliases(): Record<string, string> {
  const data = readJsonObject(aliasesPath()) ?? {};
  const aliases: Record<string, string> = {};
  for (const [alias, id] of Object.entries(data)) if (typeof id === "string") aliases[alias] = id;
  return aliases;
}

/** Stores `alias` for `modelId` in aliases.json. */
export function writeUserAlias(alias: string, modelId: string): void {
  const aliases = readJsonObject(aliasesPath()) ?? {};
  aliases[alias] = modelId;
  writeJsonFile(aliasesPath(), aliases, { indent: 4 });
}

/** There is no such alias in aliases.json. */
export class UnknownAliasError extends LlmError {
  /** Creates the error for `alias`. */
  constructor(readonly alias: string, readonly fileExists: boolean) {
    super(
      fileExists
        ? `No such alias: ${alias}`
        : `No aliases.json file exists, so there is no alias '${alias}' to remove`,
    );
  }
}

/** Removes `alias` from aliases.json; throws {@link UnknownAliasError} when it is not there. */
export function deleteUserAlias(alias: string): void {
  const aliases = readJsonObject(aliasesPath());
  if (!aliases || !(alias in aliases)) throw new UnknownAliasError(alias, aliases !== undefined);
  delete aliases[alias];
  writeJsonFile(aliasesPath(), aliases, { indent: 4 });
}
