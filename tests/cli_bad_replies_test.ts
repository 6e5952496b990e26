/**
 * Replies that are not what they claim: a 200 with an HTML page or garbage instead of the API's JSON is an
 * error naming the content type and the first bytes; a stream that ends without the API's end is cut short
 * like a dropped connection (partial text kept on stdout and in the log, marked interrupted, exit 1). For the
 * three OpenAI APIs, through the real CLI against the loopback server.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type CliSetup, cliSetup, rows } from "./support/cli_setup.ts";
import type { RunCliResult } from "./support/run_cli.ts";

/** One model of each API: Chat Completions, Responses, completions. */
const MODELS = [
  ["4o-mini", "/v1/chat/completions"],
  ["gpt-5-mini", "/v1/responses"],
  ["3.5-instruct", "/v1/completions"],
] as const;

/** The one `Error: ...` line of a failed run with nothing on stdout. */
function failedEmpty(result: RunCliResult): string {
  assert.equal(result.code, 1, `exit ${result.code}; stdout ${JSON.stringify(result.stdout)}`);
  assert.equal(result.stdout, "");
  const lines = result.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0], /^Error: /);
  return lines[0];
}

function turnCount(t: CliSetup): number {
  try {
    return Number(rows(join(t.dir, "logs.db"), "select count(*) as n from turns")[0].n);
  } catch {
    return 0;
  }
}

Deno.test("bad replies: an HTML page or garbage with status 200 is an error naming its type and first bytes", async () => {
  await using t = await cliSetup();
  for (const [model, path] of MODELS) {
    for (const stream of [[], ["--no-stream"]]) {
      const label = `${model} ${stream.join("") || "streamed"}`;
      t.server.enqueue({ kind: "html" });
      const html = failedEmpty(await t.llm(["-m", model, ...stream, "hi"]));
      assert.ok(html.includes(t.server.url), `${label}: names the server: ${html}`);
      assert.match(html, /answered with text\/html, not the API's response/, label);
      assert.match(html, /it begins '<!DOCTYPE html> <html><head><title>502 Bad Gateway/, label);

      t.server.enqueue({ kind: "garbage" });
      const garbage = failedEmpty(await t.llm(["-m", model, ...stream, "hi"]));
      assert.match(
        garbage,
        /answered with application\/json, not the API's response \(it begins '\\x00\\x01\}\{ not json/,
      );
      assert.equal(t.server.requests.at(-1)!.path, path, label);
    }
  }
  // JSON, but not the API's: no `choices` (or `output`).
  t.server.enqueue({ kind: "raw", contentType: "application/json", body: '{"status": "ok"}' });
  const shape = failedEmpty(await t.llm(["-m", "4o-mini", "--no-stream", "hi"]));
  assert.match(shape, /not the API's response \(it begins '\{"status": "ok"\}'\)/);
  assert.equal(turnCount(t), 0, "nothing is logged for an answer that never came");
});

Deno.test("bad replies: a stream that ends without its end keeps the text, exits 1 and is logged interrupted", async () => {
  await using t = await cliSetup();
  for (const [model, path] of MODELS) {
    t.server.enqueue({ kind: "unfinished", chunks: ["Half ", "way"] });
    const run = await t.llm(["-m", model, `cut ${model}`]);
    assert.equal(t.server.requests.at(-1)!.path, path);
    assert.equal(run.code, 1, `${model}: ${run.stderr}`);
    assert.equal(run.stdout, "Half way\n", model);
    assert.match(
      run.stderr,
      /^Error: The response stopped before it finished \(the stream ended without .+\); 8 characters arrived before it\. Try again\n$/,
    );
  }
  const logged = rows(
    join(t.dir, "logs.db"),
    "select s.prompt, s.response, t.response_json from turns t join turn_search s on s.turn_id = t.id order by t.id",
  );
  assert.deepEqual(logged.map((r) => [r.prompt, r.response]), MODELS.map(([m]) => [`cut ${m}`, "Half way"]));
  for (const row of logged) {
    const reason = JSON.parse(row.response_json as string).llm_interrupted?.reason as string;
    assert.match(reason, /stream ended without (a finish_reason or \[DONE\]|response\.completed)/);
  }
  // The same streams with their end are complete: nothing marked.
  for (const [model] of MODELS) {
    const fine = await t.llm(["-m", model, "whole"]);
    assert.equal(fine.code, 0, fine.stderr);
  }
  const marked = rows(join(t.dir, "logs.db"), "select response_json from turns order by id")
    .map((r) => Boolean(JSON.parse(r.response_json as string ?? "{}")?.llm_interrupted));
  assert.deepEqual(marked, [true, true, true, false, false, false]);
});
