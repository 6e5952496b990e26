/**
 * `llm keys`: list, print, store and locate the API keys in keys.json, as Python llm 0.32 does.
 * `keys set` without `--value` reads the key without echoing it: typed at a hidden prompt on a terminal, or
 * read from stdin when something is piped in.
 *
 * @module
 */
import { CancelledError, LlmError } from "../../../models/errors.ts";
import { keysPath as keysFile, loadKeys, setKey } from "../../../user/keys.ts";
import { readStdinText } from "../../io.ts";
import type { CommandContext } from "../../../commands/spec.ts";
import type { Io } from "../../../commands/io.ts";

/** `llm keys get` found no keys.json, or no key with the name asked for. */
export class KeyNotFoundError extends LlmError {
  /** The name asked for. */
  readonly keyName: string;
  /** Creates the error; `fileExists` tells whether keys.json exists at all. */
  constructor(keyName: string, fileExists: boolean) {
    super(
      fileExists
        ? `No key found with name '${keyName}'. Run 'llm keys list' to see the stored names`
        : `No keys found. Store one with 'llm keys set ${keyName}'`,
    );
    this.keyName = keyName;
  }
}

/** `llm keys set` got an empty key (nothing typed, or nothing on stdin). */
export class EmptyKeyError extends LlmError {
  /** Creates the error for the key called `keyName`. */
  constructor(keyName: string) {
    super(`No key given for '${keyName}'. Type it at the prompt, pipe it in, or pass --value`);
  }
}

function keysFileExists(): boolean {
  try {
    Deno.statSync(keysFile());
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** `llm keys list`: stored key names, sorted, one a line; `No keys found` when keys.json does not exist. */
export function keysList(ctx: CommandContext): Promise<void> {
  if (!keysFileExists()) {
    ctx.io.stdout.write("No keys found\n");
    return Promise.resolve();
  }
  const names = Object.keys(loadKeys()).sort();
  for (const name of names) ctx.io.stdout.write(`${name}\n`);
  return Promise.resolve();
}

/** `llm keys path`: the path of keys.json. */
export function keysPath(ctx: CommandContext): Promise<void> {
  ctx.io.stdout.write(`${keysFile()}\n`);
  return Promise.resolve();
}

/**
 * `llm keys get NAME`: prints the stored key.
 * @throws {KeyNotFoundError} when keys.json or the name does not exist.
 */
export function keysGet(ctx: CommandContext): Promise<void> {
  const name = String(ctx.args.name);
  const exists = keysFileExists();
  const value = exists ? loadKeys()[name] : undefined;
  if (value === undefined) throw new KeyNotFoundError(name, exists);
  ctx.io.stdout.write(`${value}\n`);
  return Promise.resolve();
}

/**
 * `llm keys set NAME [--value V]`: stores a key in keys.json (mode 0600). Without `--value` the key is read
 * from stdin when it is piped (the trailing newline removed), or typed at a hidden `Enter key: ` prompt.
 * @throws {EmptyKeyError} when the key read is empty.
 */
export async function keysSet(ctx: CommandContext): Promise<void> {
  const name = String(ctx.args.name);
  let value = ctx.values.value as string | undefined;
  if (value === undefined) {
    value = ctx.io.stdin.isTerminal() ? await promptHidden(ctx.io, "Enter key: ") : await readPiped(ctx.io);
    if (value === "") throw new EmptyKeyError(name);
  }
  setKey(name, value);
}

async function readPiped(io: Io): Promise<string> {
  return (await readStdinText(io)).replace(/\r?\n$/, "");
}

const ENTER = new Set([0x0a, 0x0d]);
const BACKSPACE = new Set([0x08, 0x7f]);
const CTRL_C = 0x03;
const CTRL_D = 0x04;
const CTRL_U = 0x15;

/**
 * Reads one line from a terminal without echoing it: the terminal is put in raw mode (when it is the
 * process's real stdin) and every byte is read by hand. Backspace and Ctrl-U edit, Ctrl-C cancels, Ctrl-D on
 * an empty line ends input. An empty line asks again, as click's hidden prompt does.
 */
/** Removes the last UTF-8 character (its continuation bytes, then its lead byte). */
function dropLastCharacter(bytes: number[]): void {
  while (bytes.length > 0 && (bytes[bytes.length - 1] & 0xc0) === 0x80) bytes.pop();
  bytes.pop();
}

async function promptHidden(io: Io, prompt: string): Promise<string> {
  const raw = Deno.stdin.isTerminal();
  if (raw) Deno.stdin.setRaw(true);
  const reader = io.stdin.readable.getReader();
  const decoder = new TextDecoder();
  try {
    while (true) {
      io.stderr.write(prompt);
      const bytes: number[] = [];
      let ended = false;
      line: while (true) {
        const { value, done } = await reader.read();
        if (done) {
          ended = true;
          break;
        }
        for (const byte of value) {
          if (ENTER.has(byte)) break line;
          if (byte === CTRL_C) {
            io.stderr.write("\n");
            throw new CancelledError("Cancelled: no key was stored");
          }
          if (byte === CTRL_D && bytes.length === 0) {
            ended = true;
            break line;
          }
          if (BACKSPACE.has(byte)) dropLastCharacter(bytes);
          else if (byte === CTRL_U) bytes.length = 0;
          else bytes.push(byte);
        }
      }
      io.stderr.write("\n");
      const text = decoder.decode(new Uint8Array(bytes));
      if (text !== "" || ended) return text;
    }
  } finally {
    reader.releaseLock();
    if (raw) Deno.stdin.setRaw(false);
  }
}
