/**
 * The plugin Workers running in this process, kept apart from the sandbox's host so that `mod.ts` can offer
 * {@link stopPluginWorkers} without loading the sandbox (which a library user may never need).
 * @module
 */

/** A running Worker, as far as stopping it goes. */
export interface StoppableWorker {
  /** Stops the Worker and fails the calls it had running. */
  stop(): void;
}

const live = new Set<StoppableWorker>();
let started = 0;

/** Notes a Worker that just started. */
export function trackWorker(worker: StoppableWorker): void {
  started++;
  live.add(worker);
}

/** Forgets a Worker that stopped. */
export function untrackWorker(worker: StoppableWorker): void {
  live.delete(worker);
}

/** How many Workers this process has started (for tests and benchmarks). */
export function workersStarted(): number {
  return started;
}

/**
 * Stops every plugin Worker of this process (a library user's clean-up; tests call it).
 *
 * @example
 * ```ts
 * import { stopPluginWorkers } from "./live_workers.ts";
 * stopPluginWorkers(); // nothing running: nothing to do
 * ```
 */
export function stopPluginWorkers(): void {
  for (const worker of [...live]) worker.stop();
}
