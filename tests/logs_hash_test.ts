import { DatabaseSync } from "node:sqlite";
import assert from "node:assert/strict";
import { attachmentId, messageHash, schemaId, schemaJson } from "../lib/logs/hash.ts";
import { loadChain } from "../lib/logs/history.ts";
import type { Message } from "../lib/models/messages.ts";
import { canonicalJson, parsePythonJson, pyFloat, pythonJsonDumps } from "../lib/compat/python_json.ts";

const FIXTURE = new URL("./fixtures/logs-store/python-0.32.db", import.meta.url);

// Expected strings and hashes below were produced by Python 3.11 (`json.dumps`, `hashlib.blake2b`).

Deno.test("canonicalJson sorts keys by code point, keeps non-ASCII and escapes controls as Python", () => {
  const value = { b: 'é\u0000\u001f\u007f\u2028😀"\\/', a: 1, "\uffff": 1, "😀": 2, Z: 3 };
  assert.equal(
    canonicalJson(value),
    '{"Z":3,"a":1,"b":"é\\u0000\\u001f\u007f\u2028😀\\"\\\\/","\uffff":1,"😀":2}',
  );
});

Deno.test("pythonJsonDumps defaults to Python's separators and ASCII escaping", () => {
  assert.equal(
    pythonJsonDumps({ b: 'é\u0000\u001f\u007f\u2028😀"\\/' }),
    '{"b": "\\u00e9\\u0000\\u001f\\u007f\\u2028\\ud83d\\ude00\\"\\\\/"}',
  );
  assert.equal(pythonJsonDumps({ a: [1, { b: null }], c: true }), '{"a": [1, {"b": null}], "c": true}');
  assert.equal(pythonJsonDumps({ a: undefined, b: 1 }), '{"b": 1}');
});

Deno.test("strings print as Python's json.dumps on the native path and on the escaping one", () => {
  // Printable ASCII with quotes and backslashes (the native path), alone and in a long answer.
  const printable = 'say "hi" \\ ~ {}';
  assert.equal(pythonJsonDumps(printable), '"say \\"hi\\" \\\\ ~ {}"');
  assert.equal(canonicalJson(printable), '"say \\"hi\\" \\\\ ~ {}"');
  const long = `${printable}\n`.repeat(5000);
  assert.equal(canonicalJson(long), `"${'say \\"hi\\" \\\\ ~ {}\\n'.repeat(5000)}"`);
  assert.equal(pythonJsonDumps(long), `"${'say \\"hi\\" \\\\ ~ {}\\n'.repeat(5000)}"`);
  // A lone surrogate: Python keeps it as it is with ensure_ascii=False (JSON.stringify would escape it),
  // and escapes it with ensure_ascii=True.
  assert.equal(canonicalJson("a\ud800b"), '"a\ud800b"');
  assert.equal(pythonJsonDumps("a\ud800b"), '"a\\ud800b"');
  // A tab and DEL are not printable: escaped (DEL only with ensure_ascii=True).
  assert.equal(pythonJsonDumps("\t\u007f"), '"\\t\\u007f"');
  assert.equal(canonicalJson("\t\u007f"), '"\\t\u007f"');
});

Deno.test("numbers print as Python ints and float reprs", () => {
  const values = [1.5, 0.1 + 0.2, 1e15 + 0.5, 1e-5, 0.0001, 5e-324, 123.456, -2.5e-7, 2 ** 60, -3];
  assert.equal(
    pythonJsonDumps([...values, pyFloat(1), pyFloat(1e16), pyFloat(100), pyFloat(1.7976931348623157e308)]),
    "[1.5, 0.30000000000000004, 1000000000000000.5, 1e-05, 0.0001, 5e-324, 123.456, -2.5e-07, " +
      "1152921504606846976, -3, 1.0, 1e+16, 100.0, 1.7976931348623157e+308]",
  );
  assert.equal(pythonJsonDumps(12345678901234567890n), "12345678901234567890");
});

Deno.test("parsePythonJson keeps float spelling so values serialise back unchanged", () => {
  const text = '{"b": 1.0, "a": 2, "c": [1e-05, "x", 0.5, 12345678901234567890]}';
  const parsed = parsePythonJson(text);
  assert.equal(pythonJsonDumps(parsed), text);
  assert.equal(JSON.stringify(parsed), '{"b":1.0,"a":2,"c":[1e-05,"x",0.5,12345678901234567890]}');
});

Deno.test("every message in the Python 0.32 fixture re-hashes to its stored hash", async () => {
  const db = new DatabaseSync(FIXTURE.pathname, { readOnly: true });
  try {
    const rows = db.prepare("SELECT hash, parent_hash FROM messages").all() as {
      hash: string;
      parent_hash: string | null;
    }[];
    assert.equal(rows.length, 9);
    for (const row of rows) {
      const message = loadChain(db, row.hash).at(-1)!;
      assert.equal(await messageHash(row.parent_hash, message), row.hash);
    }
  } finally {
    db.close();
  }
});

Deno.test("messageHash covers attachments by content id, floats, metadata and tool results", async () => {
  const user: Message = {
    role: "user",
    parts: [
      { type: "text", text: "Ünïcödé ☃ 😀\nline" },
      { type: "attachment", attachment: { type: "text/plain", content: btoa("hello") } },
      { type: "attachment", attachment: { type: "image/png", url: "https://example.com/a.png" } },
    ],
  };
  const h1 = await messageHash(null, user);
  assert.equal(h1, "b2:6d25ab5857708fd3d11b831da7fdf6de");
  const assistant: Message = {
    role: "assistant",
    parts: [
      {
        type: "reasoning",
        text: "",
        redacted: true,
        provider_metadata: { openai: { encrypted_content: "abc" } },
      },
      {
        type: "tool_call",
        name: "add",
        arguments: { b: pyFloat(1), a: 2, c: [1e-5, "x"] },
        tool_call_id: "call_1",
        server_executed: false,
      },
    ],
    provider_metadata: { k: "v" },
  };
  const h2 = await messageHash(h1, assistant);
  assert.equal(h2, "b2:652a33bc6713076830faeb5e7beb62ef");
  const tool: Message = {
    role: "tool",
    parts: [{
      type: "tool_result",
      name: "add",
      output: "3.0",
      tool_call_id: "call_1",
      exception: "ValueError: bad",
      attachments: [{ type: "text/plain", content: btoa("hello") }],
    }],
  };
  assert.equal(await messageHash(h2, tool), "b2:7c805cb8acff01a53cfdb1055b00f1f4");
  // Empty optional fields are left out of the hashed form, as Python's to_dict() does.
  assert.equal(
    await messageHash(null, {
      role: "user",
      parts: [{ type: "text", text: "hello pelican", provider_metadata: {} }],
    }),
    "b2:9083d47923fe039062fdbb678842c336",
  );
});

Deno.test("attachment ids: sha256 of the bytes, of the file, or of the URL as JSON", async () => {
  const sha = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
  assert.equal(await attachmentId({ content: btoa("hello") }), sha);
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/a.txt`, "hello");
    assert.equal(await attachmentId({ path: `${dir}/a.txt` }), sha);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.equal(
    await attachmentId({ url: "https://example.com/a.png" }),
    "4509d135b8dccac5ed703ec3d14f36262fee03820b04a7864208e32be92ebbd4",
  );
});

Deno.test("schemaId hashes compact ASCII JSON in insertion order", async () => {
  const schema = {
    type: "object",
    properties: { "név": { type: "string", description: "Név ☃" }, age: { type: "integer" } },
    required: ["név", "age"],
  };
  assert.equal(
    schemaJson(schema),
    '{"type":"object","properties":{"n\\u00e9v":{"type":"string","description":"N\\u00e9v \\u2603"},' +
      '"age":{"type":"integer"}},"required":["n\\u00e9v","age"]}',
  );
  assert.equal(await schemaId(schema), "d18b225a372e308e530938280ef6b8d9");
});
