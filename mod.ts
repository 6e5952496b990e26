/**
 * llm for Deno: talk to large language models from TypeScript, with the models, keys, aliases and logs of
 * Python `llm`.
 *
 * @example
 * ```ts
 * import { getModel } from "jsr:@denollm/llm";
 *
 * const model = getModel("gpt-4o-mini"); // or an alias: getModel("4o-mini")
 * const response = model.prompt("Five surprising names for a pet pelican", { system: "Answer like GlaDOS" });
 * for await (const chunk of response) await Deno.stdout.write(new TextEncoder().encode(chunk));
 * console.log(await response.usage());
 *
 * const conversation = model.conversation();
 * await conversation.prompt("Five fun facts about pelicans").text();
 * await conversation.prompt("Now do skunks").text(); // sends the first exchange as history
 * ```
 *
 * @example The prompt pipeline of the `llm` command: templates, fragments, conversations, logging
 * ```ts
 * import { PromptSession } from "jsr:@denollm/llm";
 *
 * await using session = new PromptSession(); // one logs.db connection; logs unless `llm logs off`
 * const prepared = await session.prepare({ template: "summarize", fragments: ["notes.md"], continue: true });
 * const response = prepared.send("Keep it short");
 * console.log(await response.text());
 * await session.log(response);
 * ```
 *
 * @module
 */

// Models: the registry, what a model is, prompts, responses and conversations.
export {
  getDefaultModel,
  getModel,
  getModelAliases,
  getModels,
  getModelsWithAliases,
  getUserAliases,
  registerModel,
  removeAlias,
  setAlias,
  setDefaultModel,
} from "./lib/default_registry.ts";
export type { ModelListing, ModelWithAliases, RegisterOptions } from "./lib/models/model_registry.ts";
export { Model, type ModelSettings, type PromptOptions } from "./lib/models/model.ts";
export { Prompt, type PromptInit } from "./lib/models/prompt.ts";
export { type ExecuteContext, Response, type ResponseStatus } from "./lib/models/response.ts";
export { Conversation, type ConversationInit } from "./lib/models/conversation.ts";
export {
  type ConversationJson,
  InvalidResponseJsonError,
  type PromptJson,
  type ResponseJson,
  type RestoredResponse,
  type UsageJson,
} from "./lib/models/response_json.ts";
export { type ConversationLoadOptions, NotInstalledError } from "./lib/models/late_bound.ts";
export {
  type SchemaInput,
  type SchemaOutput,
  type StandardSchemaLike,
  type StructuredIssue,
  type StructuredOutput,
  StructuredOutputError,
  UnsupportedSchemaError,
} from "./lib/models/structured.ts";
export { type JsonSchema, multiSchema, schemaDsl } from "./lib/models/schema_dsl.ts";
export { loadConversation } from "./lib/library/conversations.ts";
export {
  Fragment,
  type FragmentConstructor,
  fragmentHash,
  type FragmentInstance,
} from "./lib/models/fragment.ts";
export {
  type AttachmentData,
  type AttachmentPart,
  type Message,
  messageText,
  type Part,
  type ProviderMetadata,
  type ReasoningPart,
  type Role,
  textMessage,
  type TextPart,
  type ToolCallPart,
  type ToolResultPart,
} from "./lib/models/messages.ts";
export type { Chunk, StreamEvent, StreamEventType, ToolCall, Usage } from "./lib/models/stream.ts";
export type {
  ServerSideToolInfo,
  ServerSideToolRequest,
  Tool,
  ToolCallContext,
  ToolResult,
  ToolSpec,
} from "./lib/models/tool_spec.ts";

// Tools: defining them, toolboxes, chains, running tool calls.
export { defineTool, type SchemaLike, type ToolDefinitionInit } from "./lib/tools/define.ts";
export { Toolbox, type ToolboxMethod } from "./lib/tools/toolbox.ts";
export { BUILTIN_TOOLS, llmTime, llmVersion } from "./lib/tools/builtin.ts";
export { type ChainOptions, ChainResponse } from "./lib/models/chain.ts";
export {
  type AfterToolCall,
  type BeforeToolCall,
  executeToolCalls,
  type ExecuteToolCallsOptions,
} from "./lib/models/tool_calls.ts";
export { Attachment, AttachmentError } from "./lib/attachments/attachment.ts";
export { AttachmentTooLargeError } from "./lib/attachments/errors.ts";
export { resolveAttachment, type ResolveAttachmentOptions } from "./lib/attachments/resolve.ts";
export {
  defineOptions,
  describeOptions,
  type OptionInfo,
  type OptionSchema,
  type OptionsDefinition,
  type OptionsShape,
} from "./lib/models/options.ts";
export type { Zod } from "./lib/deps/zod.ts";

// Embeddings: models, collections in embeddings.db (shared with Python llm), vectors.
export {
  type EmbeddingInput,
  EmbeddingModel,
  type EmbeddingModelLike,
  type EmbeddingModelSettings,
  type EmbedMultiOptions,
  type Vector,
} from "./lib/embeddings/embedding_model.ts";
export {
  type EmbeddingModelWithAliases,
  getDefaultEmbeddingModel,
  getEmbeddingModel,
  getEmbeddingModelAliases,
  getEmbeddingModels,
  getEmbeddingModelsWithAliases,
  registerEmbeddingModel,
  setDefaultEmbeddingModel,
} from "./lib/embeddings/registry.ts";
export {
  type OpenAIEmbeddingConfig,
  OpenAIEmbeddingModel,
} from "./lib/embeddings/openai_embedding_models.ts";
export {
  Collection,
  type CollectionEmbedMultiOptions,
  type CollectionItem,
  type CollectionOptions,
  type EmbedOptions,
  type Entry,
  type Metadata,
  type SimilarOptions,
} from "./lib/embeddings/collection.ts";
export type { SearchEngine } from "./lib/embeddings/search.ts";
export { cosineSimilarity, decode, encode } from "./lib/embeddings/codec.ts";
export { embeddingsDbPath, openEmbeddingsDb, type OpenEmbeddingsDbOptions } from "./lib/embeddings/db.ts";
export {
  CollectionModelMismatchError,
  CollectionNotFoundError,
  EmbeddingIdNotFoundError,
  EmbeddingsDatabaseError,
  EmbedMultiError,
  NewerEmbeddingsSchemaError,
  NoDefaultEmbeddingModelError,
  NoEmbeddingsTableError,
  NotAnEmbeddingsDatabaseError,
  UnknownEmbeddingModelError,
  UnsupportedEmbeddingInputError,
} from "./lib/embeddings/errors.ts";

// The prompt pipeline of `llm prompt` and `llm chat`.
export { PromptSession, type PromptSessionOptions } from "./lib/prompting/session.ts";
export {
  InvalidTemplateError,
  MissingVariablesError,
  Template,
  type TemplateAttachmentType,
  type TemplateData,
} from "./lib/templates/template.ts";
export { NoSuchTemplateError, TemplateLoadError } from "./lib/templates/errors.ts";
export { loadTemplate } from "./lib/library/templates.ts";
export {
  getFragmentLoaders,
  getTemplateLoaders,
  registerFragmentLoader,
  registerTemplateLoader,
} from "./lib/loaders/lists.ts";
export type { PromptRequest } from "./lib/prompting/request.ts";
export { PreparedPrompt, preparePrompt, type TurnInputs } from "./lib/prompting/prepare.ts";

// Errors: every one extends LlmError.
export {
  CancelledError,
  CancelToolCall,
  ChainLimitError,
  InvalidOptionError,
  isLlmError,
  LlmError,
  ModelError,
  type ModelErrorKind,
  NeedsKeyError,
  ResponseNotDoneError,
  UnknownModelError,
  UnsupportedFeatureError,
} from "./lib/models/errors.ts";
export { ConfigError } from "./lib/user/config_error.ts";
export { UnknownAliasError } from "./lib/user/aliases.ts";
export { ConversationModelError, NoModelMatchError } from "./lib/prompting/model_choice.ts";
export { NoConversationError, ToolSpecError, UnknownToolError } from "./lib/prompting/errors.ts";
export type { ToolSelection } from "./lib/prompting/tools.ts";
export { FunctionsError } from "./lib/tools/functions/errors.ts";
export { FragmentAttachmentError, TemplateFeatureError } from "./lib/prompting/prepare.ts";
export {
  LogsDatabaseError,
  LogsSchemaMismatchError,
  MissingLogsDatabaseError,
  NewerSchemaError,
  NewerSchemaReadError,
  NotSQLiteError,
  OpenLogsDatabaseError,
  ReadOnlyDatabaseError,
} from "./lib/logs/errors.ts";

// The user directory: keys, settings.
export { getKey, type KeyLookup, keysPath, loadKeys, setKey } from "./lib/user/keys.ts";
export { userDir, userPath } from "./lib/user/dir.ts";
export { DEFAULT_MODEL } from "./lib/user/settings.ts";

// The built-in OpenAI models, for OpenAI-compatible servers set up in code.
export { OpenAIChat } from "./lib/providers/openai/chat/model.ts";
export { OpenAIResponses } from "./lib/providers/openai/responses/model.ts";
export { OpenAICompletion } from "./lib/providers/openai/completion/model.ts";
export { OpenAIBaseModel, type OpenAIModelConfig } from "./lib/providers/openai/base_model.ts";
export type { OpenAIConnection } from "./lib/providers/openai/http.ts";

// logs.db, shared with Python llm.
export { type Interruption, logResponse, LogStore, type TurnRecordOptions } from "./lib/logs/log_response.ts";
export { logsAreOn, logsDbPath } from "./lib/logs/db.ts";

// Plugins installed with `llm install`, for library users who opt in.
// The plugin runtime and installer load on first use (see lib/library/plugins.ts).
export {
  getPlugins,
  installPlugin,
  loadPlugin,
  loadPlugins,
  uninstallPlugin,
  unloadPlugin,
} from "./lib/library/plugins.ts";
export type { PluginInfo } from "./lib/plugins/runtime.ts";
export type {
  ApprovePermissions,
  InstallOptions,
  InstallResult,
  PermissionRequest,
} from "./lib/plugins/install.ts";
export {
  PluginCrashError,
  PluginError,
  PluginGrantRefusedError,
  PluginImportError,
  PluginInstallError,
  PluginIntegrityError,
  PluginPermissionError,
} from "./lib/plugins/errors.ts";
export { stopPluginWorkers } from "./lib/plugins/live_workers.ts";
export type { PluginPermissions } from "./lib/plugins/permissions.ts";
export type {
  CommandRecord,
  LoaderRecord,
  ModelRecord,
  PluginGrant,
  PluginRecord,
  PluginSourceKind,
  Registrations,
} from "./lib/plugins/record.ts";
export type {
  AttachmentLoad,
  CommandRegistry,
  FragmentData,
  FragmentLoader,
  HookResult,
  LoadedTemplate,
  Plugin,
  RegisterEmbeddingModelHook,
  RegisterFragmentLoaderHook,
  RegisterModelHook,
  RegisterTemplateLoaderHook,
  RegisterToolHook,
  TemplateLoader,
  ToolboxClass,
  ToolDefinition,
} from "./lib/plugins/api.ts";
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
