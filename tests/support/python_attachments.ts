/**
 * The recordings of Python llm 0.32 with attachments (`tests/fixtures/python-llm-0.32/attachments/`), and what
 * replaying them needs: a file server that answers `HEAD`/`GET /files/<name>` from `inputs/` as the recorder's
 * server did, a working directory holding copies of the inputs, and a run of the real CLI with binary stdin.
 * @module
 */
import { fileURLToPath } from "node:url";
import { cliPath } from "./run_cli.ts";

/** The fixture folder. */
export const FIXTURES: string = fileURLToPath(
  new URL("../fixtures/python-llm-0.32/attachments/", import.meta.url),
);

/** Where the recorder's server listened; URLs in the recordings start with it. */
export const RECORDED_ORIGIN = "http://127.0.0.1:18765";

/** Where the recorder ran Python llm; paths in its logs start with it. */
export const RECORDED_WORKDIR = "/tmp/llm-work";

/** One recorded request. */
export interface FixtureRequest {
  method: string;
  path: string;
  // deno-lint-ignore no-explicit-any
  body: any;
}

/** One recorded command. */
export interface AttachmentFixture {
  /** The file name without `.json`. */
  name: string;
  argv: string[];
  exit_code: number;
  stdout: string;
  stderr: string;
  /** The bytes piped in, base64 (only when there were some). */
  stdin_base64?: string;
  interactions: {
    request: FixtureRequest;
    response: { status: number; content_type: string; body: string };
  }[];
}

/** Loads `<name>.json`. */
export function loadFixture(name: string): AttachmentFixture {
  const data = JSON.parse(Deno.readTextFileSync(`${FIXTURES}${name}.json`));
  return { name, ...data };
}

/** Every recorded command (not the `logs-*` ones). */
export function commandFixtures(): AttachmentFixture[] {
  return [...Deno.readDirSync(FIXTURES)]
    .filter((e) => e.isFile && e.name.endsWith(".json") && !e.name.startsWith("logs-"))
    .map((e) => loadFixture(e.name.slice(0, -5)))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The number of the scripted reply a fixture used (`chatcmpl-fixtureN`, `resp_fixtureN`): its run order. */
export function replyNumber(fixture: AttachmentFixture): number | undefined {
  for (const { request, response } of fixture.interactions) {
    if (request.method !== "POST") continue;
    const match = /(?:chatcmpl-fixture|resp_fixture)(\d+)/.exec(response.body);
    if (match) return Number(match[1]);
  }
  return undefined;
}

const TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  wav: "audio/wav",
  mp3: "audio/mpeg",
  pdf: "application/pdf",
  txt: "text/plain",
};

/** The file server: `origin`, and every request it got (method and path). */
export interface FileServer extends AsyncDisposable {
  origin: string;
  requests: { method: string; path: string }[];
}

/**
 * Serves `inputs/` under `/files/` (types by extension, as the recorder's server), 404 for anything else; on
 * the recorder's port when it is free (URL attachment ids hash the URL, port included), else on any port.
 */
export function startFileServer(): FileServer {
  const requests: { method: string; path: string }[] = [];
  const handler = async (request: Request) => {
    const path = new URL(request.url).pathname;
    requests.push({ method: request.method, path });
    const name = path.startsWith("/files/") ? path.slice("/files/".length) : "";
    const type = TYPES[name.split(".").pop() ?? ""];
    let bytes: Uint8Array<ArrayBuffer> | undefined;
    try {
      bytes = name && !name.includes("/") ? await Deno.readFile(`${FIXTURES}inputs/${name}`) : undefined;
    } catch {
      bytes = undefined;
    }
    if (!bytes || !type) {
      return new Response("Not Found", { status: 404, headers: { "content-type": "text/plain" } });
    }
    return new Response(request.method === "HEAD" ? null : bytes, {
      headers: { "content-type": type, "content-length": String(bytes.length) },
    });
  };
  const listen = (port: number) => Deno.serve({ port, hostname: "127.0.0.1", onListen() {} }, handler);
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = listen(Number(new URL(RECORDED_ORIGIN).port));
  } catch (error) {
    if (!(error instanceof Deno.errors.AddrInUse)) throw error;
    server = listen(0);
  }
  return {
    origin: `http://127.0.0.1:${server.addr.port}`,
    requests,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

/** Copies `inputs/` into `dir`. */
export async function copyInputs(dir: string): Promise<void> {
  for (const entry of Deno.readDirSync(`${FIXTURES}inputs`)) {
    await Deno.copyFile(`${FIXTURES}inputs/${entry.name}`, `${dir}/${entry.name}`);
  }
}

/** What a CLI run produced. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `llm <args>` in `cwd` with `env` (plus `NO_COLOR`, `TZ=UTC`, `COLUMNS=80`), `stdin` bytes if given. */
export async function runLlm(
  args: string[],
  opts: { cwd: string; env: Record<string, string>; stdin?: Uint8Array },
): Promise<CliRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", cliPath, ...args],
    cwd: opts.cwd,
    env: { NO_COLOR: "1", TZ: "UTC", COLUMNS: "80", ...opts.env },
    stdin: opts.stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (opts.stdin) {
    const writer = child.stdin.getWriter();
    await writer.write(opts.stdin);
    await writer.close();
  }
  const out = await child.output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** `value` (any JSON) with every string's recorded origin and working directory replaced by ours. */
export function relocate<T>(value: T, origin: string, workdir: string): T {
  return JSON.parse(
    JSON.stringify(value).replaceAll(RECORDED_ORIGIN, origin).replaceAll(RECORDED_WORKDIR, workdir),
  );
}

/** The decoded stdin of a fixture, if it had one. */
export function stdinOf(fixture: AttachmentFixture): Uint8Array | undefined {
  if (!fixture.stdin_base64) return undefined;
  return Uint8Array.from(atob(fixture.stdin_base64), (c) => c.charCodeAt(0));
}

/** The `extra-openai-models.yaml` of the recordings' group 1. */
export const EXTRA_MODELS_YAML = `- model_id: audio-chat
  model_name: gpt-4o-audio-preview
  audio: true
  vision: true
- model_id: audio-responses
  model_name: gpt-audio-responses
  responses: true
  audio: true
  vision: true
`;
