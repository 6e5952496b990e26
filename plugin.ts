/**
 * What a plugin needs: the `Model` base class and the types its `execute()` works with.
 *
 * @example
 * ```ts
 * import { Model, type Prompt } from "jsr:@denollm/llm/plugin";
 * class Shout extends Model {
 *   constructor() { super("shout"); }
 *   override async *execute(prompt: Prompt) { yield prompt.prompt.toUpperCase(); }
 * }
 * ```
 *
 * @module
 */
// A model: the class to extend, and what its execute() receives and yields.
export { Model, type ModelSettings, type PromptOptions } from "./lib/models/model.ts";
export type { Prompt, PromptInit } from "./lib/models/prompt.ts";
export type { ExecuteContext, Response, ResponseStatus } from "./lib/models/response.ts";
export type { Conversation, ConversationInit } from "./lib/models/conversation.ts";
export { Fragment, type FragmentConstructor, type FragmentInstance } from "./lib/models/fragment.ts";
export type {
  ConversationJson,
  PromptJson,
  ResponseJson,
  RestoredResponse,
  UsageJson,
} from "./lib/models/response_json.ts";
export type {
  SchemaInput,
  SchemaOutput,
  StandardSchemaLike,
  StructuredOutput,
} from "./lib/models/structured.ts";
export type { JsonSchema } from "./lib/models/schema_dsl.ts";
export type { Chunk, StreamEvent, StreamEventType, ToolCall, Usage } from "./lib/models/stream.ts";
export type {
  AttachmentData,
  AttachmentPart,
  Message,
  Part,
  ProviderMetadata,
  ReasoningPart,
  Role,
  TextPart,
  ToolCallPart,
  ToolResultPart,
} from "./lib/models/messages.ts";
export { messageText } from "./lib/models/messages.ts";
export type {
  ServerSideToolInfo,
  ServerSideToolRequest,
  Tool,
  ToolCallContext,
  ToolResult,
  ToolSpec,
} from "./lib/models/tool_spec.ts";
export { defineTool, type SchemaLike, type ToolDefinitionInit } from "./lib/tools/define.ts";
export { Toolbox, type ToolboxMethod } from "./lib/tools/toolbox.ts";
export type { ChainOptions, ChainResponse } from "./lib/models/chain.ts";
export type { AfterToolCall, BeforeToolCall, ExecuteToolCallsOptions } from "./lib/models/tool_calls.ts";
export { Attachment, AttachmentError } from "./lib/attachments/attachment.ts";
export { AttachmentTooLargeError } from "./lib/attachments/errors.ts";
export { resolveAttachment, type ResolveAttachmentOptions } from "./lib/attachments/resolve.ts";
export {
  defineOptions,
  type OptionSchema,
  type OptionsDefinition,
  type OptionsShape,
} from "./lib/models/options.ts";
export type { Zod } from "./lib/deps/zod.ts";
export { readServerSentEvents, type ServerSentEvent } from "./lib/providers/sse.ts";

// An embedding model: the class to extend.
export {
  type EmbeddingInput,
  EmbeddingModel,
  type EmbeddingModelLike,
  type EmbeddingModelSettings,
  type EmbedMultiOptions,
  type Vector,
} from "./lib/embeddings/embedding_model.ts";

// Errors a plugin raises.
export {
  CancelToolCall,
  InvalidOptionError,
  isLlmError,
  LlmError,
  ModelError,
  type ModelErrorKind,
  NeedsKeyError,
  UnsupportedFeatureError,
} from "./lib/models/errors.ts";

// The plugin object and its hooks.
export {
  type AttachmentLoad,
  type CommandRegistry,
  definePlugin,
  type FragmentData,
  type FragmentLoader,
  type HookResult,
  type LoadedTemplate,
  type Plugin,
  type RegisterEmbeddingModelHook,
  type RegisterFragmentLoaderHook,
  type RegisterModelHook,
  type RegisterTemplateLoaderHook,
  type RegisterToolHook,
  type TemplateLoader,
  type ToolboxClass,
  type ToolDefinition,
} from "./lib/plugins/api.ts";

// Commands a plugin adds to the CLI.
export type {
  ArgSpec,
  ArgValues,
  CommandContext,
  CommandResult,
  CommandSpec,
  OptionSpec,
  OptionType,
  OptionValues,
  RunCommand,
} from "./lib/commands/spec.ts";
export type { InputStream, Io, OutputStream } from "./lib/commands/io.ts";

// Files of the user directory a plugin may keep its own data beside.
export { userDir, userPath } from "./lib/user/dir.ts";

// Python exactness a plugin may need (tool output written as Python llm writes it).
export { pythonJsonDumps, type PythonJsonOptions } from "./lib/compat/python_json.ts";
