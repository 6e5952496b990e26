/**
 * The zod package itself, imported only by {@link import("./zod.ts").loadZod} with a computed specifier.
 *
 * A literal `import("npm:zod@^4.1")` in zod.ts made Deno resolve and load the npm package graph when any
 * program that imports the library started (zod.ts is imported by the model and option modules), about 13 ms,
 * whether or not zod was ever used. `deno compile` embeds this file with the rest of `lib/` (`--include lib/`).
 * @module
 */
export { z } from "npm:zod@^4.1";
