/**
 * What a sandboxed plugin registered, as `llm` uses it: models, embedding models, tools, toolboxes,
 * commands and loaders that look like the plugin's own but run each call in its Worker. A model's stream
 * arrives in batches and is yielded as arrays of chunks (as a fast network read is); usage, tool calls and
 * the response JSON are applied to the host's response in order with the chunks.
 * @module
 */
import type { CommandContext, CommandSpec } from "../commands/spec.ts";
import type { EmbeddingInput, EmbeddingModelLike, Vector } from "../embeddings/embedding_model.ts";
import { Model } from "../models/model.ts";
import type { Prompt } from "../models/prompt.ts";
import type { ExecuteContext } from "../models/response.ts";
import type { Chunk, ToolCall } from "../models/stream.ts";
import type { ToolCallContext } from "../models/tool_spec.ts";
import { defineTool } from "../tools/define.ts";
import { Toolbox } from "../tools/toolbox.ts";
import { grantedKey } from "./granted_key.ts";
import type { FragmentLoader, TemplateLoader, ToolboxClass, ToolDefinition } from "./api.ts";
import type { Collected } from "./collect.ts";
import type { PluginPermissions } from "./permissions.ts";
import { recordedSettings } from "./plugin_model.ts";
import type { ModelRecord } from "./record.ts";
import type { SandboxHost } from "./sandbox_host.ts";
import type { ReadyMessage, WireCommand, WireToolbox } from "./sandbox_protocol.ts";
import { promptToWire } from "./sandbox_wire.ts";

/** Batches of chunks from the Worker, handed to the response as they come (several at once when it lags). */
class ChunkQueue implements AsyncIterable<Chunk[]> {
  #batches: Chunk[][] = [];
  #done = false;
  #error: unknown;
  #failed = false;
  #wake?: () => void;
  push(chunks: Chunk[]): void {
    this.#batches.push(chunks);
    this.#wake?.();
  }
  end(): void {
    this.#done = true;
    this.#wake?.();
  }
  fail(error: unknown): void {
    this.#failed = true;
    this.#error = error;
    this.#wake?.();
  }
  async *[Symbol.asyncIterator](): AsyncGenerator<Chunk[]> {
    while (true) {
      if (this.#batches.length) {
        const batches = this.#batches;
        this.#batches = [];
        yield batches.length === 1 ? batches[0] : batches.flat();
        continue;
      }
      if (this.#failed) throw this.#error;
      if (this.#done) return;
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
  }
}

const RESPONSE_METHODS = new Set(["setUsage", "setResponseJson", "setResolvedModel", "addToolCall"]);

/** A sandboxed plugin's model: its recorded settings here, its `execute()` in the Worker. */
export class SandboxModel extends Model {
  /** The plugin that registered it. */
  readonly plugin: string;
  #label: string;
  #host: SandboxHost;
  #granted: PluginPermissions;

  /** The model `record` of the plugin behind `host`. */
  constructor(host: SandboxHost, record: ModelRecord, plugin: string, granted: PluginPermissions) {
    super(record.id, recordedSettings(record));
    this.plugin = plugin;
    this.#label = record.label;
    this.#host = host;
    this.#granted = granted;
  }

  /** The label the plugin gave it. */
  override get label(): string {
    return this.#label;
  }

  /** Only a key the plugin was granted, or one given explicitly. */
  override resolveKey(explicit?: string): string | undefined {
    return grantedKey(this, this.plugin, this.#granted, explicit ?? this.key);
  }

  /** Runs the prompt in the plugin's Worker, yielding its chunks as they arrive. */
  override async *execute(prompt: Prompt, context: ExecuteContext): AsyncIterable<Chunk[]> {
    // The URLs the user attached: the Worker may have llm fetch these (and only these) while it runs.
    const urls = prompt.messages.flatMap((message) =>
      message.parts.flatMap((part) =>
        part.type === "attachment" && part.attachment?.url ? [part.attachment.url] : []
      )
    );
    const release = this.#host.allowAttachmentFetches(urls);
    try {
      yield* this.#run(prompt, context);
    } finally {
      release();
    }
  }

  async *#run(prompt: Prompt, context: ExecuteContext): AsyncIterable<Chunk[]> {
    const queue = new ChunkQueue();
    const response = context.response as unknown as Record<string, (arg: unknown) => void>;
    const call = this.#host.call(
      {
        op: "execute",
        model: this.id,
        prompt: await promptToWire(prompt),
        stream: context.stream,
        key: context.key,
        responseId: context.response?.id,
      },
      {
        onChunks: (message) => queue.push(message.chunks),
        onResponse: (method, arg) => {
          if (RESPONSE_METHODS.has(method)) response[method].call(context.response, arg);
        },
      },
      context.signal,
    );
    call.then(() => queue.end(), (error) => queue.fail(error));
    yield* queue;
  }
}

function embeddingProxy(host: SandboxHost, spec: ReadyMessage["embeddingModels"] & object, i: number) {
  const m = spec[i];
  const model: EmbeddingModelLike = {
    id: m.id,
    label: m.label ?? `EmbeddingModel: ${m.id}`,
    batchSize: m.batchSize,
    supportsText: m.supportsText,
    supportsBinary: m.supportsBinary,
    needsKey: m.needsKey,
    keyEnvVar: m.keyEnvVar,
    async embedBatch(items: EmbeddingInput[]): Promise<Vector[]> {
      return await host.call({ op: "embed", model: m.id, items }) as Vector[];
    },
  };
  return model;
}

function toolContext(context?: ToolCallContext): { toolCall?: ToolCall } {
  return context?.call ? { toolCall: { ...context.call } } : {};
}

function toolboxProxy(host: SandboxHost, spec: WireToolbox, plugin: string): ToolboxClass {
  const instances = new WeakMap<Toolbox, Promise<number>>();
  const proxy = {
    [spec.name]: class extends Toolbox {
      static override methods = Object.fromEntries(
        Object.entries(spec.methods).map((
          [name, m],
        ) => [name, { description: m.description, inputSchema: m.inputSchema }]),
      );
    },
  }[spec.name];
  for (const method of Object.keys(spec.methods)) {
    Object.defineProperty(proxy.prototype, method, {
      value: async function (this: Toolbox, args: Record<string, unknown>, context?: ToolCallContext) {
        let instance = instances.get(this);
        if (!instance) {
          instance = host.call({ op: "toolbox.new", name: spec.name, config: this.config }) as Promise<
            number
          >;
          instances.set(this, instance);
        }
        return await host.call(
          {
            op: "toolbox.call",
            instance: await instance,
            name: method,
            toolArgs: args,
            ...toolContext(context),
          },
          {},
          context?.signal,
        );
      },
    });
  }
  (proxy.prototype as Toolbox).plugin = plugin;
  return proxy as unknown as ToolboxClass;
}

function commandProxy(host: SandboxHost, spec: WireCommand, path: string[]): CommandSpec {
  const { hasRun, subcommands, ...rest } = spec;
  const here = [...path, spec.name];
  const command: CommandSpec = { ...rest };
  if (subcommands) command.subcommands = subcommands.map((c) => commandProxy(host, c, here));
  if (hasRun) {
    command.run = async (ctx: CommandContext) => {
      let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
      try {
        const code = await host.call(
          {
            op: "command",
            path: here,
            fullPath: ctx.path,
            values: ctx.values,
            args: ctx.args,
            terminal: {
              stdout: ctx.io.stdout.isTerminal(),
              stderr: ctx.io.stderr.isTerminal(),
              stdin: ctx.io.stdin.isTerminal(),
            },
            columns: ctx.io.columns(),
          },
          {
            onWrite: (stream, data) => ctx.io[stream].write(data),
            onStdin: async () => {
              reader ??= ctx.io.stdin.readable.getReader();
              const { value, done } = await reader.read();
              return done ? null : value;
            },
          },
        );
        return typeof code === "number" ? code : undefined;
      } finally {
        reader?.releaseLock();
      }
    };
  }
  return command;
}

/** What the plugin behind `host` registered (as `ready` says), as proxies that call its Worker. */
export function sandboxCollected(
  host: SandboxHost,
  ready: ReadyMessage,
  plugin: string,
  granted: PluginPermissions,
): Collected {
  const registrations = ready.registrations;
  const tools: ToolDefinition[] = [];
  for (const spec of ready.tools ?? []) {
    try {
      tools.push(defineTool({
        name: spec.name,
        description: spec.description ?? undefined,
        inputSchema: spec.inputSchema,
        plugin,
        implementation: (args: Record<string, unknown>, context?: ToolCallContext) =>
          host.call(
            { op: "tool", name: spec.name, toolArgs: args, ...toolContext(context) },
            {},
            context?.signal,
          ),
      }) as ToolDefinition);
    } catch {
      // A name defineTool refuses: left out, as the plugin's own defineTool() would have refused it.
    }
  }
  const templateLoaders = (registrations?.templateLoaders ?? []).map(({ prefix, description }) => ({
    prefix,
    description,
    loader: ((rest: string) => host.call({ op: "template", prefix, arg: rest })) as TemplateLoader,
  }));
  const fragmentLoaders = (registrations?.fragmentLoaders ?? []).map(({ prefix, description }) => ({
    prefix,
    description,
    loader: ((arg: string) => host.call({ op: "fragment", prefix, arg })) as FragmentLoader,
  }));
  return {
    models: (registrations?.models ?? []).map((record) => ({
      model: new SandboxModel(host, record, plugin, granted),
      aliases: record.aliases,
    })),
    embeddingModels: (ready.embeddingModels ?? []).map((_, i, all) => ({
      model: embeddingProxy(host, all, i),
      aliases: registrations?.embeddingModels[i]?.aliases ?? [],
    })),
    commands: (ready.commands ?? []).map((c) => commandProxy(host, c, [])),
    tools,
    toolboxes: (ready.toolboxes ?? []).map((t) => toolboxProxy(host, t, plugin)),
    templateLoaders,
    fragmentLoaders,
    problems: ready.problems ?? [],
  };
}
