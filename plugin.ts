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
export { Model, type ModelSettings } from "./lib/models/model.ts";
export type { Prompt } from "./lib/models/prompt.ts";
export type { ExecuteContext, Response } from "./lib/models/response.ts";
export type { Chunk, StreamEvent, ToolCall, Usage } from "./lib/models/stream.ts";
export { defineOptions, type OptionsDefinition } from "./lib/models/options.ts";
export { InvalidOptionError, ModelError, NeedsKeyError } from "./lib/models/errors.ts";
export {
  type CommandRegistry,
  definePlugin,
  type FragmentLoader,
  type Plugin,
  type RegisterModelHook,
  type TemplateLoader,
  type ToolDefinition,
} from "./lib/plugins/api.ts";
export type { CommandContext, CommandSpec } from "./lib/cli/spec.ts";
export type {
  ArgSpec,
  ArgValues,
  CommandResult,
  OptionSpec,
  OptionType,
  OptionValues,
  RunCommand,
} from "./lib/cli/spec.ts";
export type { InputStream, Io, OutputStream } from "./lib/cli/io.ts";
export { userDir, userPath } from "./lib/user/dir.ts";
export type {
  AttachmentData,
  AttachmentPart,
  Message,
  Part,
  ReasoningPart,
  TextPart,
  ToolCallPart,
  ToolResultPart,
} from "./lib/models/messages.ts";
export { Attachment, AttachmentError } from "./lib/attachments/attachment.ts";
export type { ServerSideToolInfo, ServerSideToolRequest, ToolSpec } from "./lib/models/tool_spec.ts";
export { UnsupportedFeatureError } from "./lib/models/errors.ts";
export { pythonJsonDumps, type PythonJsonOptions } from "./lib/python_json.ts";
