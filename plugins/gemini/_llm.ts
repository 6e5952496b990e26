/**
 * The one door to the library: everything the plugin uses of `@denollm/llm`, from its public plugin API.
 * In this repository Deno resolves the specifier to the workspace member; elsewhere it comes from JSR.
 * @module
 */
export {
  Attachment,
  type Chunk,
  type CommandContext,
  type CommandSpec,
  defineOptions,
  type EmbeddingInput,
  EmbeddingModel,
  type ExecuteContext,
  type Message,
  Model,
  ModelError,
  type OptionsDefinition,
  type Part,
  type Plugin,
  type Prompt,
  type ServerSideToolInfo,
  type ServerSideToolRequest,
  type StreamEvent,
  type ToolSpec,
  UnsupportedFeatureError,
  type Usage,
} from "jsr:@denollm/llm@^0.1/plugin";
