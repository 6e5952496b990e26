/**
 * Where `llm`'s start-up goes, step by step in one process: importing the CLI (`lib/cli/main.ts` and its
 * static imports), the steps of `llm models list` (importing the command, listing from the models' data),
 * the plugin hook (loaded only when plugins are installed or named): adding plugin commands before parsing,
 * then activating plugins before a command runs (which loads the registry and the model classes), and what
 * `mod.ts` adds for a library user. Prints one JSON object of milliseconds.
 *
 * `deno run -A bench/import_cost.ts`
 *
 * @module
 */
const steps: Record<string, number> = {};

/**
 * Imports a module of the repository. The specifier is computed, as the CLI's lazy imports are: Deno loads the
 * graph of a literal `import("...")` before the program starts, which would hide its cost from these steps.
 */
function load<T>(path: string): Promise<T> {
  return import(new URL(path, import.meta.url).href) as Promise<T>;
}
let last = performance.now();
function mark(name: string): void {
  const now = performance.now();
  steps[name] = now - last;
  last = now;
}

const { commandTable } = await load<typeof import("../lib/cli/main.ts")>("../lib/cli/main.ts");
mark("import lib/cli/main.ts (parser, help, command table)");
const root = commandTable();
mark("build the command table");
await load("../lib/cli/commands/models.ts");
const { listingRegistry } = await load<typeof import("../lib/model_listing.ts")>("../lib/model_listing.ts");
mark("import the models command (llm models list)");
listingRegistry().modelsWithAliases();
mark("list the models from their data");
const hook = await load<typeof import("../lib/plugins/cli_hook.ts")>("../lib/plugins/cli_hook.ts");
mark("import lib/plugins/cli_hook.ts (plugin commands, before parsing)");
await hook.preparePlugins(root, ["--version"]);
mark("preparePlugins() with no plugins installed");
await hook.activatePlugins(root);
mark("activatePlugins() (plugin runtime, registry, model classes)");
await load("../mod.ts");
mark("import mod.ts after the above");
console.log(JSON.stringify(steps));
