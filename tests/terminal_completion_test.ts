/**
 * Shell completion: the engine over the real command table, the names read from a user directory, the
 * `_LLM_COMPLETE` protocol through the real CLI (which never sends a prompt), `llm completion`, and bash
 * completing `llm` in a real terminal (tmux).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { buildCommandTable } from "../lib/cli/table.ts";
import { complete, type CompletionSources, splitWords } from "../lib/terminal/completion.ts";
import { completionScript, formatCandidates } from "../lib/terminal/completion_scripts.ts";
import { startOpenAIServer } from "./support/openai_server.ts";
import { runCli } from "./support/run_cli.ts";
import { hasTmux, TmuxSession } from "./support/tmux.ts";

const root = buildCommandTable();
const sources: CompletionSources = {
  models: () => ["gpt-4o", "gpt-4o-mini", "4o", "claude"],
  templates: () => ["summarize", "translate"],
  fragments: () => ["readme", "docs"],
  aliases: () => ["claude"],
};
const values = (words: string[], incomplete: string) =>
  complete(root, words, incomplete, sources).map((c) => c.value);

Deno.test("completion: commands, subcommands and options (a default command's too)", () => {
  assert.deepEqual(values([], "mo"), ["models"]);
  assert.ok(values([], "").includes("completion") && values([], "").includes("chat"));
  assert.deepEqual(values(["models"], ""), ["list", "default", "options"]);
  assert.deepEqual(values(["models", "options"], "s"), ["show", "set"]);
  assert.deepEqual(values([], "--sys"), ["--system", "--system-fragment"], "llm runs prompt: its options");
  assert.ok(values([], "--").includes("--version"));
  assert.deepEqual(values(["logs", "list"], "--co"), ["--count", "--conversation", "--cost"]);
  assert.deepEqual(values(["chat"], "--ra"), ["--raw"]);
  const help = complete(root, ["chat"], "--model", sources)[0];
  assert.deepEqual(help, { value: "--model", help: "Model ID or alias to use" });
});

Deno.test("completion: model ids and aliases, templates, fragments, shells, files as values", () => {
  assert.deepEqual(values(["-m"], "gpt-4o"), ["gpt-4o", "gpt-4o-mini"]);
  assert.deepEqual(values(["chat", "--model"], ""), ["gpt-4o", "gpt-4o-mini", "4o", "claude"]);
  assert.deepEqual(values(["hello", "-t"], "su"), ["summarize"]);
  assert.deepEqual(values(["-f"], ""), ["readme", "docs"]);
  assert.deepEqual(values(["--sf"], "r"), ["readme"]);
  assert.deepEqual(values(["models", "default"], "4"), ["4o"]);
  assert.deepEqual(values(["templates", "show"], ""), ["summarize", "translate"]);
  assert.deepEqual(values(["aliases", "remove"], ""), ["claude"]);
  assert.deepEqual(values(["fragments", "show"], "d"), ["docs"]);
  assert.deepEqual(values(["completion"], ""), ["bash", "zsh", "fish"]);
  assert.deepEqual(complete(root, ["-d"], "lo", sources), [{ value: "lo", type: "file" }]);
  assert.deepEqual(values(["-o", "temperature"], ""), [], "the second value of a pair");
  assert.deepEqual(values(["-o", "temperature", "0.5", "-m"], "claude"), ["claude"]);
  assert.deepEqual(values(["models", "default", "4o"], ""), [], "no second argument");
});

Deno.test("completion: words split as a shell splits them; the formats the scripts read", () => {
  assert.deepEqual(splitWords(`llm -s 'be brief' "a \\"b\\"" c\\ d`), [
    "llm",
    "-s",
    "be brief",
    'a "b"',
    "c d",
  ]);
  const candidates = [{ value: "m:1", help: "A model" }, { value: "x" }, {
    value: "p",
    type: "file" as const,
  }];
  assert.equal(formatCandidates("bash", candidates), "plain,m:1\nplain,x\nfile,p\n");
  assert.equal(formatCandidates("zsh", candidates), "plain\nm\\:1\nA model\nplain\nx\n_\nfile\np\n_\n");
  assert.equal(formatCandidates("fish", candidates), "plain,m:1\tA model\nplain,x\nfile,p\n");
});

Deno.test("completion scripts: bash accepts its script (bash -n); each names the protocol variable", async () => {
  for (const shell of ["bash", "zsh", "fish"] as const) {
    const script = completionScript(shell);
    assert.match(script, new RegExp(`_LLM_COMPLETE=${shell}_complete`));
  }
  const check = await new Deno.Command("bash", { args: ["-n"], stdin: "piped", stderr: "piped" }).spawn();
  const writer = check.stdin.getWriter();
  await writer.write(new TextEncoder().encode(completionScript("bash")));
  await writer.close();
  const { success, stderr } = await check.output();
  assert.ok(success, new TextDecoder().decode(stderr));
});

Deno.test("_LLM_COMPLETE through the CLI: names from the user directory, and no prompt is ever sent", async () => {
  const dir = await Deno.makeTempDir({ prefix: "llm-complete-" });
  await using server = await startOpenAIServer();
  try {
    const env = { LLM_USER_PATH: dir, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test" };
    await Deno.mkdir(join(dir, "templates"));
    await Deno.writeTextFile(join(dir, "templates", "pelican.yaml"), "prompt: pelicans\n");
    await Deno.writeTextFile(join(dir, "aliases.json"), '{"fast": "gpt-4o-mini"}');
    await Deno.writeTextFile(
      join(dir, "extra-openai-models.yaml"),
      "- model_id: my-local\n  api_base: http://127.0.0.1:9/v1\n",
    );
    await Deno.writeTextFile(join(dir, "notes.txt"), "some notes");
    assert.equal((await runCli(["fragments", "set", "mynotes", join(dir, "notes.txt")], { env })).code, 0);
    const ask = async (shell: string, words: string, cword: string) => {
      const result = await runCli([], {
        env: { ...env, _LLM_COMPLETE: `${shell}_complete`, COMP_WORDS: words, COMP_CWORD: cword },
      });
      assert.equal(result.code, 0, result.stderr);
      return result.stdout;
    };
    assert.equal(await ask("bash", "llm -m my", "2"), "plain,my-local\n");
    assert.equal(await ask("bash", "llm -m fa", "2"), "plain,fast\n");
    assert.equal(await ask("bash", "llm -t pel", "2"), "plain,pelican\n");
    assert.equal(await ask("bash", "llm -f myn", "2"), "plain,mynotes\n");
    assert.match(await ask("zsh", "llm models d", "2"), /^plain\ndefault\nShow or set the default model\n$/);
    assert.equal(
      await ask("fish", "llm chat --ra", "--ra"),
      "plain,--raw\tPrint the response as plain text, without rendering Markdown\n",
    );
    assert.equal(await ask("bash", "llm", "1"), await ask("bash", "llm ", "1"));
    assert.match(await ask("bash", "llm", "1"), /\nplain,completion\n/);
    const source = await runCli([], { env: { ...env, _LLM_COMPLETE: "bash_source" } });
    assert.equal(source.stdout, completionScript("bash"));
    const wrong = await runCli(["hello"], { env: { ...env, _LLM_COMPLETE: "source_bash" } });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /^Error: Unknown _LLM_COMPLETE value 'source_bash'/);
    const command = await runCli(["completion", "zsh"], { env });
    assert.equal(command.stdout, completionScript("zsh"));
    const bad = await runCli(["completion", "tcsh"], { env });
    assert.equal(bad.stderr, "Error: Unknown shell 'tcsh'. Use one of: bash, zsh, fish\n");
    assert.equal(server.requests.length, 0, "completion never reaches the model");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "pty: bash completes llm's commands and model ids with the script of llm completion bash",
  ignore: !hasTmux(),
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "llm-bash-" });
    try {
      const bin = join(dir, "bin");
      await Deno.mkdir(bin);
      const cli = new URL("../cli.ts", import.meta.url).pathname;
      await Deno.writeTextFile(
        join(bin, "llm"),
        `#!/bin/sh\nexec '${Deno.execPath()}' run -A '${cli}' "$@"\n`,
      );
      await Deno.chmod(join(bin, "llm"), 0o755);
      await Deno.writeTextFile(join(dir, "rc"), `PS1='$ '\neval "$(llm completion bash)"\n`);
      await using term = await TmuxSession.start(["bash", "--noprofile", "--rcfile", join(dir, "rc"), "-i"], {
        env: { PATH: `${bin}:${Deno.env.get("PATH")}`, LLM_USER_PATH: dir },
      });
      await term.waitFor(/^\$ ?$/m);
      await term.type("llm mod");
      await term.press("Tab");
      await term.waitFor(/^\$ llm models ?$/m);
      await term.type("default gpt-4.1-n");
      await term.press("Tab");
      await term.waitFor(/^\$ llm models default gpt-4\.1-nano ?$/m);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
