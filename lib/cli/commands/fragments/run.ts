/**
 * `llm fragments`: list the fragments stored in logs.db, give them aliases, print and unalias them, and list
 * the fragment loaders plugins provide, as Python `llm` 0.32 does.
 * @module
 */
import { lazyImport } from "../../../lazy_import.ts";
import "../../../deps/sqlite_ready.ts"; // node:sqlite loaded before this module opens a database
import type { DatabaseSync } from "node:sqlite";
import { fragmentLoaderRegistry } from "../../../loaders/registries.ts";
import { truncateString } from "../../../compat/python_text.ts";
import { readStdinText } from "../../io.ts";
import { type CommandContext, UsageError } from "../../../commands/spec.ts";
import { loaderDescription } from "../templates/run.ts";
import { pythonJsonDumps } from "../../../compat/python_json.ts";

async function withDb<T>(work: (db: DatabaseSync) => Promise<T> | T): Promise<T> {
  const { logsDbPath, openLogsDb } = await lazyImport<typeof import("../../../logs/db.ts")>(
    "../../../logs/db.ts",
    import.meta.url,
  );
  const db = openLogsDb(logsDbPath());
  try {
    return await work(db);
  } finally {
    db.close();
  }
}

/** Aliases are letters, digits, `_` and `-` (a usage error otherwise, as in Python llm). */
function checkAlias(ctx: CommandContext, alias: string): void {
  if (!/^[a-zA-Z0-9_-]+$/.test(alias)) {
    throw new UsageError(
      `Invalid value for 'ALIAS': Fragment alias must be alphanumeric (letters, digits, '_' and '-'), got '${alias}'`,
      ctx.path,
    );
  }
}

/** `llm fragments list [-q X]... [--aliases] [--json]`: stored fragments, oldest first. */
export async function fragmentsList(ctx: CommandContext): Promise<void> {
  const v = ctx.values as Record<string, unknown>;
  const { listFragments } = await lazyImport<typeof import("../../../logs/fragments/store.ts")>(
    "../../../logs/fragments/store.ts",
    import.meta.url,
  );
  const rows = await withDb((db) =>
    listFragments(db, { queries: (v.query as string[]) ?? [], aliasesOnly: Boolean(v.aliases) })
  );
  if (v.json) {
    ctx.io.stdout.write(pythonJsonDumps(rows, { indent: 4 }) + "\n");
    return;
  }
  const { fragmentRowYaml } = await lazyImport<typeof import("./list_yaml.ts")>(
    "./list_yaml.ts",
    import.meta.url,
  );
  for (const row of rows) {
    const content = row.content === null ? null : truncateString(row.content);
    ctx.io.stdout.write(fragmentRowYaml({ ...row, content }) + "\n");
  }
}

/** `llm fragments set ALIAS FRAGMENT`: stores the fragment (a path, URL, alias, hash or `-`) under ALIAS. */
export async function fragmentsSet(ctx: CommandContext): Promise<void> {
  const alias = ctx.args.alias as string;
  checkAlias(ctx, alias);
  const { resolveFragments } = await lazyImport<typeof import("../../../fragments/resolve.ts")>(
    "../../../fragments/resolve.ts",
    import.meta.url,
  );
  const { ensureFragment, setFragmentAlias } = await lazyImport<
    typeof import("../../../logs/fragments/store.ts")
  >("../../../logs/fragments/store.ts", import.meta.url);
  const { writeTransaction } = await lazyImport<typeof import("../../../logs/store.ts")>(
    "../../../logs/store.ts",
    import.meta.url,
  );
  await withDb(async (db) => {
    const { fragments } = await resolveFragments([ctx.args.fragment as string], {
      db,
      readStdin: () => readStdinText(ctx.io),
    });
    await writeTransaction(db, () => setFragmentAlias(db, alias, ensureFragment(db, fragments[0])));
  });
}

/** `llm fragments show ALIAS_OR_HASH`: the fragment's text. */
export async function fragmentsShow(ctx: CommandContext): Promise<void> {
  const { resolveFragments } = await lazyImport<typeof import("../../../fragments/resolve.ts")>(
    "../../../fragments/resolve.ts",
    import.meta.url,
  );
  const { fragments } = await withDb((db) =>
    resolveFragments([ctx.args.alias_or_hash as string], { db, readStdin: () => readStdinText(ctx.io) })
  );
  ctx.io.stdout.write(fragments[0].content + "\n");
}

/** `llm fragments remove ALIAS`: deletes the alias; the fragment stays. */
export async function fragmentsRemove(ctx: CommandContext): Promise<void> {
  const alias = ctx.args.alias as string;
  checkAlias(ctx, alias);
  const { removeFragmentAlias } = await lazyImport<typeof import("../../../logs/fragments/store.ts")>(
    "../../../logs/fragments/store.ts",
    import.meta.url,
  );
  await withDb((db) => removeFragmentAlias(db, alias));
}

/** `llm fragments loaders`: each plugin prefix and what it loads, with a blank line between them. */
export async function fragmentsLoaders(ctx: CommandContext): Promise<void> {
  const entries = await fragmentLoaderRegistry.entries();
  if (!entries.length) {
    ctx.io.stdout.write("No fragment loaders found\n");
    return;
  }
  const blocks = entries.map((entry) => `${entry.prefix}:\n${loaderDescription(entry.description)}\n`);
  ctx.io.stdout.write(blocks.join("\n"));
}
