/**
 * Runs the real `llm` command (`deno run -A cli.ts`) as a subprocess, for tests of exit codes, stdin and
 * streaming. The child inherits this process's environment (so a `tempUserDir()` applies) plus `env`; colour
 * is always off (`NO_COLOR=1`); stdin is closed unless `stdin` text is given.
 *
 * @example
 * ```ts
 * import { runCli } from "./run_cli.ts";
 * const { code, stdout } = await runCli(["models", "default"], { env: { LLM_USER_PATH: "/tmp/x" } });
 * ```
 * @module
 */
import { fileURLToPath } from "node:url";

/** The path of the repository's `cli.ts`. */
export const cliPath: string = fileURLToPath(new URL("../../cli.ts", import.meta.url));

/** Options for {@link runCli}. */
export interface RunCliOptions {
  /** Extra environment variables, added to (and overriding) the test process's own. */
  env?: Record<string, string>;
  /** Text written to stdin, which is then closed. Without it stdin is `null`. */
  stdin?: string;
  /** The working directory (default: the test process's). */
  cwd?: string;
}

/** What a run of the CLI produced. */
export interface RunCliResult {
  /** The exit code. */
  code: number;
  /** Everything written to stdout, decoded as UTF-8. */
  stdout: string;
  /** Everything written to stderr, decoded as UTF-8. */
  stderr: string;
}

/** Runs `llm <args>` in a subprocess and waits for it to exit. */
export async function runCli(args: string[], opts: RunCliOptions = {}): Promise<RunCliResult> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", cliPath, ...args],
    env: { NO_COLOR: "1", ...opts.env },
    cwd: opts.cwd,
    stdin: opts.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (opts.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(opts.stdin));
    await writer.close();
  }
  const { code, stdout, stderr } = await child.output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}
