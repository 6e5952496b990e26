/**
 * The forms in which what a plugin makes in its Worker crosses to `llm`: commands without their functions,
 * toolbox methods as schemas, streamed chunks in batches, fragment loaders' attachments as bytes read with the
 * plugin's permissions, and templates as the fields of their YAML files.
 * @module
 */
import { Attachment } from "../attachments/attachment.ts";
import type { CommandSpec } from "../commands/spec.ts";
import type { AttachmentLoad, LoadedTemplate } from "../loaders/types.ts";
import type { Fragment } from "../models/fragment.ts";
import type { Chunk } from "../models/stream.ts";
import { defineTool } from "../tools/define.ts";
import type { ToolboxClass } from "./api.ts";
import type { WireCommand, WorkerMessage } from "./sandbox_protocol.ts";

/** A plugin's command as it crosses to `llm`: its spec without functions. */
export function wireCommand(command: CommandSpec): WireCommand {
  const { run, subcommands, ...rest } = command;
  return { ...rest, hasRun: typeof run === "function", subcommands: subcommands?.map(wireCommand) };
}

/** The methods of a toolbox class, each with its description and input schema. */
export function toolboxMethods(
  toolbox: ToolboxClass,
): Record<string, { description?: string; inputSchema: Record<string, unknown> }> {
  const methods = (toolbox as unknown as { methods?: Record<string, Record<string, unknown>> }).methods ?? {};
  return Object.fromEntries(
    Object.entries(methods).map(([name, spec]) => {
      const tool = defineTool({
        name: "m",
        inputSchema: spec.inputSchema as Record<string, unknown> | undefined,
        schema: spec.schema as never,
        implementation: () => undefined,
      });
      return [name, { description: spec.description as string | undefined, inputSchema: tool.inputSchema }];
    }),
  );
}

/** A batch of chunks waiting to be posted: one message per turn of the event loop, not one per chunk. */
export class Outbox {
  #chunks: Chunk[] = [];
  #timer?: number;
  /** Collects the chunks of call `id`, posted with `post`. */
  constructor(readonly id: number, private readonly post: (message: WorkerMessage) => void) {}
  /** Adds chunks; they are posted at the next turn of the event loop, with any that follow. */
  push(item: Chunk | Chunk[]): void {
    if (Array.isArray(item)) {
      for (const chunk of item) this.#chunks.push(chunk);
    } else this.#chunks.push(item);
    this.#timer ??= setTimeout(() => this.flush(), 0) as unknown as number;
  }
  /** Posts what is waiting now. */
  flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#chunks.length) return;
    this.post({ t: "chunks", id: this.id, chunks: this.#chunks });
    this.#chunks = [];
  }
}

/**
 * A fragment loader's result as it crosses to `llm`. An attachment's bytes are read here, with the plugin's
 * permissions, and sent as bytes (with its type, and its URL for APIs that take one): `llm` never reads a path
 * or fetches a URL a plugin names, which would reach what the plugin was not granted.
 */
export async function loadedForHost(result: unknown): Promise<unknown> {
  const one = async (item: unknown) => {
    if (!item || typeof item !== "object" || typeof (item as Fragment).content === "string") return item;
    const load = item as AttachmentLoad & Partial<Attachment>;
    const attachment = typeof load.contentBytes === "function" ? load as Attachment : new Attachment(load);
    return {
      type: await attachment.resolveType(),
      ...(attachment.url ? { url: attachment.url } : {}),
      content: await attachment.contentBytes(),
    } satisfies AttachmentLoad;
  };
  return Array.isArray(result) ? await Promise.all(result.map(one)) : await one(result);
}

/** A template loader's result as it crosses to `llm`: a `Template` made in the Worker as its fields. */
export function templateForHost(loaded: LoadedTemplate): unknown {
  const template = loaded as { name?: unknown; data?: unknown; apply?: unknown } | null;
  return template && typeof template.apply === "function" && typeof template.data === "object"
    ? { ...template.data as object, name: template.name }
    : loaded;
}
