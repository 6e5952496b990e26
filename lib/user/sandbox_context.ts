/**
 * What a plugin running in a sandbox (a Worker with only its own permissions) gets from `llm` instead of
 * reading it: the user directory's path (it may not read the environment variables that locate it) and the
 * stored keys it declared (it may not read keys.json). Set by the sandbox's Worker before the plugin loads;
 * unset everywhere else. Kept on `globalThis` under a registered symbol, so every copy of this library in the
 * Worker sees it.
 * @module
 */

/** What the sandbox gives a plugin. */
export interface SandboxContext {
  /** The user directory. */
  userDir: string;
  /** The stored keys the plugin declared and the user has, by name (refreshed before every call). */
  keys: Record<string, string>;
}

const KEY = Symbol.for("@denollm/llm.sandbox-context");

/** The sandbox's context, or `undefined` outside a sandbox. */
export function sandboxContext(): SandboxContext | undefined {
  return (globalThis as Record<symbol, SandboxContext | undefined>)[KEY];
}

/** Sets the sandbox's context (only the sandbox's Worker calls this). */
export function setSandboxContext(context: SandboxContext): void {
  (globalThis as Record<symbol, SandboxContext | undefined>)[KEY] = context;
}
