// deno-lint-ignore-file no-control-regex -- the screens and keystrokes under test are made of escape sequences
/**
 * The line editor's parts: key decoding, the edit buffer, the history file, the layout of wide and long lines,
 * and the editor driven with keystrokes through a stream (as a raw terminal sends them).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { KeyDecoder } from "../lib/terminal/keys.ts";
import { EditBuffer } from "../lib/terminal/edit_buffer.ts";
import { escapeEntry, History, unescapeEntry } from "../lib/terminal/history.ts";
import { layoutLine } from "../lib/terminal/_line_layout.ts";
import { LineEditor } from "../lib/terminal/line_editor.ts";
import { graphemes, stringWidth } from "../lib/terminal/width.ts";

Deno.test("keys: text, control keys, CSI/SS3 keys with modifiers, Alt, and bracketed paste", () => {
  const d = new KeyDecoder();
  assert.deepEqual(d.push("hé😀\x01\x05\x0b\x15\x17\r"), [
    { name: "text", text: "hé😀" },
    { name: "a", ctrl: true },
    { name: "e", ctrl: true },
    { name: "k", ctrl: true },
    { name: "u", ctrl: true },
    { name: "w", ctrl: true },
    { name: "enter" },
  ]);
  assert.deepEqual(d.push("\x1b[A\x1b[B\x1b[C\x1b[D\x1bOH\x1b[F\x1b[3~\x1b[1;5C\x1b[1;3D\x1b[7~\x1b[8~"), [
    { name: "up" },
    { name: "down" },
    { name: "right" },
    { name: "left" },
    { name: "home" },
    { name: "end" },
    { name: "delete" },
    { name: "right", ctrl: true },
    { name: "left", alt: true },
    { name: "home" },
    { name: "end" },
  ]);
  assert.deepEqual(d.push("\x1bb\x1bf\x1b\x7f\x7f\x1b\r"), [
    { name: "b", alt: true },
    { name: "f", alt: true },
    { name: "backspace", alt: true },
    { name: "backspace" },
    { name: "enter", alt: true },
  ]);
  assert.deepEqual(d.push("\x1b[200~line 1\r\nline 2\x1b[20"), []);
  assert.deepEqual(d.push("1~x"), [{ name: "paste", text: "line 1\nline 2" }, { name: "text", text: "x" }]);
  assert.deepEqual(d.push("\x1b[1;"), [], "a cut sequence waits");
  assert.deepEqual(d.push("5D"), [{ name: "left", ctrl: true }]);
  assert.deepEqual(d.push("\x1b"), []);
  assert.equal(d.loneEscape, true);
  assert.deepEqual(d.flush(), [{ name: "escape" }]);
});

Deno.test("edit buffer: motion and deletion by grapheme and word, kills and yank", () => {
  const b = new EditBuffer("naïve 👨‍👩‍👧 test");
  b.left();
  b.left();
  b.left();
  b.left();
  b.left();
  b.deleteBackward();
  assert.equal(b.text, "naïve  test", "the family emoji goes as one");
  b.home();
  b.wordRight();
  assert.equal(b.cursor, "naïve".length);
  b.killToEnd();
  assert.equal(b.text, "naïve");
  b.home();
  b.yank();
  assert.equal(b.text, "  testnaïve");
  b.end();
  b.killWordBackward();
  assert.equal(b.text, "  ", "letters of any script make one word");
  b.insert("test one two");
  b.killWhitespaceWordBackward();
  assert.equal(b.text, "  test one ");
  b.killToStart();
  assert.equal(b.text, "");
  b.set("ab");
  b.transpose();
  assert.equal(b.text, "ba");
  b.set("foo bar", 0);
  b.killWordForward();
  assert.equal(b.text, " bar");
  b.deleteForward();
  assert.equal(b.text, "bar");
});

Deno.test("history: escaped lines, 0600, no duplicates, capped, rewritten newest first", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "history.txt");
    assert.equal(unescapeEntry(escapeEntry("a\\nb\nc\r")), "a\\nb\nc\r");
    const history = await History.load(path, { maxEntries: 3 });
    assert.equal(await history.add("first"), true);
    assert.equal(await history.add("first"), false, "the same as the latest");
    assert.equal(await history.add("   "), false, "blank");
    await history.add("two\nlines");
    assert.equal(await Deno.readTextFile(path), "first\ntwo\\nlines\n");
    if (Deno.build.os !== "windows") assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    await history.add("three");
    await history.add("four");
    assert.equal(await Deno.readTextFile(path), "two\\nlines\nthree\nfour\n", "capped at 3");
    const again = await History.load(path, { maxEntries: 3 });
    assert.deepEqual(again.entries, ["two\nlines", "three", "four"]);
    assert.equal(again.search("t"), 1);
    assert.equal(again.search("t", 1), 0);
    assert.equal(again.search("zzz"), -1);
    await Deno.chmod(path, 0o644);
    await again.add("five");
    if (Deno.build.os !== "windows") assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    const bytes = await History.load(join(dir, "small.txt"), { maxBytes: 10 });
    for (const entry of ["aaaa", "bbbb", "cccc"]) await bytes.add(entry);
    assert.equal(await Deno.readTextFile(join(dir, "small.txt")), "bbbb\ncccc\n", "capped in bytes too");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("width and layout: wide characters, wrapping, newlines, the cursor at a row's end", () => {
  assert.equal(stringWidth("日本"), 4);
  assert.equal(stringWidth("e\u0301"), 1);
  assert.equal(stringWidth("👍🏽"), 2);
  assert.deepEqual(graphemes("🇫🇷a"), ["🇫🇷", "a"]);
  let l = layoutLine("> ", "abcdefgh", 8, 10);
  assert.deepEqual([l.endRow, l.cursorRow, l.cursorCol], [0, 1, 0], "a full row puts the cursor below");
  l = layoutLine("> ", "abcdefg日", 7, 10);
  assert.deepEqual(
    [l.endRow, l.cursorRow, l.cursorCol],
    [1, 1, 0],
    "a wide character that does not fit wraps",
  );
  l = layoutLine("> ", "one\ntwo", 5, 80);
  assert.equal(l.output, "> one\r\ntwo");
  assert.deepEqual([l.endRow, l.cursorRow, l.cursorCol], [1, 1, 1]);
  l = layoutLine("> ", "a\tb\x01", 5, 80);
  assert.equal(l.output, "> a    b^A");
  assert.equal(l.cursorCol, 10);
});

/** Runs `readLine` calls with `keys` as the terminal's input; returns the lines read and what was written. */
async function drive(keys: string[], lines: number, history = History.memory()) {
  const encoder = new TextEncoder();
  const readable = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const k of keys) controller.enqueue(encoder.encode(k));
      controller.close();
    },
  });
  const modes: boolean[] = [];
  let written = "";
  const editor = new LineEditor({
    input: { readable, setRaw: (raw) => modes.push(raw) },
    write: (text) => (written += text),
    columns: () => 40,
    history,
  });
  const results: (string | null)[] = [];
  for (let i = 0; i < lines; i++) results.push(await editor.readLine("> "));
  await editor.close();
  return { results, written, modes, history };
}

Deno.test("editor: editing keys build the line; raw mode only while reading", async () => {
  const { results, modes, written } = await drive(
    ["helo", "\x1b[D", "l", "\x05", " world", "\x17", "there", "\x01", "\x1b[3~", "H", "\r"],
    1,
  );
  assert.deepEqual(results, ["Hello there"]);
  assert.deepEqual(modes, [true, false]);
  assert.ok(
    written.includes("\x1b[?2004h") && written.endsWith("\x1b[?2004l"),
    "bracketed paste on, then off",
  );
});

Deno.test("editor: Up/Down recall history, the draft is kept, Ctrl-R finds older lines", async () => {
  const history = History.memory(["first question", "second one", "third"]);
  const { results } = await drive(
    [
      "\x1b[A\x1b[A\r", // second one
      "dra",
      "\x1b[A\x1b[B",
      "ft\r", // the draft survives a trip through the history
      "\x12",
      "first",
      "\r", // Ctrl-R then Enter runs the match
      "\x12",
      "o",
      "\x12",
      "\x05!\r", // Ctrl-R twice for an older match, End, edit
      "\x12",
      "nomatch",
      "\x07",
      "kept\r", // Ctrl-G cancels the search
    ],
    5,
    history,
  );
  assert.deepEqual(results, ["second one", "draft", "first question", "second one!", "kept"]);
  assert.deepEqual(history.entries.slice(-4), ["draft", "first question", "second one!", "kept"]);
});

Deno.test("editor: Ctrl-C drops the line, Ctrl-D on an empty line ends, paste keeps newlines", async () => {
  const { results, written } = await drive(
    ["typed", "\x03", "\x1b[200~one\r\ntwo\x1b[201~", "\r", "abc", "\x04", "\x01\x04\r", "\x04"],
    4,
  );
  assert.deepEqual(results, ["one\ntwo", "bc", null, null]);
  assert.match(written, /> typed(\x1b\[\d+C|\r)*\^C\r\n/, "the dropped line stays on screen with ^C");
});
