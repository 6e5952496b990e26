import assert from "node:assert/strict";
import { SQLITE_VEC_PATH_FILE, sqliteVecLibrary } from "../lib/embeddings/sqlite_vec_library.ts";
import { openEmbeddingsDb } from "../lib/embeddings/db.ts";
import { encode } from "../lib/embeddings/codec.ts";
import { searchSimilar } from "../lib/embeddings/search.ts";
import { VERSION } from "../lib/version.ts";
import { setEnv, tempUserDir } from "./support/env.ts";

function readRemembered(dir: string): Record<string, string> {
  return JSON.parse(Deno.readTextFileSync(`${dir}/${SQLITE_VEC_PATH_FILE}`));
}

function writeRemembered(dir: string, fields: Record<string, string>): void {
  const valid = { llm: VERSION, deno: Deno.version.deno, platform: `${Deno.build.os}-${Deno.build.arch}` };
  Deno.writeTextFileSync(`${dir}/${SQLITE_VEC_PATH_FILE}`, JSON.stringify({ ...valid, ...fields }));
}

Deno.test("the sqlite-vec library's path is found once, remembered in the user directory, then reused", async () => {
  await using dir = await tempUserDir();
  const found = await sqliteVecLibrary();
  assert.equal(found.remembered, false);
  assert.ok(Deno.statSync(found.path).isFile, found.path);
  assert.deepEqual(readRemembered(dir.path), {
    llm: VERSION,
    deno: Deno.version.deno,
    platform: `${Deno.build.os}-${Deno.build.arch}`,
    path: found.path,
  });
  assert.deepEqual(await sqliteVecLibrary(), { path: found.path, remembered: true });
});

Deno.test("a path remembered by another Deno, or of a file that is gone, is found again", async () => {
  await using dir = await tempUserDir();
  const { path } = await sqliteVecLibrary();
  writeRemembered(dir.path, { deno: "1.0.0", path });
  assert.deepEqual(await sqliteVecLibrary(), { path, remembered: false });
  assert.equal(readRemembered(dir.path).deno, Deno.version.deno);
  writeRemembered(dir.path, { path: `${dir.path}/gone.so` });
  assert.deepEqual(await sqliteVecLibrary(), { path, remembered: false });
  Deno.writeTextFileSync(`${dir.path}/${SQLITE_VEC_PATH_FILE}`, "{not json");
  assert.deepEqual(await sqliteVecLibrary(), { path, remembered: false });
});

Deno.test("a remembered file that does not load is forgotten: the search still runs with sqlite-vec", async () => {
  await using dir = await tempUserDir({ LLM_SQLITE_VEC: undefined, LLM_RAISE_ERRORS: "1" });
  const { path: real } = await sqliteVecLibrary();
  const bogus = `${dir.path}/not-a-library.so`;
  Deno.writeTextFileSync(bogus, "not a shared library");
  writeRemembered(dir.path, { path: bogus });
  const file = `${dir.path}/e.db`;
  const db = openEmbeddingsDb(file);
  try {
    db.prepare("INSERT INTO collections (name, model) VALUES ('c', 'm')").run();
    for (const [id, v] of [["a", [1, 0]], ["b", [0, 1]]] as const) {
      db.prepare("INSERT INTO embeddings (collection_id, id, embedding) VALUES (1, ?, ?)").run(
        id,
        encode([...v]),
      );
    }
    const result = await searchSimilar(db, file, { collectionId: 1, vector: [1, 0.1], number: 1 });
    assert.equal(result.engine, "sqlite-vec");
    assert.deepEqual(result.hits.map((h) => h.id), ["a"]);
    assert.equal(readRemembered(dir.path).path, real);
  } finally {
    db.close();
  }
});

Deno.test("a user directory that cannot be written only means the path is not remembered", async () => {
  await using dir = await tempUserDir();
  const restore = setEnv({ LLM_USER_PATH: `${dir.path}/missing/deeper` });
  try {
    const first = await sqliteVecLibrary();
    assert.equal(first.remembered, false);
    assert.deepEqual(await sqliteVecLibrary(), { path: first.path, remembered: false });
  } finally {
    restore();
  }
});
