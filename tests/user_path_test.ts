import assert from "node:assert/strict";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { dirnamePath, joinPath, resolveInside } from "../lib/user/path.ts";

Deno.test("joinPath and dirnamePath agree with node:path on the paths the user directory uses", () => {
  const cases: string[][] = [
    ["/home/pat/.config", "io.datasette.llm"],
    ["/home/pat/.config/", "io.datasette.llm", "keys.json"],
    ["/tmp/x", "templates", "a.yaml"],
    ["relative", "logs.db"],
    ["/", "keys.json"],
    ["/a", "", "b"],
  ];
  if (Deno.build.os !== "windows") {
    for (const parts of cases) {
      assert.equal(joinPath(parts[0], ...parts.slice(1)), join(...parts), parts.join(" + "));
    }
  }
  for (const path of ["/home/pat/keys.json", "/keys.json", "keys.json", "/a/b/", "/a/b/c.txt"]) {
    assert.equal(dirnamePath(path), dirname(path), path);
  }
});

Deno.test("resolveInside resolves like node:path's resolve and tells whether the result stays inside the directory", () => {
  if (Deno.build.os === "windows") return;
  const dir = "/home/pat/templates";
  const names = [
    "a.yaml",
    "a/b.yaml",
    "../x.yaml",
    "a/../b.yaml",
    "a/../../x.yaml",
    "/etc/x.yaml",
    "/home/pat/templates/y.yaml",
    "..yaml",
    ".",
    "./z.yaml",
    "a//b.yaml",
    "../templates/q.yaml",
    "../templatesX/q.yaml",
    "a/./b/.yaml",
  ];
  for (const name of names) {
    const path = resolve(dir, name);
    const rel = relative(dir, path);
    const inside = Boolean(rel) && rel.split("/")[0] !== ".." && !isAbsolute(rel);
    assert.deepEqual(resolveInside(dir, name), { path, inside }, name);
  }
  assert.equal(resolveInside(dir, "../x.yaml").inside, false);
  assert.equal(resolveInside(dir, "sub/x.yaml").inside, true);
});
