import { strictEqual as assertStrictEquals } from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath as fromFileUrl } from "node:url";
import { queryLogs, type QueryLogsOptions } from "../lib/logs/query/query_logs.ts";
import { renderLogs, type RenderLogsOptions } from "../lib/cli/logs_render/output.ts";
import { parseJson } from "../lib/compat/json_value.ts";
import { truncateString } from "../lib/compat/python_text.ts";
import { extractCodeBlock, maybeFencedCode } from "../lib/cli/logs_render/code_blocks.ts";
import { dumpYaml } from "../lib/compat/pyyaml_dump.ts";
import { pythonJsonDumps } from "../lib/compat/python_json.ts";

const PY = fromFileUrl(new URL("./fixtures/python-llm-0.32/", import.meta.url));
const CASES = fromFileUrl(new URL("./fixtures/logs-query/", import.meta.url));

interface Case {
  name: string;
  args: string[];
  query: QueryLogsOptions;
  render: RenderLogsOptions;
  exit: number;
  stderr?: string;
}

/** Opens a copy of a fixture database in a temp dir; the caller closes it and removes the dir. */
async function openCopy(path: string): Promise<{ db: DatabaseSync; dir: string }> {
  const dir = await Deno.makeTempDir();
  await Deno.copyFile(path, `${dir}/logs.db`);
  return { db: new DatabaseSync(`${dir}/logs.db`), dir };
}

/** What the CLI would print: stdout, or `Error: ...` on stderr. */
function run(db: DatabaseSync, query: QueryLogsOptions, render: RenderLogsOptions): string {
  try {
    return renderLogs(queryLogs(db, query), render);
  } catch (error) {
    return `Error: ${(error as Error).message}\n`;
  }
}

// The Responses models' boilerplate entry the fixture's condensed payload refers to
const RESPONSES_REPLACEMENTS = parseJson(
  '{"message_completed": {"role": "assistant", "status": "completed", "type": "message", "phase": "final_answer"}}',
) as Record<string, never>;

Deno.test("the four outputs Python llm 0.32 recorded for its own logs.db are reproduced byte for byte", async () => {
  const { db, dir } = await openCopy(`${PY}logs.db`);
  try {
    const rows = queryLogs(db, {
      count: 0,
      jsonReplacements: (model) => (model === "gpt-5.6-luna" ? RESPONSES_REPLACEMENTS : null),
    });
    const expect = (file: string) => Deno.readTextFileSync(PY + file);
    assertStrictEquals(renderLogs(rows), expect("logs-list.md"));
    assertStrictEquals(renderLogs(rows, { json: true }), expect("logs-list.json"));
    assertStrictEquals(renderLogs(rows, { short: true }), expect("logs-list-short.yaml"));
    assertStrictEquals(renderLogs(rows, { usage: true }), expect("logs-list-usage.md"));
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a payload condensed against a model's boilerplate reads as null when the model is unknown", async () => {
  const { db, dir } = await openCopy(`${PY}logs.db`);
  try {
    const row = queryLogs(db, { ids: ["01m8ar7x55vg17v9851vgjb57x"] })[0];
    assertStrictEquals(row.response_json, null);
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});

const cases: Case[] = JSON.parse(Deno.readTextFileSync(`${CASES}cases.json`));
for (const c of cases) {
  Deno.test(`llm logs ${c.args.join(" ")} prints what Python llm 0.32 printed (${c.name})`, async () => {
    const { db, dir } = await openCopy(`${CASES}logs.db`);
    try {
      const expected = c.exit === 0 ? Deno.readTextFileSync(`${CASES}${c.name}.out`) : c.stderr;
      assertStrictEquals(run(db, c.query, c.render), expected);
    } finally {
      db.close();
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("extractCodeBlock finds the first or last fence, matching fence lengths and line starts", () => {
  const text = "intro\n```python\nfirst()\n```\nmid\n````\nhas ``` inside\n````  \nend";
  assertStrictEquals(extractCodeBlock(text), "first()\n");
  assertStrictEquals(extractCodeBlock(text, true), "has ``` inside\n");
  assertStrictEquals(extractCodeBlock("no code here"), null);
  // A fence must start a line; "\r" is not a line start, as in Python
  assertStrictEquals(extractCodeBlock("x ```\ny\n```"), null);
  assertStrictEquals(extractCodeBlock("```\na\r```\nb\n```"), "a\r```\nb\n");
  assertStrictEquals(extractCodeBlock("```ünï\ncode\n```"), "code\n");
});

Deno.test("maybeFencedCode fences code-like fragments only", () => {
  assertStrictEquals(maybeFencedCode("plain words"), "plain words");
  assertStrictEquals(maybeFencedCode("a\nb\nc\nd\n"), "\n```\na\nb\nc\nd\n```");
  assertStrictEquals(maybeFencedCode("<".repeat(11) + "```"), "\n````\n" + "<".repeat(11) + "```\n````");
});

Deno.test("pythonJsonDumps spells values as Python's json.dumps", () => {
  const value = parseJson(
    '{"f": 1.0, "e": 1e-7, "big": 12345678901234567890, "s": "café \\ud83d\\ude00", "l": []}',
  );
  assertStrictEquals(
    pythonJsonDumps(value),
    '{"f": 1.0, "e": 1e-07, "big": 12345678901234567890, "s": "caf\\u00e9 \\ud83d\\ude00", "l": []}',
  );
  assertStrictEquals(
    pythonJsonDumps({ a: { b: [1, {}] } }, { indent: 2 }),
    '{\n  "a": {\n    "b": [\n      1,\n      {}\n    ]\n  }\n}',
  );
  assertStrictEquals(pythonJsonDumps(parseJson("[1.5, 1e16, 0.0001, 16]")), "[1.5, 1e+16, 0.0001, 16]");
});

Deno.test("truncateString counts code points and keeps both ends when asked", () => {
  assertStrictEquals(truncateString("a".repeat(101)), "a".repeat(97) + "...");
  assertStrictEquals(truncateString("😀".repeat(100)), "😀".repeat(100));
  assertStrictEquals(truncateString("x\t\ny  z", 100, { normalizeWhitespace: true }), "x y z");
  assertStrictEquals(truncateString("abcdefghijklmnop", 11, { keepEnd: true }), "abc... nop");
});

// Expected texts were printed by PyYAML 6.0.3's yaml.dump(value, sort_keys=False) for these values
const YAML_CASES: Array<[unknown, string]> = [
  [[{ a: "" }], "- a: ''\n"],
  [
    [{ a: "yes", b: "No", c: "null", d: "~", e: "1.5", f: "0x1F", g: "2024-01-02", h: "=", i: "<<" }],
    "- a: 'yes'\n  b: 'No'\n  c: 'null'\n  d: '~'\n  e: '1.5'\n  f: '0x1F'\n  g: '2024-01-02'\n  h: '='\n  i: '<<'\n",
  ],
  [
    [{ a: "1e5", b: "12:30", c: "-", d: "- x", e: "a: b", f: "a #b", g: "#x", h: "it's", i: " lead" }],
    "- a: 1e5\n  b: '12:30'\n  c: '-'\n  d: '- x'\n  e: 'a: b'\n  f: 'a #b'\n  g: '#x'\n  h: it's\n  i: ' lead'\n",
  ],
  [
    [{ a: "tab\there", b: "é", c: "😀", d: "line\nbreak", e: "trail ", f: "x\u0085y" }],
    '- a: "tab\\there"\n  b: "\\xE9"\n  c: "\\U0001F600"\n  d: \'line\n\n    break\'\n  e: \'trail \'\n  f: "x\\Ny"\n',
  ],
  [
    [{
      usage: { input: 8, output: null, details: { ok: true, r: 1.5, big: parseJson("1e17"), l: [], o: {} } },
    }],
    "- usage:\n    input: 8\n    output: null\n    details:\n      ok: true\n      r: 1.5\n      big: 1.0e+17\n      l: []\n      o: {}\n",
  ],
];

Deno.test("dumpYaml prints what PyYAML prints", () => {
  for (const [value, expected] of YAML_CASES) assertStrictEquals(dumpYaml(value as never), expected);
});

Deno.test("dumpYaml folds long scalars at 80 columns like PyYAML", () => {
  const words = Array.from({ length: 30 }, (_, i) => `w${i}`).join(" ");
  assertStrictEquals(
    dumpYaml([{ prompt: words, q: "'" + words, dq: "é " + words }]),
    "- prompt: w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w17 w18 w19 w20\n" +
      "    w21 w22 w23 w24 w25 w26 w27 w28 w29\n" +
      "  q: '''w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w17 w18 w19 w20\n" +
      "    w21 w22 w23 w24 w25 w26 w27 w28 w29'\n" +
      '  dq: "\\xE9 w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w17 w18 w19\\\n' +
      '    \\ w20 w21 w22 w23 w24 w25 w26 w27 w28 w29"\n',
  );
});

Deno.test("dumpYaml matches PyYAML on 150 generated awkward strings (as values, list items and keys)", () => {
  const recorded: Array<[never, string]> = JSON.parse(Deno.readTextFileSync(`${CASES}yaml-pyyaml.json`));
  for (const [value, expected] of recorded) assertStrictEquals(dumpYaml(value), expected);
});
