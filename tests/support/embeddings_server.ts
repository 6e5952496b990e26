/**
 * A loopback OpenAI-compatible `/embeddings` server for tests and benches: real HTTP on 127.0.0.1 with a
 * random port. Each input text gets a deterministic bag-of-words vector (words hashed to dimensions,
 * normalised), so texts that share words are similar and a test can compute the expected vector itself with
 * {@link fakeEmbedding}. It answers in the encoding the request asks for (`encoding_format: "base64"` gives
 * base64 float32 little-endian, anything else a JSON list of floats), or always in one encoding when
 * started with `encoding`. Every request is recorded; `failAt` makes chosen requests fail with an HTTP error.
 *
 * Can also run as a program (for benches and for recording with Python llm):
 * `deno run -A tests/support/embeddings_server.ts [--port N] [--dims N] [--delay-ms N]` prints its base URL.
 *
 * ```ts
 * await using server = await startEmbeddingsServer({ failAt: { 2: 500 } });
 * // point OPENAI_BASE_URL at server.url, then inspect server.requests
 * ```
 * @module
 */

/** One request the server received. */
export interface EmbeddingsRequest {
  /** HTTP method. */
  method: string;
  /** URL path, e.g. `/v1/embeddings`. */
  path: string;
  /** Request headers with lower-case names. */
  headers: Record<string, string>;
  /** The body parsed as JSON (`null` when empty or not JSON). Typed loosely for tests. */
  // deno-lint-ignore no-explicit-any
  body: any;
}

/** Options of {@link startEmbeddingsServer}. */
export interface EmbeddingsServerOptions {
  /** Answer in this encoding whatever the request asks (a server that ignores `encoding_format`). */
  encoding?: "float" | "base64";
  /** Dimensions when the request gives none (default 16; `text-embedding-3-large` models get 3 times that). */
  dims?: number;
  /** Request number (1-based, counting only `/embeddings` requests) to HTTP status: those requests fail. */
  failAt?: Record<number, number>;
  /** Wait this long before answering each request (a slow server). */
  delayMs?: number;
  /** Listen on this port (default: a free one). */
  port?: number;
}

/** A running server. */
export interface EmbeddingsServer extends AsyncDisposable {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:41234/v1`. */
  url: string;
  /** Every request received, in order. */
  requests: EmbeddingsRequest[];
  /** The `/embeddings` requests' inputs, one list of texts per request. */
  inputs(): string[][];
  /** Stops the server. Safe to call twice. */
  close(): Promise<void>;
}

/** FNV-1a over the UTF-8 bytes of `text`. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * The vector the server returns for `text`: each lower-cased word adds 1 (or -1, by a hash bit) to a
 * hashed dimension, plus a small constant so no vector is zero, normalised to length 1 (as doubles).
 */
export function fakeEmbedding(text: string, dims: number): number[] {
  const v = new Array<number>(dims).fill(0);
  v[text.length % dims] += 0.25;
  for (const word of text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean)) {
    const h = fnv1a(word);
    v[h % dims] += (h >>> 31) ? -1 : 1;
  }
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return v.map((x) => x / norm);
}

/** Base64 of `values` as float32 little-endian. */
export function base64Float32(values: number[]): string {
  const bytes = new Uint8Array(new Float32Array(values).buffer);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function defaultDims(model: unknown, dims: number): number {
  return typeof model === "string" && model.includes("3-large") ? dims * 3 : dims;
}

/** Starts the server on 127.0.0.1. */
export function startEmbeddingsServer(options: EmbeddingsServerOptions = {}): Promise<EmbeddingsServer> {
  const requests: EmbeddingsRequest[] = [];
  let embedCalls = 0;
  const controller = new AbortController();
  const handle = async (request: Request): Promise<Response> => {
    const path = new URL(request.url).pathname;
    const text = await request.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = text;
    }
    requests.push({ method: request.method, path, headers: Object.fromEntries(request.headers), body });
    if (request.method !== "POST" || !path.endsWith("/embeddings")) {
      return Response.json({ error: { message: `No route for ${request.method} ${path}` } }, { status: 404 });
    }
    const call = ++embedCalls;
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    const status = options.failAt?.[call];
    if (status) {
      return Response.json({
        error: { message: `Scripted failure of request ${call}`, type: "server_error", code: null },
      }, { status });
    }
    const b = body as { input?: unknown; model?: unknown; dimensions?: unknown; encoding_format?: unknown };
    const input = typeof b?.input === "string" ? [b.input] : b?.input;
    if (!Array.isArray(input) || input.some((x) => typeof x !== "string")) {
      return Response.json({ error: { message: "input must be a string or a list of strings" } }, {
        status: 400,
      });
    }
    const dims = typeof b.dimensions === "number" ? b.dimensions : defaultDims(b.model, options.dims ?? 16);
    const encoding = options.encoding ?? (b.encoding_format === "base64" ? "base64" : "float");
    const data = (input as string[]).map((item, index) => {
      const vector = fakeEmbedding(item, dims);
      return {
        object: "embedding",
        index,
        embedding: encoding === "base64" ? base64Float32(vector) : vector,
      };
    });
    const tokens = (input as string[]).reduce((n, s) => n + s.split(/\s+/).filter(Boolean).length, 0);
    return Response.json({
      object: "list",
      data,
      model: b.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  };
  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: options.port ?? 0,
      signal: controller.signal,
      onListen({ port }) {
        let closed = false;
        const close = async () => {
          if (closed) return;
          closed = true;
          controller.abort();
          await server.finished;
        };
        resolve({
          url: `http://127.0.0.1:${port}/v1`,
          requests,
          inputs: () =>
            requests.filter((r) => r.path.endsWith("/embeddings")).map((r) =>
              typeof r.body?.input === "string" ? [r.body.input] : r.body?.input ?? []
            ),
          close,
          [Symbol.asyncDispose]: close,
        });
      },
    }, handle);
  });
}

if (import.meta.main) {
  const arg = (name: string) => {
    const i = Deno.args.indexOf(name);
    return i >= 0 ? Number(Deno.args[i + 1]) : undefined;
  };
  const server = await startEmbeddingsServer({
    port: arg("--port"),
    dims: arg("--dims"),
    delayMs: arg("--delay-ms"),
  });
  console.log(server.url);
}
