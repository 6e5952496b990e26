/**
 * Runs a program in a real pseudo-terminal under tmux, types into it and reads its screen, for tests of what
 * a person at a terminal sees. Each session has its own tmux server (`tmux -L <unique name>`), which is ended
 * when the session is disposed.
 *
 * @example
 * ```ts ignore
 * import { TmuxSession } from "./tmux.ts";
 * await using term = await TmuxSession.start(["deno", "--version"]);
 * await term.waitFor(/deno \d/);
 * ```
 * @module
 */

/** True when `tmux` can be run here. */
export function hasTmux(): boolean {
  try {
    return new Deno.Command("tmux", { args: ["-V"], stdout: "null", stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
}

/** A shell word for `value`, quoted. */
function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Options of {@link TmuxSession.start}. */
export interface TmuxOptions {
  /** Environment variables for the program; `null` removes one (e.g. `NO_COLOR: null`). */
  env?: Record<string, string | null>;
  /** The working directory. */
  cwd?: string;
  /** Terminal size (default 100 x 40). */
  columns?: number;
  /** Terminal rows. */
  rows?: number;
}

let counter = 0;

/** A program running in a tmux pane; see the module doc. */
export class TmuxSession implements AsyncDisposable {
  #socket: string;

  private constructor(socket: string) {
    this.#socket = socket;
  }

  /**
   * Starts `command` in a new pane. When it exits, the pane shows `[exit N]` and stays open until the session
   * is disposed, so its last screen can still be read.
   */
  static async start(command: string[], options: TmuxOptions = {}): Promise<TmuxSession> {
    const socket = `llm-test-${Deno.pid}-${++counter}`;
    const env = Object.entries(options.env ?? {});
    const unset = env.filter(([, v]) => v === null).map(([k]) => `-u ${quote(k)}`);
    const set = env.filter(([, v]) => v !== null).map(([k, v]) => quote(`${k}=${v}`));
    const script =
      `${options.cwd ? `cd ${quote(options.cwd)} && ` : ""}env ${[...unset, ...set].join(" ")} ` +
      `${command.map(quote).join(" ")}; echo "[exit $?]"; sleep 600`;
    const session = new TmuxSession(socket);
    await session.#tmux(
      "new-session",
      "-d",
      "-x",
      String(options.columns ?? 100),
      "-y",
      String(options.rows ?? 40),
      script,
    );
    return session;
  }

  async #tmux(...args: string[]): Promise<string> {
    const output = await new Deno.Command("tmux", {
      args: ["-L", this.#socket, ...args],
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    if (!output.success) {
      throw new Error(`tmux ${args[0]} failed: ${new TextDecoder().decode(output.stderr)}`);
    }
    return new TextDecoder().decode(output.stdout);
  }

  /** Types `text` as it is (no key names). */
  async type(text: string): Promise<void> {
    await this.#tmux("send-keys", "-l", text);
  }

  /** Presses keys by tmux name: `Enter`, `Up`, `C-c`, `C-d`, `Left`... */
  async press(...keys: string[]): Promise<void> {
    await this.#tmux("send-keys", ...keys);
  }

  /** The screen's text; with `colours`, with the escape codes of its colours and styles. */
  async screen(colours = false): Promise<string> {
    return await this.#tmux("capture-pane", "-p", ...(colours ? ["-e"] : []));
  }

  /**
   * Waits until the screen matches `pattern` (checked every 100 ms, for at most `timeoutMs`, default 30 s);
   * returns the screen. Fails with the last screen shown.
   */
  async waitFor(pattern: RegExp, options: { colours?: boolean; timeoutMs?: number } = {}): Promise<string> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    let screen = "";
    while (Date.now() < deadline) {
      screen = await this.screen(options.colours);
      if (pattern.test(screen)) return screen;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`The screen never matched ${pattern}. It shows:\n${screen}`);
  }

  /** Ends the tmux server of this session and the program in it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.#tmux("kill-server").catch(() => {});
  }
}
