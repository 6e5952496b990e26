/**
 * What the Gemini plugin sends and reads beyond the recordings: the models, aliases and options of
 * `llm-gemini` and how each option lands in `generationConfig`; system prompts; attachments (inline base64,
 * a URL downloaded, a YouTube URL by reference); server-side tools and how they mix with function tools;
 * server-executed tool parts, grounding metadata and parallel calls without ids in the stream, and how all of
 * it goes back on the next turn.
 */
import assert from "node:assert/strict";
import plugin, { GEMINI_MODEL_IDS, isYouTubeUrl } from "../plugins/gemini/mod.ts";
import { getModel, getModels } from "../lib/default_registry.ts";
import { loadPlugin, unloadPlugin } from "../lib/plugins/runtime.ts";
import { describeOptions } from "../lib/models/options.ts";
import { Attachment } from "../lib/attachments/attachment.ts";
import type { Message, ToolResultPart } from "../lib/models/messages.ts";
import { tempUserDir } from "./support/env.ts";
import { bodyText, geminiRecording, type GeminiServer, startGeminiServer } from "./support/gemini_server.ts";

const KEY = "test-key";
// deno-lint-ignore no-explicit-any
type Json = any;

/** A short recorded answer, for tests that look only at the request. */
const HI_BODY = bodyText(geminiRecording("resolved-model")[0]);

async function withGemini(fn: (gemini: GeminiServer) => void | Promise<void>): Promise<void> {
  await using gemini = await startGeminiServer();
  await using _dir = await tempUserDir({ LLM_GEMINI_BASE_URL: gemini.url, LLM_GEMINI_KEY: KEY });
  await loadPlugin(plugin);
  try {
    await fn(gemini);
  } finally {
    unloadPlugin("llm-gemini");
  }
}

/** Sends a prompt answered by a short recorded answer; returns the request body. */
async function requestFor(
  gemini: GeminiServer,
  model: string,
  options: Parameters<ReturnType<typeof getModel>["prompt"]>[1] = {},
  text = "hi",
): Promise<Json> {
  gemini.enqueue({ kind: "body", body: HI_BODY });
  await getModel(model).prompt(text, options).text();
  return gemini.requests.at(-1)!.body;
}

/** A stream body of these chunks, the last with a finishReason. */
function streamOf(...partsPerChunk: Json[][]): string {
  return JSON.stringify(partsPerChunk.map((parts, i) => ({
    candidates: [{
      content: { parts, role: "model" },
      index: 0,
      ...(i === partsPerChunk.length - 1 ? { finishReason: "STOP" } : {}),
    }],
    modelVersion: "gemini-3.6-flash",
  })));
}

Deno.test("the models, aliases, labels, keys and server-side tools of llm-gemini", () =>
  withGemini(() => {
    const models = getModels().filter((m) => m.id.startsWith("gemini/"));
    assert.deepEqual(models.map((m) => m.id), GEMINI_MODEL_IDS.map((id) => `gemini/${id}`));
    assert.equal(models.length, 14);
    for (const id of GEMINI_MODEL_IDS) assert.equal(getModel(id).id, `gemini/${id}`, `alias ${id}`);
    const flash = getModel("gemini-2.5-flash");
    assert.equal(flash.label, "GeminiPro: gemini/gemini-2.5-flash");
    assert.equal(flash.needsKey, "gemini");
    assert.equal(flash.keyEnvVar, "LLM_GEMINI_KEY");
    assert.ok(flash.supportsSchema && flash.supportsTools && flash.canStream);
    assert.ok(flash.attachmentTypes.has("application/pdf") && flash.attachmentTypes.has("video/youtube"));
    const tools = (id: string) => getModel(id).serverSideTools.map((t) => t.className);
    assert.deepEqual(tools("gemini-3.6-flash"), ["GoogleSearch", "URLContext", "CodeExecution"]);
    assert.deepEqual(tools("gemini-2.5-flash"), ["GoogleSearch", "URLContext", "CodeExecution"]);
    assert.deepEqual(tools("gemini-flash-latest"), ["GoogleSearch", "URLContext", "CodeExecution"]);
    assert.deepEqual(tools("gemma-4-26b-a4b-it"), []);
    assert.deepEqual(getModel("gemini-3.6-flash").serverSideTools.map((t) => t.name), [
      "google_search",
      "url_context",
      "code_execution",
    ]);
  }));

Deno.test("each model has the options llm-gemini gives it", () =>
  withGemini(async () => {
    const names = async (id: string) => (await describeOptions(getModel(id).options)).map((o) => o.name);
    const common = ["temperature", "max_output_tokens", "top_p", "top_k", "json_object", "timeout"];
    assert.deepEqual(await names("gemini-2.5-flash"), [...common, "thinking_budget", "media_resolution"]);
    assert.deepEqual(await names("gemini-3.6-flash"), [...common, "thinking_level", "media_resolution"]);
    assert.deepEqual(await names("gemma-4-26b-a4b-it"), [...common, "media_resolution"]);
    const info = await describeOptions(getModel("gemini-3.7-flash").options);
    // json_object is left out: how a boolean is named (Python llm shows "boolean") is the listing's business.
    const types = Object.fromEntries(
      info.filter((o) => o.name !== "json_object").map((o) => [o.name, o.type]),
    );
    assert.deepEqual(types, {
      temperature: "float",
      max_output_tokens: "int",
      top_p: "float",
      top_k: "int",
      timeout: "float",
      thinking_level: "str",
      media_resolution: "str",
    });
    const levels = async (id: string) =>
      (await describeOptions(getModel(id).options)).find((o) => o.name === "thinking_level")?.jsonSchema.enum;
    assert.deepEqual(await levels("gemini-3-flash-preview"), ["minimal", "low", "medium", "high"]);
    assert.deepEqual(await levels("gemini-3.1-pro-preview"), ["low", "medium", "high"]);
  }));

Deno.test("options, the system prompt and hidden reasoning in the request", () =>
  withGemini(async (gemini) => {
    const flash = await requestFor(gemini, "gemini-2.5-flash", {
      system: "Be brief",
      options: {
        temperature: "0.5",
        max_output_tokens: "100",
        top_p: "0.9",
        top_k: "40",
        json_object: "1",
        thinking_budget: "0",
        media_resolution: "high",
      },
    });
    assert.deepEqual(flash.systemInstruction, { parts: [{ text: "Be brief" }] });
    assert.deepEqual(flash.contents, [{ role: "user", parts: [{ text: "hi" }] }]);
    assert.deepEqual(flash.generationConfig, {
      thinkingConfig: { thinkingBudget: 0, includeThoughts: true },
      response_mime_type: "application/json",
      temperature: 0.5,
      maxOutputTokens: 100,
      topP: 0.9,
      topK: 40,
      mediaResolution: "MEDIA_RESOLUTION_HIGH",
    });
    assert.equal(flash.safetySettings.length, 4);
    assert.ok(flash.safetySettings.every((s: Json) => s.threshold === "BLOCK_NONE"));

    const level = await requestFor(gemini, "gemini-3.6-flash", { options: { thinking_level: "minimal" } });
    assert.deepEqual(level.generationConfig, {
      thinkingConfig: { thinkingLevel: "minimal", includeThoughts: true },
    });
    const hidden = await requestFor(gemini, "gemini-3.6-flash", { hideReasoning: true });
    assert.equal(hidden.generationConfig, undefined);
    const gemma = await requestFor(gemini, "gemma-4-31b-it", { options: { temperature: 1 } });
    assert.deepEqual(gemma.generationConfig, { temperature: 1 });
    assert.equal(gemma.systemInstruction, undefined);
    assert.equal(gemini.requests.at(-1)!.path, "/v1beta/models/gemma-4-31b-it:streamGenerateContent");

    const refused = async (model: string, options: Record<string, unknown>, pattern: RegExp) =>
      await assert.rejects(getModel(model).prompt("hi", { options }).text(), pattern);
    await refused(
      "gemini-3.7-flash",
      { thinking_level: "minimal" },
      /Invalid value for option 'thinking_level'/,
    );
    await refused("gemini-3.6-flash", { thinking_budget: 10 }, /Unknown option 'thinking_budget'/);
    await refused("gemini-2.5-flash", { temperature: 3 }, /Invalid value for option 'temperature' \(3\)/);
    await refused(
      "gemini-2.5-flash",
      { media_resolution: "huge" },
      /Invalid value for option 'media_resolution'/,
    );
  }));

Deno.test("attachments: bytes inline as base64, a URL downloaded, a YouTube URL by reference", () =>
  withGemini(async (gemini) => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const pdf = new TextEncoder().encode("%PDF-1.4 a tiny document");
    await using files = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      () => new Response(pdf, { headers: { "content-type": "application/pdf" } }),
    );
    const body = await requestFor(gemini, "gemini-flash-latest", {
      attachments: [
        Attachment.fromBytes(png),
        Attachment.fromBytes(new Uint8Array([0xff, 0xfb, 0x90]), "audio/mpeg"),
        Attachment.fromUrl(`http://127.0.0.1:${files.addr.port}/doc.pdf`),
        Attachment.fromUrl("https://www.youtube.com/watch?v=9o1_DL9uNlM", "video/youtube"),
      ],
    }, "describe these");
    assert.deepEqual(body.contents, [{
      role: "user",
      parts: [
        { text: "describe these" },
        { inlineData: { data: "iVBORw0KGgoBAgM=", mimeType: "image/png" } },
        { inlineData: { data: "//uQ", mimeType: "audio/mp3" } },
        { inlineData: { data: btoa("%PDF-1.4 a tiny document"), mimeType: "application/pdf" } },
        { fileData: { mimeType: "video/youtube", fileUri: "https://www.youtube.com/watch?v=9o1_DL9uNlM" } },
      ],
    }]);
    await assert.rejects(
      getModel("gemini-flash-latest").prompt("x", {
        attachments: [Attachment.fromBytes(new Uint8Array([0x50, 0x4b, 3, 4]), "application/zip")],
      }).text(),
      { name: "UnsupportedFeatureError", message: /does not support attachments of type 'application\/zip'/ },
    );
    assert.ok(isYouTubeUrl("https://youtu.be/abc123"));
    assert.ok(isYouTubeUrl("http://www.youtube.com/embed/abc123"));
    assert.ok(isYouTubeUrl("https://www.youtube.com/watch?v=abc123&feature=share"));
    assert.ok(!isYouTubeUrl("https://www.youtube.com/user/someone"));
    assert.ok(!isYouTubeUrl("https://vimeo.com/123456"));
    assert.ok(!isYouTubeUrl(undefined));
  }));

Deno.test("server-side tools: specs and toolConfig; mixed with function tools only on Gemini 3", () =>
  withGemini(async (gemini) => {
    const all = ["GoogleSearch", "URLContext", "CodeExecution"].map((className) => ({
      className,
      name: "",
      config: {},
    }));
    const three = await requestFor(gemini, "gemini-3.6-flash", { serverSideTools: all });
    assert.deepEqual(three.tools, [{ googleSearch: {} }, { urlContext: {} }, { codeExecution: {} }]);
    assert.deepEqual(three.toolConfig, {
      includeServerSideToolInvocations: true,
      functionCallingConfig: { mode: "VALIDATED" },
    });
    const weather = {
      name: "weather",
      description: "Look up the weather for a city",
      inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    };
    const mixed = await requestFor(gemini, "gemini-flash-latest", {
      tools: [weather],
      serverSideTools: [all[0]],
    });
    assert.deepEqual(mixed.tools, [{ googleSearch: {} }, {
      functionDeclarations: [{
        name: "weather",
        description: "Look up the weather for a city",
        parameters: weather.inputSchema,
      }],
    }]);
    const older = await requestFor(gemini, "gemini-2.5-flash", { serverSideTools: [all[1]] });
    assert.deepEqual(older.tools, [{ urlContext: {} }]);
    assert.equal(older.toolConfig, undefined, "2.5 does not report server-side calls");
    await assert.rejects(
      getModel("gemini-2.5-flash").prompt("x", { tools: [weather], serverSideTools: [all[0]] }).text(),
      {
        name: "UnsupportedFeatureError",
        message: "Model gemini/gemini-2.5-flash cannot combine server-side tools with function tools (only " +
          "Gemini 3 models can); use one kind of tool at a time, or a Gemini 3 model",
      },
    );
    await assert.rejects(
      getModel("gemma-4-26b-a4b-it").prompt("x", { serverSideTools: [all[0]] }).text(),
      /does not support server-side tool 'GoogleSearch'/,
    );
  }));

Deno.test("server-executed tool parts, code execution and grounding: read, stored, and sent back as they came", () =>
  withGemini(async (gemini) => {
    const search = {
      toolCall: { toolType: "GOOGLE_SEARCH_WEB", args: { queries: ["pelican range"] }, id: "search-1" },
      thoughtSignature: "sig-A",
    };
    const found = { toolResponse: { toolType: "GOOGLE_SEARCH_WEB", response: { results: ["a", "b"] } } };
    const code = { executableCode: { language: "PYTHON", code: "print(6 * 7)" } };
    const ran = { codeExecutionResult: { outcome: "OUTCOME_OK", output: "42\n" } };
    const grounding = {
      webSearchQueries: ["pelican range"],
      groundingChunks: [{ web: { uri: "https://x" } }],
    };
    const chunks = JSON.parse(
      streamOf([search, found], [code, ran], [{ text: "Worldwide.", thoughtSignature: "sig-B" }], [
        { text: "" },
      ]),
    );
    chunks[2].candidates[0].groundingMetadata = grounding;
    chunks[3].usageMetadata = {
      promptTokenCount: 10,
      candidatesTokenCount: 5,
      toolUsePromptTokenCount: 100,
      totalTokenCount: 115,
    };
    gemini.enqueue({ kind: "body", body: JSON.stringify(chunks), splitAt: 5 });
    const model = getModel("gemini-3.6-flash");
    const response = model.prompt("Where do pelicans live? Check with code", {
      serverSideTools: [{ className: "GoogleSearch", name: "google_search", config: {} }],
    });
    assert.equal(await response.text(), "Worldwide.");
    assert.deepEqual(await response.toolCalls(), [], "server-executed calls are not for us to run");
    assert.deepEqual(await response.usage(), {
      input: 110,
      output: 5,
      details: { candidatesTokenCount: 5, toolUsePromptTokenCount: 100 },
    });
    const [message] = await response.messages();
    const codeId = (message.parts[2] as { tool_call_id: string }).tool_call_id;
    assert.match(codeId, /^code_[0-9a-f]{32}$/);
    assert.deepEqual(message.parts, [
      {
        type: "tool_call",
        name: "google_search",
        arguments: { queries: ["pelican range"] },
        tool_call_id: "search-1",
        server_executed: true,
        provider_metadata: { gemini: { part: search } },
      },
      {
        type: "tool_result",
        name: "google_search",
        output: '{"results":["a","b"]}',
        tool_call_id: "search-1",
        server_executed: true,
        provider_metadata: { gemini: { part: found } },
      },
      {
        type: "tool_call",
        name: "code_execution",
        arguments: code.executableCode,
        tool_call_id: codeId,
        server_executed: true,
        provider_metadata: { gemini: { part: code } },
      },
      {
        type: "tool_result",
        name: "code_execution",
        output: JSON.stringify(ran.codeExecutionResult),
        tool_call_id: codeId,
        server_executed: true,
        provider_metadata: { gemini: { part: ran } },
      },
      {
        type: "text",
        text: "Worldwide.",
        provider_metadata: { gemini: { thoughtSignature: "sig-B", groundingMetadata: grounding } },
      },
    ]);
    // The next turn sends Gemini's own parts back, untouched, and the text with its signature.
    const next = await requestFor(gemini, "gemini-3.6-flash", {
      messages: [...response.prompt.messages, message],
    }, "And in winter?");
    assert.deepEqual(next.contents, [
      { role: "user", parts: [{ text: "Where do pelicans live? Check with code" }] },
      {
        role: "model",
        parts: [search, found, code, ran, { text: "Worldwide.", thoughtSignature: "sig-B" }],
      },
      { role: "user", parts: [{ text: "And in winter?" }] },
    ]);
  }));

Deno.test("parallel function calls without ids get ids of their own, and their results go back by them", () =>
  withGemini(async (gemini) => {
    const weather = {
      name: "weather",
      inputSchema: { type: "object", properties: { city: { type: "string" } } },
    };
    gemini.enqueue({
      kind: "body",
      body: streamOf([
        { functionCall: { name: "weather", args: { city: "Paris" } }, thoughtSignature: "sig-1" },
        { functionCall: { name: "weather", args: { city: "Rome" } } },
      ]),
    });
    const model = getModel("gemini-3.6-flash");
    const first = model.prompt("Weather in Paris and Rome?", { tools: [weather] });
    await first.text();
    const calls = await first.toolCalls();
    assert.deepEqual(calls.map((c) => c.arguments), [{ city: "Paris" }, { city: "Rome" }]);
    const [paris, rome] = calls.map((c) => c.toolCallId!);
    assert.match(paris, /^call_[0-9a-f]{32}$/);
    assert.notEqual(paris, rome);
    const [message] = await first.messages();
    assert.deepEqual(message.parts.map((p) => [p.type, (p as { tool_call_id?: string }).tool_call_id]), [
      ["tool_call", paris],
      ["tool_call", rome],
    ]);
    const results: ToolResultPart[] = [
      { type: "tool_result", name: "weather", output: "Sunny", tool_call_id: paris },
      { type: "tool_result", name: "weather", output: "Rain", tool_call_id: rome },
    ];
    const history: Message[] = [...first.prompt.messages, message];
    gemini.enqueue({ kind: "body", body: HI_BODY });
    await model.prompt(undefined, { tools: [weather], messages: history, toolResults: results }).text();
    const contents = gemini.requests.at(-1)!.body.contents;
    assert.deepEqual(contents.slice(1), [
      {
        role: "model",
        parts: [
          {
            function_call: { name: "weather", args: { city: "Paris" }, id: paris },
            thoughtSignature: "sig-1",
          },
          { function_call: { name: "weather", args: { city: "Rome" }, id: rome } },
        ],
      },
      {
        role: "user",
        parts: [
          { function_response: { name: "weather", response: { output: "Sunny" }, id: paris } },
          { function_response: { name: "weather", response: { output: "Rain" }, id: rome } },
        ],
      },
    ]);
  }));

Deno.test("a conversation sends earlier answers back with their thought signatures, without the reasoning", () =>
  withGemini(async (gemini) => {
    const conversation = getModel("gemini-flash-latest").conversation();
    gemini.enqueueRecording("prompt");
    assert.equal(await conversation.prompt("Name for a pet pelican, just the name").text(), "Scoop");
    gemini.enqueue({ kind: "body", body: HI_BODY });
    await conversation.prompt("Another one").text();
    const contents = gemini.requests.at(-1)!.body.contents;
    const signature = JSON.parse(bodyText(geminiRecording("prompt")[0])).at(-1).candidates[0].content.parts[0]
      .thoughtSignature;
    assert.deepEqual(contents, [
      { role: "user", parts: [{ text: "Name for a pet pelican, just the name" }] },
      { role: "model", parts: [{ text: "Scoop", thoughtSignature: signature }] },
      { role: "user", parts: [{ text: "Another one" }] },
    ]);
  }));
