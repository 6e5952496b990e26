/**
 * A fake Ollama server for tests: real HTTP on 127.0.0.1 with a random port, speaking Ollama's native API.
 * `GET /api/tags` lists `models`; `POST /api/chat` answers from a FIFO of scripted replies (echoing the last
 * user message when the queue is empty), as newline-delimited JSON written line by line when the request
 * has `stream: true` (Ollama's default) or as one object otherwise; `POST /api/embed` returns small vectors.
 * A chat for a model not in `models` gets Ollama's 404. Every request is recorded.
 *
 * ```ts
 * await using ollama = await startOllamaServer();
 * ollama.enqueue({ kind: "text", chunks: ["Hi", " there"] });
 * // set OLLAMA_HOST=ollama.url for the code under test, then inspect ollama.requests
 * ```
 * @module
 */

/** A local model as `/api/tags` lists it. */
export interface FakeTag {
  /** Name with tag, e.g. `llama3.2:latest`. */
  name: string;
  /** Size in bytes. */
  size?: number;
  /** Family, parameter size, quantization. */
  details?: Record<string, unknown>;
}

/** One request the server received. */
export interface OllamaRequest {
  /** HTTP method. */
  method: string;
  /** URL path, e.g. `/api/chat`. */
  path: string;
  /** The body parsed as JSON (`null` when empty). Typed loosely for tests. */
  // deno-lint-ignore no-explicit-any
  body: any;
}

/** A scripted answer to one `/api/chat` request. */
export type OllamaReply =
  /** Answers with `chunks` (one NDJSON line each), after `thinking` chunks; counts default to word counts. */
  | {
    kind: "text";
    chunks: string[];
    thinking?: string[];
    promptEvalCount?: number;
    evalCount?: number;
    /** Write the streamed body in pieces of this many bytes instead of a line at a time. */
    splitAt?: number;
    /** Milliseconds between two pieces. */
    delayMs?: number;
  }
  /** An HTTP error with Ollama's `{"error": ...}` body. */
  | { kind: "status"; status: number; error: string }
  /** Streams `chunks`, then cuts the connection (the body is shorter than its content-length). */
  | { kind: "drop"; chunks: string[] }
  /** Streams `chunks`, then ends cleanly without the final `done: true` line. */
  | { kind: "truncated"; chunks: string[] }
  /** Streams `chunks`, then a line `{"error": error}`, as Ollama reports a failure mid-stream. */
  | { kind: "error-line"; chunks: string[]; error: string };

/** A running fake Ollama. */
export interface OllamaServer extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`, for `OLLAMA_HOST`. */
  url: string;
  /** The local models `/api/tags` lists; change it to simulate `ollama pull` and `ollama rm`. */
  models: FakeTag[];
  /** Every request received, in order. */
  requests: OllamaRequest[];
  /** The `/api/chat` requests only. */
  chats(): OllamaRequest[];
  /** Queues replies for `/api/chat`, first in first out. */
  enqueue(...replies: OllamaReply[]): void;
  /** Stops the server, cutting any stream in flight. */
  close(): Promise<void>;
}

/** The models the server has unless told otherwise: a chat model, a tagged one and an embedding model. */
export const DEFAULT_TAGS: FakeTag[] = [
  {
    name: "llama3.2:latest",
    size: 2_019_393_189,
    details: { family: "llama", families: ["llama"], parameter_size: "3.2B", quantization_level: "Q4_K_M" },
  },
  {
    name: "qwen3:8b",
    size: 5_225_388_164,
    details: { family: "qwen3", families: ["qwen3"], parameter_size: "8.2B", quantization_level: "Q4_K_M" },
  },
  {
    name: "nomic-embed-text:latest",
    size: 274_302_450,
    details: {
      family: "nomic-bert",
      families: ["nomic-bert"],
      parameter_size: "137M",
      quantization_level: "F16",
    },
  },
];

const encoder = new TextEncoder();

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function fullName(model: string): string {
  return model.includes(":") ? model : `${model}:latest`;
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}

/**
 * A body written one piece at a time (each is taken before the next is made, so it reaches the socket on its
 * own). With `declaredLength` longer than the pieces, the client sees the connection cut short.
 */
function piecewise(pieces: Uint8Array[], delayMs: number, closing: AbortSignal): ReadableStream<Uint8Array> {
  let index = 0;
  const gone = new AbortController(); // the client went away: stop waiting
  const signal = AbortSignal.any([closing, gone.signal]);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (index > 0 && delayMs > 0) await sleep(delayMs, signal);
      if (gone.signal.aborted) return;
      if (signal.aborted || index >= pieces.length) return controller.close();
      controller.enqueue(pieces[index++]);
    },
    cancel() {
      gone.abort();
    },
  }, { highWaterMark: 0 });
}

/** Starts a fake Ollama on 127.0.0.1 with a random port; close it with `await using` or `close()`. */
export function startOllamaServer(options: { models?: FakeTag[] } = {}): Promise<OllamaServer> {
  const queue: OllamaReply[] = [];
  const requests: OllamaRequest[] = [];
  const closing = new AbortController();
  const state = { models: structuredClone(options.models ?? DEFAULT_TAGS) };

  const line = (model: string, extra: Record<string, unknown>) =>
    JSON.stringify({ model, created_at: new Date().toISOString(), ...extra }) + "\n";
  const message = (content: string, thinking?: string) => ({
    role: "assistant",
    content,
    ...(thinking === undefined ? {} : { thinking }),
  });

  // deno-lint-ignore no-explicit-any
  const chat = (body: any): Response => {
    const model = String(body?.model ?? "");
    if (!state.models.some((m) => m.name === fullName(model))) {
      return json({ error: `model "${model}" not found, try pulling it first` }, 404);
    }
    const messages: { role: string; content: string }[] = body.messages ?? [];
    const lastUser = messages.findLast((m) => m.role === "user")?.content ?? "";
    const reply: OllamaReply = queue.shift() ??
      { kind: "text", chunks: `Echo: ${lastUser}`.split(/(?= )/) };
    if (reply.kind === "status") return json({ error: reply.error }, reply.status);
    const thinking = reply.kind === "text" ? reply.thinking ?? [] : [];
    const text = reply.chunks.join("");
    const final = {
      done: true,
      done_reason: "stop",
      total_duration: 123_456_789,
      load_duration: 1_234_567,
      prompt_eval_count: reply.kind === "text" && reply.promptEvalCount !== undefined
        ? reply.promptEvalCount
        : words(messages.map((m) => m.content).join(" ")),
      prompt_eval_duration: 2_345_678,
      eval_count: reply.kind === "text" && reply.evalCount !== undefined ? reply.evalCount : words(text),
      eval_duration: 3_456_789,
    };
    if (body.stream === false) {
      return json(JSON.parse(line(model, {
        message: message(text, thinking.length ? thinking.join("") : undefined),
        ...final,
      })));
    }
    const lines = [
      ...thinking.map((t) => line(model, { message: message("", t), done: false })),
      ...reply.chunks.map((c) => line(model, { message: message(c), done: false })),
    ];
    if (reply.kind === "text") lines.push(line(model, { message: message(""), ...final }));
    if (reply.kind === "error-line") lines.push(JSON.stringify({ error: reply.error }) + "\n");
    const bytes = lines.map((l) => encoder.encode(l));
    let pieces = bytes;
    if (reply.kind === "text" && reply.splitAt) {
      const all = encoder.encode(lines.join(""));
      pieces = [];
      for (let i = 0; i < all.length; i += reply.splitAt) pieces.push(all.subarray(i, i + reply.splitAt));
    }
    const headers: Record<string, string> = { "content-type": "application/x-ndjson" };
    if (reply.kind === "drop") {
      headers["content-length"] = String(bytes.reduce((n, b) => n + b.length, 0) + 1024);
    }
    const delayMs = reply.kind === "text" ? reply.delayMs ?? 0 : 0;
    return new Response(piecewise(pieces, delayMs, closing.signal), { headers });
  };

  const handle = async (req: Request): Promise<Response> => {
    const path = new URL(req.url).pathname;
    const text = await req.text();
    const body = text ? JSON.parse(text) : null;
    requests.push({ method: req.method, path, body });
    if (req.method === "GET" && path === "/api/tags") {
      return json({
        models: state.models.map((m) => ({
          name: m.name,
          model: m.name,
          modified_at: "2026-01-02T03:04:05.000000Z",
          size: m.size ?? 1_000,
          digest: "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
          details: { parent_model: "", format: "gguf", ...m.details },
        })),
      });
    }
    if (req.method === "POST" && path === "/api/chat") return chat(body);
    if (req.method === "POST" && path === "/api/embed") {
      const input: string[] = Array.isArray(body?.input) ? body.input : [body?.input];
      if (!state.models.some((m) => m.name === fullName(String(body?.model)))) {
        return json({ error: `model "${body?.model}" not found, try pulling it first` }, 404);
      }
      return json({ model: body.model, embeddings: input.map((t) => [t.length, words(t), 0.5]) });
    }
    return new Response("404 page not found", { status: 404, headers: { "content-type": "text/plain" } });
  };

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: closing.signal, onListen() {} },
    handle,
  );
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing.abort();
      await server.finished;
    })();
    return closed;
  };
  return Promise.resolve({
    url: `http://127.0.0.1:${server.addr.port}`,
    get models() {
      return state.models;
    },
    set models(value: FakeTag[]) {
      state.models = value;
    },
    requests,
    chats: () => requests.filter((r) => r.path === "/api/chat"),
    enqueue: (...replies: OllamaReply[]) => void queue.push(...replies),
    close,
    [Symbol.asyncDispose]: close,
  });
}
