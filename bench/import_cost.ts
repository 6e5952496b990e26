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
// Modules are imported as the CLI imports them, through lazyImport (a computed specifier): Deno loads the graph
// of a literal `import("...")` before the program starts, which would hide its cost from these steps.
import { lazyImport } from "../lib/lazy_import.ts";

const steps: Record<string, number> = {};
let last = performance.now();
function mark(name: string): void {
  const now = performance.now();
  steps[name] = now - last;
  last = now;
}

const { commandTable } = await lazyImport<typeof import("../lib/cli/main.ts")>(
  "../lib/cli/main.ts",
  import.meta.url,
);
mark("import lib/cli/main.ts (parser, help, command table)");
const root = commandTable();
mark("build the command table");
await lazyImport("../lib/cli/commands/models/run.ts", import.meta.url);
const { listingRegistry } = await lazyImport<typeof import("../lib/default_registry_listing.ts")>(
  "../lib/default_registry_listing.ts",
  import.meta.url,
);
mark("import the models command (llm models list)");
listingRegistry().modelsWithAliases();
mark("list the models from their data");
const hook = await lazyImport<typeof import("../lib/cli/plugin_hook.ts")>(
  "../lib/cli/plugin_hook.ts",
  import.meta.url,
);
mark("import lib/cli/plugin_hook.ts (plugin commands, before parsing)");
await hook.preparePlugins(root, ["--version"]);
mark("preparePlugins() with no plugins installed");
await hook.activatePlugins(root);
mark("activatePlugins() (plugin runtime, registry, model classes)");
await lazyImport("../mod.ts", import.meta.url);
mark("import mod.ts after the above");
console.log(JSON.stringify(steps));
