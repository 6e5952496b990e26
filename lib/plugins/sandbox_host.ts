/**
 * The host side of a sandboxed plugin: `SandboxHost` starts the plugin's Worker with exactly the Deno
 * permissions it was granted (only when one of its features is used), sends it calls and routes what comes
 * back to each call. A Worker that crashes, does not start in time or does not stop when a call is cancelled
 * is terminated: the calls it had running fail with a {@link PluginCrashError} (or are cancelled), everything
 * else goes on, and the next call starts a new Worker.
 * @module
 */
import { CancelledError } from "../models/errors.ts";
import { lazyImport } from "../lazy_import.ts";
import { trackWorker, untrackWorker } from "./live_workers.ts";
import { PluginError } from "./errors.ts";
import type { CallMessage, HostMessage, ReadyMessage, WorkerMessage } from "./sandbox_protocol.ts";
import { errorFromWire, errorToWire, PluginCrashError } from "./sandbox_wire.ts";
import { workerPermissionsAvailable } from "./worker_permissions.ts";

/**
 * This Deno cannot give a Worker its own permissions: it runs without `--unstable-worker-options` (a
 * `deno run` without it, a compiled binary built without it), or it is too old.
 */
export class SandboxUnavailableError extends PluginError {}

/** What a Worker is started with. */
export interface SandboxSpec {
  /** The plugin's name (or specifier, before it is known), for messages. */
  name: string;
  /** The module to import in the Worker. */
  url: string;
  /** The Worker's Deno permissions. */
  permissions: Deno.PermissionOptionsObject;
  /** The user directory, which the plugin is told rather than reading the environment. */
  userDir: string;
  /** Only import the plugin and say what it is and what it asks for; run no hook. */
  inspect?: boolean;
  /** Describe the models' options (loads zod in the Worker; done when installing). */
  withOptions?: boolean;
  /** The stored keys, by name, to give the plugin with each call (only those it was granted). */
  keys?: () => Record<string, string>;
}

/** What a call does with the messages of its Worker before its result. */
export interface CallHandlers {
  /** A batch of streamed chunks. */
  onChunks?(chunks: WorkerMessage & { t: "chunks" }): void;
  /** A call of the response's methods (`setUsage`, `addToolCall`...). */
  onResponse?(method: string, arg: unknown): void;
  /** Output of a command. */
  onWrite?(stream: "stdout" | "stderr", data: string | Uint8Array): void;
  /** The command reads stdin: the next bytes, or null at the end. */
  onStdin?(): Promise<Uint8Array | null>;
}

interface PendingCall {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  handlers: CallHandlers;
}

/** Seconds a Worker may take to import its plugin and run its hooks (`LLM_PLUGIN_START_TIMEOUT`). */
function startTimeoutMs(): number {
  const seconds = Number(Deno.env.get("LLM_PLUGIN_START_TIMEOUT") ?? "30");
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 30_000;
}

/** How long a cancelled call may take to stop before its Worker is terminated. */
export const CANCEL_GRACE_MS = 1000;
/** How long an idle Worker lives before it is stopped (it would otherwise keep a script's process alive). */
export const IDLE_MS = 1500;

export { stopPluginWorkers, workersStarted } from "./live_workers.ts";

const WORKER_URL = new URL("./sandbox_worker.ts", import.meta.url);

/** One plugin's Worker, started on first use. */
export class SandboxHost {
  readonly spec: SandboxSpec;
  #worker?: Worker;
  #ready?: Promise<ReadyMessage>;
  #calls = new Map<number, PendingCall>();
  #next = 1;
  #idle?: number;

  /** A host for `spec`; nothing starts until {@link start} or a call. */
  constructor(spec: SandboxSpec) {
    this.spec = spec;
  }

  /** Starts the Worker (once) and resolves with what the plugin registered. */
  start(): Promise<ReadyMessage> {
    this.#ready ??= this.#spawn();
    return this.#ready;
  }

  #spawn(): Promise<ReadyMessage> {
    const { promise, resolve, reject } = Promise.withResolvers<ReadyMessage>();
    if (!workerPermissionsAvailable()) {
      this.#ready = undefined;
      return Promise.reject(
        new SandboxUnavailableError(
          this.spec.name,
          "This Deno cannot give a plugin's Worker its own permissions: start llm with " +
            "--unstable-worker-options (deno run -A --unstable-worker-options ...), or build the binary with it",
        ),
      );
    }
    let worker: Worker;
    try {
      worker = new Worker(WORKER_URL, {
        type: "module",
        name: `llm plugin ${this.spec.name}`,
        deno: { permissions: this.spec.permissions },
      } as WorkerOptions);
    } catch (error) {
      this.#ready = undefined;
      const message = error instanceof Error ? error.message : String(error);
      if (/unstable-worker-options|Worker\.deno/i.test(message)) {
        return Promise.reject(
          new SandboxUnavailableError(
            this.spec.name,
            "This Deno cannot give a plugin's Worker its own permissions: start llm with " +
              "--unstable-worker-options (deno run -A --unstable-worker-options ...), or build the binary with it",
            { cause: error },
          ),
        );
      }
      return Promise.reject(error);
    }
    trackWorker(this);
    // For benchmarks and debugging: say when a Worker starts.
    if (Deno.env.get("LLM_PLUGIN_SANDBOX_TRACE")) {
      console.error(`llm: Worker started for plugin ${this.spec.name}`);
    }
    this.#worker = worker;
    const timer = setTimeout(() => {
      this.#fail(
        new PluginCrashError(
          this.spec.name,
          `Plugin '${this.spec.name}' did not finish loading within ${startTimeoutMs() / 1000} s; it was ` +
            "stopped (set LLM_PLUGIN_START_TIMEOUT to wait longer)",
        ),
      );
    }, startTimeoutMs());
    const settle = () => clearTimeout(timer);
    promise.then(settle, settle);
    worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
      const message = event.data;
      if (message.t === "ready") resolve(message);
      else if (message.t === "failed") {
        reject(errorFromWire(message.error, this.spec.name));
        this.#terminate();
      } else if (message.t === "crashed") crash(message.message);
      else this.#route(message);
    };
    const crash = (message: string) =>
      this.#fail(
        new PluginCrashError(
          this.spec.name,
          `Plugin '${this.spec.name}' crashed: ${message}; what it was doing was stopped, and it starts ` +
            "again when it is next used",
        ),
      );
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      crash(event.message);
    };
    worker.onmessageerror = () => {
      this.#fail(
        new PluginCrashError(this.spec.name, `Plugin '${this.spec.name}' sent a message llm cannot read`),
      );
    };
    this.#rejectStart = reject;
    this.#post({
      t: "init",
      url: this.spec.url,
      userDir: this.spec.userDir,
      inspect: this.spec.inspect ?? false,
      withOptions: this.spec.withOptions ?? false,
    });
    return promise;
  }

  #rejectStart?: (error: unknown) => void;

  #post(message: HostMessage): void {
    this.#worker?.postMessage(message);
  }

  /** URLs attached to the prompts running in this Worker, with how many of them attach each. */
  #attached = new Map<string, number>();

  /**
   * Lets the Worker have `llm` fetch `urls` (the URL attachments of a prompt it is about to run) until the
   * returned function is called.
   */
  allowAttachmentFetches(urls: string[]): () => void {
    for (const url of urls) this.#attached.set(url, (this.#attached.get(url) ?? 0) + 1);
    return () => {
      for (const url of urls) {
        const left = (this.#attached.get(url) ?? 1) - 1;
        if (left > 0) this.#attached.set(url, left);
        else this.#attached.delete(url);
      }
    };
  }

  /** Fetches an attached URL for the Worker; any other URL is refused as Deno refuses a host. */
  async #fetchAttachment(message: Extract<WorkerMessage, { t: "fetch" }>): Promise<void> {
    const { req, url, method } = message;
    if (!this.#attached.has(url)) {
      let host = url;
      try {
        host = new URL(url).host;
      } catch { /* not a URL: named as it is */ }
      const error = { name: "NotCapable", message: `Requires net access to "${host}"` };
      this.#post({ t: "fetched", req, error });
      return;
    }
    try {
      const { fetchAttachment } = await lazyImport<typeof import("../attachments/fetch.ts")>(
        "../attachments/fetch.ts",
        import.meta.url,
      );
      const response = await fetchAttachment(url, method);
      const body = method === "GET" ? new Uint8Array(await response.arrayBuffer()) : null;
      if (method === "HEAD") await response.body?.cancel();
      const answer = {
        t: "fetched" as const,
        req,
        status: response.status,
        statusText: response.statusText,
        headers: [...response.headers],
        body,
      };
      this.#worker?.postMessage(answer, body ? { transfer: [body.buffer] } : undefined);
    } catch (error) {
      this.#post({ t: "fetched", req, error: errorToWire(error) });
    }
  }

  #route(message: WorkerMessage): void {
    if (message.t === "fetch") {
      void this.#fetchAttachment(message);
      return;
    }
    if (!("id" in message)) return;
    const call = this.#calls.get(message.id);
    if (!call) return;
    switch (message.t) {
      case "chunks":
        call.handlers.onChunks?.(message);
        break;
      case "response":
        call.handlers.onResponse?.(message.method, message.arg);
        break;
      case "write":
        call.handlers.onWrite?.(message.stream, message.data);
        break;
      case "stdin": {
        const read = call.handlers.onStdin?.() ?? Promise.resolve(null);
        read.then(
          (data) => this.#post({ t: "stdin", id: message.id, data }),
          () => this.#post({ t: "stdin", id: message.id, data: null }),
        );
        break;
      }
      case "result":
        this.#settle(message.id);
        call.resolve(message.value);
        break;
      case "error":
        this.#settle(message.id);
        call.reject(errorFromWire(message.error, this.spec.name));
        break;
    }
  }

  #settle(id: number): void {
    this.#calls.delete(id);
    if (this.#calls.size === 0 && this.#worker) {
      clearTimeout(this.#idle);
      this.#idle = setTimeout(() => {
        if (this.#calls.size === 0) this.stop();
      }, IDLE_MS) as unknown as number;
      Deno.unrefTimer(this.#idle);
    }
  }

  /**
   * Runs a call in the Worker (starting it first if needed). `signal` cancels it: the Worker's call is
   * aborted, and a Worker that does not stop within {@link CANCEL_GRACE_MS} is terminated.
   */
  async call(
    message: Omit<CallMessage, "t" | "id" | "keys">,
    handlers: CallHandlers = {},
    signal?: AbortSignal,
  ): Promise<unknown> {
    await this.start();
    signal?.throwIfAborted();
    clearTimeout(this.#idle);
    const id = this.#next++;
    const { promise, resolve, reject } = Promise.withResolvers<unknown>();
    this.#calls.set(id, { resolve, reject, handlers });
    let grace: number | undefined;
    const onAbort = () => {
      this.#post({ t: "cancel", id });
      grace = setTimeout(() => {
        if (!this.#calls.has(id)) return;
        this.#calls.delete(id);
        reject(signal?.reason ?? new CancelledError());
        // It did not stop: it may be stuck in a loop. Its Worker goes, with any other call it had.
        this.#fail(
          new PluginCrashError(
            this.spec.name,
            `Plugin '${this.spec.name}' did not stop when a call was cancelled; it was terminated`,
          ),
        );
      }, CANCEL_GRACE_MS) as unknown as number;
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    this.#post({ t: "call", id, keys: this.spec.keys?.() ?? {}, ...message } as CallMessage);
    try {
      return await promise;
    } finally {
      signal?.removeEventListener("abort", onAbort);
      clearTimeout(grace);
    }
  }

  #fail(error: unknown): void {
    this.#rejectStart?.(error);
    const calls = [...this.#calls.values()];
    this.#calls.clear();
    this.#terminate();
    for (const call of calls) call.reject(error);
  }

  #terminate(): void {
    clearTimeout(this.#idle);
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#ready = undefined;
    this.#rejectStart = undefined;
    untrackWorker(this);
  }

  /** Stops the Worker; calls still running fail. The next call starts a new one. */
  stop(): void {
    this.#fail(new CancelledError(`Plugin '${this.spec.name}' was stopped`));
  }

  /** Whether a Worker is running. */
  get running(): boolean {
    return this.#worker !== undefined;
  }
}
