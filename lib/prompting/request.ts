/**
 * What a prompt is made of before it is resolved: the values `llm prompt` and `llm chat` take on the command
 * line, as a library call takes them.
 * @module
 */
import type { Attachment } from "../attachments/attachment.ts";
import type { Conversation } from "../models/conversation.ts";
import type { Model } from "../models/model.ts";

/** A prompt to resolve with {@link import("./prepare.ts").preparePrompt}; every field is optional. */
export interface PromptRequest {
  /** The model: an id, an alias or a `Model` (`-m`). */
  model?: string | Model;
  /** Use the model whose id is the shortest that matches all these terms (`-q`). */
  query?: string[];
  /** A template: a name in the templates directory, a path, a URL or `prefix:rest` (`-t`). */
  template?: string;
  /** Values of the template's variables (`-p name value`). */
  params?: Record<string, string>;
  /** The system prompt (`-s`); sent with the first turn only. */
  system?: string;
  /** Fragments: paths, URLs, `-` for stdin, aliases or hashes stored in logs.db, `prefix:arg` (`-f`). */
  fragments?: string[];
  /** System fragments, in the same forms (`--sf`). */
  systemFragments?: string[];
  /** Model options (`-o name value`): strings as typed, or typed values; validated once. */
  options?: Record<string, unknown>;
  /**
   * How the default options stored with `llm models options set` apply: `merge` (under the given ones, as
   * `llm prompt` does; the default) or `unless-given` (only when no option is given, as `llm chat` does).
   */
  storedOptions?: "merge" | "unless-given";
  /** A JSON Schema for the output, or the `--schema` text: JSON, DSL, a file, a stored id, `t:TEMPLATE`. */
  schema?: string | Record<string, unknown>;
  /** Wrap the schema for a list of results (`--schema-multi`). */
  schemaMulti?: boolean;
  /** Continue a logged conversation: `true` for the latest (`-c`), or its id (`--cid`). */
  continue?: boolean | string;
  /** Continue this conversation object instead. */
  conversation?: Conversation;
  /** Tools by name: built-in and plugin tools, plugin toolboxes and server-side tools, with settings (`-T`). */
  tools?: string[];
  /** TypeScript or JavaScript code, or `.ts`/`.js` files, whose top-level functions become tools (`--functions`). */
  functions?: string[];
  /** Files sent with the prompt (`-a`, `--at`). */
  attachments?: Attachment[];
  /** An API key, or the name of one in keys.json (`--key`). */
  key?: string;
  /** Stream the response (default true). */
  stream?: boolean;
  /** Do not ask for reasoning summaries (`-R`). */
  hideReasoning?: boolean;
  /** Reads stdin for a `-` fragment (default: all of `Deno.stdin`). */
  readStdin?: () => Promise<string>;
  /** Cancels the responses and any fetches. */
  signal?: AbortSignal;
}
