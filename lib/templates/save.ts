/**
 * Writing a template file for `llm ... --save NAME`: the given fields in the order Python `llm` writes them,
 * as YAML that Python `llm` (PyYAML) reads back to the same values.
 * @module
 */
import { dumpYaml } from "../compat/pyyaml_dump.ts";
import type { JsonValue } from "../compat/json_value.ts";
import { LlmError } from "../models/errors.ts";
import { templateFile } from "./load.ts";
import type { TemplateData } from "./template.ts";

/** The order `--save` writes fields in (Python `llm`'s). */
const SAVE_ORDER: readonly (keyof TemplateData)[] = [
  "model",
  "prompt",
  "system",
  "defaults",
  "extract",
  "extract_last",
  "schema_object",
  "fragments",
  "system_fragments",
  "functions",
  "tools",
  "attachments",
  "attachment_types",
  "options",
];

/** A template name that cannot be a file name. */
export class InvalidTemplateNameError extends LlmError {
  /** Creates the error for `name`. */
  constructor(name: string) {
    super(`Template name '${name}' cannot be used: give a name without slashes, such as 'summarize'`);
  }
}

/** The YAML text of a template's fields, in `--save` order (absent fields left out). */
export function templateYaml(data: TemplateData): string {
  const ordered: Record<string, JsonValue> = {};
  for (const key of SAVE_ORDER) {
    if (data[key] !== undefined) ordered[key] = data[key] as JsonValue;
  }
  return Object.keys(ordered).length ? dumpYaml(ordered, { indent: 4 }) : "{}\n";
}

/** Writes `<user_dir>/templates/<name>.yaml`; returns its path. */
export async function saveTemplateFile(name: string, data: TemplateData): Promise<string> {
  if (!name || /[\\/]/.test(name) || name === "." || name === "..") throw new InvalidTemplateNameError(name);
  const path = templateFile(name);
  await Deno.writeTextFile(path, templateYaml(data));
  return path;
}
