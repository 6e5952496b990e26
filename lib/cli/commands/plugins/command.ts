/**
 * The flags of `llm plugins`, `llm install` and `llm uninstall`; the behaviour is in `run.ts`, loaded when a command runs.
 * @module
 */
import type { CommandSpec } from "../../../commands/spec.ts";
import { behaviourIn, leaf, many, o } from "../../command_builders.ts";

const run = behaviourIn(import.meta.url, "./run.ts");

/** `llm plugins`, `llm install` and `llm uninstall`. */
export function pluginCommands(): CommandSpec[] {
  return [
    leaf("plugins", "List installed plugins", run("pluginsCommand"), {
      options: [
        o("--all", "boolean", "Include the built-in plugins"),
        o("--hook", "string", "Only plugins that implement this hook", many),
      ],
    }),
    leaf("install", "Install plugins", run("installCommand"), {
      args: [{ name: "packages", variadic: true }],
      options: [
        o("-U --upgrade", "boolean", "Upgrade packages to their latest version"),
        o(
          "-e --editable",
          "string",
          "Install the plugin project in this directory (deno.json exports, or mod.ts)",
        ),
        o("--force-reinstall", "boolean", "Reinstall packages that are already up to date"),
        o("--no-cache-dir", "boolean", "Do not use the download cache"),
        o("--pre", "boolean", "Allow pre-release and development versions"),
        o("-y --yes", "boolean", "Grant the permissions plugins ask for without asking"),
      ],
    }),
    leaf("uninstall", "Uninstall plugins", run("uninstallCommand"), {
      args: [{ name: "packages", required: true, variadic: true }],
      options: [o("-y --yes", "boolean", "Do not ask for confirmation")],
    }),
  ];
}
