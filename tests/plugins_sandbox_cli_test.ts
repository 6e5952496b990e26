/**
 * Plugins with least privilege, through the real CLI: `llm install` asks for a plugin's permissions and
 * records the grant, `llm plugins` shows it, an upgrade that asks for more asks again; listing starts no
 * Worker; each thing a sandboxed plugin may not do fails with the missing permission named while llm goes
 * on; keys reach it only when declared; plugins that declare nothing run unrestricted (said once) unless
 * LLM_PLUGIN_SANDBOX=strict; a Deno without Worker permissions says so and falls back or refuses.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cliPath, runCli } from "./support/run_cli.ts";
import { tempUserDir } from "./support/env.ts";

const fixtures = fileURLToPath(new URL("./fixtures/plugins/", import.meta.url));
const pluginPath = join(fixtures, "sandboxed/plugin.ts");
const shoutPath = join(fixtures, "shout/plugin.ts");
const GRANT = { net: ["$SANDBOX_ALLOWED"], env: ["SANDBOX_ALLOWED"], keys: ["sandboxed"] };

/** A loopback server the plugin may reach (its host is in SANDBOX_ALLOWED). */
function allowedServer(): AsyncDisposable & { url: string } {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => new Response("fine"));
  return { url: `http://127.0.0.1:${server.addr.port}`, [Symbol.asyncDispose]: () => server.shutdown() };
}

function importsLog(userDir: string): string {
  try {
    return Deno.readTextFileSync(join(userDir, "plugin-data", "llm-sandboxed", "imports.log"));
  } catch {
    return "";
  }
}

Deno.test("llm install shows the permissions asked for, refuses without a terminal or --yes, records the grant", async () => {
  await using dir = await tempUserDir();
  const refused = await runCli(["install", pluginPath]);
  assert.equal(refused.code, 1);
  assert.equal(
    refused.stderr,
    `Plugin llm-sandboxed 1.0.0 from ${pluginPath} asks for these permissions:\n` +
      "  network: the host in $SANDBOX_ALLOWED\n" +
      "  environment variables: SANDBOX_ALLOWED\n" +
      "  stored keys: sandboxed\n" +
      "Not granted: llm install asks on a terminal; run it there, or add --yes to grant them\n" +
      "Error: Plugin 'llm-sandboxed' was not installed: its permissions were not granted (network: the host " +
      "in $SANDBOX_ALLOWED; environment variables: SANDBOX_ALLOWED; stored keys: sandboxed)\n",
  );
  assert.equal((await runCli(["plugins"])).stdout, "[]\n", "nothing was recorded");

  const granted = await runCli(["install", pluginPath, "--yes"]);
  assert.equal(granted.code, 0, granted.stderr);
  assert.match(granted.stderr, /\nGranted \(--yes\)\n$/);
  assert.match(
    granted.stdout,
    /^Installed llm-sandboxed 1\.0\.0 from .* \(models: sandboxed, sandboxed-nokey/,
  );
  const [record] = JSON.parse(await Deno.readTextFile(join(dir.path, "plugins.json"))).plugins;
  assert.deepEqual(record.permissions, GRANT);
  assert.deepEqual(record.grant.permissions, GRANT);
  assert.ok(!Number.isNaN(Date.parse(record.grant.grantedAt)));
  const [listed] = JSON.parse((await runCli(["plugins"])).stdout);
  assert.deepEqual(listed.permissions, GRANT);

  // Installing it again asks nothing: the grant covers what it asks for.
  const again = await runCli(["install", pluginPath]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stderr, "");
});

Deno.test("an upgrade that asks for more permissions asks again; refused, the old grant stays", async () => {
  await using dir = await tempUserDir();
  const copy = join(dir.path, "src");
  await Deno.mkdir(copy);
  const source = (await Deno.readTextFile(pluginPath))
    .replace("../../../../plugin.ts", new URL("../plugin.ts", import.meta.url).href)
    .replace("../../../../mod.ts", new URL("../mod.ts", import.meta.url).href);
  const path = join(copy, "plugin.ts");
  await Deno.writeTextFile(path, source);
  assert.equal((await runCli(["install", path, "--yes"])).code, 0);
  await Deno.writeTextFile(
    path,
    source.replace('env: ["SANDBOX_ALLOWED"]', 'env: ["SANDBOX_ALLOWED", "SANDBOX_MORE"]').replace(
      'version: "1.0.0"',
      'version: "1.1.0"',
    ),
  );
  const refused = await runCli(["install", path]);
  assert.equal(refused.code, 1);
  assert.match(
    refused.stderr,
    /^Plugin llm-sandboxed 1\.1\.0 from .* asks for more permissions than it was granted:\n {2}environment variables: SANDBOX_MORE\nNot granted/,
  );
  const kept = JSON.parse(await Deno.readTextFile(join(dir.path, "plugins.json"))).plugins[0];
  assert.equal(kept.version, "1.0.0");
  assert.deepEqual(kept.grant.permissions.env, ["SANDBOX_ALLOWED"]);

  assert.equal((await runCli(["install", path, "--yes"])).code, 0);
  const upgraded = JSON.parse(await Deno.readTextFile(join(dir.path, "plugins.json"))).plugins[0];
  assert.equal(upgraded.version, "1.1.0");
  assert.deepEqual(upgraded.grant.permissions.env, ["SANDBOX_ALLOWED", "SANDBOX_MORE"]);
});

Deno.test("llm --version, --help, models list and plugins start no Worker; a prompt starts one", async () => {
  await using dir = await tempUserDir();
  assert.equal((await runCli(["install", pluginPath, "--yes"])).code, 0);
  assert.notEqual(importsLog(dir.path), "", "install imported it (in Workers)");
  await Deno.remove(join(dir.path, "plugin-data", "llm-sandboxed", "imports.log"));
  for (
    const args of [["--version"], ["--help"], ["models", "list"], ["plugins"], [
      "models",
      "list",
      "--options",
    ]]
  ) {
    const out = await runCli(args);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(importsLog(dir.path), "", `llm ${args.join(" ")} started no Worker`);
  }
  assert.match((await runCli(["models", "list"])).stdout, /\nSandboxed: sandboxed \(aliases: sbx\)\n/);
  const prompt = await runCli(["-m", "sandboxed-nokey", "hello", "--no-log"]);
  assert.equal(prompt.stdout, "echo: hello\n", prompt.stderr);
  assert.equal(importsLog(dir.path), "imported\n");
});

Deno.test("what a sandboxed plugin may not do fails naming the missing permission; llm goes on", async () => {
  await using server = allowedServer();
  await using dir = await tempUserDir({ SANDBOX_ALLOWED: server.url, SANDBOX_SECRET: "s3cret" });
  await Deno.writeTextFile(
    join(dir.path, "keys.json"),
    JSON.stringify({ sandboxed: "sk-sbx", other: "sk-o" }),
  );
  assert.equal((await runCli(["install", pluginPath, "--yes"])).code, 0);
  // A logged prompt first, so that logs.db exists.
  assert.equal((await runCli(["-m", "sandboxed-nokey", "first"])).code, 0);
  const keys = join(dir.path, "keys.json");
  const refusals: [string, RegExp][] = [
    ["read-keys", new RegExp(`refused read access to "${keys}"`)],
    ["json-import", new RegExp(`refused read access to "${keys}"`)],
    ["read-env", /refused env access to "SANDBOX_SECRET"/],
    ["fetch", /refused net access to "example\.com:80"/],
    ["write", new RegExp(`refused write access to "${join(dir.path, "evil.txt")}"`)],
    ["run", /refused run access to "true"/],
    ["logs", new RegExp(`refused (read|write) access to "${join(dir.path, "logs.db")}"`)],
  ];
  for (const [action, message] of refusals) {
    const out = await runCli(["-m", "sandboxed-nokey", action, "--no-log"]);
    assert.equal(out.code, 1, `${action}: ${out.stderr}`);
    assert.equal(out.stdout, "");
    assert.match(out.stderr, /^Error: Plugin 'llm-sandboxed' was refused /, action);
    assert.match(out.stderr, message, action);
    assert.match(out.stderr, /its permissions do not include it/);
  }
  await assert.rejects(Deno.stat(join(dir.path, "evil.txt")));
  // What it was granted works.
  for (
    const [action, expected] of [["allowed-env", server.url], ["fetch-allowed", "200"], ["write-own", "mine"]]
  ) {
    const out = await runCli(["-m", "sandboxed-nokey", action, "--no-log"]);
    assert.equal(out.stdout, `${expected}\n`, `${action}: ${out.stderr}`);
  }
  // A plugin command and a fragment loader, in the Worker.
  const command = await runCli(["sandboxed", "read-keys"]);
  assert.equal(command.code, 1);
  assert.match(command.stderr, new RegExp(`refused read access to "${keys}"`));
  const allowed = await runCli(["sandboxed", "allowed-env"]);
  assert.equal(allowed.stdout, `${server.url}\n`);
  assert.equal(allowed.code, 3, "the command's exit code comes back");
  const fragment = await runCli(["-m", "sandboxed-nokey", "-f", "sbx:abc", "q", "--no-log"]);
  assert.equal(fragment.stdout, "echo: fragment abc\nq\n", fragment.stderr);
  // A template loader that returns a Template instance made in the Worker.
  const templated = await runCli(["-m", "sandboxed-nokey", "-t", "sbxt:x", "this", "--no-log"]);
  assert.equal(templated.stdout, "echo: Summarise: this\n", templated.stderr);

  // A refused tool call is an error result the model reads: the chain goes on to its answer.
  const chain = await runCli(["-m", "sandboxed-nokey", "stream", "-T", "sandboxed_tool"]);
  assert.equal(chain.code, 0, chain.stderr);
  assert.equal(chain.stdout, "c0 c1 c2 \necho: \n");
  const logs = JSON.parse((await runCli(["logs", "--json", "-n", "1"])).stdout);
  assert.match(logs[0].tool_results[0].output, /^Error: Plugin 'llm-sandboxed' was refused read access/);

  // logs.db is intact and llm works on.
  const listed = JSON.parse((await runCli(["logs", "--json", "-n", "0"])).stdout);
  assert.deepEqual(listed.map((r: { prompt: string }) => r.prompt).slice(0, 3), ["first", "stream", ""]);
});

Deno.test("a URL the user attached is fetched by llm for a sandboxed plugin; one nobody attached is refused", async () => {
  await using _dir = await tempUserDir();
  const files = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) =>
      new Response(`file at ${new URL(req.url).pathname}`, { headers: { "content-type": "text/plain" } }),
  );
  await using _files = { [Symbol.asyncDispose]: () => files.shutdown() };
  const base = `http://127.0.0.1:${files.addr.port}`;
  assert.equal((await runCli(["install", pluginPath, "--yes"])).code, 0);
  const attached = await runCli(["-m", "sandboxed-nokey", "attached", "-a", `${base}/notes.txt`, "--no-log"]);
  assert.equal(attached.stdout, "file at /notes.txt\n", attached.stderr);
  const other = await runCli(["-m", "sandboxed-nokey", `fetch-url ${base}/secret`, "--no-log"]);
  assert.equal(other.code, 1);
  assert.match(other.stderr, new RegExp(`refused net access to "127\\.0\\.0\\.1:${files.addr.port}"`));
  // A fragment loader's attachment, made in the Worker, arrives whole with its fragment.
  const loaded = await runCli(["-m", "sandboxed-nokey", "attached", "-f", "sbxatt:x", "--no-log"]);
  assert.equal(loaded.stdout, "bytes of x\n", loaded.stderr);
  const keys = await runCli(["-m", "sandboxed-nokey", "attached", "-f", "sbxkeys:", "--no-log"]);
  assert.equal(keys.code, 1);
  assert.match(keys.stderr, /refused read access to ".*keys\.json"/);
  // Attaching one URL does not open its host to the plugin.
  const sneaky = await runCli([
    "-m",
    "sandboxed-nokey",
    `fetch-url ${base}/secret`,
    "-a",
    `${base}/notes.txt`,
  ]);
  assert.equal(sneaky.code, 1);
  assert.match(sneaky.stderr, /refused net access/);
});

Deno.test("keys reach a sandboxed plugin only when it declared them, or when given explicitly", async () => {
  await using dir = await tempUserDir();
  await Deno.writeTextFile(
    join(dir.path, "keys.json"),
    JSON.stringify({ sandboxed: "sk-sbx", other: "sk-o" }),
  );
  assert.equal((await runCli(["install", pluginPath, "--yes"])).code, 0);
  assert.equal((await runCli(["-m", "sbx", "key", "--no-log"])).stdout, "key=sk-sbx\n");
  const undeclared = await runCli(["-m", "sandboxed-otherkey", "key", "--no-log"]);
  assert.equal(undeclared.code, 1);
  assert.match(undeclared.stderr, /refused keys access to the stored key 'other'/);
  const explicit = await runCli(["-m", "sandboxed-otherkey", "key", "--key", "other", "--no-log"]);
  assert.equal(explicit.stdout, "key=sk-o\n", explicit.stderr);
});

Deno.test("a plugin that declares nothing runs unrestricted, said once; LLM_PLUGIN_SANDBOX=strict sandboxes it", async () => {
  await using dir = await tempUserDir();
  const install = await runCli(["install", shoutPath]);
  assert.match(install.stderr, /^Warning: Plugin llm-shout declares no permissions, so it runs unrestricted/);
  const record = JSON.parse(await Deno.readTextFile(join(dir.path, "plugins.json"))).plugins[0];
  assert.equal(record.unrestricted, true);
  assert.equal(record.grant, undefined);
  const prompt = await runCli(["-m", "shout", "hi", "--no-log"]);
  assert.equal(prompt.stdout, "HI\n");
  assert.equal(prompt.stderr, "", "said at install, not on every run");

  const strict = { LLM_PLUGIN_SANDBOX: "strict" };
  const sandboxed = await runCli(["-m", "shout", "hi", "--no-log"], { env: strict });
  assert.equal(sandboxed.stdout, "HI\n", sandboxed.stderr);
  assert.deepEqual(JSON.parse((await runCli(["plugins"], { env: strict })).stdout)[0].permissions, {});
  assert.equal(JSON.parse((await runCli(["plugins"])).stdout)[0].permissions, "unrestricted");
  // It was granted nothing: not even the key its model needs.
  await Deno.writeTextFile(join(dir.path, "keys.json"), JSON.stringify({ shout: "sk-shout" }));
  const key = await runCli(["-m", "shout-key", "hi", "--no-log"], { env: strict });
  assert.equal(key.code, 1);
  assert.match(key.stderr, /refused keys access to the stored key 'shout'/);
  // A plugin for one run (LLM_PLUGINS) would run in-process: strict mode refuses it.
  const oneRun = await runCli(["plugins"], {
    env: { ...strict, LLM_PLUGINS: join(fixtures, "async_hooks.ts") },
  });
  assert.match(oneRun.stderr, /LLM_PLUGIN_SANDBOX=strict refuses; install it to run it in its sandbox/);
  assert.doesNotMatch(oneRun.stdout, /llm-async/);
});

Deno.test("without Worker permissions (no --unstable-worker-options) llm says so once and falls back, or refuses in strict mode", async () => {
  await using _dir = await tempUserDir();
  assert.equal((await runCli(["install", pluginPath, "--yes"])).code, 0);
  const run = async (env: Record<string, string> = {}) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--no-config", cliPath, "-m", "sandboxed-nokey", "hello", "--no-log"],
      cwd: Deno.makeTempDirSync(),
      env: { NO_COLOR: "1", ...env },
    }).output();
    const decoder = new TextDecoder();
    return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
  };
  const fallback = await run();
  assert.equal(fallback.stdout, "echo: hello\n");
  assert.equal(
    fallback.stderr,
    "Warning: This Deno cannot give a plugin's Worker its own permissions: start llm with " +
      "--unstable-worker-options (deno run -A --unstable-worker-options ...), or build the binary with it. " +
      "Plugins run unrestricted, with all of llm's permissions, until then; set LLM_PLUGIN_SANDBOX=strict to " +
      "refuse them instead\n",
  );
  const strict = await run({ LLM_PLUGIN_SANDBOX: "strict" });
  assert.equal(strict.code, 1);
  assert.match(strict.stderr, /^Error: Plugin 'llm-sandboxed' cannot run: This Deno cannot give/);
  assert.match(strict.stderr, /LLM_PLUGIN_SANDBOX=strict refuses to run it unrestricted/);
});
