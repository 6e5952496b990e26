/**
 * Everything this plugin takes from the library, in one place: the public plugin API only.
 * @module
 */
export {
  Attachment,
  defineOptions,
  definePlugin,
  InvalidOptionError,
  Model,
  ModelError,
  pythonJsonDumps,
  UnsupportedFeatureError,
} from "jsr:@denollm/llm@^0.1/plugin";
export type {
  Chunk,
  ExecuteContext,
  Message,
  OptionsDefinition,
  Part,
  Plugin,
  Prompt,
  ServerSideToolInfo,
  StreamEvent,
  ToolSpec,
} from "jsr:@denollm/llm@^0.1/plugin";
