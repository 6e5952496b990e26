/**
 * Where `llm`'s start-up goes, step by step in one process: importing the CLI (`lib/cli/main.ts` and its
 * static imports), importing the plugin hook every command runs first (`lib/plugins/cli_hook.ts`), running it,
 * and what `mod.ts` adds for a library user. Prints one JSON object of milliseconds.
 *
 * `deno run -A bench/import_cost.ts`
 *
 * @module
 */
const steps: Record<string, number> = {};
let last = performance.now();
function mark(name: string): void {
  const now = performance.now();
  steps[name] = now - last;
  last = now;
}

const { commandTable } = await import("../lib/cli/main.ts");
mark("import lib/cli/main.ts (parser, help, command table)");
const root = commandTable();
mark("build the command table");
const { preparePlugins } = await import("../lib/plugins/cli_hook.ts");
mark("import lib/plugins/cli_hook.ts (registry, models, plugin loader)");
await preparePlugins(root, ["--version"]);
mark("preparePlugins() with no plugins installed");
await import("../mod.ts");
mark("import mod.ts after the above");
console.log(JSON.stringify(steps));
