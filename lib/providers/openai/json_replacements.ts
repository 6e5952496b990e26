/**
 * The boilerplate tables Python `llm` 0.32 condenses OpenAI `response_json` against before storing it in
 * logs.db (its models' `json_replacements`). Reading a payload condensed with them, or writing one Python can
 * expand, needs the same tables; entries are only ever appended, never changed.
 * @module
 */

/** Chat Completions models' table. */
export const CHAT_JSON_REPLACEMENTS: Record<string, unknown> = {
  completion_tokens_details_0: {
    accepted_prediction_tokens: 0,
    audio_tokens: 0,
    reasoning_tokens: 0,
    rejected_prediction_tokens: 0,
  },
  prompt_tokens_details_0: { audio_tokens: 0, cached_tokens: 0 },
};

/** Responses API models' table. */
export const RESPONSES_JSON_REPLACEMENTS: Record<string, unknown> = {
  tool_usage_0: {
    image_gen: {
      input_tokens: 0,
      input_tokens_details: { image_tokens: 0, text_tokens: 0 },
      output_tokens: 0,
      output_tokens_details: { image_tokens: 0, text_tokens: 0 },
      total_tokens: 0,
    },
    web_search: { num_requests: 0 },
  },
  input_tokens_details_0: { cached_tokens: 0, cache_write_tokens: 0 },
  reasoning_settings_0: { effort: "medium", summary: "detailed", context: "all_turns", mode: "standard" },
  reasoning_settings_1: { effort: "medium", summary: "detailed", context: "current_turn", mode: "standard" },
  text_format_0: { format: { type: "text" }, verbosity: "medium" },
  response_env_0: {
    object: "response",
    parallel_tool_calls: true,
    temperature: 1.0,
    tool_choice: "auto",
    top_p: 1.0,
    background: false,
    service_tier: "default",
    status: "completed",
    top_logprobs: 0,
    truncation: "disabled",
    frequency_penalty: 0.0,
    presence_penalty: 0.0,
    store: false,
    tools: [],
  },
  message_completed: { role: "assistant", status: "completed", type: "message", phase: "final_answer" },
};
