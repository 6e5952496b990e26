/**
 * Tests for lib/user/simple_yaml.ts.
 *
 * Every `expected` value below was produced once by PyYAML 6.0.3 (`yaml.safe_load`, then `json.dumps` with
 * `default=str`) from the same `yaml` text and pasted in as a literal; the tests never run Python. Every error
 * case was checked to be an error for PyYAML too, except the YAML features this reader refuses on purpose
 * (anchors, aliases, tags, `?` keys, merge keys, directives).
 */
import assert from "node:assert/strict";
import { loadYaml } from "./support/npm_yaml.ts";
import { parseSimpleYaml, SimpleYamlError } from "../lib/compat/pyyaml_load.ts";
import { staticImportGraph } from "./support/static_graph.ts";

type ValidCase = { name: string; yaml: string; expected: unknown; npmDiffers?: string };
type ErrorCase = { name: string; yaml: string; line: number; column: number; says: string };

// deno-fmt-ignore
const VALID: ValidCase[] = [
  { name: "llm docs: LocalAI model",
    yaml: "- model_id: orca-openai-compat\n  model_name: orca-mini-3b.ggmlv3\n  api_base: \"http://localhost:8080\"\n",
    expected: [{"model_id":"orca-openai-compat","model_name":"orca-mini-3b.ggmlv3","api_base":"http://localhost:8080"}] },
  { name: "llm docs: OpenRouter model with headers",
    yaml: "- model_id: claude\n  model_name: anthropic/claude-2\n  api_base: \"https://openrouter.ai/api/v1\"\n  api_key_name: openrouter\n  headers:\n    HTTP-Referer: \"https://llm.datasette.io/\"\n    X-Title: LLM\n",
    expected: [{"model_id":"claude","model_name":"anthropic/claude-2","api_base":"https://openrouter.ai/api/v1","api_key_name":"openrouter","headers":{"HTTP-Referer":"https://llm.datasette.io/","X-Title":"LLM"}}] },
  { name: "several models with flags, aliases and comments", npmDiffers: "YAML 1.2 reads yes/off as strings",
    yaml: "# My local models\n- model_id: llama3  # the big one\n  model_name: llama3:70b\n  api_base: http://localhost:11434/v1\n  aliases: [\"l3\", 'llama']\n  supports_tools: true\n  can_stream: false\n  vision: yes\n\n# second\n- model_id: qwen\n  aliases:\n    - q\n    - qw  # short\n  completion: True\n  responses: off\n",
    expected: [{"model_id":"llama3","model_name":"llama3:70b","api_base":"http://localhost:11434/v1","aliases":["l3","llama"],"supports_tools":true,"can_stream":false,"vision":true},{"model_id":"qwen","aliases":["q","qw"],"completion":true,"responses":false}] },
  { name: "nested mappings at several depths",
    yaml: "a:\n  b:\n    c:\n      d: 1\n    e: 2\n  f: 3\ng: 4\n",
    expected: {"a":{"b":{"c":{"d":1},"e":2},"f":3},"g":4} },
  { name: "four-space and one-space indentation",
    yaml: "a:\n    b: 1\n    c:\n     - x\n     - y\n",
    expected: {"a":{"b":1,"c":["x","y"]}} },
  { name: "compact mapping in a list with extra spaces after the dash",
    yaml: "-   a: 1\n    b: 2\n-  c: 3\n",
    expected: [{"a":1,"b":2},{"c":3}] },
  { name: "list as a mapping value at the same indentation",
    yaml: "a:\n- x\n- y\nb: 1\nc:\n  - z\n",
    expected: {"a":["x","y"],"b":1,"c":["z"]} },
  { name: "list value inside a compact mapping, then another key",
    yaml: "- a:\n  - x\n  - y\n  b: 1\n",
    expected: [{"a":["x","y"],"b":1}] },
  { name: "nested lists",
    yaml: "- - a\n  - b\n- - - c\n- d\n",
    expected: [["a","b"],[["c"]],"d"] },
  { name: "empty values",
    yaml: "a:\nb: ~\nc: null\nd: Null\ne: NULL\nf:\n  -\n  - \n  - x\n",
    expected: {"a":null,"b":null,"c":null,"d":null,"e":null,"f":[null,null,"x"]} },
  { name: "YAML 1.1 booleans", npmDiffers: "YAML 1.2 reads yes/no/on/off as strings",
    yaml: "a: yes\nb: No\nc: ON\nd: off\ne: true\nf: False\ng: TRUE\nh: y\ni: n\nj: Yes please\n",
    expected: {"a":true,"b":false,"c":true,"d":false,"e":true,"f":false,"g":true,"h":"y","i":"n","j":"Yes please"} },
  { name: "integers", npmDiffers: "YAML 1.2 reads 017 as 17, 0o17 as 15, and 1_000, 0x_1f, 0b101, 1:30 as strings",
    yaml: "a: 0\nb: -0\nc: +12\nd: 1_000\ne: 0x1F\nf: 0x_1f\ng: 017\nh: 08\ni: 0o17\nj: 0b101\nk: 1:30\nl: -42\nm: 0b\n",
    expected: {"a":0,"b":0,"c":12,"d":1000,"e":31,"f":31,"g":15,"h":"08","i":"0o17","j":5,"k":90,"l":-42,"m":"0b"} },
  { name: "floats", npmDiffers: "YAML 1.2 reads 1e10 as a number, and 1:30.5, 1_000.5 as strings",
    yaml: "a: 1.5\nb: 1.\nc: .5\nd: -1.5e+3\ne: 6.02e+23\nf: 1e10\ng: 1:30.5\nh: 1_000.5\ni: 1.0e10\nj: -0.25\n",
    expected: {"a":1.5,"b":1,"c":0.5,"d":-1500,"e":6.02e+23,"f":"1e10","g":90.5,"h":1000.5,"i":"1.0e10","j":-0.25} },
  { name: "plain strings that look special",
    yaml: "url: http://localhost:8080/v1\ncolon: a:b\npath: C:\\models\\x\nhash: a#b\ndash: -x\nquestion: ?x\nlead: :x\ncomma: x,y\nspaces: a   b\nversion: 1.2.3\ndate: 2024-01-31\nequals: =x\n",
    expected: {"url":"http://localhost:8080/v1","colon":"a:b","path":"C:\\models\\x","hash":"a#b","dash":"-x","question":"?x","lead":":x","comma":"x,y","spaces":"a   b","version":"1.2.3","date":"2024-01-31","equals":"=x"} },
  { name: "comments",
    yaml: "# top\n\na: 1 # trailing\n  # indented comment\nb: # after key\n  c: 2\n#last",
    expected: {"a":1,"b":{"c":2}} },
  { name: "double-quoted escapes",
    yaml: "a: \"tab\\there\"\nb: \"\\u00e9\\x41\\U0001F600\"\nc: \"quote \\\" backslash \\\\ slash \\/\"\nd: \"\\0\\a\\b\\e\\f\\v\\r\\n\"\ne: \"\\N\\_\\L\\P\\ \"\nf: \"# not a comment\"\n",
    expected: {"a":"tab\there","b":"éA😀","c":"quote \" backslash \\ slash /","d":"\u0000\u0007\b\u001b\f\u000b\r\n","e":"    ","f":"# not a comment"} },
  { name: "single-quoted strings",
    yaml: "a: 'it''s'\nb: 'back\\slash \"x\"'\nc: ''\nd: '# not a comment'\ne: 'yes'\n",
    expected: {"a":"it's","b":"back\\slash \"x\"","c":"","d":"# not a comment","e":"yes"} },
  { name: "quoted keys with colons and hashes",
    yaml: "\"a:b\": 1\n'x: y': 2\n\"#\": 3\n\"\": 4\n'yes': 5\n",
    expected: {"a:b":1,"x: y":2,"#":3,"":4,"yes":5} },
  { name: "space before the colon and keys with spaces",
    yaml: "a : b\nkey with spaces: value with spaces\n",
    expected: {"a":"b","key with spaces":"value with spaces"} },
  { name: "multi-line plain scalars fold",
    yaml: "a: one\n  two\n\n  three\n   four\nb: x\n",
    expected: {"a":"one two\nthree four","b":"x"} },
  { name: "plain continuation starting with a dash",
    yaml: "a: b\n  - c\n",
    expected: {"a":"b - c"} },
  { name: "multi-line plain in a list item",
    yaml: "- one\n  two\n- three\n",
    expected: ["one two","three"] },
  { name: "multi-line quoted scalars fold",
    yaml: "a: \"line1\n  line2\n\n  line3 \\\n  cont\"\nb: 'one\n  two\n\n\n  three'\nc: \"trailing   \n  spaces\"\n",
    expected: {"a":"line1 line2\nline3 cont","b":"one two\n\nthree","c":"trailing spaces"} },
  { name: "literal block scalars",
    yaml: "a: |\n  line 1\n\n   indented\n  line 3\nb: |-\n  stripped\n\nc: |+\n  kept\n\n\nd: x\n",
    expected: {"a":"line 1\n\n indented\nline 3\n","b":"stripped","c":"kept\n\n\n","d":"x"} },
  { name: "folded block scalars",
    yaml: "a: >\n  one\n  two\n\n  three\n    more\n  four\nb: >-\n  x\n  y\n",
    expected: {"a":"one two\nthree\n  more\nfour\n","b":"x y"} },
  { name: "block scalar with indentation indicator and header comment",
    yaml: "a: |2 # c\n    two extra\n  base\nb: >+\n  kept\n\n",
    expected: {"a":"  two extra\nbase\n","b":"kept\n\n"} },
  { name: "block scalar in a list and at the end without newline", npmDiffers: "the yaml package adds a line break the text does not have",
    yaml: "- |\n  first\n- >-\n  second\n  part\n- |\n  last",
    expected: ["first\n","second part","last"] },
  { name: "block scalar leading blank lines",
    yaml: "a: |\n\n\n  text\nb: 1\n",
    expected: {"a":"\n\ntext\n","b":1} },
  { name: "empty block scalars",
    yaml: "a: |\nb: >-\nc: |+\n\nd: 1\n",
    expected: {"a":"","b":"","c":"\n","d":1} },
  { name: "flow collections nested",
    yaml: "a: {x: [1, {y: z}], \"q\": 'it''s'}\nb: [ ]\nc: {}\nd: [[], [[]]]\n",
    expected: {"a":{"x":[1,{"y":"z"}],"q":"it's"},"b":[],"c":{},"d":[[],[[]]]} },
  { name: "flow collections over several lines with comments",
    yaml: "aliases: [\n  \"a\",  # first\n  b,\n  c\n]\nh: {\n  x: 1,\n  y: 2,\n}\n",
    expected: {"aliases":["a","b","c"],"h":{"x":1,"y":2}} },
  { name: "flow entries: trailing comma, null values, pairs",
    yaml: "a: [x, y, ]\nb: {p, q: 1, r: }\nc: [k: v, m: [1]]\nd: {\"j\":1}\ne: [a:b]\nf: {a:1}\n",
    expected: {"a":["x","y"],"b":{"p":null,"q":1,"r":null},"c":[{"k":"v"},{"m":[1]}],"d":{"j":1},"e":["a:b"],"f":{"a:1":null}} },
  { name: "flow plain scalars with spaces and special values", npmDiffers: "YAML 1.2 reads yes as a string",
    yaml: "a: [hello world, yes, ~, 0x10, 1.5, \"x, y\"]\n",
    expected: {"a":["hello world",true,null,16,1.5,"x, y"]} },
  { name: "document start marker",
    yaml: "---\na: 1\n",
    expected: {"a":1} },
  { name: "document start marker with a comment and end marker",
    yaml: "--- # models\n- a\n...\n# trailing\n",
    expected: ["a"] },
  { name: "value on the document start line",
    yaml: "--- text\n",
    expected: "text" },
  { name: "flow value on the document start line",
    yaml: "--- [a, b]\n",
    expected: ["a","b"] },
  { name: "block scalar on the document start line",
    yaml: "--- |\n  hello\n",
    expected: "hello\n" },
  { name: "empty document",
    yaml: "",
    expected: null },
  { name: "only comments",
    yaml: "# nothing here\n\n   # indented\n",
    expected: null },
  { name: "only a document start marker",
    yaml: "---\n",
    expected: null },
  { name: "byte order mark and CRLF line ends",
    yaml: "﻿a: 1\r\nb:\r\n  - x\r\n  - \"y\"\r\n",
    expected: {"a":1,"b":["x","y"]} },
  { name: "duplicate keys: the last value wins", npmDiffers: "the yaml package rejects duplicate keys",
    yaml: "a: 1\nb: 2\na: 3\n",
    expected: {"a":3,"b":2} },
  { name: "root scalars",
    yaml: "hello world\n",
    expected: "hello world" },
  { name: "root multi-line plain scalar",
    yaml: "hello\nworld\n\nagain\n",
    expected: "hello world\nagain" },
  { name: "root quoted scalar",
    yaml: "\"x: y\"\n",
    expected: "x: y" },
  { name: "root integer",
    yaml: "42\n",
    expected: 42 },
  { name: "indented root mapping",
    yaml: "  a: 1\n  b: 2\n",
    expected: {"a":1,"b":2} },
  { name: "unicode text",
    yaml: "name: café\nemoji: \"😀\"\n日本: 語\n",
    expected: {"name":"café","emoji":"😀","日本":"語"} },
  { name: "__proto__ is an ordinary key",
    yaml: "__proto__: 1\nconstructor: 2\n",
    expected: JSON.parse("{\"__proto__\":1,\"constructor\":2}") },
  { name: "equals sign as a key",
    yaml: "=: 1\n",
    expected: {"=":1} },
  { name: "comment right after a quoted value", npmDiffers: "the yaml package wants a space before '#'",
    yaml: "a: \"x\"#c\nb: 'y'   # c\n",
    expected: {"a":"x","b":"y"} },
  { name: "trailing spaces after values",
    yaml: "a: x   \nb: \"y\"  \n",
    expected: {"a":"x","b":"y"} },
  { name: "keys that resolve to non-strings", npmDiffers: "the yaml package turns a null key into an empty string",
    yaml: "1: a\n2.5: b\nnull: c\n",
    expected: {"1":"a","2.5":"b","null":"c"} },
  { name: "mapping value on the next line, less indented siblings",
    yaml: "a:\n  b: 1\nc:\nd: 2\n",
    expected: {"a":{"b":1},"c":null,"d":2} },
  { name: "sequence of mappings with nested lists",
    yaml: "- name: x\n  tags: [a, b]\n  opts:\n    - k: 1\n      v: 2\n    - k: 3\n",
    expected: [{"name":"x","tags":["a","b"],"opts":[{"k":1,"v":2},{"k":3}]}] },
  { name: "comment lines inside a block scalar are content",
    yaml: "a: |\n  # not a comment\n  text\n# a comment\nb: 1\n",
    expected: {"a":"# not a comment\ntext\n","b":1} },
  { name: "less indented comment ends a plain scalar",
    yaml: "a: one\n# c\nb: two\n",
    expected: {"a":"one","b":"two"} },
  { name: "tabs inside quotes and after a block scalar's indentation",
    yaml: "a: \"x\ty\"\nb: |\n  \tindented with a tab\n",
    expected: {"a":"x\ty","b":"\tindented with a tab\n"} },
  { name: "special floats as strings when quoted",
    yaml: "a: \".inf\"\nb: '1e3'\n",
    expected: {"a":".inf","b":"1e3"} },
];

// deno-fmt-ignore
const ERRORS: ErrorCase[] = [
  { name: "tab used for indentation", yaml: "a:\n\tb: 1\n", line: 2, column: 1, says: "tabs are not allowed here" },
  { name: "tab after a colon", yaml: "a:\tb\n", line: 1, column: 3, says: "tabs are not allowed here" },
  { name: "tab inside a plain value", yaml: "a: b\tc\n", line: 1, column: 5, says: "tabs are not allowed here" },
  { name: "tab on an otherwise blank line", yaml: "a: 1\n\t\nb: 2\n", line: 2, column: 1, says: "tabs are not allowed here" },
  { name: "anchor", yaml: "a: 1\nb: &x 2\n", line: 2, column: 4, says: "anchors (&) are not supported here" },
  { name: "alias", yaml: "a: 1\nb: *x\n", line: 2, column: 4, says: "aliases (*) are not supported here" },
  { name: "anchor on a key", yaml: "&k a: 1\n", line: 1, column: 1, says: "anchors (&) are not supported here" },
  { name: "tag", yaml: "a: !!str 1\n", line: 1, column: 4, says: "tags (!) are not supported here" },
  { name: "local tag", yaml: "a: !foo x\n", line: 1, column: 4, says: "tags (!) are not supported here" },
  { name: "complex key", yaml: "? a\n: b\n", line: 1, column: 1, says: "complex keys (?) are not supported here" },
  { name: "complex key in flow", yaml: "{? a: b}\n", line: 1, column: 2, says: "complex keys (?) are not supported here" },
  { name: "merge key", yaml: "base: 1\n<<: {a: 1}\n", line: 2, column: 1, says: "merge keys (<<) are not supported here" },
  { name: "merge key in flow", yaml: "x: {<<: {a: 1}}\n", line: 1, column: 5, says: "merge keys (<<) are not supported here" },
  { name: "second document", yaml: "a: 1\n---\nb: 2\n", line: 2, column: 1, says: "only one document is supported here" },
  { name: "content after the document end marker", yaml: "a: 1\n...\nb: 2\n", line: 3, column: 1, says: "only one document is supported here" },
  { name: "directive", yaml: "%YAML 1.1\n---\na: 1\n", line: 1, column: 1, says: "directives (%) are not supported here" },
  { name: "document end marker alone", yaml: "...\n", line: 1, column: 1, says: "expected a value before the document end marker '...'" },
  { name: "more indented key", yaml: "a:\n    b: 1\n  c: 2\n", line: 3, column: 3, says: "bad indentation: this line is indented more than the keys above it" },
  { name: "key indented under a scalar value", yaml: "a: 1\n  b: 2\n", line: 2, column: 4, says: "mapping values are not allowed here" },
  { name: "mapping on one line", yaml: "a: b: c\n", line: 1, column: 5, says: "mapping values are not allowed here" },
  { name: "list on the key line", yaml: "a: - b\n", line: 1, column: 4, says: "a list cannot start on its key's line" },
  { name: "list on the document start line", yaml: "--- - a\n", line: 1, column: 5, says: "a list cannot start on its key's line" },
  { name: "mapping on the document start line", yaml: "--- a: 1\n", line: 1, column: 6, says: "mapping values are not allowed here" },
  { name: "key after list entries at the root", yaml: "- a\nb: 1\n", line: 2, column: 1, says: "expected a list entry ('- ') at this indentation, like the lines above" },
  { name: "list entry after keys", yaml: "a: 1\n- b\n", line: 2, column: 1, says: "a list entry cannot follow 'key: value' lines" },
  { name: "line without a colon in a mapping", yaml: "a: 1\nb\nc: 2\n", line: 2, column: 1, says: "expected 'key: value' here, like the lines above" },
  { name: "list less indented than its entries but more than the key", yaml: "a:\n  - b\n c: 1\n", line: 3, column: 2, says: "bad indentation: this line is indented more than the keys above it" },
  { name: "unterminated double quote", yaml: "a: 1\nb: \"xyz\nc: 2\n", line: 2, column: 4, says: "unterminated string" },
  { name: "unterminated single quote", yaml: "a: 'x\n", line: 1, column: 4, says: "unterminated string" },
  { name: "document marker inside a quoted string", yaml: "x: \"a\n---\nb\"\n", line: 1, column: 4, says: "unterminated string" },
  { name: "unterminated flow sequence", yaml: "a: [1, 2\nb: 3\n", line: 1, column: 8, says: "a mapping key must fit on one line" },
  { name: "unterminated flow mapping", yaml: "a:\n  b: {c: 1\n", line: 2, column: 6, says: "unterminated '{'" },
  { name: "empty flow entry", yaml: "a: [x, , y]\n", line: 1, column: 8, says: "expected a value before ','" },
  { name: "missing comma in flow mapping", yaml: "a: {b: 1 c: 2}\n", line: 1, column: 11, says: "expected ',' or '}' after the entry" },
  { name: "unknown escape", yaml: "a: 1\nb: \"\\q\"\n", line: 2, column: 5, says: "unknown escape '\\q' in double quotes" },
  { name: "short hex escape", yaml: "a: \"\\x4\"\n", line: 1, column: 5, says: "unknown escape '\\x' in double quotes" },
  { name: "text after a quoted value", yaml: "a: \"x\" y\n", line: 1, column: 8, says: "unexpected 'y' here" },
  { name: "key over two lines", yaml: "\"multi\n line\": 1\n", line: 1, column: 1, says: "a mapping key must fit on one line" },
  { name: "reserved character @", yaml: "a: @x\n", line: 1, column: 4, says: "'@' cannot start a plain value" },
  { name: "reserved character backtick", yaml: "a: `x`\n", line: 1, column: 4, says: "'`' cannot start a plain value" },
  { name: "bad block scalar header", yaml: "a: |x\n  y\n", line: 1, column: 5, says: "expected '+', '-' or an indentation digit 1-9 after '|' or '>', not 'x'" },
  { name: "closing bracket as a value", yaml: "a: ]\n", line: 1, column: 4, says: "expected a value before ']'" },
  { name: "missing key", yaml: ": x\n", line: 1, column: 1, says: "a mapping key is missing before ':'" },
  { name: "flow collection as a key", yaml: "[a]: b\n", line: 1, column: 1, says: "a list or mapping cannot be a key here" },
  { name: "block entry inside flow", yaml: "a: [- b]\n", line: 1, column: 5, says: "write lists inside [ ] as [a, b], without '- '" },
  { name: "two root values", yaml: "\"x\"\n\"y\"\n", line: 2, column: 1, says: "unexpected content after the document's value" },
  { name: "anchor in a flow list", yaml: "a: [&x 1]\n", line: 1, column: 5, says: "anchors (&) are not supported here" },
  { name: "tab before a block scalar line", yaml: "a: |\n  x\n\t y\n", line: 3, column: 1, says: "tabs are not allowed here" },
];

function errorOf(text: string, source?: string): SimpleYamlError {
  try {
    parseSimpleYaml(text, source);
  } catch (error) {
    if (error instanceof SimpleYamlError) return error;
    throw error;
  }
  throw new assert.AssertionError({ message: `expected a SimpleYamlError for ${JSON.stringify(text)}` });
}

for (const c of VALID) {
  Deno.test(`parseSimpleYaml: ${c.name}`, () => {
    assert.deepEqual(parseSimpleYaml(c.yaml), c.expected);
  });
}

for (const c of ERRORS) {
  Deno.test(`parseSimpleYaml rejects ${c.name} (line ${c.line})`, () => {
    const error = errorOf(c.yaml, "f.yaml");
    assert.equal(error.name, "SimpleYamlError");
    assert.equal(error.source, "f.yaml");
    assert.deepEqual([error.line, error.column], [c.line, c.column]);
    assert.ok(
      error.message.startsWith(`f.yaml line ${c.line}: ${c.says}`),
      `unexpected message: ${error.message}`,
    );
    assert.ok(!error.message.endsWith("."), "messages end without a period");
  });
}

Deno.test("parseSimpleYaml agrees with the yaml package wherever YAML 1.1 and 1.2 agree", async () => {
  const yaml = await loadYaml();
  const compared = VALID.filter((c) => !c.npmDiffers);
  assert.ok(compared.length >= 40, `only ${compared.length} cases compared`);
  for (const c of compared) {
    assert.deepEqual(parseSimpleYaml(c.yaml), yaml.parse(c.yaml), c.name);
  }
});

Deno.test("parseSimpleYaml reads infinities, NaN and negative zero", () => {
  const value = parseSimpleYaml("a: .inf\nb: -.Inf\nc: +.INF\nd: .NaN\ne: -0.0\nf: [.nan]\n") as Record<
    string,
    unknown
  >;
  assert.equal(value.a, Infinity);
  assert.equal(value.b, -Infinity);
  assert.equal(value.c, Infinity);
  assert.ok(Number.isNaN(value.d));
  assert.ok(Object.is(value.e, -0));
  assert.ok(Number.isNaN((value.f as unknown[])[0]));
});

Deno.test("parseSimpleYaml names the file and line of an unsupported feature", () => {
  const text = "- model_id: a\n  model_name: b\n- model_id: c\n  headers: &shared\n    X-Title: LLM\n";
  const error = errorOf(text, "extra-openai-models.yaml");
  assert.equal(
    error.message,
    "extra-openai-models.yaml line 4: anchors (&) are not supported here; use plain mappings and lists",
  );
  assert.deepEqual([error.line, error.column], [4, 12]);
  assert.ok(errorOf("a: *x\n").message.startsWith("YAML text line 1: aliases (*)"));
});

Deno.test("parseSimpleYaml keeps __proto__ as data and a repeated key in its first place", () => {
  const value = parseSimpleYaml('__proto__: {polluted: true}\nb: 1\n"__proto__": 2\n') as Record<
    string,
    unknown
  >;
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
  assert.deepEqual(Object.keys(value), ["__proto__", "b"]);
  assert.equal(Object.getOwnPropertyDescriptor(value, "__proto__")?.value, 2);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  const list = parseSimpleYaml("[__proto__: 1]") as Record<string, unknown>[];
  assert.equal(Object.getOwnPropertyDescriptor(list[0], "__proto__")?.value, 1);
});

Deno.test("parseSimpleYaml reads a large models file quickly", () => {
  const entry = (i: number) =>
    `- model_id: m${i}\n  model_name: "org/model-${i}"\n  api_base: http://localhost:${8000 + i}/v1\n` +
    `  aliases: [a${i}, "b${i}"]\n  headers:\n    X-Title: LLM # comment\n  supports_tools: yes\n`;
  const text = Array.from({ length: 2000 }, (_, i) => entry(i)).join("\n");
  const started = performance.now();
  const models = parseSimpleYaml(text) as Record<string, unknown>[];
  const elapsed = performance.now() - started;
  assert.equal(models.length, 2000);
  assert.deepEqual(models[1999], {
    model_id: "m1999",
    model_name: "org/model-1999",
    api_base: "http://localhost:9999/v1",
    aliases: ["a1999", "b1999"],
    headers: { "X-Title": "LLM" },
    supports_tools: true,
  });
  assert.ok(elapsed < 2000, `took ${elapsed} ms`);
});

Deno.test("the YAML reader loads no npm package: its static import graph is our own files", async () => {
  const { modules, dynamicImports } = await staticImportGraph(
    new URL("../lib/compat/pyyaml_load.ts", import.meta.url),
  );
  for (const module of modules) assert.ok(module.startsWith("file:"), module);
  assert.deepEqual([...dynamicImports], []);
  const source = await Deno.readTextFile(new URL("../lib/compat/pyyaml_load.ts", import.meta.url));
  assert.ok(!source.includes("npm:"), "the reader must not mention npm: specifiers");
});
