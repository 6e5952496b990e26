/**
 * readChatMessage, the reader `llm chat` and `llm openai endpoint --chat` share: messages read from a piped stdin
 * through the real line input (openChatInput), one line or a `!multi` block at a time, with and without a hook.
 */
import assert from "node:assert/strict";
import { memoryIo } from "../lib/cli/io.ts";
import { openChatInput } from "../lib/cli/line_reader.ts";
import { chatBanner, type ChatLineHook, readChatMessage } from "../lib/cli/commands/chat/_read_message.ts";

/** Every message read from `stdin` until the chat ends, and what was written meanwhile. */
async function messages(stdin: string, hook?: ChatLineHook) {
  const io = memoryIo({ stdin });
  const lines = await openChatInput(io);
  const read: string[] = [];
  try {
    for (let text; (text = await readChatMessage(io, lines, hook)) !== null;) read.push(text);
  } finally {
    await lines.close();
  }
  return { read, stdout: io.stdoutText(), stderr: io.stderrText() };
}

Deno.test("readChatMessage: a line a message; !multi blocks end at their own !end; exit ends the chat", async () => {
  const { read, stdout } = await messages(
    [
      "hello",
      "",
      "!multi",
      "one",
      "",
      "exit",
      "!end",
      "!multi abc",
      "x",
      "!end",
      "!end abc",
      "exit",
      "never read",
    ].join("\n") + "\n",
  );
  // An empty line is a message of its own; inside a block it is left out, and `exit` is just a line.
  assert.deepEqual(read, ["hello", "", "one\nexit", "x\n!end"]);
  // Prompts: "> " for a message's first line, nothing inside a block; no newline after `exit`.
  assert.equal(stdout, "> > > > > ");
});

Deno.test("readChatMessage: the end of input ends the chat with a newline, in a block too", async () => {
  assert.deepEqual(await messages("a\n!multi\nb\n"), { read: ["a"], stdout: "> > \n", stderr: "" });
  assert.deepEqual(await messages(""), { read: [], stdout: "> \n", stderr: "" });
});

Deno.test("readChatMessage: the hook sees every line, rewrites it or passes over it", async () => {
  const seen: string[] = [];
  const hook: ChatLineHook = (line) => {
    seen.push(line);
    return Promise.resolve(line.startsWith("!skip") ? undefined : line.replaceAll("#", "hash"));
  };
  const { read } = await messages("!skip me\n#1\n!multi\na#\n!skip\nb\n!end\nquit\n", hook);
  assert.deepEqual(read, ["hash1", "ahash\nb"]);
  // `!multi` opens the block before the hook; the line ending it goes through the hook; so does `quit`.
  assert.deepEqual(seen, ["!skip me", "#1", "a#", "!skip", "b", "!end", "quit"]);
});

Deno.test("readChatMessage: !edit sends what $EDITOR saved, and says so when nothing was saved", async () => {
  const dir = await Deno.makeTempDir({ prefix: "llm-read-message-" });
  const saved = { VISUAL: Deno.env.get("VISUAL"), EDITOR: Deno.env.get("EDITOR") };
  try {
    const writer = `${dir}/write.sh`;
    await Deno.writeTextFile(writer, "#!/bin/sh\nprintf '  written  \\n' > \"$1\"\n");
    const noop = `${dir}/noop.sh`;
    await Deno.writeTextFile(noop, "#!/bin/sh\nexit 0\n");
    await Deno.chmod(writer, 0o755);
    await Deno.chmod(noop, 0o755);
    Deno.env.delete("VISUAL");
    Deno.env.set("EDITOR", writer);
    assert.deepEqual((await messages("!edit\n")).read, ["written"]);
    Deno.env.set("EDITOR", noop);
    assert.deepEqual(await messages("!edit\nnext\n"), {
      read: ["next"],
      stdout: "> > > \n",
      stderr: "Editor closed without saving.\n",
    });
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) Deno.env.delete(name);
      else Deno.env.set(name, value);
    }
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("chatBanner: who is chatted with, then the commands readChatMessage reads", () => {
  assert.equal(
    chatBanner("m at http://x/v1"),
    "Chatting with m at http://x/v1\n" +
      "Type 'exit' or 'quit' to exit\n" +
      "Type '!multi' to enter multiple lines, then '!end' to finish\n" +
      "Type '!edit' to open your default editor and modify the prompt\n",
  );
});
