/**
 * `llm templates`: list, show, edit and locate the prompt templates in `<user_dir>/templates`, and list the
 * template loaders plugins provide, as Python `llm` 0.32 does.
 * @module
 */
import { lazyImport } from "../../../lazy_import.ts";
import { LlmError } from "../../../models/errors.ts";
import { templateLoaderRegistry } from "../../../loaders/registries.ts";
import { dumpYaml } from "../../../compat/pyyaml_dump.ts";
import type { JsonValue } from "../../../compat/json_value.ts";
import { loadTemplate, NoSuchTemplateError, templatesDir } from "../../../templates/load.ts";
import type { Template } from "../../../templates/template.ts";
import type { CommandContext } from "../../../commands/spec.ts";

/** `llm templates show` was given a template that does not exist. */
export class TemplateNotFoundError extends LlmError {
  /** Creates the error for `name`. */
  constructor(name: string) {
    super(`Template '${name}' not found or invalid. Run 'llm templates list' to see your templates`);
  }
}

/** The editor did not exit cleanly. */
export class EditorError extends LlmError {
  /** Creates the error for `editor` and its exit `code`. */
  constructor(editor: string, code: number) {
    super(`The editor '${editor}' exited with code ${code}; set $EDITOR to an editor that works`);
  }
}

async function loadNamed(name: string): Promise<Template | undefined> {
  try {
    return await loadTemplate(name);
  } catch (error) {
    if (error instanceof LlmError) return undefined;
    throw error;
  }
}

/** Python's one-line summary: `system: S prompt: P`, or just the prompt; newlines become spaces. */
function summary(template: Template): string {
  const { system, prompt } = template.data;
  const text = system ? `system: ${system}` + (prompt ? ` prompt: ${prompt}` : "") : prompt ?? "";
  return text.replaceAll("\n", " ");
}

/** `llm templates list`: `name : summary` lines, names padded, cut to the terminal width. */
export async function templatesList(ctx: CommandContext): Promise<void> {
  const names: string[] = [];
  for (const entry of Deno.readDirSync(templatesDir())) {
    if (entry.name.endsWith(".yaml") && !entry.isDirectory) names.push(entry.name.slice(0, -".yaml".length));
  }
  const pairs: [string, string][] = [];
  for (const name of names) {
    const template = await loadNamed(name);
    if (template) pairs.push([name, summary(template)]);
  }
  if (!pairs.length) return;
  const width = Math.max(...pairs.map(([name]) => name.length));
  const columns = ctx.io.columns();
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  for (const [name, text] of pairs) {
    const line = `${name.padEnd(width)} : ${text}`;
    const chars = [...line];
    ctx.io.stdout.write(
      (chars.length > columns ? chars.slice(0, columns - 3).join("") + "..." : line) + "\n",
    );
  }
}

/** Sorts mapping keys at every level, as PyYAML's `yaml.dump` does by default. */
function sortedKeys(value: unknown): JsonValue {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortedKeys(v)]));
  }
  return value as JsonValue;
}

/** `llm templates show NAME`: the template's fields (with its name) as YAML, keys sorted. */
export async function templatesShow(ctx: CommandContext): Promise<void> {
  const name = ctx.args.name as string;
  let template: Template;
  try {
    template = await loadTemplate(name);
  } catch (error) {
    // A file that exists but is broken gets its own message, naming the file and the problem.
    throw error instanceof NoSuchTemplateError ? new TemplateNotFoundError(name) : error;
  }
  ctx.io.stdout.write(dumpYaml(sortedKeys(template.toJSON()), { indent: 4 }) + "\n");
}

/** The editor command: `$VISUAL`, `$EDITOR`, else `vi` (`notepad` on Windows), as click picks it. */
function editorCommand(): string {
  return Deno.env.get("VISUAL") || Deno.env.get("EDITOR") || (Deno.build.os === "windows" ? "notepad" : "vi");
}

async function runEditor(path: string): Promise<void> {
  const editor = editorCommand();
  const windows = Deno.build.os === "windows";
  // Through the shell, like click: EDITOR may hold arguments ("code --wait").
  const { code } = await new Deno.Command(windows ? "cmd" : "sh", {
    args: windows ? ["/c", `${editor} "${path}"`] : ["-c", `${editor} "$1"`, "llm-editor", path],
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) throw new EditorError(editor, code);
}

/** `llm templates edit NAME`: creates the file with `prompt: ` if needed, opens `$EDITOR`, then checks it. */
export async function templatesEdit(ctx: CommandContext): Promise<void> {
  const name = ctx.args.name as string;
  const { templateFile } = await lazyImport<typeof import("../../../templates/load.ts")>(
    "../../../templates/load.ts",
    import.meta.url,
  );
  const path = templateFile(name);
  try {
    await Deno.writeTextFile(path, "prompt: ", { createNew: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
  }
  await runEditor(path);
  await loadTemplate(name);
}

/** `llm templates path`: the templates directory (created if missing). */
export function templatesPath(ctx: CommandContext): Promise<void> {
  ctx.io.stdout.write(templatesDir() + "\n");
  return Promise.resolve();
}

/** Python's `textwrap.dedent(doc).strip()` indented by two spaces, or `Undocumented`. */
export function loaderDescription(description: string): string {
  const lines = description.split("\n");
  const indents = lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length);
  const margin = indents.length ? Math.min(...indents) : 0;
  const text = lines.map((l) => (l.trim() ? l.slice(margin) : "")).join("\n").trim();
  return (text || "Undocumented").split("\n").map((l) => (l.trim() ? `  ${l}` : l)).join("\n");
}

/** `llm templates loaders`: each plugin prefix and what it loads. */
export async function templatesLoaders(ctx: CommandContext): Promise<void> {
  const entries = await templateLoaderRegistry.entries();
  if (!entries.length) {
    ctx.io.stdout.write("No template loaders found\n");
    return;
  }
  for (const entry of entries) {
    ctx.io.stdout.write(`${entry.prefix}:\n${loaderDescription(entry.description)}\n`);
  }
}
