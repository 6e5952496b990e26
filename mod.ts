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
 * @module
 */
export {
  addModelSource,
  getDefaultModel,
  getModel,
  getModelAliases,
  getModels,
  getModelsWithAliases,
  getUserAliases,
  registerModel,
  registry,
  removeAlias,
  setAlias,
  setDefaultModel,
} from "./lib/registry.ts";
export { Model, type ModelSettings, type PromptOptions } from "./lib/models/model.ts";
export { Prompt, type PromptInit } from "./lib/models/prompt.ts";
export {
  type ExecuteContext,
  Response,
  type ResponseInit,
  type ResponseStatus,
} from "./lib/models/response.ts";
export { Conversation, type ConversationInit } from "./lib/models/conversation.ts";
export {
  DuplicateModelError,
  type ModelListing,
  modelMatchesQueries,
  ModelRegistry,
  type ModelSource,
  type ModelWithAliases,
  type RegisterModel,
  type RegisterOptions,
} from "./lib/models/registry.ts";
export {
  CancelledError,
  ConfigError,
  InvalidOptionError,
  isLlmError,
  LlmError,
  ModelError,
  type ModelErrorKind,
  NeedsKeyError,
  UnknownModelError,
} from "./lib/models/errors.ts";
export {
  defineOptions,
  describeOptions,
  type OptionInfo,
  type OptionSchema,
  type OptionsDefinition,
  type OptionsShape,
  validateOptions,
} from "./lib/models/options.ts";
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
export { messageText, textMessage } from "./lib/models/messages.ts";
export {
  type Chunk,
  type StreamEvent,
  type StreamEventType,
  type ToolCall,
  type Usage,
} from "./lib/models/stream.ts";
export { ulid } from "./lib/models/ulid.ts";
export { tokenUsageString } from "./lib/models/token_usage.ts";
export { getKey, type KeyLookup, keysPath, loadKeys, setKey } from "./lib/user/keys.ts";
export { userDir, userPath } from "./lib/user/dir.ts";
export { UnknownAliasError } from "./lib/user/aliases.ts";
export { DEFAULT_MODEL } from "./lib/user/settings.ts";
export { OpenAIChat } from "./lib/providers/openai_chat.ts";
export { OpenAIResponses } from "./lib/providers/openai_responses.ts";
export { OpenAICompletion } from "./lib/providers/openai_completion.ts";
export { OpenAIBaseModel, type OpenAIModelConfig } from "./lib/providers/openai_client.ts";
export type { Zod } from "./lib/deps/zod.ts";

export {
  type Interruption,
  logResponse,
  LogStore,
  turnRecordFor,
  type TurnRecordOptions,
} from "./lib/logs/log_response.ts";
export { logsAreOn, logsDbPath, openLogsDb, type OpenLogsDbOptions } from "./lib/logs/db.ts";
export {
  LogsDatabaseError,
  MissingLogsDatabaseError,
  NewerSchemaError,
  NotSQLiteError,
  OpenLogsDatabaseError,
  ReadOnlyDatabaseError,
} from "./lib/logs/errors.ts";
export type { TurnRecord } from "./lib/logs/store.ts";
export type { CondenseContext, CondenseTool } from "./lib/logs/condense.ts";
export {
  type AttachmentLoad,
  type CommandRegistry,
  definePlugin,
  type FragmentData,
  type FragmentLoader,
  HOOK_NAMES,
  type HookResult,
  type Plugin,
  type RegisterEmbeddingModelHook,
  type RegisterFragmentLoaderHook,
  type RegisterModelHook,
  type RegisterTemplateLoaderHook,
  type RegisterToolHook,
  type TemplateData,
  type TemplateLoader,
  type ToolDefinition,
} from "./lib/plugins/api.ts";
export { loadPlugins } from "./lib/plugins/activate.ts";
export {
  getPlugins,
  loadPlugin,
  type PluginInfo,
  registerInstalledPlugins,
  unloadPlugin,
} from "./lib/plugins/runtime.ts";
export {
  type InstallOptions,
  installPlugin,
  type InstallResult,
  uninstallPlugin,
} from "./lib/plugins/install.ts";
export {
  getPluginEmbeddingModels,
  getPluginTools,
  type PluginEmbeddingModel,
  type PluginTool,
} from "./lib/plugins/extensions.ts";
export { PluginModel } from "./lib/plugins/plugin_model.ts";
export {
  PluginError,
  PluginImportError,
  PluginInstallError,
  PluginIntegrityError,
} from "./lib/plugins/errors.ts";
export {
  type CommandRecord,
  type LoaderRecord,
  type ModelRecord,
  type PluginRecord,
  pluginsJsonPath,
  type PluginSourceKind,
  readPluginRecords,
  type Registrations,
} from "./lib/plugins/record.ts";
export type { ModelLike } from "./lib/plugins/collect.ts";
export type { OpenAIConnection } from "./lib/providers/openai_http.ts";

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
