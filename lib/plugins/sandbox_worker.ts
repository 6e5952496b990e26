/**
 * The entry of a sandboxed plugin's Worker. It imports the plugin (a computed `import()`, so Deno checks
 * every module of the plugin against the Worker's permissions), runs its hooks, sends what they registered
 * to `llm`, then runs calls: a model's `execute()` (chunks sent in batches), an embedding batch, a tool, a
 * toolbox method, a command, a template or fragment loader. Everything the plugin does happens with the
 * Worker's permissions, which are exactly what the user granted it.
 * @module
 */
/// <reference lib="deno.worker" />
import type { CommandContext, CommandSpec } from "../commands/spec.ts";
import type { Io } from "../commands/io.ts";
import { CancelledError } from "../models/errors.ts";
import { lazyImport } from "../lazy_import.ts";
import type { ExecuteContext } from "../models/response.ts";
import type { Chunk, ToolCall, Usage } from "../models/stream.ts";
import type { Tool } from "../models/tool_spec.ts";
import { setSandboxContext } from "../user/sandbox_context.ts";
import { AttachmentError } from "../attachments/errors.ts";
import { setAttachmentFetchRelay } from "../attachments/fetch_relay.ts";
import type { EmbeddingModelLike, Plugin } from "./api.ts";
import {
  type Collected,
  collectRegistrations,
  isPluginLike,
  type ModelLike,
  pluginHooks,
  registrationsOf,
} from "./collect.ts";
import { errorToWire, promptFromWire } from "./sandbox_wire.ts";
import {
  loadedForHost,
  Outbox,
  templateForHost,
  toolboxMethods,
  wireCommand,
} from "./sandbox_worker_forms.ts";
import type { HostMessage, ReadyInfo, WorkerMessage } from "./sandbox_protocol.ts";

let plugin: Plugin | undefined;
let collected: Collected | undefined;
const context = { userDir: "", keys: {} as Record<string, string> };
const controllers = new Map<number, AbortController>();
const stdinWaiters = new Map<number, (chunk: Uint8Array | null) => void>();
const toolboxInstances = new Map<number, Map<string, Tool>>();
let nextInstance = 1;

const fetchWaiters = new Map<number, (answer: Extract<HostMessage, { t: "fetched" }>) => void>();
let nextFetch = 1;

/**
 * Attached URLs are fetched by `llm`, not here: the user attached them, but the plugin was not granted
 * their hosts. `llm` fetches only URLs attached to a prompt this Worker is running.
 */
function relayAttachmentFetch(url: string, method: "GET" | "HEAD"): Promise<Response> {
  const req = nextFetch++;
  const answer = new Promise<Extract<HostMessage, { t: "fetched" }>>((resolve) =>
    fetchWaiters.set(req, resolve)
  );
  post({ t: "fetch", req, url, method });
  return answer.then((answer) => {
    if ("error" in answer) {
      const { error } = answer;
      const fields = error.fields ?? {};
      if (error.name !== "AttachmentError") {
        throw Object.assign(new Error(error.message), { name: error.name });
      }
      throw new AttachmentError(error.message, { source: url, status: fields.status as number | undefined });
    }
    return new Response(answer.body, {
      status: answer.status,
      statusText: answer.statusText,
      headers: answer.headers,
    });
  });
}
setAttachmentFetchRelay(relayAttachmentFetch);

function post(message: WorkerMessage, transfer?: Transferable[]): void {
  self.postMessage(message, transfer ? { transfer } : undefined);
}

/** Posts a result, falling back to its JSON form when it cannot be cloned (a class instance with methods). */
function postResult(id: number, value: unknown): void {
  try {
    post({ t: "result", id, value });
  } catch {
    post({ t: "result", id, value: value === undefined ? undefined : JSON.parse(JSON.stringify(value)) });
  }
}

async function init(message: Extract<HostMessage, { t: "init" }>): Promise<void> {
  context.userDir = message.userDir;
  setSandboxContext(context);
  let module: Record<string, unknown>;
  try {
    module = await import(message.url);
  } catch (error) {
    post({ t: "failed", error: errorToWire(error) });
    return;
  }
  const candidate = module.default ?? module.plugin;
  if (!isPluginLike(candidate)) {
    post({ t: "failed", error: { name: "NotAPlugin", message: "its default export is not a plugin" } });
    return;
  }
  plugin = candidate;
  let permissions: unknown = plugin.permissions;
  try {
    permissions = permissions === undefined ? undefined : JSON.parse(JSON.stringify(permissions));
  } catch {
    permissions = String(permissions);
  }
  const info: ReadyInfo = {
    name: plugin.name,
    ...(typeof plugin.version === "string" ? { version: plugin.version } : {}),
    permissions,
    hooks: pluginHooks(plugin),
  };
  if (message.inspect) {
    post({ t: "ready", info });
    return;
  }
  try {
    collected = await collectRegistrations(plugin);
    const registrations = await registrationsOf(plugin, collected, { withOptions: message.withOptions });
    post({
      t: "ready",
      info,
      registrations,
      problems: collected.problems,
      commands: collected.commands.map(wireCommand),
      tools: collected.tools.map((t) => ({
        name: t.name,
        description: t.description ?? null,
        inputSchema: t.inputSchema ?? { type: "object", properties: {} },
      })),
      toolboxes: collected.toolboxes.map((t) => ({ name: t.name, methods: toolboxMethods(t) })),
      embeddingModels: collected.embeddingModels.map(({ model }) => ({
        id: String(model.id),
        ...(model.label ? { label: String(model.label) } : {}),
        ...(model.batchSize ? { batchSize: model.batchSize } : {}),
        supportsText: model.supportsText ?? true,
        supportsBinary: model.supportsBinary ?? false,
        ...(model.needsKey ? { needsKey: model.needsKey } : {}),
        ...(model.keyEnvVar ? { keyEnvVar: model.keyEnvVar } : {}),
      })),
    });
  } catch (error) {
    post({ t: "failed", error: errorToWire(error) });
  }
}

async function execute(
  id: number,
  call: Extract<HostMessage, { t: "call" }>,
  signal: AbortSignal,
): Promise<void> {
  const model = collected?.models.find((m) => m.model.id === call.model)?.model as ModelLike | undefined;
  if (!model) throw new Error(`The plugin has no model '${call.model}' any more`);
  const prompt = promptFromWire(call.prompt!);
  if (Object.keys(prompt.options).length && typeof model.options === "function") {
    const { validateOptions } = await lazyImport<typeof import("../models/options.ts")>(
      "../models/options.ts",
      import.meta.url,
    );
    prompt.options = await validateOptions(model.options, prompt.options, model.id);
  }
  const outbox = new Outbox(id, post);
  const method = (name: string) => (arg: unknown) => {
    outbox.flush();
    post({ t: "response", id, method: name, arg });
  };
  let text = "";
  const response = {
    id: call.responseId,
    model,
    prompt,
    stream: call.stream,
    setUsage: method("setUsage") as (usage: Partial<Usage>) => void,
    setResponseJson: method("setResponseJson"),
    setResolvedModel: method("setResolvedModel"),
    addToolCall: method("addToolCall") as (call: ToolCall) => void,
    textSoFar: () => text,
  };
  const executeContext = {
    stream: call.stream ?? true,
    key: call.key,
    signal,
    response,
  } as unknown as ExecuteContext;
  const run = model.execute as (p: unknown, c: ExecuteContext) => AsyncIterable<Chunk | Chunk[]>;
  try {
    for await (const item of run.call(model, prompt, executeContext)) {
      if (signal.aborted) break;
      for (const chunk of Array.isArray(item) ? item : [item]) {
        if (typeof chunk === "string") text += chunk;
        else if (chunk.type === "text") text += chunk.chunk;
      }
      outbox.push(item);
    }
  } finally {
    // A stream that fails part-way keeps its text: the chunks go out before the error does.
    outbox.flush();
  }
  if (signal.aborted) throw signal.reason ?? new CancelledError();
}

async function embed(call: Extract<HostMessage, { t: "call" }>): Promise<unknown[]> {
  const model = collected?.embeddingModels.find((m) => String(m.model.id) === call.model)?.model as
    | EmbeddingModelLike
    | undefined;
  if (!model) throw new Error(`The plugin has no embedding model '${call.model}' any more`);
  const result = model.embedBatch(call.items ?? []);
  const vectors: unknown[] = [];
  if (Symbol.asyncIterator in (result as object)) {
    for await (const vector of result as AsyncIterable<ArrayLike<number>>) vectors.push(Array.from(vector));
  } else {
    for (const vector of await result as ArrayLike<number>[]) vectors.push(Array.from(vector));
  }
  return vectors;
}

function findCommand(path: string[]): CommandSpec | undefined {
  let list = collected?.commands ?? [];
  let found: CommandSpec | undefined;
  for (const name of path) {
    found = list.find((c) => c.name === name);
    if (!found) return undefined;
    list = found.subcommands ?? [];
  }
  return found;
}

async function runCommand(id: number, call: Extract<HostMessage, { t: "call" }>): Promise<unknown> {
  const command = findCommand(call.path ?? []);
  if (!command?.run) throw new Error(`The plugin has no command '${(call.path ?? []).join(" ")}' any more`);
  const terminal = call.terminal ?? { stdout: false, stderr: false, stdin: false };
  const writer = (stream: "stdout" | "stderr") => ({
    write: (data: string | Uint8Array) => post({ t: "write", id, stream, data }),
    isTerminal: () => terminal[stream],
  });
  const readable = new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      const chunk = await new Promise<Uint8Array | null>((resolve) => {
        stdinWaiters.set(id, resolve);
        post({ t: "stdin", id });
      });
      if (chunk === null) controller.close();
      else controller.enqueue(chunk);
    },
  });
  const io: Io = {
    stdout: writer("stdout"),
    stderr: writer("stderr"),
    stdin: { isTerminal: () => terminal.stdin, readable },
    columns: () => call.columns ?? 80,
  };
  const ctx: CommandContext = {
    path: call.fullPath ?? call.path ?? [],
    values: call.values ?? {},
    args: (call.args ?? {}) as CommandContext["args"],
    io,
    command,
  };
  return await command.run(ctx);
}

function toolboxNew(call: Extract<HostMessage, { t: "call" }>): number {
  const toolbox = collected?.toolboxes.find((t) => t.name === call.name);
  if (!toolbox) throw new Error(`The plugin has no toolbox '${call.name}' any more`);
  const instance = new toolbox(call.config ?? {});
  const id = nextInstance++;
  const tools = new Map<string, Tool>();
  for (const tool of instance.tools()) tools.set(tool.name.slice(instance.name.length + 1), tool);
  toolboxInstances.set(id, tools);
  return id;
}

async function dispatch(call: Extract<HostMessage, { t: "call" }>): Promise<void> {
  const { id } = call;
  const controller = new AbortController();
  controllers.set(id, controller);
  const toolContext = {
    call: call.toolCall ?? { name: call.name ?? "", arguments: call.toolArgs ?? {} },
    signal: controller.signal,
  };
  try {
    if (call.keys) context.keys = call.keys;
    switch (call.op) {
      case "execute":
        await execute(id, call, controller.signal);
        post({ t: "result", id, value: undefined });
        return;
      case "embed":
        postResult(id, await embed(call));
        return;
      case "command":
        postResult(id, await runCommand(id, call));
        return;
      case "tool": {
        const tool = collected?.tools.find((t) => t.name === call.name);
        if (!tool) throw new Error(`The plugin has no tool '${call.name}' any more`);
        postResult(id, await tool.implementation(call.toolArgs ?? {}, toolContext));
        return;
      }
      case "toolbox.new":
        postResult(id, toolboxNew(call));
        return;
      case "toolbox.call": {
        const tool = toolboxInstances.get(call.instance ?? 0)?.get(call.name ?? "");
        if (!tool) throw new Error(`The toolbox has no method '${call.name}'`);
        postResult(id, await tool.implementation(call.toolArgs ?? {}, toolContext));
        return;
      }
      case "template": {
        const entry = collected?.templateLoaders.find((l) => l.prefix === call.prefix);
        if (!entry) throw new Error(`The plugin has no template loader '${call.prefix}' any more`);
        postResult(id, templateForHost(await entry.loader(call.arg ?? "")));
        return;
      }
      case "fragment": {
        const entry = collected?.fragmentLoaders.find((l) => l.prefix === call.prefix);
        if (!entry) throw new Error(`The plugin has no fragment loader '${call.prefix}' any more`);
        postResult(id, await loadedForHost(await entry.loader(call.arg ?? "")));
        return;
      }
    }
  } catch (error) {
    post({ t: "error", id, error: errorToWire(error) });
  } finally {
    controllers.delete(id);
    stdinWaiters.delete(id);
  }
}

// An error nothing caught (a stray timer, a promise nobody awaited) crashes the plugin: llm is told, stops this
// Worker and fails the calls it had running.
function crashed(reason: unknown): void {
  post({ t: "crashed", message: reason instanceof Error ? reason.message : String(reason) });
}
self.addEventListener("error", (event) => {
  event.preventDefault();
  crashed(event.error ?? event.message);
});
self.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  crashed(event.reason);
});

self.onmessage = (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  switch (message.t) {
    case "init":
      void init(message);
      break;
    case "call":
      void dispatch(message);
      break;
    case "cancel":
      controllers.get(message.id)?.abort(new CancelledError());
      break;
    case "stdin": {
      const waiter = stdinWaiters.get(message.id);
      stdinWaiters.delete(message.id);
      waiter?.(message.data ?? null);
      break;
    }
    case "fetched": {
      const waiter = fetchWaiters.get(message.req);
      fetchWaiters.delete(message.req);
      waiter?.(message);
      break;
    }
  }
};
