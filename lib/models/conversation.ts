/**
 * A conversation: a series of responses where each prompt carries the earlier turns.
 * @module
 */
import type { Message } from "./messages.ts";
import { unansweredCallsMessage } from "./unanswered_calls.ts";
import type { Model, PromptOptions } from "./model.ts";
import { Response } from "./response.ts";
import { ulid } from "./ulid.ts";
import { type ChainOptions, ChainResponse } from "./chain.ts";
import type { SchemaInput, StructuredOutput } from "./structured.ts";
import { type ConversationLoadOptions, loadLoggedConversation, lookupModel } from "./late_bound.ts";
import { checkConversationJson, type ConversationJson, conversationToJson } from "./response_json.ts";

/** How a conversation is created. */
export interface ConversationInit {
  /** Its id (a new ULID by default). */
  id?: string;
  /** Its name (Python `llm` names a conversation after its first prompt). */
  name?: string;
  /**
   * History loaded from storage (e.g. `logs.db`), sent before the first new turn: the exact message chain
   * of the last logged turn, its output included.
   */
  loadedMessages?: Message[];
}

/**
 * A conversation with one model. Each `prompt()` sends the earlier turns as history.
 *
 * @example
 * ```ts
 * import { getModel } from "../../mod.ts";
 * const conversation = getModel("gpt-4o-mini").conversation();
 * await conversation.prompt("Five fun facts about pelicans").text();
 * await conversation.prompt("Now do skunks").text(); // sends the first exchange too
 * ```
 */
export class Conversation {
  /** A ULID. */
  readonly id: string;
  /** Its name, if any. */
  name?: string;
  /** The model it talks to. */
  readonly model: Model;
  /** Every response, in order. */
  readonly responses: Response[] = [];
  /** History loaded from storage; used until this conversation produces a response of its own. */
  loadedMessages: Message[];

  /** Creates a conversation with `model`; usually made by `model.conversation()`. */
  constructor(model: Model, init: ConversationInit = {}) {
    this.model = model;
    this.id = init.id ?? ulid();
    this.name = init.name;
    this.loadedMessages = init.loadedMessages ?? [];
  }

  /**
   * Runs `text` as a chain with `options.tools`: the model's tool calls are run and their results sent back,
   * round after round, until it answers without calling a tool. Each round joins this conversation.
   */
  chain(text?: string, options: ChainOptions = {}): ChainResponse {
    return new ChainResponse(this, text, options);
  }

  /** Sends `text` with the conversation so far; returns the response at once (it runs when read). */
  prompt<S extends SchemaInput = SchemaInput, M extends boolean = false>(
    text?: string,
    options: PromptOptions<S, M> = {},
  ): Response<StructuredOutput<S, M>> {
    const response = this.model.prompt<S, M>(text, { ...options, conversation: this });
    this.responses.push(response);
    return response;
  }

  /**
   * Removes `response` from the conversation (a turn that failed and produced nothing), so later turns do
   * not send it as history. Returns whether it was there.
   */
  forget(response: Response): boolean {
    const index = this.responses.indexOf(response);
    if (index < 0) return false;
    this.responses.splice(index, 1);
    return true;
  }

  /**
   * The conversation as JSON, every response included (see `lib/models/response_json.ts`);
   * `JSON.stringify(conversation)` calls it.
   * @throws {import("./errors.ts").ResponseNotDoneError} when a response has not finished.
   */
  toJSON(): ConversationJson {
    return conversationToJson(this);
  }

  /**
   * A conversation read back from its JSON: its finished responses restored (no request is made), ready for
   * the next `prompt()`. `options.model` replaces the stored model (by default the registry's model of that
   * id).
   * @throws {import("./response_json.ts").InvalidResponseJsonError} for JSON that is not a conversation's.
   */
  static fromJSON(data: unknown, options: { model?: Model } = {}): Conversation {
    const json = checkConversationJson(data);
    const model = options.model ?? lookupModel(json.model);
    const conversation = new Conversation(model, {
      id: json.id,
      name: json.name,
      loadedMessages: json.loaded_messages,
    });
    for (const response of json.responses) {
      const own = options.model ?? (response?.model === json.model ? model : undefined);
      conversation.responses.push(Response.fromJSON(response, { model: own, conversation }));
    }
    return conversation;
  }

  /**
   * A conversation read from logs.db (the latest one when `id` is not given), its logged turns restored as
   * finished responses, ready to continue: what `llm -c` / `llm --cid ID` continue.
   *
   * @example
   * ```ts ignore
   * import { Conversation } from "../../mod.ts";
   * const conversation = await Conversation.load(); // the latest, from <user dir>/logs.db
   * console.log(await conversation.prompt("And one more").text());
   * ```
   * @throws {import("../prompting/resume.ts").NoConversationError} when there is no such conversation.
   * @throws {import("../prompting/model_choice.ts").ConversationModelError} when its model is not installed.
   */
  static load(id?: string, options: ConversationLoadOptions = {}): Promise<Conversation> {
    return loadLoggedConversation(id, options);
  }

  /**
   * Fills in `response.prompt.messages` with the full chain: the previous response's chain and output (waiting
   * for it to finish), or the loaded history, then this turn. Called when the response starts to run.
   */
  async prepareChain(response: Response): Promise<void> {
    const prompt = response.prompt;
    // A prompt that brings its own history (a chain's tool-result round) is sent as it is.
    if (prompt.hasHistory) return;
    const index = this.responses.indexOf(response);
    const previous = index > 0 ? this.responses[index - 1] : undefined;
    let history: Message[] | undefined;
    if (previous) {
      await previous.start();
      history = [...previous.prompt.messages, ...previous.messagesSoFar()];
    } else if (this.loadedMessages.length) {
      history = this.loadedMessages;
    }
    if (!history) return;
    // Calls a chain left unanswered (it stopped at its limit) are answered first, or the API would refuse.
    const unanswered = unansweredCallsMessage(history, prompt.toolResults);
    prompt.messages = [...history, ...(unanswered ? [unanswered] : []), ...prompt.turnInput()];
  }
}
