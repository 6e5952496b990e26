/**
 * The body of a `:streamGenerateContent` request, built from a prompt as `llm-gemini` builds it: the message
 * chain as `contents` (assistant turns as `model`, tool results as `function_response` parts, thought
 * signatures sent back on the parts they came with), the system prompt as `systemInstruction`, tools,
 * `generationConfig` from the options and the schema, and the safety settings `llm-gemini` always sends.
 * @module
 */
import { Attachment, type Message, type Part, type Prompt, UnsupportedFeatureError } from "./_llm.ts";
import { type GeminiModelInfo, SERVER_TOOL_FIELDS } from "./catalog.ts";
import type { GeminiOptionValues } from "./options.ts";
import { cleanupSchema } from "./schema.ts";

/** A JSON object of the Gemini API. */
export type GeminiObject = Record<string, unknown>;

/** The safety settings `llm-gemini` sends with every request: block nothing. */
export const SAFETY_SETTINGS: readonly GeminiObject[] = [
  "HARM_CATEGORY_DANGEROUS_CONTENT",
  "HARM_CATEGORY_SEXUALLY_EXPLICIT",
  "HARM_CATEGORY_HATE_SPEECH",
  "HARM_CATEGORY_HARASSMENT",
].map((category) => ({ category, threshold: "BLOCK_NONE" }));

const YOUTUBE = [
  /^https?:\/\/(www\.)?youtube\.com\/watch\?v=/,
  /^https?:\/\/youtu\.be\//,
  /^https?:\/\/(www\.)?youtube\.com\/embed\//,
];

/** Whether `url` is a YouTube video, which Gemini reads itself (sent as `fileData`, never downloaded). */
export function isYouTubeUrl(url: string | undefined | null): boolean {
  return Boolean(url) && YOUTUBE.some((pattern) => pattern.test(url!));
}

/** The `gemini` entry of a part's provider metadata. */
function geminiMetadata(part: Part): GeminiObject | undefined {
  const gemini = (part.provider_metadata as { gemini?: unknown } | undefined)?.gemini;
  return gemini && typeof gemini === "object" ? gemini as GeminiObject : undefined;
}

/** The MIME type Gemini expects for an attachment (`audio/mpeg` is `audio/mp3` to it). */
async function mimeTypeOf(attachment: Attachment): Promise<string> {
  if (isYouTubeUrl(attachment.url)) return "video/youtube";
  const type = await attachment.resolveType();
  if (type === "audio/mpeg") return "audio/mp3";
  if (type === "application/ogg") return "audio/ogg";
  return type;
}

/** An attachment as a part: a YouTube URL by reference, anything else inline as base64. */
async function attachmentPart(part: Extract<Part, { type: "attachment" }>): Promise<GeminiObject | null> {
  if (!part.attachment) return null;
  const attachment = Attachment.fromData(part.attachment);
  const mimeType = await mimeTypeOf(attachment);
  if (mimeType === "video/youtube") return { fileData: { mimeType, fileUri: attachment.url } };
  return { inlineData: { data: await attachment.base64Content(), mimeType } };
}

/** One of our parts as Gemini parts (none for reasoning, which Gemini does not take back). */
async function partsOf(part: Part): Promise<GeminiObject[]> {
  const gemini = geminiMetadata(part);
  const signature = typeof gemini?.thoughtSignature === "string" ? gemini.thoughtSignature : undefined;
  const withSignature = (p: GeminiObject) => (signature ? { ...p, thoughtSignature: signature } : p);
  switch (part.type) {
    case "text":
      return part.text ? [withSignature({ text: part.text })] : [];
    case "tool_call": {
      if (part.server_executed) return gemini?.part ? [structuredClone(gemini.part as GeminiObject)] : [];
      const call: GeminiObject = { name: part.name, args: part.arguments };
      if (part.tool_call_id) call.id = part.tool_call_id;
      return [withSignature({ function_call: call })];
    }
    case "tool_result": {
      if (part.server_executed) return gemini?.part ? [structuredClone(gemini.part as GeminiObject)] : [];
      const result: GeminiObject = { name: part.name, response: { output: part.output } };
      if (part.tool_call_id) result.id = part.tool_call_id;
      return [{ function_response: result }];
    }
    case "attachment": {
      const built = await attachmentPart(part);
      return built ? [built] : [];
    }
    default:
      // Reasoning text is not accepted back; a tool call's thought signature carries its state instead.
      return [];
  }
}

/** The chain as `contents`: system messages left out (they go in `systemInstruction`), empty ones dropped. */
export async function geminiContents(messages: Message[]): Promise<GeminiObject[]> {
  const contents: GeminiObject[] = [];
  for (const message of messages) {
    if (message.role === "system") continue;
    const parts = (await Promise.all(message.parts.map(partsOf))).flat();
    if (parts.length) contents.push({ role: message.role === "assistant" ? "model" : "user", parts });
  }
  return contents;
}

/** What the request is for: the model's capabilities and its id (for error messages). */
export interface RequestTarget {
  /** The model's capabilities. */
  info: GeminiModelInfo;
  /** The model id, e.g. `gemini/gemini-2.5-flash`. */
  modelId: string;
}

function toolsOf(prompt: Prompt, target: RequestTarget): GeminiObject[] {
  const tools: GeminiObject[] = [];
  const server = prompt.serverSideTools;
  if (prompt.tools.length && server.length && !target.info.serverToolContext) {
    throw new UnsupportedFeatureError(
      target.modelId,
      `Model ${target.modelId} cannot combine server-side tools with function tools (only Gemini 3 models ` +
        "can); use one kind of tool at a time, or a Gemini 3 model",
    );
  }
  for (const tool of server) {
    const field = SERVER_TOOL_FIELDS[tool.className] ?? tool.className;
    tools.push({ [field]: { ...tool.config } });
  }
  if (prompt.tools.length) {
    tools.push({
      functionDeclarations: prompt.tools.map((tool) => ({
        name: tool.name,
        description: tool.description ?? null,
        parameters: cleanupSchema(tool.inputSchema, target.modelId),
      })),
    });
  }
  return tools;
}

function generationConfigOf(prompt: Prompt, target: RequestTarget): GeminiObject {
  const options = prompt.options as GeminiOptionValues;
  const { info } = target;
  const config: GeminiObject = {};
  if (prompt.schema) {
    config.response_mime_type = "application/json";
    config.response_schema = cleanupSchema(prompt.schema, target.modelId);
  }
  const thinking: GeminiObject = {};
  if (info.thinkingBudget && options.thinking_budget !== undefined) {
    thinking.thinkingBudget = options.thinking_budget;
  }
  if (info.thinkingLevels && options.thinking_level !== undefined) {
    thinking.thinkingLevel = options.thinking_level;
  }
  if ((info.thinkingBudget || info.thinkingLevels) && !prompt.hideReasoning) thinking.includeThoughts = true;
  if (Object.keys(thinking).length) config.thinkingConfig = thinking;
  if (options.json_object) config.response_mime_type = "application/json";
  if (options.temperature !== undefined) config.temperature = options.temperature;
  if (options.max_output_tokens !== undefined) config.maxOutputTokens = options.max_output_tokens;
  if (options.top_p !== undefined) config.topP = options.top_p;
  if (options.top_k !== undefined) config.topK = options.top_k;
  if (options.media_resolution !== undefined) {
    config.mediaResolution = `MEDIA_RESOLUTION_${options.media_resolution.toUpperCase()}`;
  }
  return config;
}

/**
 * The request body for `prompt`.
 *
 * @throws {UnsupportedFeatureError} for server-side and function tools together on a model before Gemini 3,
 *   or a recursive schema.
 * @throws {AttachmentError} when an attachment cannot be read.
 */
export async function geminiRequestBody(prompt: Prompt, target: RequestTarget): Promise<GeminiObject> {
  const body: GeminiObject = {
    contents: await geminiContents(prompt.messages),
    safetySettings: SAFETY_SETTINGS.map((s) => ({ ...s })),
  };
  if (prompt.system) body.systemInstruction = { parts: [{ text: prompt.system }] };
  const tools = toolsOf(prompt, target);
  if (tools.length) body.tools = tools;
  const config = generationConfigOf(prompt, target);
  if (Object.keys(config).length) body.generationConfig = config;
  if (prompt.serverSideTools.length && target.info.serverToolContext) {
    body.toolConfig = {
      includeServerSideToolInvocations: true,
      functionCallingConfig: { mode: "VALIDATED" },
    };
  }
  return body;
}
