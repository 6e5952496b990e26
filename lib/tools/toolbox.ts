/**
 * `Toolbox`: tools that share state, as Python `llm`'s `llm.Toolbox`. A subclass lists its methods with their
 * descriptions and argument schemas in `static methods`; each becomes a tool named `ClassName_method`. The
 * configuration a toolbox is made with is logged with its tools (`tool_instances`), and `-T 'Name({...})'`
 * makes one from the command line when a plugin registers the class.
 * @module
 */
import type { Tool, ToolCallContext } from "../models/tool_spec.ts";
import { defineTool, type SchemaLike } from "./define.ts";

/** How the model is told of one method of a toolbox. */
export interface ToolboxMethod {
  /** What it does. */
  description?: string;
  /** The JSON Schema of its arguments. */
  inputSchema?: Record<string, unknown>;
  /** A zod schema of its arguments, instead of `inputSchema`. */
  schema?: SchemaLike<Record<string, unknown>>;
}

/**
 * Tools that share state. Subclass it, list the methods in `static methods`, and pass the toolbox (or its
 * `tools()`) where tools go.
 *
 * @example
 * ```ts
 * import { Toolbox } from "./toolbox.ts";
 * class Memory extends Toolbox {
 *   static override methods = {
 *     remember: { description: "Remember a fact", inputSchema: { properties: { fact: { type: "string" } }, required: ["fact"], type: "object" } },
 *     recall: { description: "Everything remembered so far" },
 *   };
 *   facts: string[] = [];
 *   remember({ fact }: { fact: string }) { this.facts.push(fact); return "ok"; }
 *   recall() { return this.facts; }
 * }
 * const tools = new Memory().tools(); // Memory_remember, Memory_recall
 * ```
 */
export abstract class Toolbox {
  /** The methods that are tools, with how the model is told of them. */
  static methods: Record<string, ToolboxMethod> = {};
  /** The configuration it was made with (logged, and what `-T 'Name({...})'` passes). */
  readonly config: Record<string, unknown>;
  /** The plugin the class comes from, if any. */
  plugin?: string;
  #extra: Tool[] = [];
  #prepared?: Promise<void>;

  /** Makes a toolbox with its configuration. */
  constructor(config: Record<string, unknown> = {}) {
    this.config = config;
  }

  /** Its name: the class name, the prefix of its tools' names. */
  get name(): string {
    return this.constructor.name;
  }

  /** Override to set the toolbox up (and `addTool()`) before its first tool runs; may be async. */
  prepare(): void | Promise<void> {}

  /** Adds a tool that is not one of its methods. */
  addTool(tool: Tool): void {
    this.#extra.push({ ...tool, instance: { name: this.name, config: this.config } });
  }

  /** Its tools: one per method in `static methods` (`Name_method`), then those added with `addTool()`. */
  tools(): Tool[] {
    const methods = (this.constructor as typeof Toolbox).methods;
    const instance = { name: this.name, config: this.config };
    const own = Object.entries(methods).map(([method, spec]) => {
      const fn = (this as unknown as Record<string, unknown>)[method];
      if (typeof fn !== "function") {
        throw new TypeError(`${this.name}.methods lists '${method}', but ${this.name} has no such method`);
      }
      const tool = defineTool({
        name: `${this.name}_${method}`,
        description: spec.description,
        inputSchema: spec.inputSchema,
        schema: spec.schema,
        plugin: this.plugin,
        implementation: async (args: Record<string, unknown>, context: ToolCallContext) => {
          this.#prepared ??= Promise.resolve(this.prepare());
          await this.#prepared;
          return await (fn as (a: Record<string, unknown>, c: ToolCallContext) => unknown).call(
            this,
            args,
            context,
          );
        },
      });
      return { ...tool, instance };
    });
    return [...own, ...this.#extra];
  }
}
