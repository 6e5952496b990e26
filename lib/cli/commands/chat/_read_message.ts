/**
 * Reading what a person types in an interactive chat, one message at a time, as `llm chat` and
 * `llm openai endpoint --chat` both do: `exit` or `quit` ends the chat, and so does the end of input;
 * `!multi` gathers lines until `!end` (`!end WORDS` for `!multi WORDS`); `!edit` writes the message in
 * `$EDITOR`.
 * @module
 */
import type { Io } from "../../../commands/io.ts";
import type { ChatInput } from "../../line_reader.ts";

/**
 * The banner of a chat with `label`: what is chatted with, then how to type what {@link readChatMessage}
 * reads. A command that reads more (`llm chat`'s `!fragment`) adds its own lines after it.
 */
export function chatBanner(label: string): string {
  return `Chatting with ${label}\n` +
    "Type 'exit' or 'quit' to exit\n" +
    "Type '!multi' to enter multiple lines, then '!end' to finish\n" +
    "Type '!edit' to open your default editor and modify the prompt\n";
}

/**
 * What a command does to each line it reads, after `!edit` and before `!multi` gathers it: the line to use
 * instead, or `undefined` to pass over the line (it has been dealt with, or refused with a message).
 */
export type ChatLineHook = (line: string) => Promise<string | undefined>;

/**
 * Reads the next message from `lines`: one line, or the lines of a `!multi` block joined by newlines (its
 * empty lines left out). Every line read goes through `hook` when one is given (`llm chat`'s `!fragment` and
 * `!attach`), the line that ends a block too. Returns `null` when the chat ends: at `exit` or `quit`, or at
 * the end of input, after which a newline is written so that the shell's prompt starts on a line of its own.
 *
 * @example
 * ```ts ignore
 * const lines = await openChatInput(io);
 * for (let text; (text = await readChatMessage(io, lines)) !== null;) send(text);
 * ```
 */
export async function readChatMessage(
  io: Io,
  lines: ChatInput,
  hook?: ChatLineHook,
): Promise<string | null> {
  let endToken: string | undefined;
  const gathered: string[] = [];
  while (true) {
    let line = await lines.readLine(endToken === undefined ? "> " : "");
    if (line === null) {
      io.stdout.write("\n");
      return null;
    }
    if (endToken === undefined) {
      const opened = multiEndToken(line);
      if (opened !== undefined) {
        endToken = opened;
        continue;
      }
    }
    if (line.trim() === "!edit") {
      const edited = await editedLine(io);
      if (edited === null) continue;
      line = edited;
    }
    if (hook) {
      const kept = await hook(line);
      if (kept === undefined) continue;
      line = kept;
    }
    if (endToken === undefined) {
      return line.trim() === "exit" || line.trim() === "quit" ? null : line;
    }
    if (line.trim() === endToken) return gathered.join("\n");
    if (line) gathered.push(line);
  }
}

/**
 * The line that ends the `!multi` block `line` opens: `!end`, or `!end WORDS` for `!multi WORDS`; undefined
 * when `line` opens none.
 */
function multiEndToken(line: string): string | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith("!multi")) return undefined;
  const bits = trimmed.split(/\s+/).slice(1);
  return bits.length ? `!end ${bits.join(" ")}` : "!end";
}

/** `!edit`: what was written in `$EDITOR`, trimmed, or `null` (said on stderr) when nothing was saved. */
async function editedLine(io: Io): Promise<string | null> {
  const edited = await editText();
  if (edited === null) {
    io.stderr.write("Editor closed without saving.\n");
    return null;
  }
  return edited.trim();
}

/**
 * Opens `$VISUAL`, else `$EDITOR`, else `vi` (Notepad on Windows) on an empty temporary file: what was saved,
 * or `null` if nothing was.
 */
async function editText(): Promise<string | null> {
  const dir = await Deno.makeTempDir({ prefix: "llm-edit-" });
  const path = `${dir}/prompt.md`;
  try {
    await Deno.writeTextFile(path, "");
    const before = (await Deno.stat(path)).mtime?.getTime();
    const editor = Deno.env.get("VISUAL") || Deno.env.get("EDITOR") ||
      (Deno.build.os === "windows" ? "notepad" : "vi");
    const [command, ...args] = editor.split(/\s+/);
    const status = await new Deno.Command(command, {
      args: [...args, path],
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!status.success) return null;
    // Saved means the file changed: new content, or a new modification time for the same content.
    const after = (await Deno.stat(path)).mtime?.getTime();
    const text = await Deno.readTextFile(path);
    if (text === "" && after === before) return null;
    return text;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
