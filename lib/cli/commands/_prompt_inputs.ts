/**
 * The extra inputs of `llm prompt` and `llm chat` beyond text and system: templates (`-t`, `-p`, `--save`),
 * fragments (`-f`, `--sf`) and schemas (`--schema`). Each is filled in by its own feature; until then the
 * flag gives a clear error.
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { LlmError } from "../../models/errors.ts";
import type { Model } from "../../models/model.ts";
import type { Response } from "../../models/response.ts";
import type { CommandContext } from "../spec.ts";

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
  /** Records what was used (fragments) once the response is logged. */
  afterLog?: (db: DatabaseSync, response: Response) => Promise<void>;
}

function given(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}

/** The template named by `-t`, if any. */
export function loadTemplateFor(ctx: CommandContext): Promise<AppliedTemplate | undefined> {
  if (given(ctx.values.template)) throw new UnsupportedFlagError("-t/--template");
  if (given(ctx.values.param)) throw new UnsupportedFlagError("-p/--param");
  return Promise.resolve(undefined);
}

/** Resolves `-f`, `--sf` and `--schema`. */
export function resolveInputs(ctx: CommandContext, _model: Model): Promise<ResolvedInputs> {
  if (given(ctx.values.fragment)) throw new UnsupportedFlagError("-f/--fragment");
  if (given(ctx.values.systemFragment)) throw new UnsupportedFlagError("--sf/--system-fragment");
  if (given(ctx.values.schema) || given(ctx.values.schemaMulti)) throw new UnsupportedFlagError("--schema");
  return Promise.resolve({ fragments: [], systemFragments: [], hasInput: false });
}

/** Saves the prompt's settings as a template (`--save NAME`). */
export function saveTemplate(
  _ctx: CommandContext,
  _model: Model,
  _settings: { prompt?: string; system?: string; options: [string, string][] },
): Promise<void> {
  throw new UnsupportedFlagError("--save");
}
