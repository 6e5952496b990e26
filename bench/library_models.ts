/**
 * The library's start-up, for the startup benchmark: import `mod.ts` and list the models.
 * @module
 */
import { getModels } from "../mod.ts";

if (getModels().length === 0) Deno.exit(1);
