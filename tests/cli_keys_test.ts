import assert from "node:assert/strict";
import { join } from "node:path";
import { main } from "../lib/cli/main.ts";
import { memoryIo } from "../lib/cli/io.ts";
import { tempUserDir } from "./support/env.ts";
import { cliPath, runCli } from "./support/run_cli.ts";

const NOTE = { "// Note": "This file stores secret API credentials. Do not share!" };

async function run(args: string[], stdin?: string) {
  const io = memoryIo({ stdin });
  const code = await main(args, io, { dotenv: false });
  return { code, stdout: io.stdoutText(), stderr: io.stderrText() };
}

Deno.test("keys list, path and get, as Python llm prints them", async () => {
  await using dir = await tempUserDir();
  assert.deepEqual(await run(["keys"]), { code: 0, stdout: "No keys found\n", stderr: "" });
  assert.deepEqual(await run(["keys", "list"]), { code: 0, stdout: "No keys found\n", stderr: "" });
  assert.deepEqual(await run(["keys", "path"]), {
    code: 0,
    stdout: join(dir.path, "keys.json") + "\n",
    stderr: "",
  });
  await Deno.writeTextFile(
    join(dir.path, "keys.json"),
    JSON.stringify({ ...NOTE, zeta: "sk-z", openai: "sk-o", Anthropic: "sk-a" }),
  );
  assert.deepEqual(await run(["keys", "list"]), { code: 0, stdout: "Anthropic\nopenai\nzeta\n", stderr: "" });
  assert.deepEqual(await run(["keys", "get", "openai"]), { code: 0, stdout: "sk-o\n", stderr: "" });
});

Deno.test("keys get: a missing keys.json or name is an error (exit 1) that says what to do", async () => {
  await using dir = await tempUserDir();
  const none = await runCli(["keys", "get", "openai"]);
  assert.deepEqual(none, {
    code: 1,
    stdout: "",
    stderr: "Error: No keys found. Store one with 'llm keys set openai'\n",
  });
  await Deno.writeTextFile(join(dir.path, "keys.json"), JSON.stringify({ ...NOTE, openai: "sk-o" }));
  const missing = await run(["keys", "get", "nope"]);
  assert.equal(missing.code, 1);
  assert.equal(
    missing.stderr,
    "Error: No key found with name 'nope'. Run 'llm keys list' to see the stored names\n",
  );
  const usage = await runCli(["keys", "get"]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /Usage: llm keys get \[OPTIONS\] NAME/);
});

Deno.test("keys set --value writes keys.json as Python llm does (note first, indent 2, mode 0600)", async () => {
  await using dir = await tempUserDir();
  assert.deepEqual(await run(["keys", "set", "openai", "--value", "sk-abc"]), {
    code: 0,
    stdout: "",
    stderr: "",
  });
  assert.deepEqual(await run(["keys", "set", "anthropic", "--value", "sk-ant"]), {
    code: 0,
    stdout: "",
    stderr: "",
  });
  const path = join(dir.path, "keys.json");
  // Byte for byte what Python llm 0.32 wrote for the same two commands.
  assert.equal(
    await Deno.readTextFile(path),
    '{\n  "// Note": "This file stores secret API credentials. Do not share!",\n' +
      '  "openai": "sk-abc",\n  "anthropic": "sk-ant"\n}\n',
  );
  if (Deno.build.os !== "windows") assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
});

Deno.test("keys set reads a piped key from stdin, strips one trailing newline and prints nothing", async () => {
  await using dir = await tempUserDir();
  const piped = await runCli(["keys", "set", "openai"], { stdin: "sk-piped\n" });
  assert.deepEqual(piped, { code: 0, stdout: "", stderr: "" });
  assert.equal((await run(["keys", "set", "crlf"], "sk-crlf\r\n")).code, 0);
  assert.equal((await run(["keys", "set", "spaces"], " sk-sp \n\n")).code, 0);
  const keys = JSON.parse(await Deno.readTextFile(join(dir.path, "keys.json")));
  assert.deepEqual(keys, { ...NOTE, openai: "sk-piped", crlf: "sk-crlf", spaces: " sk-sp \n" });
});

Deno.test("keys set with an empty stdin is an error (exit 1) and stores nothing", async () => {
  await using dir = await tempUserDir();
  const result = await runCli(["keys", "set", "openai"], { stdin: "\n" });
  assert.equal(result.code, 1);
  assert.equal(
    result.stderr,
    "Error: No key given for 'openai'. Type it at the prompt, pipe it in, or pass --value\n",
  );
  await assert.rejects(Deno.stat(join(dir.path, "keys.json")), Deno.errors.NotFound);
});

Deno.test("keys set replaces a broken keys.json; keys list reports it", async () => {
  await using dir = await tempUserDir();
  const path = join(dir.path, "keys.json");
  await Deno.writeTextFile(path, "{not json");
  const list = await run(["keys", "list"]);
  assert.equal(list.code, 1);
  assert.match(list.stderr, /^Error: .*keys\.json is not valid JSON .*fix or remove it\n$/);
  assert.equal((await run(["keys", "set", "openai", "--value", "sk-new"])).code, 0);
  assert.deepEqual(JSON.parse(await Deno.readTextFile(path)), { ...NOTE, openai: "sk-new" });
});

/** Runs `llm keys set NAME` on a pseudo-terminal (util-linux `script`), typing `inputs` after each prompt. */
async function typeAtPrompt(name: string, inputs: string[]): Promise<{ code: number; screen: string }> {
  const child = new Deno.Command("script", {
    args: ["-qfec", `'${Deno.execPath()}' run -A '${cliPath}' keys set ${name}`, "/dev/null"],
    env: { NO_COLOR: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.getReader();
  const writer = child.stdin.getWriter();
  const decoder = new TextDecoder();
  let screen = "";
  for (const [i, input] of inputs.entries()) {
    while (screen.split("Enter key: ").length - 1 <= i) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`The prompt did not appear; the screen shows ${JSON.stringify(screen)}`);
      screen += decoder.decode(value);
    }
    await writer.write(new TextEncoder().encode(input));
  }
  for (let r = await reader.read(); !r.done; r = await reader.read()) screen += decoder.decode(r.value);
  const { code } = await child.status;
  await writer.close().catch(() => {});
  return { code, screen };
}

const hasScript = Deno.build.os === "linux" &&
  (() => {
    try {
      return new Deno.Command("script", { args: ["--version"], stdout: "null", stderr: "null" }).outputSync()
        .success;
    } catch {
      return false;
    }
  })();

Deno.test({
  name: "keys set on a terminal: hidden prompt on stderr, nothing echoed, backspace, asks again when empty",
  ignore: !hasScript,
  async fn() {
    await using dir = await tempUserDir();
    const typed = await typeAtPrompt("tty", ["\r", "sk-secreX\x7ft\r"]);
    assert.equal(typed.code, 0);
    assert.equal(typed.screen, "Enter key: \r\nEnter key: \r\n");
    const keys = JSON.parse(await Deno.readTextFile(join(dir.path, "keys.json")));
    assert.deepEqual(keys, { ...NOTE, tty: "sk-secret" });
  },
});

Deno.test({
  name: "keys set on a terminal: Ctrl-C cancels with exit 130 and stores nothing",
  ignore: !hasScript,
  async fn() {
    await using dir = await tempUserDir();
    const typed = await typeAtPrompt("tty", ["sk-part\x03"]);
    assert.equal(typed.code, 130);
    assert.equal(typed.screen, "Enter key: \r\nError: Cancelled: no key was stored\r\n");
    assert.ok(!typed.screen.includes("sk-part"));
    await assert.rejects(Deno.stat(join(dir.path, "keys.json")), Deno.errors.NotFound);
  },
});
