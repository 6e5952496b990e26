/**
 * The options of the OpenAI models, with the same names, ranges and help text as Python `llm` 0.32.
 * @module
 */
import type { Zod } from "../../deps/zod.ts";
import { defineOptions, type OptionsDefinition, type OptionsShape } from "../../models/options.ts";

/** Which optional options a model has. */
export interface OpenAIOptionFlags {
  /** `reasoning_effort`. */
  reasoning?: boolean;
  /** `verbosity` (gpt-5 family). */
  verbosity?: boolean;
  /** `image_detail` may be `original`. */
  imageDetailOriginal?: boolean;
  /** `chat_completions` (Responses API models). */
  chatCompletions?: boolean;
  /** `service_tier`. */
  serviceTier?: boolean;
  /** Only the shared options plus `logprobs` (the completion model). */
  completion?: boolean;
}

function logitBias(z: Zod) {
  return z
    .union([z.record(z.string(), z.unknown()), z.string()])
    .transform((value, ctx) => {
      let data: unknown = value;
      if (typeof value === "string") {
        try {
          data = JSON.parse(value);
        } catch {
          ctx.addIssue({ code: "custom", message: "Invalid JSON in logit_bias string" });
          return z.NEVER;
        }
      }
      const out: Record<string, number> = {};
      for (const [key, raw] of Object.entries((data ?? {}) as Record<string, unknown>)) {
        const token = Number(key);
        const bias = Number(raw);
        if (!Number.isInteger(token) || !Number.isInteger(bias) || bias < -100 || bias > 100) {
          ctx.addIssue({
            code: "custom",
            message:
              "Invalid key-value pair in logit_bias dictionary: keys are token ids, values -100 to 100",
          });
          return z.NEVER;
        }
        out[String(token)] = bias;
      }
      return out;
    })
    .optional()
    .describe(
      "Modify the likelihood of specified tokens appearing in the completion. " +
        `Pass a JSON string like '{"1712":-100, "892":-100, "1489":-100}'`,
    );
}

function sharedOptions(z: Zod): OptionsShape {
  return {
    temperature: z.number().min(0).max(2).optional().describe(
      "What sampling temperature to use, between 0 and 2. Higher values like 0.8 will make the output more " +
        "random, while lower values like 0.2 will make it more focused and deterministic.",
    ),
    max_tokens: z.int().optional().describe("Maximum number of tokens to generate."),
    top_p: z.number().min(0).max(1).optional().describe(
      "An alternative to sampling with temperature, called nucleus sampling, where the model considers the " +
        "results of the tokens with top_p probability mass. So 0.1 means only the tokens comprising the top 10% " +
        "probability mass are considered. Recommended to use top_p or temperature but not both.",
    ),
    frequency_penalty: z.number().min(-2).max(2).optional().describe(
      "Number between -2.0 and 2.0. Positive values penalize new tokens based on their existing frequency in " +
        "the text so far, decreasing the model's likelihood to repeat the same line verbatim.",
    ),
    presence_penalty: z.number().min(-2).max(2).optional().describe(
      "Number between -2.0 and 2.0. Positive values penalize new tokens based on whether they appear in the " +
        "text so far, increasing the model's likelihood to talk about new topics.",
    ),
    stop: z.string().optional().describe("A string where the API will stop generating further tokens."),
    logit_bias: logitBias(z),
    seed: z.int().optional().describe("Integer seed to attempt to sample deterministically"),
  };
}

function sentence(values: string[]): string {
  return values.length === 1 ? values[0] : `${values.slice(0, -1).join(", ")}, and ${values.at(-1)}`;
}

/** Builds the options of an OpenAI model from its flags. */
export function openAIOptions(flags: OpenAIOptionFlags = {}): OptionsDefinition {
  return defineOptions((z) => {
    if (flags.completion) {
      return {
        ...sharedOptions(z),
        logprobs: z.int().max(5).optional().describe(
          "Include the log probabilities of most likely N per token",
        ),
      };
    }
    const shape: OptionsShape = {
      ...sharedOptions(z),
      json_object: z.boolean().optional().describe(
        "Output a valid JSON object {...}. Prompt must mention JSON.",
      ),
    };
    if (flags.chatCompletions) {
      shape.chat_completions = z.boolean().optional().describe(
        "Force the use of the older /v1/chat/completions endpoint instead of /v1/responses. Most callers " +
          "should leave this off; set to true to fall back to the Chat Completions code path for compatibility.",
      );
    }
    const details = flags.imageDetailOriginal ? ["low", "high", "original", "auto"] : ["low", "high", "auto"];
    shape.image_detail = z.enum(details as [string, ...string[]]).optional().describe(
      `Controls the detail level for image attachments. Supported values are ${sentence(details)}.`,
    );
    if (flags.reasoning) {
      shape.reasoning_effort = z.enum(["none", "minimal", "low", "medium", "high", "xhigh", "max"]).optional()
        .describe(
          "Constraints effort on reasoning for reasoning models. Currently supported values are low, medium, " +
            "and high. Reducing reasoning effort can result in faster responses and fewer tokens used on " +
            "reasoning in a response.",
        );
    }
    if (flags.verbosity) {
      shape.verbosity = z.enum(["low", "medium", "high"]).optional().describe(
        "Controls how verbose the model's response should be. Supported values are low, medium, and high.",
      );
    }
    if (flags.serviceTier) {
      shape.service_tier = z.string().optional().describe(
        "The processing tier to use for this request - for example 'fast' for Fast mode (faster responses at " +
          "a higher price) or 'flex' for slower, cheaper processing on models that support those tiers.",
      );
    }
    return shape;
  });
}
