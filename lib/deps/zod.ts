/**
 * The one place that loads zod. Loaded lazily: only option validation, option listing and schemas need it.
 * @module
 */
import type * as zodModule from "npm:zod@^4.1";
import { lazyImport } from "../lazy_import.ts";

/** The zod namespace (`z`). */
export type Zod = typeof zodModule.z;

let cached: Promise<Zod> | undefined;

/**
 * Imports zod on first use and returns its `z` namespace. The import goes through `_zod_module.ts` with a
 * computed specifier, so that Deno does not load the npm package when a program starts (see that file).
 */
export function loadZod(): Promise<Zod> {
  cached ??= lazyImport<typeof import("./_zod_module.ts")>("./_zod_module.ts", import.meta.url).then((m) =>
    m.z
  );
  return cached;
}
