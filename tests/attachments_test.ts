import assert from "node:assert/strict";
import {
  Attachment,
  AttachmentError,
  type Chunk,
  Model,
  type Prompt,
  UnsupportedFeatureError,
} from "../mod.ts";
import { sniffType, typeFromName } from "../lib/attachments/sniff.ts";
import { sha256Hex } from "../lib/compat/sha256.ts";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("sniffType: magic numbers of the image, audio, video and PDF types", () => {
  const riff = (kind: string) => bytes(`RIFF\u0000\u0000\u0000\u0000${kind}`);
  const ftyp = (brand: string) => bytes(`\u0000\u0000\u0000\u0018ftyp${brand}`);
  const cases: [Uint8Array, string | undefined][] = [
    [PNG, "image/png"],
    [new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), "image/jpeg"],
    [bytes("GIF89a..."), "image/gif"],
    [riff("WEBP"), "image/webp"],
    [riff("WAVE"), "audio/wav"],
    [bytes("%PDF-1.4\n"), "application/pdf"],
    [bytes("ID3\u0004\u0000"), "audio/mpeg"],
    [new Uint8Array([0xff, 0xfb, 0x90, 0x00]), "audio/mpeg"],
    [bytes("fLaC\u0000"), "audio/flac"],
    [bytes("OggS\u0000"), "application/ogg"],
    [ftyp("isom"), "video/mp4"],
    [ftyp("M4A "), "audio/mp4"],
    [ftyp("qt  "), "video/quicktime"],
    [new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]), "video/webm"],
    [bytes("plain text"), undefined],
  ];
  for (const [input, type] of cases) assert.equal(sniffType(input), type, `for ${type}`);
  assert.equal(typeFromName("/tmp/photo.JPG"), "image/jpeg");
  assert.equal(typeFromName("https://x.test/a.mp3?v=1"), "audio/mpeg");
  assert.equal(typeFromName("/tmp.d/noext"), undefined);
});

Deno.test("Attachment: path made absolute, type from bytes before the name, bytes read once", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/really-a-png.jpg`;
    await Deno.writeFile(file, PNG);
    const previous = Deno.cwd();
    Deno.chdir(dir);
    const attachment = Attachment.fromPath("./really-a-png.jpg");
    Deno.chdir(previous);
    assert.equal(attachment.path, file);
    assert.equal(await attachment.resolveType(), "image/png");
    assert.equal(await attachment.id(), sha256Hex(PNG));
    await Deno.writeFile(file, bytes("changed"));
    assert.deepEqual(await attachment.contentBytes(), PNG);
    assert.equal(await attachment.base64Content(), btoa(String.fromCharCode(...PNG)));
    assert.deepEqual(await attachment.toData(), { type: "image/png", path: file });
    await assert.rejects(
      () => Attachment.fromPath(`${dir}/missing.png`).contentBytes(),
      (e: unknown) =>
        e instanceof AttachmentError && /Cannot read attachment .*missing\.png: no such file/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Attachment: URL type from HEAD, id from the URL as Python hashes it, HTTP errors named", async () => {
  const methods: string[] = [];
  await using server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (request) => {
    methods.push(request.method);
    if (new URL(request.url).pathname === "/gone.png") return new Response("no", { status: 404 });
    return new Response(request.method === "HEAD" ? null : PNG, {
      headers: { "content-type": "image/png; charset=binary" },
    });
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  const attachment = Attachment.fromUrl(`${base}/cat`);
  assert.equal(await attachment.id(), sha256Hex(`{"url": "${base}/cat"}`));
  assert.deepEqual(methods, []);
  assert.equal(await attachment.resolveType(), "image/png");
  assert.deepEqual(await attachment.contentBytes(), PNG);
  assert.deepEqual(await attachment.toData(), { type: "image/png", url: `${base}/cat` });
  assert.deepEqual(methods, ["HEAD", "GET"]);
  // Downloaded bytes do not change the id: a URL attachment is known by its URL, as in Python llm.
  assert.equal(await attachment.id(), sha256Hex(`{"url": "${base}/cat"}`));
  await assert.rejects(
    () => Attachment.fromUrl(`${base}/gone.png`).contentBytes(),
    (e: unknown) =>
      e instanceof AttachmentError && e.status === 404 &&
      e.message === `Client error '404 Not Found' for url '${base}/gone.png'`,
  );
});

Deno.test("Attachment: base64 and data URLs; fromData returns the object its data came from", async () => {
  const encoded = btoa(String.fromCharCode(...PNG));
  const fromUrl = Attachment.fromBase64(`data:image/x-test;base64,${encoded}`);
  assert.equal(fromUrl.type, "image/x-test");
  assert.deepEqual(fromUrl.content, PNG);
  const plain = Attachment.fromBase64(encoded);
  const data = await plain.toData();
  assert.deepEqual(data, { type: "image/png", content: encoded });
  assert.equal(Attachment.fromData(data), plain);
  assert.notEqual(Attachment.fromData({ ...data }), plain);
  assert.throws(() => Attachment.fromBase64("not base64!"), AttachmentError);
  // Text is text/plain; bytes that are neither a known format nor text have no type.
  assert.equal(await Attachment.fromBytes(bytes("??")).resolveType(), "text/plain");
  await assert.rejects(
    () => Attachment.fromBytes(new Uint8Array([0, 1, 2, 3, 255])).resolveType(),
    /Could not determine the type of attachment <5 bytes>; give it with --at - TYPE/,
  );
});

class Recorder extends Model {
  seen: Prompt[] = [];
  constructor(settings: ConstructorParameters<typeof Model>[1]) {
    super("recorder", settings);
  }
  override async *execute(prompt: Prompt): AsyncGenerator<Chunk> {
    this.seen.push(prompt);
    yield "ok";
  }
}

Deno.test("prompt with attachments and tool results: the turn's messages as Python llm builds them", async () => {
  const model = new Recorder({ attachmentTypes: ["image/png"] });
  const image = Attachment.fromBytes(PNG);
  await model.prompt("what is this", {
    attachments: [image],
    fragments: ["context"],
    toolResults: [{ type: "tool_result", name: "t", output: "42", tool_call_id: "c1" }],
  }).text();
  assert.deepEqual(model.seen[0].messages, [
    { role: "tool", parts: [{ type: "tool_result", name: "t", output: "42", tool_call_id: "c1" }] },
    {
      role: "user",
      parts: [
        { type: "text", text: "context\nwhat is this" },
        { type: "attachment", attachment: { type: "image/png", content: btoa(String.fromCharCode(...PNG)) } },
      ],
    },
  ]);
  // An attachment with no text is a turn of its own.
  await model.prompt(undefined, { attachments: [image] }).text();
  assert.equal(model.seen[1].messages[0].parts[0].type, "attachment");
});

Deno.test("attachments, tools and server-side tools a model cannot take are refused before it runs", async () => {
  const plain = new Recorder({});
  const vision = new Recorder({ attachmentTypes: ["image/jpeg", "image/png"] });
  const pdf = Attachment.fromBytes(bytes("%PDF-1.7\n"));
  const refused = async (model: Recorder, options: Parameters<Model["prompt"]>[1], message: string) => {
    const response = model.prompt("x", options);
    await assert.rejects(
      () => response.text(),
      (e: unknown) => e instanceof UnsupportedFeatureError && e.message === message,
    );
    assert.equal(model.seen.length, 0);
  };
  await refused(plain, { attachments: [pdf] }, "Model recorder does not support attachments");
  await refused(
    vision,
    { attachments: [pdf] },
    "Model recorder does not support attachments of type 'application/pdf', only image/jpeg, image/png",
  );
  await refused(
    plain,
    { tools: [{ name: "t", inputSchema: {} }] },
    "Recorder: recorder does not support tools",
  );
  await refused(
    plain,
    { serverSideTools: [{ className: "WebSearch", name: "web_search", config: {} }] },
    "Model 'recorder' does not support server-side tool 'WebSearch'",
  );
});
