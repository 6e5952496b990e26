/**
 * What Python `llm` 0.32 with `llm-gemini` wrote to logs.db replaying the Gemini recordings
 * (`tests/fixtures/gemini-python/`, see its README): the turns in order, to compare ours with.
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";

/** The folder of Python's outputs. */
export const GEMINI_PYTHON_DIR: URL = new URL("../fixtures/gemini-python/", import.meta.url);

/** The path of a file in that folder. */
export function geminiPythonPath(name: string): string {
  return fileURLToPath(new URL(name, GEMINI_PYTHON_DIR));
}

/** One `turns` row as Python wrote it. */
export interface PythonTurn {
  /** The turn (response) id. */
  id: string;
  /** The model id, e.g. `gemini/gemini-flash-latest`. */
  model: string;
  /** `modelVersion` as reported. */
  resolved_model: string | null;
  /** Options as JSON text, or null. */
  options_json: string | null;
  /** Input tokens. */
  input_tokens: number | null;
  /** Output tokens. */
  output_tokens: number | null;
  /** Usage details as JSON text. */
  token_details: string | null;
  /** The stored response JSON text. */
  response_json: string | null;
  /** The last input message's hash. */
  parent_message_hash: string | null;
  /** The last output message's hash. */
  tip_message_hash: string;
}

/** The recording each of Python's turns replayed, in the order they were logged. */
export const PYTHON_TURN_RECORDINGS: readonly string[] = [
  "prompt",
  "resolved-model",
  "prompt-with-pydantic-schema",
  "nested-model-direct-reference",
  "nested-model-optional",
  "tools",
  "tools",
  "tools",
  "tools-with-nested-pydantic-models",
  "tools-with-nested-pydantic-models",
];

/** Python's turns for the recording `name`, in order (one per round of a chain). */
export function pythonTurns(name: string): PythonTurn[] {
  const db = new DatabaseSync(geminiPythonPath("logs.db"), { readOnly: true });
  try {
    const rows = db.prepare("select * from turns order by rowid").all() as unknown as PythonTurn[];
    return rows.filter((_, i) => PYTHON_TURN_RECORDINGS[i] === name);
  } finally {
    db.close();
  }
}

/** The JSON Schemas (pydantic's) the `llm-gemini` tests used, by recording name. */
export function pythonSchemas(): Record<string, Record<string, unknown>> {
  return JSON.parse(Deno.readTextFileSync(geminiPythonPath("schemas.json")));
}
