/**
 * A temporary user directory and a loopback OpenAI server, with the environment that points the real CLI
 * (a subprocess) at both: what the CLI tests of bad inputs, signals and plugins share.
 *
 * @example
 * ```ts ignore
 * await using t = await cliSetup();
 * const result = await t.llm(["-m", "4o-mini", "hi"]);
 * ```
 * @module
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { type OpenAIServer, startOpenAIServer } from "./openai_server.ts";
import { runCli, type RunCliResult } from "./run_cli.ts";

/** What {@link cliSetup} returns; disposing it stops the server and removes the directory. */
export interface CliSetup extends AsyncDisposable {
  /** The user directory (`LLM_USER_PATH`), also the working directory of each run. */
  dir: string;
  /** The loopback server. */
  server: OpenAIServer;
  /** The environment of each run. */
  env: Record<string, string>;
  /** Runs `llm <args>` with that environment (plus `env`), `stdin` text if given. */
  llm(args: string[], opts?: { env?: Record<string, string>; stdin?: string }): Promise<RunCliResult>;
}

/** Starts the server and makes the directory. */
export async function cliSetup(): Promise<CliSetup> {
  const dir = await Deno.makeTempDir({ prefix: "llm-cli-rel-" });
  const server = await startOpenAIServer();
  const env = {
    LLM_USER_PATH: dir,
    OPENAI_BASE_URL: server.url,
    OPENAI_API_KEY: "sk-test",
    LLM_OPENAI_MAX_RETRIES: "0",
    LLM_MODEL: "",
  };
  return {
    dir,
    server,
    env,
    llm: (args, opts = {}) => runCli(args, { cwd: dir, stdin: opts.stdin, env: { ...env, ...opts.env } }),
    async [Symbol.asyncDispose]() {
      await server.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Asserts exit code 0 and returns the result. */
export function ok(result: RunCliResult): RunCliResult {
  assert.equal(result.code, 0, `exit ${result.code}, stderr: ${result.stderr}`);
  return result;
}

/** The rows of `sql` in the SQLite file at `path`, read-only. */
export function rows(path: string, sql: string): Record<string, unknown>[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db.prepare(sql).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

/** Runs `sql` (several statements allowed) against the SQLite file at `path`. */
export function execSql(path: string, sql: string): void {
  const db = new DatabaseSync(path);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

async function run(cmd: string, args: string[]): Promise<boolean> {
  try {
    return (await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output()).success;
  } catch {
    return false;
  }
}

function writable(path: string): boolean {
  try {
    Deno.openSync(path, { write: true }).close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes the file at `path` really unwritable: `chmod 444`, or for root (whom permissions do not bind)
 * `chattr +i`. Returns the undo function, or undefined (after saying why) when neither works here.
 */
export async function makeFileUnwritable(path: string): Promise<(() => Promise<void>) | undefined> {
  if (Deno.uid() !== 0) {
    await Deno.chmod(path, 0o444);
    if (!writable(path)) return () => Deno.chmod(path, 0o644);
    await Deno.chmod(path, 0o644);
  } else if (await run("chattr", ["+i", path])) {
    if (!writable(path)) return async () => void await run("chattr", ["-i", path]);
    await run("chattr", ["-i", path]);
  }
  console.log(`skipped: cannot make ${path} read-only here (root without a working chattr +i)`);
  return undefined;
}
