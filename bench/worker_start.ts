/**
 * What starting a Worker costs the thread that starts it (for bench/plugin_sandbox.ts): in this fresh process,
 * the milliseconds `new Worker()` blocks its caller (Deno builds the Worker's runtime before the constructor
 * returns) and the milliseconds until the Worker answers a first message, for an empty module, with and
 * without Deno permissions of its own (the plugin sandbox gives each Worker its grant). Prints one JSON
 * object of the four numbers.
 *
 * ```sh
 * deno run -A --unstable-worker-options bench/worker_start.ts
 * ```
 * @module
 */

const EMPTY_WORKER = URL.createObjectURL(
  new Blob(["self.onmessage = () => self.postMessage('ready');"], { type: "text/javascript" }),
);

/** Starts a Worker, times its constructor and its first answer, and stops it. */
async function timeWorker(options: WorkerOptions): Promise<{ blocked: number; answered: number }> {
  const started = performance.now();
  const worker = new Worker(EMPTY_WORKER, options);
  const blocked = performance.now() - started;
  const { promise, resolve } = Promise.withResolvers<void>();
  worker.onmessage = () => resolve();
  worker.postMessage("start");
  await promise;
  const answered = performance.now() - started;
  worker.terminate();
  return { blocked, answered };
}

const first = Deno.args[0] === "permissions"
  ? await timeWorker({ type: "module", deno: { permissions: "none" } } as WorkerOptions)
  : await timeWorker({ type: "module" });
console.log(JSON.stringify(first));
