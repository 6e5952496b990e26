/**
 * Claude turns in logs.db as Python `llm` 0.32 with `llm-anthropic` 0.25 writes them. The fixture
 * `tests/fixtures/anthropic-python/logs.db` is what Python wrote for the recorded exchanges replayed from the
 * same loopback server (see record.sh there); the same prompts sent through this plugin and logged here
 * must give the same rows: message hashes (so the whole input chain and output are the same content),
 * parts, model ids, options, usage, schema and `response_json` (the SDK's null fields aside).
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import anthropicPlugin from "../plugins/anthropic/mod.ts";
import { getModel } from "../lib/default_registry.ts";
import type { Response } from "../lib/models/response.ts";
import { LogStore } from "../lib/logs/log_response.ts";
import { loadPlugin, unloadPlugin } from "../lib/plugins/runtime.ts";
import { tempUserDir } from "./support/env.ts";
import { anthropicRecording, startAnthropicServer } from "./support/anthropic_server.ts";
import { REPLAY_CASES } from "./support/anthropic_cases.ts";

const PYTHON_DB = fileURLToPath(new URL("./fixtures/anthropic-python/logs.db", import.meta.url));

/** The recordings record.sh replayed, in the order Python logged their turns. */
const PYTHON_ORDER = [
  "prompt",
  "parts-thinking",
  "async-prompt",
  "web-search",
  "opus-46-schema",
  "prompt-with-prefill-and-stop-sequences",
  "opus-46-adaptive-thinking",
  "fixed-version-tool-chain-with-thinking-display-regression",
];

type Row = Record<string, unknown>;

function turnRows(db: DatabaseSync): Row[] {
  return db.prepare(
    `SELECT model, resolved_model, options_json, schema_id, input_tokens, output_tokens, token_details,
       response_json, parent_message_hash, tip_message_hash FROM turns ORDER BY datetime_utc, id`,
  ).all() as Row[];
}

function partRows(db: DatabaseSync, hash: unknown): Row[] {
  return db.prepare(
    "SELECT position, type, tool_name, text, payload FROM parts WHERE message_hash = ? ORDER BY position",
  ).all(hash as string) as Row[];
}

/** JSON text parsed with every null member dropped (the SDK's unset fields, which a stream does not carry). */
function withoutNulls(text: unknown): unknown {
  if (typeof text !== "string") return text;
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (!v || typeof v !== "object") return v;
    return Object.fromEntries(
      Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, strip(x)]),
    );
  };
  return strip(JSON.parse(text));
}

Deno.test("Claude turns are logged with the rows Python llm + llm-anthropic writes", async () => {
  await using server = await startAnthropicServer();
  await using dir = await tempUserDir({ ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: "sk-test" });
  await loadPlugin(anthropicPlugin);
  const store = LogStore.open(join(dir.path, "logs.db"));
  try {
    for (const file of PYTHON_ORDER) {
      const c = REPLAY_CASES.find((r) => r.file === file)!;
      anthropicRecording(file).forEach((_, index) => server.enqueue({ kind: "recorded", file, index }));
      const model = getModel(c.model);
      const responses: Response[] = [];
      for (const step of c.steps) {
        const response = await step(model, responses);
        await response.text();
        await store.log(response);
        responses.push(response);
      }
    }
    const python = new DatabaseSync(PYTHON_DB, { readOnly: true });
    try {
      const theirs = turnRows(python);
      const ours = turnRows(store.db);
      assert.equal(ours.length, theirs.length);
      for (let i = 0; i < theirs.length; i++) {
        const label = `turn ${i} (${theirs[i].model})`;
        const { response_json: theirJson, token_details: theirDetails, ...theirRest } = theirs[i];
        const { response_json: ourJson, token_details: ourDetails, ...ourRest } = ours[i];
        assert.deepEqual(ourRest, theirRest, label);
        assert.deepEqual(withoutNulls(ourDetails), withoutNulls(theirDetails), `${label} token_details`);
        assert.deepEqual(withoutNulls(ourJson), withoutNulls(theirJson), `${label} response_json`);
        assert.deepEqual(
          partRows(store.db, ours[i].tip_message_hash),
          partRows(python, theirs[i].tip_message_hash),
        );
      }
    } finally {
      python.close();
    }
  } finally {
    store.close();
    unloadPlugin("llm-anthropic");
  }
});
