/**
 * What the logging checks of a prompt cost (issue 12): the write check on opening logs.db (one open() of the
 * file for writing) and `unknownMigrations` on every logged prompt, and `schemaMisfit` once a session on a
 * logs.db a newer llm migrated. Medians of 2000 runs each, in µs.
 *
 * ```sh
 * deno run -A bench/logging_check.ts
 * ```
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { migrate, unknownMigrations } from "../lib/logs/migrations.ts";
import { schemaMisfit } from "../lib/logs/schema_fit.ts";
import { openLogsDb } from "../lib/logs/db.ts";

function median(fn: () => void, runs = 2000): number {
  for (let i = 0; i < 100; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] * 1000;
}

const dir = await Deno.makeTempDir({ prefix: "llm-bench-check-" });
try {
  const path = `${dir}/logs.db`;
  const setup = new DatabaseSync(path);
  migrate(setup);
  setup.close();
  const open = median(() => openLogsDb(path).close(), 300);
  const writable = median(() => Deno.openSync(path, { write: true }).close());
  const db = openLogsDb(path);
  const unknown = median(() => unknownMigrations(db));
  db.exec("INSERT INTO _llm_migrations VALUES ('m099_from_the_future', '2030')");
  const misfit = median(() => schemaMisfit(db));
  db.close();
  console.log(`openLogsDb (current schema, for scale): ${open.toFixed(0)} µs`);
  console.log(`write check on open, every logged prompt: ${writable.toFixed(1)} µs`);
  console.log(`unknownMigrations, every logged prompt:  ${unknown.toFixed(1)} µs`);
  console.log(`schemaMisfit, once on a newer logs.db:   ${misfit.toFixed(1)} µs`);
} finally {
  await Deno.remove(dir, { recursive: true });
}
