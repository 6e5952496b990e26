/**
 * The plugin tutorial in docs/plugins.md works as written: its `megaphone.ts`, whole `mod.ts` and
 * `shout_test.ts` are taken from the page, saved in a fresh `llm-shout/` directory with `jsr:@denollm/llm`
 * mapped to this checkout (jsr.io is not reachable here), type-checked, and the tutorial's own tests run.
 * Then the plugin is installed with `llm install` and its command run, as the page says.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli } from "./support/run_cli.ts";
import { tempUserDir } from "./support/env.ts";

const page = Deno.readTextFileSync(new URL("../docs/plugins.md", import.meta.url));
const repo = new URL("../", import.meta.url);

/** The first TypeScript block after the first line of the page matching `intro`. */
function blockAfter(intro: RegExp): string {
  const start = page.search(intro);
  assert.ok(start >= 0, `docs/plugins.md has ${intro}`);
  const open = page.indexOf("```ts", start);
  const body = page.indexOf("\n", open) + 1;
  return page.slice(body, page.indexOf("\n```", body) + 1);
}

async function tutorialDir(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "llm-shout-" });
  await Deno.writeTextFile(join(dir, "megaphone.ts"), blockAfter(/Here is `megaphone\.ts`/));
  await Deno.writeTextFile(join(dir, "mod.ts"), blockAfter(/Here is the whole `mod\.ts`/));
  await Deno.writeTextFile(join(dir, "shout_test.ts"), blockAfter(/as `llm-shout\/shout_test\.ts`/));
  const imports = {
    "jsr:@denollm/llm@^0.1": new URL("mod.ts", repo).href,
    "jsr:@denollm/llm@^0.1/plugin": new URL("plugin.ts", repo).href,
  };
  await Deno.writeTextFile(join(dir, "deno.json"), JSON.stringify({ imports }));
  return dir;
}

async function deno(dir: string, ...args: string[]): Promise<{ code: number; output: string }> {
  const out = await new Deno.Command(Deno.execPath(), { args, cwd: dir, env: { NO_COLOR: "1" } }).output();
  const decoder = new TextDecoder();
  return { code: out.code, output: decoder.decode(out.stdout) + decoder.decode(out.stderr) };
}

Deno.test("docs/plugins.md: the tutorial's megaphone.ts, mod.ts and shout_test.ts check, and its tests pass", async () => {
  const dir = await tutorialDir();
  try {
    const check = await deno(dir, "check", "mod.ts", "shout_test.ts");
    assert.equal(check.code, 0, check.output);
    const test = await deno(dir, "test", "-A", "shout_test.ts");
    assert.equal(test.code, 0, test.output);
    assert.match(test.output, /ok \| 2 passed \| 0 failed/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("docs/plugins.md: the tutorial's plugin installs, and its command and loaders answer as the page says", async () => {
  const dir = await tutorialDir();
  await using _user = await tempUserDir();
  try {
    const install = await runCli(["install", join(dir, "mod.ts")]);
    assert.equal(install.code, 0, install.stderr);
    assert.equal((await runCli(["shout", "--bang", "some", "words"])).stdout, "SOME WORDS!\n");
    const templated = await runCli(["-m", "yell", "-t", "shout:pelicans", "--no-log"]);
    assert.equal(templated.stdout, "SAY PELICANS IN A LOUD VOICE\n", templated.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
