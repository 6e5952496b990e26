/**
 * The one place that loads zod. Loaded lazily: only option validation, option listing and schemas need it.
 * @module
 */
import type * as zodModule from "npm:zod@^4.1";

/** The zod namespace (`z`). */
export type Zod = typeof zodModule.z;

let cached: Promise<Zod> | undefined;

/** Imports zod on first use and returns its `z` namespace. */
export function loadZod(): Promise<Zod> {
  cached ??= import("npm:zod@^4.1").then((m) => m.z);
  return cached;
}
