import assert from "node:assert/strict";
import { cliErrorMessage } from "../lib/cli/error_messages.ts";
import { join } from "node:path";
import { getKey, getModel, loadKeys, NeedsKeyError, setKey, userDir } from "../mod.ts";
import { setEnv, tempUserDir } from "./support/env.ts";

Deno.test("setKey writes keys.json with Python llm's note and mode 0600", async () => {
  await using dir = await tempUserDir();
  setKey("openai", "sk-one");
  setKey("other", "sk-two");
  const path = join(dir.path, "keys.json");
  assert.deepEqual(JSON.parse(await Deno.readTextFile(path)), {
    "// Note": "This file stores secret API credentials. Do not share!",
    openai: "sk-one",
    other: "sk-two",
  });
  assert.ok((await Deno.readTextFile(path)).endsWith("}\n"));
  if (Deno.build.os !== "windows") assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  assert.deepEqual(loadKeys(), { openai: "sk-one", other: "sk-two" });
});

Deno.test("setKey replaces a keys.json that is not valid JSON", async () => {
  await using dir = await tempUserDir();
  await Deno.writeTextFile(join(dir.path, "keys.json"), "{not json");
  setKey("openai", "sk-x");
  assert.deepEqual(loadKeys(), { openai: "sk-x" });
});

Deno.test("key order: an explicit key naming a stored key, the explicit key, keys.json, then the environment", async () => {
  await using _dir = await tempUserDir({ OPENAI_API_KEY: "sk-env" });
  assert.equal(getKey({ alias: "openai", envVar: "OPENAI_API_KEY" }), "sk-env");
  setKey("openai", "sk-stored");
  setKey("work", "sk-work");
  assert.equal(getKey({ alias: "openai", envVar: "OPENAI_API_KEY" }), "sk-stored");
  assert.equal(getKey({ explicit: "sk-literal", alias: "openai", envVar: "OPENAI_API_KEY" }), "sk-literal");
  assert.equal(getKey({ explicit: "work", alias: "openai", envVar: "OPENAI_API_KEY" }), "sk-work");
  assert.equal(getKey({ alias: "missing" }), undefined);
});

Deno.test("model.key and the key option feed the same order", async () => {
  await using _dir = await tempUserDir({ OPENAI_API_KEY: "sk-env" });
  setKey("work", "sk-work");
  const model = getModel("gpt-4o-mini");
  try {
    assert.equal(model.resolveKey(), "sk-env");
    model.key = "work";
    assert.equal(model.resolveKey(), "sk-work");
    assert.equal(model.resolveKey("sk-given"), "sk-given");
  } finally {
    model.key = undefined;
  }
});

Deno.test("a missing key raises NeedsKeyError that says how to set it", async () => {
  await using _dir = await tempUserDir();
  const model = getModel("gpt-4o-mini");
  assert.throws(() => model.resolveKey(), (error: unknown) => {
    assert.ok(error instanceof NeedsKeyError);
    // The library says what to do in its own terms; the CLI words it as Python llm does.
    assert.equal(
      error.message,
      "No key found for 'openai': give one as the key option, store it in keys.json, or set the " +
        "OPENAI_API_KEY environment variable",
    );
    assert.equal(
      cliErrorMessage(error),
      "No key found - add one using 'llm keys set openai' or set the OPENAI_API_KEY environment variable",
    );
    return true;
  });
});

Deno.test("the user directory is LLM_USER_PATH, else the platform default Python llm uses", () => {
  const restore = setEnv({ LLM_USER_PATH: "/tmp/somewhere", HOME: "/home/pat", XDG_CONFIG_HOME: undefined });
  try {
    assert.equal(userDir(), "/tmp/somewhere");
    Deno.env.delete("LLM_USER_PATH");
    const expected = {
      linux: "/home/pat/.config/io.datasette.llm",
      darwin: "/home/pat/Library/Application Support/io.datasette.llm",
    }[Deno.build.os as string];
    if (expected) assert.equal(userDir(), expected);
    if (Deno.build.os === "linux") {
      Deno.env.set("XDG_CONFIG_HOME", "/xdg");
      assert.equal(userDir(), "/xdg/io.datasette.llm");
    }
  } finally {
    restore();
  }
});
