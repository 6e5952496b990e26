/**
 * `llm chat`: an interactive conversation with one model.
 * @module
 */
import { ModelError } from "../../models/errors.ts";
import { validateOptions } from "../../models/options.ts";
import type { Response } from "../../models/response.ts";
import { openChatInput } from "../line_reader.ts";
import type { Io } from "../io.ts";
import type { CommandContext } from "../spec.ts";
import * as extras from "./_prompt_inputs.ts";
import {
  chooseModel,
  conversationFor,
  mergedOptions,
  resumeConversation,
  type ResumedConversation,
  streamResponse,
} from "./_prompt_shared.ts";

/** Opens `$EDITOR` (or `vi`) on a temporary file and returns what was saved, or `null` if nothing was. */
async function editText(initial = ""): Promise<string | null> {
  const dir = await Deno.makeTempDir({ prefix: "llm-edit-" });
  const path = `${dir}/prompt.md`;
  try {
    await Deno.writeTextFile(path, initial);
    const before = (await Deno.stat(path)).mtime?.getTime();
    const editor = Deno.env.get("VISUAL") || Deno.env.get("EDITOR") ||
      (Deno.build.os === "windows" ? "notepad" : "vi");
    const [command, ...args] = editor.split(/\s+/);
    const status = await new Deno.Command(command, {
      args: [...args, path],
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!status.success) return null;
    // Saved means the file changed: new content, or a new modification time for the same content.
    const after = (await Deno.stat(path)).mtime?.getTime();
    const text = await Deno.readTextFile(path);
    if (text === initial && after === before) return null;
    return text;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function banner(io: Io, modelId: string): void {
  io.stdout.write(
    `Chatting with ${modelId}\n` +
      "Type 'exit' or 'quit' to exit\n" +
      "Type '!multi' to enter multiple lines, then '!end' to finish\n" +
      "Type '!edit' to open your default editor and modify the prompt\n" +
      "Type '!fragment <my_fragment> [<another_fragment> ...]' to insert one or more fragments\n",
  );
}

/** Runs `llm chat`. */
export async function chatCommand(ctx: CommandContext): Promise<number> {
  const v = ctx.values as Record<string, unknown>;
  for (const [key, flag] of [["tool", "-T/--tool"], ["functions", "--functions"]] as const) {
    const value = v[key];
    if (Array.isArray(value) ? value.length : value) throw new extras.UnsupportedFlagError(flag);
  }
  const { logsDbPath } = await import("../../logs/db.ts");
  const database = (v.database as string | undefined) ?? logsDbPath();
  // The template first: its checks (e.g. --save with --cid) come before reading the conversation.
  const template = await extras.loadTemplateFor(ctx);
  let resumed: ResumedConversation | undefined;
  if (v.continue || v.conversation) {
    resumed = await resumeConversation(database, v.conversation as string | undefined);
  }
  const model = chooseModel(v.model as string | undefined, [], resumed?.model ?? template?.model);
  // As in Python llm: -o replaces the stored default options entirely.
  const pairs = [...(template?.options ?? []), ...((v.option as [string, string][]) ?? [])];
  const options = await validateOptions(
    model.options,
    mergedOptions(model, pairs, pairs.length === 0),
    model.id,
  );
  const inputs = await extras.resolveInputs(ctx, model);
  const conversation = conversationFor(model, resumed);
  const { LogStore } = await import("../../logs/log_response.ts");

  banner(ctx.io, model.id);
  const lines = await openChatInput(ctx.io);
  let answering = false;
  const onIdleSignal = () => {
    if (!answering) {
      ctx.io.stdout.write("\n");
      Deno.exit(130);
    }
  };
  Deno.addSignalListener("SIGINT", onIdleSignal);
  let first = true;
  let multi = false;
  let endToken = "!end";
  let gathered: string[] = [];
  let gatheredFragments: string[] = [];
  try {
    while (true) {
      let line = await lines.readLine(multi ? "" : "> ");
      if (line === null) {
        ctx.io.stdout.write("\n");
        return 0;
      }
      if (!multi && line.trim().startsWith("!multi")) {
        multi = true;
        const bits = line.trim().split(/\s+/).slice(1);
        endToken = bits.length ? `!end ${bits.join(" ")}` : "!end";
        continue;
      }
      if (line.trim() === "!edit") {
        const edited = await editText();
        if (edited === null) {
          ctx.io.stderr.write("Editor closed without saving.\n");
          continue;
        }
        line = edited.trim();
      }
      let typedFragments: string[] = [];
      if (line.trim().startsWith("!fragment ")) {
        ({ prompt: line, fragments: typedFragments } = await extras.chatFragments(ctx, line));
      }
      if (multi) {
        if (line.trim() !== endToken) {
          if (line) gathered.push(line);
          gatheredFragments.push(...typedFragments);
          continue;
        }
        line = gathered.join("\n");
        typedFragments = gatheredFragments;
        gathered = [];
        gatheredFragments = [];
        multi = false;
      } else if (line.trim() === "exit" || line.trim() === "quit") {
        return 0;
      }
      let text: string | undefined = line;
      let system: string | undefined = first ? v.system as string | undefined : undefined;
      if (template) ({ prompt: text, system } = template.apply(text, system));
      const response = conversation.prompt(text, {
        system,
        options,
        key: v.key as string | undefined,
        stream: !v.noStream,
        fragments: first ? [...inputs.fragments, ...typedFragments] : typedFragments,
        systemFragments: first ? inputs.systemFragments : undefined,
        hideReasoning: Boolean(v.hideReasoning),
      });
      const wasFirst: boolean = first;
      first = false;
      answering = true;
      const outcome = await streamResponse(ctx.io, response, { raw: Boolean(v.raw) });
      answering = false;
      await logChatResponse(LogStore, database, response, outcome.error, inputs.afterLog);
      if (outcome.error !== undefined) {
        if (outcome.interrupted) {
          ctx.io.stderr.write("Cancelled\n");
          continue;
        }
        // A failed request (HTTP error, dropped connection) ends this answer only; anything else (no key, a
        // bad option) would fail every turn, so it ends the chat.
        if (outcome.error instanceof ModelError) {
          // A turn that produced nothing is forgotten, so the next one does not send its prompt as history
          // (and carries the system prompt and fragments if this was the first).
          if (!outcome.text) {
            conversation.responses.splice(conversation.responses.indexOf(response), 1);
            first = wasFirst;
          }
          ctx.io.stderr.write(`Error: ${outcome.error.message}\n`);
          continue;
        }
        throw outcome.error;
      }
    }
  } finally {
    Deno.removeSignalListener("SIGINT", onIdleSignal);
    await lines.close();
  }
}

/** `llm chat` logs every response as soon as it ends, whatever `llm logs off` says (as Python llm does). */
async function logChatResponse(
  store: typeof import("../../logs/log_response.ts").LogStore,
  database: string,
  response: Response,
  error: unknown,
  afterLog?: extras.ResolvedInputs["afterLog"],
): Promise<void> {
  if (error !== undefined && !response.textSoFar()) return;
  const opened = store.open(database);
  try {
    const reason = error === undefined ? undefined : { reason: String((error as Error)?.message ?? error) };
    await opened.log(response, { interrupted: reason });
    if (afterLog) await afterLog(opened.db, response);
  } finally {
    opened.close();
  }
}
