/**
 * A separate process that logs turns to a shared `logs.db`, for the concurrency test in
 * `tests/logs_store_test.ts`: `deno run -A log_worker.ts <db path> <worker number> <turn count>`.
 *
 * Every worker starts from the same system and user messages (so writers race to insert identical rows),
 * then continues its own conversation one turn at a time.
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import { logTurn } from "../../lib/logs/store.ts";
import { type Message, textMessage } from "../../lib/models/messages.ts";

const [path, workerText, countText] = Deno.args;
const worker = Number(workerText);
const count = Number(countText);
const db = new DatabaseSync(path);
const conversation = { id: `conv-${worker}`, model: "echo" };
let history: Message[] = [textMessage("system", "Be brief")];
for (let i = 0; i < count; i++) {
  const prompt = i === 0 ? "shared opening" : `worker ${worker} turn ${i}`;
  const input = [...history, textMessage("user", prompt)];
  const output = [textMessage("assistant", `Echo: ${prompt}`)];
  await logTurn(db, {
    id: `turn-${worker}-${String(i).padStart(3, "0")}`,
    conversation,
    model: "echo",
    input,
    output,
    promptText: prompt,
    responseText: `Echo: ${prompt}`,
    options: {},
    responseJson: null,
    usage: { input: 1, output: 1 },
    durationMs: 1,
    datetimeUtc: new Date().toISOString(),
  });
  history = [...input, ...output];
}
db.close();
