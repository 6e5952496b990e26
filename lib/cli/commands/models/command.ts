/**
 * The flags of `llm models` and its subcommands; the behaviour is in `run.ts`, loaded when a command runs.
 * @module
 */
import type { CommandSpec } from "../../../commands/spec.ts";
import { behaviourIn, group, leaf, many, o } from "../../command_builders.ts";
import { jsonOutput } from "../../shared_options.ts";

const run = behaviourIn(import.meta.url, "./run.ts");

/** `llm models` and its subcommands. */
export function modelsGroup(): CommandSpec {
  const modelArg = { name: "model", required: true };
  return group("models", "Manage available models", () => [
    leaf("list", "List available models", run("modelsList"), {
      options: [
        o("--options", "boolean", "Show each model's options, features and keys"),
        o("--async", "boolean", "Only models Python llm has an async version of (all run async here)"),
        o("--schemas", "boolean", "Only models that support schemas"),
        o("--tools", "boolean", "Only models that support tools"),
        jsonOutput(),
        o("-q --query", "string", "Only models whose name matches all these strings", many),
        o("-m --model", "string", "Only these model IDs or aliases", many),
      ],
    }),
    leaf("default", "Show or set the default model", run("modelsDefault"), {
      args: [{ name: "model" }],
    }),
    group("options", "Manage default options for models", () => [
      leaf("list", "List default options of every model", run("modelsOptionsList")),
      leaf("show", "List default options of one model", run("modelsOptionsShow"), {
        args: [modelArg],
      }),
      leaf("set", "Set a default option for a model", run("modelsOptionsSet"), {
        args: [modelArg, { name: "key", required: true }, { name: "value", required: true }],
      }),
      leaf("clear", "Clear one or all default options of a model", run("modelsOptionsClear"), {
        args: [modelArg, { name: "key" }],
      }),
    ]),
  ]);
}
