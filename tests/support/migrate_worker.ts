/**
 * Test helper run as a subprocess by tests/logs_db_test.ts: waits until the given start time (so that
 * many workers start together), opens and migrates the logs database, and prints a JSON line with the
 * outcome.
 *
 * Usage: deno run -A tests/support/migrate_worker.ts <db path> <start time, ms since epoch>
 *
 * @module
 */
import { openLogsDb } from "../../lib/logs/db.ts";

if (import.meta.main) {
  const [path, startAt] = Deno.args;
  const wait = Number(startAt) - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  try {
    const db = openLogsDb(path);
    const { n } = db.prepare("SELECT count(*) AS n FROM _llm_migrations").get() as { n: number };
    db.close();
    console.log(JSON.stringify({ ok: true, migrations: n }));
  } catch (error) {
    console.log(JSON.stringify({ ok: false, error: String(error) }));
    Deno.exitCode = 1;
  }
}
