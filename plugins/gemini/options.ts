/**
 * The options of a Gemini model (`-o temperature 0.5`), by what the model supports: every model has the
 * sampling options, `json_object`, `timeout` and `media_resolution`; thinking models add `thinking_budget`
 * or `thinking_level` with the levels they accept. Names and ranges are those of `llm-gemini`.
 * @module
 */
import { defineOptions, type OptionsDefinition } from "./_llm.ts";
import type { GeminiModelInfo } from "./catalog.ts";

/** The values `media_resolution` takes. */
export const MEDIA_RESOLUTIONS: readonly string[] = ["low", "medium", "high", "ultra_high", "unspecified"];

/** The typed option values a prompt carries once they are validated. */
export interface GeminiOptionValues {
  /** Randomness, 0 to 2. */
  temperature?: number;
  /** Most tokens in the answer. */
  max_output_tokens?: number;
  /** Nucleus sampling, 0 to 1. */
  top_p?: number;
  /** Sample from the k most likely tokens. */
  top_k?: number;
  /** Answer with a JSON object. */
  json_object?: boolean;
  /** Seconds to wait for the API before giving up. */
  timeout?: number;
  /** Thinking tokens (0 turns thinking off). */
  thinking_budget?: number;
  /** How hard to think. */
  thinking_level?: string;
  /** Resolution of images and video sent to the model. */
  media_resolution?: string;
}

/**
 * The options definition of a model with these capabilities.
 *
 * @example
 * ```ts
 * import { geminiModelInfo } from "./catalog.ts";
 * import { geminiOptions } from "./options.ts";
 * const options = geminiOptions(geminiModelInfo("gemini-3.6-flash")); // has thinking_level
 * ```
 */
export function geminiOptions(info: GeminiModelInfo): OptionsDefinition {
  const levels = info.thinkingLevels;
  return defineOptions((z) => ({
    temperature: z.number().min(0).max(2).optional().describe(
      "How random the answer is: higher for more varied, lower for more predictable output (0 to 2)",
    ),
    max_output_tokens: z.number().int().optional().describe("The most tokens the answer may have"),
    top_p: z.number().min(0).max(1).optional().describe(
      "Pick the next token among the most likely ones whose probabilities add up to this (0 to 1)",
    ),
    top_k: z.number().int().min(1).optional().describe(
      "Pick the next token among this many most likely ones (1 means always the most likely)",
    ),
    json_object: z.boolean().optional().describe("Answer with a JSON object {...}"),
    timeout: z.number().optional().describe(
      "Seconds to wait for the API to send something before giving up",
    ),
    ...(info.thinkingBudget
      ? {
        thinking_budget: z.number().int().optional().describe(
          "How many tokens the model may spend thinking; 0 turns thinking off",
        ),
      }
      : {}),
    ...(levels
      ? {
        thinking_level: z.enum(levels as [string, ...string[]]).optional().describe(
          `How much the model thinks: ${levels.map((l) => `'${l}'`).join(", ")}`,
        ),
      }
      : {}),
    media_resolution: z.enum(MEDIA_RESOLUTIONS as [string, ...string[]]).optional().describe(
      "Resolution of images and video (YouTube too) sent to the model: low (the default), medium, high, " +
        "ultra_high or unspecified",
    ),
  }));
}
