/**
 * How users get the tool: the library and the CLI loaded remotely (`import ... from "http://.../mod.ts"`,
 * `deno run -A http://.../cli.ts`, `deno install`), and a binary from `deno compile`. The repository is served
 * by a loopback static file server, so anything that only works from a local checkout (bare specifiers,
 * file-relative reads, import specifiers built at run time) fails here.
 * @module
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { startOpenAIServer } from "./support/openai_server.ts";
import { VERSION } from "../lib/version.ts";

const repoDir = fileURLToPath(new URL("../", import.meta.url));

/** A loopback HTTP server of the repository's files, recording the paths asked for. */
interface RepoServer extends AsyncDisposable {
  origin: string;
  paths: string[];
}

function serveRepo(): RepoServer {
  const paths: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req: Request) => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    paths.push(path);
    if (path.includes("..") || path.split("/").some((p) => p.startsWith("."))) {
      return new Response("Forbidden", { status: 403 });
    }
    try {
      const body = await Deno.readFile(join(repoDir, path));
      const type = path.endsWith(".ts") ? "application/typescript" : "application/octet-stream";
      return new Response(body, { headers: { "content-type": type } });
    } catch {
      return new Response("Not found", { status: 404 });
    }
  });
  return {
    origin: `http://127.0.0.1:${server.addr.port}`,
    paths,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `deno <args>` from `cwd` (outside the repository, so its deno.json and lock file do not apply). */
// Runs that check which files were fetched pass `--reload=<origin>`: Deno caches remote modules by URL, and a
// port reused from an earlier run would otherwise be answered from that cache without a request.
async function deno(args: string[], cwd: string, env: Record<string, string>): Promise<Run> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}

async function tempDir(prefix: string): Promise<AsyncDisposable & { path: string }> {
  const path = await Deno.makeTempDir({ prefix });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

Deno.test("a script that imports mod.ts over HTTP prompts a model and streams its answer", async () => {
  await using repo = serveRepo();
  await using openai = await startOpenAIServer();
  await using work = await tempDir("llm-remote-");
  const env = {
    LLM_USER_PATH: join(work.path, "user"),
    OPENAI_BASE_URL: openai.url,
    OPENAI_API_KEY: "sk-remote",
  };
  await Deno.writeTextFile(
    join(work.path, "script.ts"),
    `import { getModel } from "${repo.origin}/mod.ts";
const response = getModel("4o-mini").prompt("hello from afar", { system: "Be brief" });
const chunks: string[] = [];
for await (const chunk of response) chunks.push(chunk);
console.log(JSON.stringify({ text: chunks.join(""), chunks: chunks.length, usage: await response.usage() }));
`,
  );
  // With a deno.json the first run writes deno.lock, as in a user's project; its npm packages (none, for a
  // prompt without options) resolve then.
  await Deno.writeTextFile(join(work.path, "deno.json"), "{}\n");
  const run = await deno(["run", "-A", `--reload=${repo.origin}`, "script.ts"], work.path, env);
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  assert.equal(out.text, "Echo: hello from afar");
  assert.ok(out.chunks > 1, `expected a streamed answer, got ${out.chunks} chunk(s)`);
  assert.equal(openai.requests.length, 1);
  assert.equal(openai.requests[0].headers.authorization, "Bearer sk-remote");
  assert.equal(openai.requests[0].body.model, "gpt-4o-mini");
  assert.ok(repo.paths.includes("/lib/providers/openai/chat/model.ts"), repo.paths.join(" "));
});

Deno.test("deno run http://.../cli.ts runs a prompt, logs it and reads the log back", async () => {
  await using repo = serveRepo();
  await using openai = await startOpenAIServer();
  await using work = await tempDir("llm-remote-cli-");
  const user = join(work.path, "user");
  const env = { LLM_USER_PATH: user, OPENAI_BASE_URL: openai.url, OPENAI_API_KEY: "sk-remote" };
  const cli = `${repo.origin}/cli.ts`;

  const prompt = await deno(
    ["run", "-A", `--reload=${repo.origin}`, cli, "-m", "4o-mini", "hi"],
    work.path,
    env,
  );
  assert.equal(prompt.code, 0, prompt.stderr);
  assert.equal(prompt.stdout, "Echo: hi\n");
  assert.ok(existsSync(join(user, "logs.db")), "the prompt should be logged to logs.db");
  assert.ok(repo.paths.includes("/lib/cli/commands/prompt/run.ts"), repo.paths.join(" "));

  // An option loads zod through a computed import (lazyImport): from a URL too, with no import map.
  const withOption = await deno(
    ["run", "-A", cli, "-m", "4o-mini", "again", "-o", "temperature", "0.5"],
    work.path,
    env,
  );
  assert.equal(withOption.code, 0, withOption.stderr);
  assert.equal(openai.requests.at(-1)!.body.temperature, 0.5);
  const badOption = await deno(
    ["run", "-A", cli, "-m", "4o-mini", "x", "-o", "temperature", "9"],
    work.path,
    env,
  );
  assert.equal(badOption.code, 1);
  assert.match(badOption.stderr, /temperature/);

  const logs = await deno(["run", "-A", cli, "logs", "-n", "1", "--json"], work.path, env);
  assert.equal(logs.code, 0, logs.stderr);
  const [logged] = JSON.parse(logs.stdout);
  assert.equal(logged.prompt, "again");
  assert.equal(logged.response, "Echo: again");
  assert.equal(logged.model, "gpt-4o-mini");
});

Deno.test("deno install -g of http://.../cli.ts gives a working llm command", async () => {
  await using repo = serveRepo();
  await using work = await tempDir("llm-install-");
  const env = { LLM_USER_PATH: join(work.path, "user") };
  const install = await deno(
    [
      "install",
      "-g",
      "-A",
      `--reload=${repo.origin}`,
      "-n",
      "llm",
      "--root",
      work.path,
      `${repo.origin}/cli.ts`,
    ],
    work.path,
    env,
  );
  assert.equal(install.code, 0, install.stderr);
  const bin = join(work.path, "bin", Deno.build.os === "windows" ? "llm.cmd" : "llm");
  const { code, stdout, stderr } = await new Deno.Command(bin, {
    args: ["--version"],
    env: { ...env, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  assert.equal(new TextDecoder().decode(stdout), `llm, version ${VERSION}\n`);
});

/**
 * `deno compile` needs the `denort` base runtime: from `DENORT_BIN`, or downloaded from dl.deno.land into
 * `$DENO_DIR/dl/`. Machines without it (and without internet access) skip the compile test.
 */
function denortAvailable(): string | undefined {
  if (Deno.env.get("DENORT_BIN")) return undefined;
  const denoDir = Deno.env.get("DENO_DIR") ?? join(Deno.env.get("HOME") ?? "", ".cache", "deno");
  const dir = join(denoDir, "dl", "release", `v${Deno.version.deno}`);
  try {
    if ([...Deno.readDirSync(dir)].some((e) => e.name.startsWith("denort-"))) return undefined;
  } catch {
    // no cached runtime
  }
  return `skipping the deno compile test: no denort in ${dir} and DENORT_BIN is not set, and deno compile ` +
    `downloads it from dl.deno.land, which this machine may not reach`;
}

const compileSkip = denortAvailable();
if (compileSkip) console.warn(compileSkip);

Deno.test({
  name: "deno task compile builds dist/llm, which prints its version and runs a prompt",
  ignore: compileSkip !== undefined,
  async fn() {
    await using openai = await startOpenAIServer();
    await using work = await tempDir("llm-compile-");
    const build = await deno(["task", "compile"], repoDir, {});
    assert.equal(build.code, 0, build.stderr);
    const bin = join(repoDir, "dist", Deno.build.os === "windows" ? "llm.exe" : "llm");
    const run = async (args: string[]) => {
      const out = await new Deno.Command(bin, {
        args,
        env: {
          NO_COLOR: "1",
          LLM_USER_PATH: work.path,
          OPENAI_BASE_URL: openai.url,
          OPENAI_API_KEY: "sk-compiled",
        },
        stdout: "piped",
        stderr: "piped",
      }).output();
      return {
        code: out.code,
        stdout: new TextDecoder().decode(out.stdout),
        stderr: new TextDecoder().decode(out.stderr),
      };
    };
    const version = await run(["--version"]);
    assert.equal(version.stdout, `llm, version ${VERSION}\n`, version.stderr);
    const prompt = await run(["-m", "4o-mini", "compiled hello"]);
    assert.equal(prompt.code, 0, prompt.stderr);
    assert.equal(prompt.stdout, "Echo: compiled hello\n");
    const logs = await run(["logs", "-n", "1", "--json"]);
    assert.equal(JSON.parse(logs.stdout)[0].response, "Echo: compiled hello", logs.stderr);
  },
});

Deno.test("JSR: deno doc --lint is clean on every entry point alone; publish --dry-run packs no tests, benches or fixtures", async () => {
  // Each alone: together they could hide a type one of them references but does not export.
  for (const entry of ["mod.ts", "plugin.ts", "cli.ts"]) {
    const doc = await deno(["doc", "--lint", entry], repoDir, {});
    assert.equal(doc.code, 0, `${entry}: ${doc.stdout}${doc.stderr}`);
  }
  const publish = await deno(["publish", "--dry-run", "--allow-dirty"], repoDir, {});
  assert.equal(publish.code, 0, publish.stderr);
  const output = publish.stdout + publish.stderr;
  assert.match(output, /Dry run complete/);
  const packed = [...output.matchAll(/file:\/\/\S+/g)].map((m) =>
    m[0].slice(repoDir.length + "file://".length)
  );
  for (const entry of ["mod.ts", "cli.ts", "plugin.ts", "lib/default_registry_listing.ts", "README.md"]) {
    assert.ok(packed.includes(entry), `${entry} is in the package: ${packed.join(", ")}`);
  }
  const unwanted = packed.filter((p) => /^(tests|bench|dist|\.ci)\//.test(p));
  assert.deepEqual(unwanted, []);
});
