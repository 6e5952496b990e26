/**
 * The logs benchmarks: a `logs.db` seeded with 100,000 turns of realistic sizes, written by our own store
 * (`logTurn`, so the rows are exactly what `llm` writes), then the time of `llm logs -n 10`,
 * `llm logs -q WORD -n 10` and of logging one more response into it.
 *
 * Seeding runs every `logTurn` inside one outer transaction (each turn becomes a savepoint), which is what makes
 * 100,000 turns take seconds rather than minutes; the rows are the same as with one transaction a turn.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DatabaseSync } from "node:sqlite";
import { openLogsDb } from "../lib/logs/db.ts";
import { logTurn, type TurnRecord } from "../lib/logs/store.ts";
import { textMessage } from "../lib/models/messages.ts";
import type { Message } from "../lib/models/messages.ts";
import { ulid } from "../lib/models/ulid.ts";
import { measureCommands, measureInProcess, type Measurement } from "./measure.ts";
import type { Group } from "./report.ts";
import { pythonIsoformat } from "../lib/compat/isoformat.ts";

const repoDir = fileURLToPath(new URL("../", import.meta.url));

/** The word searched for with `-q`: in about one prompt in a hundred. */
export const SEARCH_WORD = "pelican";

const WORDS = (
  "the a of to and in is it that for on with as this be are was by at from or an not but have which you " +
  "model prompt response token stream function value array object string number error request server client " +
  "database query index table column row schema migration test deploy build release version config option " +
  "summarise explain rewrite translate compare list describe write review refactor debug optimise document"
).split(" ");

/** A small deterministic random number generator (mulberry32), so every seeded database is the same. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function prose(rand: () => number, chars: number): string {
  const words: string[] = [];
  let length = 0;
  while (length < chars) {
    const word = WORDS[Math.floor(rand() * WORDS.length)];
    words.push(word);
    length += word.length + 1;
    if (rand() < 0.06) words.push(rand() < 0.5 ? ".\n\n" : ".");
  }
  return words.join(" ");
}

/** A size between `min` and `max`, skewed towards the small end as real prompts and responses are. */
function size(rand: () => number, min: number, max: number): number {
  return Math.round(min + (max - min) * rand() ** 3);
}

/** One turn of a conversation: the record `logTurn` receives after a streamed chat completion. */
function turnRecord(
  rand: () => number,
  conversation: { id: string; history: Message[] },
  when: Date,
): TurnRecord {
  let prompt = prose(rand, size(rand, 20, 2000));
  if (rand() < 0.01) prompt = `${prompt} ${SEARCH_WORD}`;
  const response = prose(rand, size(rand, 100, 4000));
  const user = textMessage("user", prompt);
  const assistant = textMessage("assistant", response);
  const input = [...conversation.history, user];
  conversation.history = [...input, assistant];
  const id = ulid(when.getTime());
  const inputTokens = Math.ceil(input.reduce((n, m) => n + JSON.stringify(m).length, 0) / 4);
  const outputTokens = Math.ceil(response.length / 4);
  return {
    id,
    conversation: { id: conversation.id, model: "gpt-4o-mini" },
    model: "gpt-4o-mini",
    resolvedModel: "gpt-4o-mini-2024-07-18",
    input,
    output: [assistant],
    promptText: prompt,
    responseText: response,
    options: rand() < 0.2 ? { temperature: 0.7 } : {},
    responseJson: {
      id: `chatcmpl-${id}`,
      object: "chat.completion.chunk",
      model: "gpt-4o-mini-2024-07-18",
      created: Math.floor(when.getTime() / 1000),
      finish_reason: "stop",
      usage: { prompt_tokens: inputTokens, completion_tokens: outputTokens },
    },
    usage: { input: inputTokens, output: outputTokens, details: null },
    durationMs: 400 + Math.round(rand() * 6000),
    datetimeUtc: pythonIsoformat(when),
  };
}

/**
 * Writes `turns` turns to the logs.db at `path` (created and migrated): conversations of one to five turns,
 * a system prompt in a third of them, prompts of 20-2000 and responses of 100-4000 characters (most of them
 * short: the sizes are skewed towards the small end). Returns the
 * file's size in bytes.
 */
export async function seedLogs(path: string, turns: number, seed = 1): Promise<number> {
  const rand = random(seed);
  const db = openLogsDb(path);
  const start = Date.UTC(2024, 0, 1);
  try {
    db.exec("BEGIN IMMEDIATE");
    let written = 0;
    while (written < turns) {
      const history = rand() < 0.33 ? [textMessage("system", prose(rand, size(rand, 20, 600)))] : [];
      const conversation = { id: ulid(start + written * 60_000), history };
      const length = 1 + Math.floor(rand() * 5);
      for (let i = 0; i < length && written < turns; i++, written++) {
        await logTurn(db, turnRecord(rand, conversation, new Date(start + written * 60_000)));
      }
    }
    db.exec("COMMIT");
  } finally {
    db.close();
  }
  return (await Deno.stat(path)).size;
}

function count(db: DatabaseSync, table: string): number {
  return Number((db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n);
}

/** `llm logs -n 10`, `llm logs -q WORD -n 10` and logging one response, against a seeded logs.db. */
export async function logsGroup(runs: number, userDir: string, turns = 100_000): Promise<Group> {
  const dbPath = join(userDir, "logs.db");
  await Deno.remove(dbPath).catch(() => {});
  const seedStarted = performance.now();
  const bytes = await seedLogs(dbPath, turns);
  const seedMs = performance.now() - seedStarted;
  const env = { LLM_USER_PATH: userDir, NO_COLOR: "1" };
  const logs = (name: string, args: string[], expect: (stdout: string) => boolean) => ({
    name,
    cmd: [Deno.execPath(), "run", "-A", "cli.ts", "logs", ...args],
    cwd: repoDir,
    env,
    check(out: { code: number; stdout: string; stderr: string }) {
      if (out.code !== 0) throw new Error(`exit code ${out.code}: ${out.stderr.slice(0, 500)}`);
      if (!expect(out.stdout)) throw new Error(`unexpected output: ${out.stdout.slice(0, 300)}`);
    },
  });
  const measurements: Measurement[] = await measureCommands([
    { name: "deno run empty.ts", cmd: [Deno.execPath(), "run", "-A", "bench/empty.ts"], cwd: repoDir, env },
    logs("llm logs -n 10", ["-n", "10"], (s) => s.split("\n## Prompt").length === 11),
    logs(`llm logs -q ${SEARCH_WORD} -n 10`, ["-q", SEARCH_WORD, "-n", "10"], (s) => s.includes(SEARCH_WORD)),
    logs("llm logs -n 10 --json", ["-n", "10", "--json"], (s) => JSON.parse(s).length === 10),
  ], runs);
  const db = openLogsDb(dbPath);
  const rand = random(2);
  const conversation = { id: ulid(), history: [] as Message[] };
  const logOne = "logTurn: one more response (in process)";
  measurements.push(
    await measureInProcess(logOne, runs * 5, async () => {
      await logTurn(db, turnRecord(rand, conversation, new Date()));
      if (conversation.history.length > 8) conversation.history = [];
    }),
  );
  const summary = `${count(db, "turns").toLocaleString("en")} turns, ${
    count(db, "messages").toLocaleString("en")
  } messages, ${(bytes / 1024 / 1024).toFixed(0)} MiB, seeded in ${(seedMs / 1000).toFixed(1)} s`;
  db.close();
  return {
    title: `Logs (${turns.toLocaleString("en")} turns)`,
    description:
      `A logs.db written by our store with ${summary}. Prompts are 20-2000 characters, responses ` +
      `100-4000 (skewed small), conversations one to five turns; one prompt in a hundred contains '${SEARCH_WORD}'. ` +
      "Targets: each command under 100 ms wall time (Deno's own start-up, the empty script, included), and " +
      "logging one response under 5 ms.",
    measurements,
    targets: {
      "llm logs -n 10": { ms: 100 },
      [`llm logs -q ${SEARCH_WORD} -n 10`]: { ms: 100 },
      [logOne]: { ms: 5 },
    },
  };
}
