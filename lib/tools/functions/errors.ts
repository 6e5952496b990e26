/**
 * The error of `--functions` code, in a module of its own: `mod.ts` exports it without loading the scanner.
 * @module
 */
import { LlmError } from "../../errors.ts";

/** `--functions` code that cannot be used: a missing file, code that does not compile, no function in it. */
export class FunctionsError extends LlmError {}
