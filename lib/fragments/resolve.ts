/**
 * Turning `-f`/`--sf` values into fragments, in Python `llm`'s order: an `http(s)://` URL is fetched; `-` is
 * stdin; `prefix:rest` goes to a plugin's fragment loader (unless a file of that name exists); otherwise an
 * alias or hash stored in logs.db; otherwise a file path.
 *
 * @example
 * ```ts
 * import { resolveFragments } from "./resolve.ts";
 * const { fragments } = await resolveFragments(["./notes.md", "https://example.com/readme.txt"]);
 * ```
 * @module
 */
import "../deps/sqlite_ready.ts"; // node:sqlite loaded before this module opens a database
import type { DatabaseSync } from "node:sqlite";
import { resolve } from "node:path";
import { LlmError } from "../models/errors.ts";
import type { AttachmentLoad } from "../loaders/types.ts";
import { pluginReference } from "../loaders/prefix_registry.ts";
import { fetchText, isHttpUrl } from "../loaders/fetch_text.ts";
import type { Fragment } from "../models/fragment.ts";
import { fragmentLoaderRegistry } from "../loaders/registries.ts";
import { UnknownLoaderPrefixError } from "../loaders/prefix_registry.ts";
import { findFragment } from "../logs/fragments/store.ts";

/** A fragment value that names nothing: no URL, loader, alias, hash or file. */
export class FragmentNotFoundError extends LlmError {
  /** The value as given. */
  readonly value: string;
  /** True when the value named nothing at all (rather than a directory, an unreadable file...). */
  readonly notFound: boolean;
  /** Creates the error; `message` defaults to Python `llm`'s `Fragment 'x' not found` plus what to give. */
  constructor(value: string, message?: string) {
    super(
      message ??
        `Fragment '${value}' not found. Give a file path, a URL, '-' for stdin, or a stored alias or hash`,
    );
    this.value = value;
    this.notFound = message === undefined;
  }
}

/** Options of {@link resolveFragments}. */
export interface ResolveFragmentsOptions {
  /**
   * logs.db, where aliases and hashes are looked up (without it only URLs, stdin, loaders and files work), or
   * a function that opens it when a lookup is needed.
   */
  db?: DatabaseSync | (() => DatabaseSync | undefined);
  /** Reads stdin for `-` (default: all of `Deno.stdin`). */
  readStdin?: () => Promise<string>;
  /** Accept attachments returned by loaders (allowed for `-f`, not for `--sf`). */
  allowAttachments?: boolean;
  /** Aborts URL fetches. */
  signal?: AbortSignal;
}

/** Resolved fragments, and any attachments loaders returned. */
export interface ResolvedFragments {
  /** The fragments, in the order given. */
  fragments: Fragment[];
  /** Attachments from loaders, in order. */
  attachments: AttachmentLoad[];
}

async function readAllStdin(): Promise<string> {
  return await new Response(Deno.stdin.readable).text();
}

async function fromLoader(
  value: string,
  { prefix, rest }: { prefix: string; rest: string },
  options: ResolveFragmentsOptions,
  out: ResolvedFragments,
) {
  const entry = await fragmentLoaderRegistry.get(prefix);
  if (!entry) {
    throw new UnknownLoaderPrefixError("fragment", prefix);
  }
  let result;
  try {
    result = await entry.loader(rest);
  } catch (error) {
    throw new FragmentNotFoundError(
      value,
      `Could not load fragment ${value}: ${(error as Error)?.message ?? String(error)}`,
    );
  }
  for (const item of Array.isArray(result) ? result : [result]) {
    if (item && typeof (item as Fragment).content === "string") {
      const fragment = item as Fragment;
      out.fragments.push({ content: fragment.content, source: String(fragment.source ?? "") });
    } else if (!options.allowAttachments) {
      throw new FragmentNotFoundError(value, `Fragment loader ${prefix} returned a disallowed attachment`);
    } else {
      out.attachments.push(item as AttachmentLoad);
    }
  }
}

function fromFile(value: string): Fragment {
  let content: string;
  try {
    content = Deno.readTextFileSync(value);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new FragmentNotFoundError(value);
    if (error instanceof Deno.errors.IsADirectory || Deno.statSync(value).isDirectory) {
      throw new FragmentNotFoundError(value, `Fragment '${value}' is a directory; give a file instead`);
    }
    throw new FragmentNotFoundError(
      value,
      `Could not read fragment file ${value}: ${(error as Error).message}`,
    );
  }
  return { content, source: resolve(value) };
}

/**
 * Resolves `-f`/`--sf` values to fragments.
 * @throws {FragmentNotFoundError} for a value that names nothing, an unknown prefix or a failing loader.
 * @throws {import("../loaders/fetch_text.ts").FetchTextError} when a URL cannot be fetched.
 */
export async function resolveFragments(
  values: string[],
  options: ResolveFragmentsOptions = {},
): Promise<ResolvedFragments> {
  const out: ResolvedFragments = { fragments: [], attachments: [] };
  for (const value of values) {
    const reference = pluginReference(value);
    if (isHttpUrl(value)) {
      out.fragments.push({ content: await fetchText(value, options.signal), source: value });
    } else if (value === "-") {
      out.fragments.push({ content: await (options.readStdin ?? readAllStdin)(), source: "-" });
    } else if (reference) {
      await fromLoader(value, reference, options, out);
    } else {
      const db = typeof options.db === "function" ? options.db() : options.db;
      const stored = db ? findFragment(db, value) : undefined;
      if (stored) out.fragments.push(stored);
      else out.fragments.push(fromFile(value));
    }
  }
  return out;
}
