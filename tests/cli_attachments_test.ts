/**
 * Attachments through the real CLI beyond the recorded commands: templates that carry `attachments:` and
 * `attachment_types:`, `--save` keeping them, fragment loaders returning attachments, `llm chat`'s `!attach`,
 * the provider size limit and empty stdin as one-line errors with nothing logged, `--json`, and `-a` with the
 * Anthropic and Gemini plugins.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cliSetup, ok, rows } from "./support/cli_setup.ts";
import { copyInputs, FIXTURES } from "./support/python_attachments.ts";
import { runCli } from "./support/run_cli.ts";
import { anthropicExchange, startAnthropicServer } from "./support/anthropic_server.ts";
import { startGeminiServer } from "./support/gemini_server.ts";

const repoDir = fileURLToPath(new URL("../", import.meta.url));
const PNG = Deno.readFileSync(`${FIXTURES}inputs/image.png`);
const PNG2 = Deno.readFileSync(`${FIXTURES}inputs/image2.png`);
const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

// deno-lint-ignore no-explicit-any
const userContent = (body: any) => body.messages.at(-1).content;

Deno.test("templates carry attachments: and attachment_types:, --save writes them, -t sends them first", async () => {
  await using t = await cliSetup();
  await copyInputs(t.dir);
  await Deno.mkdir(join(t.dir, "templates"));
  await Deno.writeTextFile(
    join(t.dir, "templates", "pics.yaml"),
    "prompt: 'Compare: $input'\nattachments:\n- image.png\nattachment_types:\n- type: image/jpeg\n  value: image2.png\n",
  );
  // audio.mp3 is refused by gpt-4o-mini: the template's attachments are checked with the flags' ones.
  const refused = await t.llm(["-m", "4o-mini", "-t", "pics", "these", "-a", "audio.mp3"]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /does not support attachments of type 'audio\/mpeg'/);
  t.server.enqueue({ kind: "text", text: "Same." });
  ok(await t.llm(["-m", "4o-mini", "-t", "pics", "these", "--no-stream"]));
  assert.equal(t.server.requests.length, 1);
  assert.deepEqual(userContent(t.server.requests[0].body), [
    { type: "text", text: "Compare: these" },
    { type: "image_url", image_url: { url: `data:image/png;base64,${b64(PNG)}` } },
    { type: "image_url", image_url: { url: `data:image/jpeg;base64,${b64(PNG2)}` } },
  ]);

  // --save keeps -a and --at values (paths made absolute), and the saved template sends them again.
  ok(await t.llm(["--save", "saved", "-a", "image.png", "--at", "image2.png", "image/jpeg", "Describe"]));
  const saved = await Deno.readTextFile(join(t.dir, "templates", "saved.yaml"));
  assert.match(saved, new RegExp(`attachments:\\n- ${await Deno.realPath(join(t.dir, "image.png"))}\\n`));
  // PyYAML's layout, as Python llm saves it (indent 4).
  assert.match(saved, /attachment_types:\n- {3}type: image\/jpeg\n {4}value: .*image2\.png\n$/);
  t.server.enqueue({ kind: "text", text: "ok" });
  ok(await t.llm(["-m", "4o-mini", "-t", "saved"]));
  assert.equal(userContent(t.server.requests[1].body).length, 3);

  // A template attachment that is not there: one line naming the template, no request.
  await Deno.writeTextFile(join(t.dir, "templates", "broken.yaml"), "attachments:\n- nope.png\n");
  const broken = await t.llm(["-m", "4o-mini", "-t", "broken", "hi"]);
  assert.equal(broken.code, 1);
  assert.equal(broken.stderr, "Error: Template 'broken' attaches nope.png: File nope.png does not exist\n");
  assert.equal(t.server.requests.length, 2);
});

Deno.test("fragment loaders may return attachments: -f sends them after the flags' ones; --sf refuses them", async () => {
  await using t = await cliSetup();
  await copyInputs(t.dir);
  const plugin = join(t.dir, "pics_plugin.ts");
  await Deno.writeTextFile(
    plugin,
    `export default {
      name: "llm-pics",
      version: "0.1.0",
      registerFragmentLoaders(register) {
        register("pic", (arg) => [
          { content: "About " + arg, source: "pic:" + arg },
          { type: "image/png", path: ${JSON.stringify(t.dir)} + "/" + arg },
        ]);
      },
    };\n`,
  );
  ok(await t.llm(["install", plugin]));
  t.server.enqueue({ kind: "text", text: "ok" });
  ok(await t.llm(["-m", "4o-mini", "-f", "pic:image2.png", "-a", "image.png", "Describe"]));
  assert.deepEqual(userContent(t.server.requests[0].body), [
    { type: "text", text: "About image2.png\nDescribe" },
    { type: "image_url", image_url: { url: `data:image/png;base64,${b64(PNG)}` } },
    { type: "image_url", image_url: { url: `data:image/png;base64,${b64(PNG2)}` } },
  ]);
  const refused = await t.llm(["-m", "4o-mini", "--sf", "pic:image2.png", "Describe"]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^Error: .*attachment/);
  assert.equal(t.server.requests.length, 1);
});

Deno.test("llm chat: !attach adds files to the next message; a bad one is an error and the chat goes on", async () => {
  await using t = await cliSetup();
  await copyInputs(t.dir);
  t.server.enqueue({ kind: "text", text: "A red square." }, { kind: "text", text: "Blue." });
  const lines = [
    "!attach image.png",
    "What is this?",
    "!attach nope.png",
    "!attach 'image2.png'",
    "And this?",
    "quit",
  ].join("\n") + "\n";
  const run = ok(await t.llm(["chat", "-m", "4o-mini"], { stdin: lines }));
  assert.match(run.stdout, /A red square\./);
  assert.match(
    run.stderr,
    /Attached .*image\.png \(image\/png\)\nAttachments are sent with your next message\n/,
  );
  assert.match(run.stderr, /Error: File nope\.png does not exist\n/);
  const [first, second] = t.server.requests.map((r) => r.body.messages);
  assert.deepEqual(first.at(-1).content, [
    { type: "text", text: "What is this?" },
    { type: "image_url", image_url: { url: `data:image/png;base64,${b64(PNG)}` } },
  ]);
  // The second message carries its own attachment; the first goes again as history.
  assert.equal(second.length, 3);
  assert.equal(second[0].content[1].image_url.url, `data:image/png;base64,${b64(PNG)}`);
  assert.deepEqual(second[2].content[1], {
    type: "image_url",
    image_url: { url: `data:image/png;base64,${b64(PNG2)}` },
  });
  const logged = rows(join(t.dir, "logs.db"), "select count(*) as n from part_attachments")[0].n;
  assert.equal(logged, 2);
});

Deno.test("an attachment over the provider's limit, and -a - with empty stdin: one line, no request, nothing logged", async () => {
  await using t = await cliSetup();
  await copyInputs(t.dir);
  const file = await Deno.open(join(t.dir, "huge.png"), { create: true, write: true });
  await file.write(PNG);
  await file.truncate(60 * 1024 * 1024);
  file.close();
  const big = await t.llm(["-m", "4o-mini", "Describe", "-a", "huge.png"]);
  assert.equal(big.code, 1);
  assert.match(big.stderr, /^Error: Attachment .*huge\.png is 60 MB, over the 50 MB the OpenAI API accepts/);
  assert.equal(big.stderr.trimEnd().split("\n").length, 1);
  const empty = await t.llm(["-m", "4o-mini", "Describe", "-a", "-"], { stdin: "" });
  assert.equal(empty.code, 2);
  assert.match(
    empty.stderr,
    /\nError: Invalid value for '-a' \/ '--attachment': Nothing was piped to stdin for '-'/,
  );
  assert.equal(t.server.requests.length, 0);
  assert.equal(rows(join(t.dir, "logs.db"), "select count(*) as n from turns")[0].n, 0);
});

Deno.test("llm prompt --json lists the attachments as llm logs --json does", async () => {
  await using t = await cliSetup();
  await copyInputs(t.dir);
  t.server.enqueue({ kind: "text", text: "ok" });
  const run = ok(await t.llm(["-m", "4o-mini", "-a", "image.png", "--json", "-n"]));
  const [row] = JSON.parse(run.stdout);
  assert.deepEqual(row.attachments, [{
    id: "68c41bb798155f8ad4c0280b6540e49f18457b263986fa6edbf58dc0821f3cb1",
    type: "image/png",
    path: await Deno.realPath(join(t.dir, "image.png")),
    url: null,
    content: null,
    content_length: null,
  }]);
});

Deno.test("-a with the Anthropic plugin sends what Python's llm-anthropic sent for the same image", async () => {
  await using server = await startAnthropicServer();
  const dir = await Deno.makeTempDir({ prefix: "llm-att-anthropic-" });
  try {
    const env = { LLM_USER_PATH: dir, ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: "sk-ant-test" };
    assert.equal((await runCli(["install", join(repoDir, "plugins/anthropic/mod.ts")], { env })).code, 0);
    const recorded = anthropicExchange("image-with-no-prompt");
    const image = recorded.request.body.messages[0].content[0].source.data as string;
    await Deno.writeFile(join(dir, "tiny.png"), Uint8Array.from(atob(image), (c) => c.charCodeAt(0)));
    server.enqueue({ kind: "recorded", file: "image-with-no-prompt" });
    // The recording's options (an older llm-anthropic's defaults), so the body can be compared whole.
    const run = await runCli([
      "-m",
      "claude-sonnet-4.5",
      "-a",
      "tiny.png",
      "-o",
      "temperature",
      "1",
      "-o",
      "max_tokens",
      "8192",
    ], {
      env,
      cwd: dir,
    });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(server.requests.at(-1)!.body, recorded.request.body);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("-a with the Gemini plugin sends the image inline after the text, as llm-gemini does", async () => {
  await using gemini = await startGeminiServer();
  const dir = await Deno.makeTempDir({ prefix: "llm-att-gemini-" });
  try {
    const env = { LLM_USER_PATH: dir, LLM_GEMINI_BASE_URL: gemini.url, LLM_GEMINI_KEY: "test-key" };
    assert.equal((await runCli(["install", join(repoDir, "plugins/gemini/mod.ts")], { env })).code, 0);
    await copyInputs(dir);
    gemini.enqueueRecording("prompt");
    const run = await runCli(["-m", "gemini-flash-latest", "Describe", "-a", "image.png"], { env, cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(gemini.requests.at(-1)!.body.contents, [{
      role: "user",
      parts: [{ text: "Describe" }, { inlineData: { data: b64(PNG), mimeType: "image/png" } }],
    }]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
