/**
 * Attachments from the outside in: types detected as puremagic (Python llm 0.32's detector) detects them,
 * `-a`/`--at`/template values resolved as 0.32 resolves them, a large attachment's request body streamed
 * rather than built whole, and OpenAI's inline limit checked before anything is read or sent.
 */
import assert from "node:assert/strict";
import { Attachment, AttachmentError, AttachmentTooLargeError, getModel } from "../mod.ts";
import { detectType } from "../lib/attachments/sniff.ts";
import { resolveAttachment } from "../lib/attachments/resolve.ts";
import { Base64Text } from "../lib/attachments/base64_text.ts";
import { base64Value, jsonBody, STREAM_FROM_BYTES } from "../lib/providers/openai/json_body.ts";
import { InlineBudget } from "../lib/providers/openai/attachment_items.ts";
import { startOpenAIServer } from "./support/openai_server.ts";

interface PuremagicCase {
  case: string;
  name: string;
  base64: string;
  puremagic_from_string: string | null;
  puremagic_from_file: string | null;
}

const PUREMAGIC = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/attachments/puremagic.json", import.meta.url)),
) as { cases: PuremagicCase[] };

/** Where this version's answer differs from puremagic's for a file, and what it says instead. */
const NOT_PUREMAGIC: Record<string, string> = {
  // Types no model accepts, where a better answer exists.
  "mp4-mp41": "video/mp4", // puremagic: audio/x-sndr
  m4a: "audio/mp4", // puremagic: none
  aiff: "audio/aiff", // puremagic: audio/x-aiff (Gemini takes audio/aiff)
  "3gp": "video/3gpp", // puremagic: none for a .3gp file (video/3gpp for the bytes alone)
};

const decode = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

Deno.test("detectType gives puremagic's answers (as Python llm uses it) for files, with the named exceptions", () => {
  for (const sample of PUREMAGIC.cases) {
    const bytes = decode(sample.base64);
    const expected = NOT_PUREMAGIC[sample.case] ??
      (sample.puremagic_from_file === "audio/wave" ? "audio/wav" : sample.puremagic_from_file) ?? undefined;
    assert.equal(detectType(bytes, `/tmp/${sample.name}`), expected, sample.case);
  }
});

Deno.test("detectType on bytes alone (stdin): the file answers, so an MP3 is audio/mpeg and text is text/plain", () => {
  const byCase = new Map(PUREMAGIC.cases.map((c) => [c.case, c]));
  const bytes = (name: string) => decode(byCase.get(name)!.base64);
  // puremagic says audio/vnd.audiokoz for these bytes without a name; its answer with the .mp3 name is right.
  assert.equal(byCase.get("mp3-id3")!.puremagic_from_string, "audio/vnd.audiokoz");
  assert.equal(detectType(bytes("mp3-id3")), "audio/mpeg");
  // puremagic has no type for text without a name; 0.32 then refuses stdin ("Could not determine mimetype").
  assert.equal(byCase.get("text")!.puremagic_from_string, null);
  assert.equal(detectType(bytes("text")), "text/plain");
  assert.equal(detectType(bytes("unknown-bytes")), undefined);
  assert.equal(detectType(bytes("png")), "image/png");
});

Deno.test("resolveAttachment: stdin sniffed or typed, empty stdin refused", async () => {
  const png = decode(PUREMAGIC.cases[0].base64);
  const fromStdin = await resolveAttachment("-", { readStdin: () => Promise.resolve(png) });
  assert.equal(fromStdin.type, "image/png");
  assert.deepEqual(fromStdin.content, png);
  const typed = await resolveAttachment("-", { type: "image/jpeg", readStdin: () => Promise.resolve(png) });
  assert.equal(typed.type, "image/jpeg");
  await assert.rejects(
    () => resolveAttachment("-", { readStdin: () => Promise.resolve(new Uint8Array(256).map((_, i) => i)) }),
    (e: unknown) => e instanceof AttachmentError && e.message === "Could not determine mimetype of stdin",
  );
  await assert.rejects(
    () => resolveAttachment("-", { readStdin: () => Promise.resolve(new Uint8Array()) }),
    /^AttachmentError: Nothing was piped to stdin for '-'; pipe a file in, as in: llm -a - < photo\.jpg$/,
  );
});

Deno.test("resolveAttachment: files exist, are made absolute, are sniffed from their start and read once", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  const previous = Deno.cwd();
  try {
    await Deno.writeFile(`${dir}/a.png`, decode(PUREMAGIC.cases[0].base64));
    await Deno.writeFile(`${dir}/notes.txt`, new TextEncoder().encode("hello\n"));
    await Deno.writeFile(`${dir}/blob.bin`, new Uint8Array(256).map((_, i) => i));
    await Deno.mkdir(`${dir}/folder`);
    Deno.chdir(dir);
    const png = await resolveAttachment("a.png");
    assert.equal(png.path, `${dir}/a.png`);
    assert.equal(png.type, "image/png");
    const bytes = await png.contentBytes();
    await Deno.writeFile(`${dir}/a.png`, new TextEncoder().encode("changed"));
    assert.equal(await png.contentBytes(), bytes, "the same bytes: the file is not read again");
    assert.equal((await resolveAttachment("notes.txt")).type, "text/plain");
    assert.equal(
      (await resolveAttachment("missing.png", { type: "image/png" }).catch((e) => e)).message,
      "File missing.png does not exist",
    );
    assert.equal(
      (await resolveAttachment("missing.png").catch((e) => e)).message,
      "File missing.png does not exist",
    );
    assert.equal(
      (await resolveAttachment("blob.bin").catch((e) => e)).message,
      "Could not determine mimetype of blob.bin",
    );
    assert.equal(
      (await resolveAttachment("folder").catch((e) => e)).message,
      "folder is a directory; attach a file",
    );
    // With a type nothing is read.
    const typed = await resolveAttachment("blob.bin", { type: "application/octet-stream" });
    assert.equal(typed.type, "application/octet-stream");
  } finally {
    Deno.chdir(previous);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("resolveAttachment: a URL's type from HEAD (its status on failure); a typed URL is not fetched", async () => {
  const seen: string[] = [];
  await using server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (request) => {
    const path = new URL(request.url).pathname;
    seen.push(`${request.method} ${path}`);
    if (path === "/cat.jpg") return new Response(null, { headers: { "content-type": "image/jpeg; q=1" } });
    if (path === "/wave") return new Response(null, { headers: { "content-type": "audio/wave" } });
    if (path === "/boom") return new Response("no", { status: 503 });
    return new Response("no", { status: 404 });
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  assert.equal((await resolveAttachment(`${base}/cat.jpg`)).type, "image/jpeg");
  assert.equal((await resolveAttachment(`${base}/wave`)).type, "audio/wav", "MIME_TYPE_FIXES");
  assert.equal((await resolveAttachment(`${base}/gone.png`, { type: "image/png" })).url, `${base}/gone.png`);
  assert.equal(
    (await resolveAttachment(`${base}/gone.png`).catch((e) => e)).message,
    `Client error '404 Not Found' for url '${base}/gone.png'`,
  );
  assert.match((await resolveAttachment(`${base}/boom`).catch((e) => e)).message, /^Server error '503 /);
  assert.deepEqual(seen, ["HEAD /cat.jpg", "HEAD /wave", "HEAD /gone.png", "HEAD /boom"]);
});

Deno.test("jsonBody: small bodies are a string; large base64 values stream in pieces to the same JSON", async () => {
  assert.equal(jsonBody({ a: [1, "x"] }), '{"a":[1,"x"]}');
  assert.equal(base64Value(new Uint8Array([1, 2, 3]), "data:x/y;base64,"), "data:x/y;base64,AQID");
  const big = new Uint8Array(STREAM_FROM_BYTES + 5).map((_, i) => i * 7);
  const value = base64Value(big, "data:image/png;base64,");
  assert.ok(value instanceof Base64Text);
  const body = {
    model: "m",
    messages: [{ content: [{ type: "text", text: 'quote " \\ \u0000' }, { url: value }] }],
  };
  const stream = jsonBody(body);
  assert.ok(stream instanceof ReadableStream);
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  assert.ok(chunks.length > 3, "written in pieces");
  assert.ok(Math.max(...chunks.map((c) => c.length)) <= 64 * 1024 + 64, "no piece holds the whole base64");
  const text = new TextDecoder().decode(await new Blob(chunks as BlobPart[]).arrayBuffer());
  assert.equal(text, JSON.stringify(body));
  assert.equal(JSON.parse(text).messages[0].content[1].url.length, value.length);
});

Deno.test("InlineBudget: a file over OpenAI's limit, or one that takes the request over it, is refused", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/a.png`, new Uint8Array(600));
    await Deno.writeFile(`${dir}/b.png`, new Uint8Array(600));
    const budget = new InlineBudget(1000, "the OpenAI API");
    assert.equal((await budget.bytes(Attachment.fromPath(`${dir}/a.png`))).length, 600);
    const error = await budget.bytes(Attachment.fromPath(`${dir}/b.png`)).catch((e) => e);
    assert.ok(error instanceof AttachmentTooLargeError);
    assert.equal(
      error.message,
      `Attachment ${dir}/b.png brings the attachments of this request to 1.2 KB, over the 1000 bytes ` +
        "the OpenAI API accepts for one request; send a smaller file",
    );
    const alone = await new InlineBudget(100).bytes(Attachment.fromBytes(new Uint8Array(3 * 1024 * 1024)))
      .catch((e) => e);
    assert.equal(
      alone.message,
      "Attachment <3145728 bytes> is 3 MB, over the 100 bytes the OpenAI API accepts for one file; " +
        "send a smaller file",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a large attachment reaches the API whole, in a streamed body; one over 50 MB is refused unsent", async () => {
  await using server = await startOpenAIServer();
  const dir = await Deno.makeTempDir();
  const previous = Deno.env.get("OPENAI_BASE_URL");
  Deno.env.set("OPENAI_BASE_URL", server.url);
  try {
    const png = decode(PUREMAGIC.cases[0].base64);
    const bytes = new Uint8Array(2 * 1024 * 1024);
    bytes.set(png);
    await Deno.writeFile(`${dir}/big.png`, bytes);
    const model = getModel("gpt-4o-mini");
    server.enqueue({ kind: "text", text: "ok" });
    await model.prompt("Describe", { attachments: [Attachment.fromPath(`${dir}/big.png`)], key: "sk-test" })
      .text();
    const request = server.requests[0];
    assert.equal(request.headers["transfer-encoding"], "chunked", "the body was streamed");
    const url = request.body.messages[0].content[1].image_url.url as string;
    assert.ok(url.startsWith("data:image/png;base64,"));
    assert.deepEqual(decode(url.slice("data:image/png;base64,".length)), bytes);

    // 51 MB, sparse: the size on disk is enough to refuse it; nothing is read, nothing is sent.
    using file = await Deno.open(`${dir}/huge.png`, { create: true, write: true });
    await file.write(png);
    await file.truncate(51 * 1024 * 1024);
    const error = await model.prompt("Describe", {
      attachments: [Attachment.fromPath(`${dir}/huge.png`)],
      key: "sk-test",
    }).text().catch((e) => e);
    assert.ok(error instanceof AttachmentTooLargeError, String(error));
    assert.match(error.message, /huge\.png is 51 MB, over the 50 MB the OpenAI API accepts for one file/);
    assert.equal(server.requests.length, 1);
  } finally {
    if (previous === undefined) Deno.env.delete("OPENAI_BASE_URL");
    else Deno.env.set("OPENAI_BASE_URL", previous);
    await Deno.remove(dir, { recursive: true });
  }
});
