/**
 * The version of this package. Keep it equal to `version` in deno.json (a test checks that they match).
 *
 * @module
 */

/** The package version, printed by `llm --version` and sent in the User-Agent header. */
export const VERSION = "0.1.0";
