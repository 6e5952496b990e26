/**
 * The Gemini models this plugin registers and what each can do, as data: the same ids, aliases and
 * capabilities as the Python `llm-gemini` plugin, so `-m gemini-flash-latest` means the same in both tools.
 * @module
 */
import type { ServerSideToolInfo } from "./_llm.ts";

/** What one Gemini model supports. */
export interface GeminiModelInfo {
  /** The id the Gemini API knows, e.g. `gemini-2.5-flash` (also the model's alias here). */
  geminiId: string;
  /** Grounding with Google Search (`-T GoogleSearch`). */
  googleSearch: boolean;
  /** Fetching URLs named in the prompt (`-T URLContext`). */
  urlContext: boolean;
  /** Running Python in Google's sandbox (`-T CodeExecution`). */
  codeExecution: boolean;
  /** Takes `thinking_budget` (a token count). */
  thinkingBudget: boolean;
  /** The `thinking_level` values it takes, when it takes that option. */
  thinkingLevels?: readonly string[];
  /**
   * Mixes server-side tools with function tools and reports the server-side calls it made
   * (`toolConfig.includeServerSideToolInvocations`): Gemini 3 and the `-latest` aliases.
   */
  serverToolContext: boolean;
}

/** The model ids, in the order `llm-gemini` registers them. */
export const GEMINI_MODEL_IDS: readonly string[] = [
  "gemini-2.5-flash",
  "gemini-flash-latest",
  "gemini-flash-lite-latest",
  "gemini-3-flash-preview",
  "gemini-3.1-pro-preview",
  "gemini-3.1-pro-preview-customtools",
  "gemini-3.1-flash-lite-preview",
  "gemma-4-26b-a4b-it",
  "gemma-4-31b-it",
  "gemini-3.1-flash-lite",
  "gemini-3.5-flash",
  "gemini-3.6-flash",
  "gemini-3.5-flash-lite",
  "gemini-3.7-flash",
];

/** Models that can ground answers in Google Search. */
const GOOGLE_SEARCH = new Set([
  "gemini-2.5-flash",
  "gemini-flash-latest",
  "gemini-flash-lite-latest",
  "gemini-3-flash-preview",
  "gemini-3.1-pro-preview",
  "gemini-3.1-pro-preview-customtools",
  "gemini-3.1-flash-lite-preview",
  "gemini-3.1-flash-lite",
  "gemini-3.5-flash",
  "gemini-3.6-flash",
  "gemini-3.7-flash",
  "gemini-3.5-flash-lite",
]);

const LATEST = new Set(["gemini-flash-latest", "gemini-flash-lite-latest"]);

/** Models whose thinking is set with a token budget. */
const THINKING_BUDGET = new Set(["gemini-2.5-flash", "gemini-flash-latest", "gemini-flash-lite-latest"]);

const ALL_LEVELS = ["minimal", "low", "medium", "high"] as const;
const NO_MINIMAL = ["low", "medium", "high"] as const;

/** Models whose thinking is set with a level, and the levels each accepts. */
const THINKING_LEVELS: Record<string, readonly string[]> = {
  "gemini-3-flash-preview": ALL_LEVELS,
  "gemini-3.1-pro-preview": NO_MINIMAL,
  "gemini-3.1-pro-preview-customtools": NO_MINIMAL,
  "gemini-3.1-flash-lite-preview": ALL_LEVELS,
  "gemini-3.1-flash-lite": ALL_LEVELS,
  "gemini-3.5-flash": ALL_LEVELS,
  "gemini-3.6-flash": ALL_LEVELS,
  "gemini-3.7-flash": NO_MINIMAL,
  "gemini-3.5-flash-lite": ALL_LEVELS,
};

/**
 * What the model `geminiId` supports. Ids outside the catalog get the rules `llm-gemini` applies by prefix
 * (Gemini 2.5 and 3 get URL context and code execution; Gemini 3 mixes tool kinds).
 *
 * @example
 * ```ts
 * import { geminiModelInfo } from "./catalog.ts";
 * geminiModelInfo("gemini-2.5-flash").thinkingBudget; // true
 * ```
 */
export function geminiModelInfo(geminiId: string): GeminiModelInfo {
  const levels = THINKING_LEVELS[geminiId];
  return {
    geminiId,
    googleSearch: GOOGLE_SEARCH.has(geminiId),
    urlContext: geminiId.startsWith("gemini-2.5") || geminiId.startsWith("gemini-3") || LATEST.has(geminiId),
    codeExecution: /^gemini-(2\.5|3|flash)/.test(geminiId),
    thinkingBudget: THINKING_BUDGET.has(geminiId),
    ...(levels ? { thinkingLevels: levels } : {}),
    serverToolContext: geminiId.startsWith("gemini-3") || LATEST.has(geminiId),
  };
}

/** The server-side tools of Gemini, by the name `-T` takes. */
export const SERVER_SIDE_TOOLS: Record<"GoogleSearch" | "URLContext" | "CodeExecution", ServerSideToolInfo> =
  {
    GoogleSearch: {
      className: "GoogleSearch",
      name: "google_search",
      description: "Let Gemini search Google and ground its answer in what it finds.",
    },
    URLContext: {
      className: "URLContext",
      name: "url_context",
      description: "Let Gemini read the pages at URLs given in the prompt.",
    },
    CodeExecution: {
      className: "CodeExecution",
      name: "code_execution",
      description: "Let Gemini write Python and run it in Google's sandbox while it answers.",
    },
  };

/** The request field of each server-side tool (`{"googleSearch": {}}` and so on). */
export const SERVER_TOOL_FIELDS: Record<string, string> = {
  GoogleSearch: "googleSearch",
  URLContext: "urlContext",
  CodeExecution: "codeExecution",
};

/** The server-side tools a model offers, in `llm-gemini`'s order. */
export function serverSideToolsOf(info: GeminiModelInfo): ServerSideToolInfo[] {
  const tools: ServerSideToolInfo[] = [];
  if (info.googleSearch) tools.push(SERVER_SIDE_TOOLS.GoogleSearch);
  if (info.urlContext) tools.push(SERVER_SIDE_TOOLS.URLContext);
  if (info.codeExecution) tools.push(SERVER_SIDE_TOOLS.CodeExecution);
  return tools;
}

/** The names Gemini gives its server-side tool types in `toolCall` / `toolResponse` parts, as ours. */
const TOOL_TYPE_NAMES: Record<string, string> = {
  GOOGLE_SEARCH: "google_search",
  GOOGLE_SEARCH_WEB: "google_search",
  URL_CONTEXT: "url_context",
  CODE_EXECUTION: "code_execution",
};

/** The tool name for a Gemini `toolType` (`GOOGLE_SEARCH_WEB` is `google_search`; others lower-cased). */
export function serverToolName(toolType: unknown): string {
  if (typeof toolType !== "string" || !toolType) return "server_side_tool";
  return TOOL_TYPE_NAMES[toolType] ?? toolType.toLowerCase();
}

/**
 * The MIME types Gemini takes as attachments (those `llm-gemini` lists). `text/html` is added: this library
 * reads a URL's type without its parameters, so a YouTube page is `text/html` rather than
 * `text/html; charset=utf-8`.
 */
export const ATTACHMENT_TYPES: readonly string[] = [
  "text/plain",
  "text/csv",
  "text/html",
  "text/html; charset=utf-8",
  "application/pdf",
  "image/png",
  "image/jpeg",
  "image/webp",
  "image/heic",
  "image/heif",
  "audio/wav",
  "audio/mp3",
  "audio/aiff",
  "audio/aac",
  "audio/ogg",
  "application/ogg",
  "audio/flac",
  "audio/mpeg",
  "video/mp4",
  "video/mpeg",
  "video/mov",
  "video/avi",
  "video/x-flv",
  "video/mpg",
  "video/webm",
  "video/wmv",
  "video/3gpp",
  "video/quicktime",
  "video/youtube",
];
