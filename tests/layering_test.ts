/**
 * The rule of the house, over `deno info --json`: every import in lib/ (code or type, static or behind a
 * lazyImport's `typeof import(...)`) points to a lower floor, or stays in its own room (folder). An import
 * sideways (another room on the same floor) or upwards fails this test. docs/architecture.md draws the floors.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = new URL("../", import.meta.url);

/** The floors, bottom first: a module may import its own room and anything on a lower floor. */
const FLOORS: string[][] = [
  ["errors.ts", "lazy_import.ts", "version.ts"],
  ["compat/", "deps/"],
  ["user/", "commands/", "loaders/", "attachments/"],
  ["models/"],
  ["providers/", "logs/", "templates/", "pricing/"],
  ["fragments/", "schemas/", "embeddings/", "tools/", "default_registry_listing.ts"],
  ["default_registry.ts"],
  ["plugins/"],
  ["prompting/"],
  ["library/"],
  ["terminal/"],
  ["cli/"],
];

/** A lib/ module's room (its top folder, or its own name at the top) and floor. */
function place(path: string): { room: string; floor: number } {
  const rel = path.slice("lib/".length);
  const room = rel.includes("/") ? rel.slice(0, rel.indexOf("/") + 1) : rel;
  const floor = FLOORS.findIndex((rooms) => rooms.includes(room));
  return { room, floor };
}

async function libModules(): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: URL, prefix: string) {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isDirectory) await walk(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`);
      else if (/\.ts$/.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(`${prefix}${entry.name}`);
    }
  }
  await walk(new URL("lib/", ROOT), "lib/");
  return out.sort();
}

interface InfoModule {
  specifier: string;
  dependencies?: { specifier: string; code?: { specifier: string }; type?: { specifier: string } }[];
}

/** Every edge between lib/ modules, from `deno info --json` of a module importing them all. */
async function libEdges(modules: string[]): Promise<[string, string][]> {
  const dir = await Deno.makeTempDir({ dir: fileURLToPath(ROOT), prefix: ".layering-" });
  try {
    const entry = `${dir}/all.ts`;
    await Deno.writeTextFile(entry, modules.map((m) => `import "../${m}";`).join("\n") + "\n");
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", entry],
      cwd: fileURLToPath(ROOT),
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(output.success, new TextDecoder().decode(output.stderr));
    const info = JSON.parse(new TextDecoder().decode(output.stdout)) as { modules: InfoModule[] };
    const repo = ROOT.href;
    const local = (url: string) => url.startsWith(`${repo}lib/`) ? url.slice(repo.length) : undefined;
    const edges: [string, string][] = [];
    for (const module of info.modules) {
      const from = local(module.specifier);
      if (!from) continue;
      for (const dep of module.dependencies ?? []) {
        for (const target of [dep.code?.specifier, dep.type?.specifier]) {
          const to = target && local(target);
          if (to && to !== from) edges.push([from, to]);
        }
      }
    }
    return edges;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("lib/ imports point down the floors or stay in their room; none goes sideways or up", async () => {
  const modules = await libModules();
  for (const module of modules) assert.notEqual(place(module).floor, -1, `${module} is on no floor`);
  const edges = await libEdges(modules);
  assert.ok(edges.length > 300, `only ${edges.length} imports seen`);
  const wrong = edges.filter(([from, to]) => {
    const a = place(from);
    const b = place(to);
    return a.room !== b.room && b.floor >= a.floor;
  }).map(([from, to]) => `${from} -> ${to}`);
  assert.deepEqual([...new Set(wrong)], []);
});

Deno.test("the layering check sees lazy imports and would catch an import sideways", async () => {
  const edges = await libEdges(["lib/cli/commands/prompt/command.ts", "lib/default_registry.ts"]);
  // command.ts loads run.ts only through behaviourIn's computed specifier; the table is what reaches it.
  assert.ok(
    edges.some(([from, to]) => from === "lib/default_registry.ts" && to.startsWith("lib/providers/")),
  );
  const a = place("lib/logs/db.ts");
  const b = place("lib/templates/load.ts");
  assert.equal(a.floor, b.floor, "logs and templates share a floor, so an import between them is sideways");
  assert.notEqual(a.room, b.room);
});
