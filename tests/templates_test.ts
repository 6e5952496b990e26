/**
 * The template library: `string.Template` substitution, field checks, evaluate/apply (Python llm's cases),
 * loading by name, path, URL and plugin prefix, and the YAML `--save` writes.
 */
import assert from "node:assert/strict";
import { templateLoaderRegistry } from "../lib/loaders/registries.ts";
import { join } from "node:path";
import { InvalidPlaceholderError, substitute, templateVariables } from "../lib/compat/string_template.ts";
import { InvalidTemplateError, MissingVariablesError, Template } from "../lib/templates/template.ts";
import { loadTemplate, NoSuchTemplateError, TemplateLoadError } from "../lib/templates/load.ts";
import { hasPluginPrefix, pluginReference, PrefixRegistry } from "../lib/loaders/prefix_registry.ts";
import { saveTemplateFile, templateYaml } from "../lib/templates/save.ts";
import { tempUserDir } from "./support/env.ts";

Deno.test("substitute and templateVariables follow Python's string.Template", () => {
  assert.deepEqual(templateVariables("$a ${b} $$c $a $_x1 $1"), ["a", "b", "_x1"]);
  assert.equal(substitute("$one and $$2, ${two}x", { one: 1, two: "2" }), "1 and $2, 2x");
  assert.equal(
    substitute("$t $f $n $l $d", { t: true, f: 1.5, n: null, l: [1, "a"], d: { k: 1 } }),
    "True 1.5 None [1, 'a'] {'k': 1}",
  );
  assert.throws(() => substitute("ok\nprice: $5", {}), (e: unknown) => {
    assert.ok(e instanceof InvalidPlaceholderError);
    assert.deepEqual([e.line, e.column], [2, 8]);
    return true;
  });
});

Deno.test("Template.evaluate: Python llm's table of cases", () => {
  const cases: [
    string,
    string | undefined,
    Record<string, unknown> | undefined,
    Record<string, string>,
    string?,
    string?,
    string?,
  ][] = [
    ["S: $input", undefined, undefined, {}, "S: input", undefined],
    ["S: $input", "system", undefined, {}, "S: input", "system"],
    ["No vars", undefined, undefined, {}, "No vars", undefined],
    ["$one and $two", undefined, undefined, {}, undefined, undefined, "Missing variables: one, two"],
    ["$one and $two", undefined, undefined, { one: "1", two: "2" }, "1 and 2", undefined],
    ["$one and $two", undefined, { one: 1 }, { two: "2" }, "1 and 2", undefined],
    ["$one and $$2", undefined, undefined, { one: "1" }, "1 and $2", undefined],
    ["$one and $two", undefined, { one: 99 }, { one: "1", two: "2" }, "1 and 2", undefined],
  ];
  for (const [prompt, system, defaults, params, wantPrompt, wantSystem, error] of cases) {
    const t = Template.fromData("t", { prompt, system, defaults });
    if (error) {
      assert.throws(
        () => t.evaluate("input", params),
        (e: unknown) => e instanceof MissingVariablesError && e.message === error,
      );
    } else {
      assert.deepEqual(t.evaluate("input", params), { prompt: wantPrompt, system: wantSystem });
    }
  }
  // No prompt: the input is the prompt and the system is filled in.
  assert.deepEqual(Template.fromData("s", { system: "Be $x" }).evaluate("in", { x: "y" }), {
    prompt: "in",
    system: "Be y",
  });
});

Deno.test("Template.apply: $input, appending, -s wins, system-only", () => {
  const withInput = Template.fromData("a", { prompt: "Sum: $input", system: "sys" });
  assert.deepEqual(withInput.apply("text", undefined, {}), { prompt: "Sum: text", system: "sys" });
  assert.deepEqual(withInput.apply("text", "mine", {}), { prompt: "Sum: text", system: "mine" });
  const plain = Template.fromData("b", "boo");
  assert.deepEqual(plain.apply("Input text", "custom", {}), { prompt: "boo\nInput text", system: "custom" });
  assert.deepEqual(plain.apply(undefined, undefined, {}), { prompt: "boo", system: undefined });
  const systemOnly = Template.fromData("c", { system: "Summarize this" });
  assert.deepEqual(systemOnly.apply("Input text", undefined, {}), {
    prompt: "Input text",
    system: "Summarize this",
  });
  assert.deepEqual(
    Template.fromData("d", { prompt: "Say $hello" }).apply("Input", undefined, { hello: "Blah" }),
    {
      prompt: "Say Blah\nInput",
      system: undefined,
    },
  );
});

Deno.test("Template.fromData checks fields like Python llm's pydantic model", () => {
  const t = Template.fromData("x", {
    name: "ignored",
    prompt: "p",
    extract: "yes",
    extract_last: null,
    fragments: ["a"],
    attachment_types: [{ type: "image/png", value: "x.png" }],
  });
  assert.equal(t.name, "x");
  assert.deepEqual(t.data, {
    prompt: "p",
    extract: true,
    fragments: ["a"],
    attachment_types: [{ type: "image/png", value: "x.png" }],
  });
  assert.deepEqual(t.toJSON(), {
    name: "x",
    ...t.data,
    attachment_types: t.data.attachment_types,
    extract: true,
  });
  assert.throws(
    () =>
      Template.fromData("bad", { prompt: 5, system2: "x", fragments: "a", options: [], extract: "maybe" }),
    (e: unknown) => {
      assert.ok(e instanceof InvalidTemplateError);
      assert.deepEqual(e.problems.map((p) => p.field), [
        "prompt",
        "system2",
        "fragments",
        "options",
        "extract",
      ]);
      assert.match(
        e.message,
        /^Template 'bad' is invalid:\nprompt\n {2}Input should be a valid string\nsystem2\n/,
      );
      return true;
    },
  );
  assert.throws(() => Template.fromData("list", [1, 2]), InvalidTemplateError);
  assert.throws(() => Template.fromData("empty", null), InvalidTemplateError);
});

Deno.test("prefix registry: duplicate prefixes get _1, lookup hooks run, paths win over prefixes", async () => {
  const reg = new PrefixRegistry<string>();
  let hooked = 0;
  reg.beforeLookup(() => {
    hooked++;
  });
  assert.equal(reg.register("gh", "a", "first"), "gh");
  assert.equal(reg.register("gh", "b"), "gh_1");
  assert.equal(reg.register("gh", "c"), "gh_2");
  assert.deepEqual((await reg.entries()).map((e) => [e.prefix, e.loader]), [["gh", "a"], ["gh_1", "b"], [
    "gh_2",
    "c",
  ]]);
  assert.equal((await reg.get("gh_1"))?.loader, "b");
  assert.equal(hooked, 2);
  assert.ok(hasPluginPrefix("a-b_1:rest") && !hasPluginPrefix("a.b:rest") && !hasPluginPrefix(":x"));
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "doc:v2.md");
    await Deno.writeTextFile(file, "x");
    assert.deepEqual(pluginReference("doc:v2.md"), { prefix: "doc", rest: "v2.md" });
    assert.equal(pluginReference(file), undefined); // an absolute path has no prefix
    const cwd = Deno.cwd();
    Deno.chdir(dir);
    try {
      assert.equal(pluginReference("doc:v2.md"), undefined); // the file exists
    } finally {
      Deno.chdir(cwd);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadTemplate: by name, by path, from a URL, through a loader; errors say what failed", async () => {
  await using dir = await tempUserDir();
  const templates = join(dir.path, "templates");
  await Deno.mkdir(templates, { recursive: true });
  await Deno.writeTextFile(
    join(templates, "named.yaml"),
    "prompt: hi $input\nfunctions: 'def f(): pass'\nextract: yes\n",
  );
  const named = await loadTemplate("named");
  assert.deepEqual(named.data, { prompt: "hi $input", functions: "def f(): pass", extract: true });
  assert.equal(named.functionsTrusted, true);
  const byPath = await loadTemplate(join(templates, "named.yaml"));
  assert.equal(byPath.name, join(templates, "named.yaml"));
  assert.equal(byPath.functionsTrusted, true);

  await assert.rejects(loadTemplate("missing"), NoSuchTemplateError);
  await Deno.writeTextFile(join(templates, "broken.yaml"), "prompt: 'unclosed\n");
  await assert.rejects(loadTemplate("broken"), (e: unknown) => {
    assert.ok(e instanceof TemplateLoadError);
    assert.ok(
      e.message.startsWith(`Invalid YAML in template ${join(templates, "broken.yaml")}: `),
      e.message,
    );
    return true;
  });

  const web = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response("system: from the web\nfunctions: 'def g(): pass'\n"),
  );
  try {
    const fromUrl = await loadTemplate(`http://127.0.0.1:${web.addr.port}/x.yaml`);
    assert.deepEqual(fromUrl.data, { system: "from the web", functions: "def g(): pass" });
    assert.equal(fromUrl.functionsTrusted, false);
  } finally {
    await web.shutdown();
  }

  templateLoaderRegistry.register("t1", (rest) => ({ name: `t1-${rest}`, prompt: rest }), "Doc");
  templateLoaderRegistry.register("t2", () => {
    throw new Error("boom");
  });
  try {
    assert.deepEqual((await templateLoaderRegistry.entries()).map((e) => e.prefix), ["t1", "t2"]);
    const loaded = await loadTemplate("t1:abc");
    assert.deepEqual([loaded.name, loaded.data.prompt, loaded.functionsTrusted], ["t1-abc", "abc", false]);
    await assert.rejects(loadTemplate("t2:x"), /TemplateLoadError: Could not load template t2:x: boom$/);
    await assert.rejects(loadTemplate("t3:x"), /Unknown template prefix: t3/);
  } finally {
    templateLoaderRegistry.unregister("t1");
    templateLoaderRegistry.unregister("t2");
  }
});

Deno.test("--save YAML: Python llm's key order, PyYAML-safe quoting, read back to the same data", async () => {
  const data = {
    options: { temperature: 0.5 },
    prompt: "Line one\nline two: $input",
    model: "gpt-4o",
    system: "no",
    defaults: { n: "007" },
    fragments: ["a.txt"],
  };
  const text = templateYaml(data);
  assert.deepEqual(text.split("\n").filter((l) => /^\w/.test(l)).map((l) => l.split(":")[0]), [
    "model",
    "prompt",
    "system",
    "defaults",
    "fragments",
    "options",
  ]);
  assert.match(text, /^system: 'no'$/m);
  // PyYAML's indent=4, as Python llm's --save writes it (yaml.safe_dump(..., indent=4)).
  assert.match(text, /^ {4}n: '007'$/m);
  const { parseTemplateYaml } = await import("../lib/templates/load.ts");
  assert.deepEqual((await parseTemplateYaml("t", text, "t.yaml")).data, data);
  assert.deepEqual((await parseTemplateYaml("t", "defaults: {y: n, on: off}\n", "t.yaml")).data.defaults, {
    y: "n",
    true: false,
  });

  await using dir = await tempUserDir();
  const path = await saveTemplateFile("mine", data);
  assert.equal(path, join(dir.path, "templates", "mine.yaml"));
  assert.deepEqual((await loadTemplate("mine")).data, data);
  await assert.rejects(saveTemplateFile("a/b", data), /cannot be used/);
});
