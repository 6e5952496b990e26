/**
 * Start-up stays light: nothing of the embeddings feature is reached statically from the CLI's entry or from
 * `llm models`, and sqlite-vec is reached from no command module statically (only `similar` imports it, at
 * run time).
 * @module
 */
import assert from "node:assert/strict";
import { staticImportGraph, staticRepoImports } from "./support/static_graph.ts";

const url = (path: string) => new URL(`../${path}`, import.meta.url);

Deno.test("cli.ts and llm models reach no module of lib/embeddings statically", async () => {
  for (const entry of ["cli.ts", "lib/cli/commands/models.ts", "lib/cli/commands/prompt.ts"]) {
    const reached = await staticRepoImports(url(entry));
    assert.deepEqual(reached.filter((p) => p.startsWith("lib/embeddings/")), [], entry);
  }
});

Deno.test("no embedding command reaches sqlite-vec statically; the search engines load lazily", async () => {
  for (const command of ["embed", "embed_multi", "similar", "embed_models", "collections"]) {
    const { modules, dynamicImports } = await staticImportGraph(url(`lib/cli/commands/${command}.ts`));
    const all = [...modules, ...dynamicImports];
    assert.deepEqual(all.filter((s) => !s.startsWith("file:") && !s.startsWith("node:")), [], command);
    assert.deepEqual(
      all.filter((s) => /search_vec|search_scan|deps\/sqlite_vec/.test(s)),
      [],
      `${command} reaches a search engine or sqlite-vec statically`,
    );
  }
});
