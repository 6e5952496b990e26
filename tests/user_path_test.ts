import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { dirnamePath, joinPath } from "../lib/user/path.ts";

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
