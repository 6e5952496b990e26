/**
 * The one place that loads `highlight.js`, lazily: its core when the first fenced code block with a known
 * language is rendered on a terminal, and each language when a block of it first appears. Nothing here is
 * loaded for plain text, for piped output or with `NO_COLOR`.
 * @module
 */

/** The highlight.js API (core, with the languages registered so far). */
export type HighlightApi = typeof import("npm:highlight.js@^11/lib/core").default;

type LanguageModule = Promise<{ default: Parameters<HighlightApi["registerLanguage"]>[1] }>;

/** The languages that can be loaded, by highlight.js module name. Literal imports, so `deno compile` sees them. */
const LANGUAGES: Record<string, () => LanguageModule> = {
  bash: () => import("npm:highlight.js@^11/lib/languages/bash"),
  c: () => import("npm:highlight.js@^11/lib/languages/c"),
  clojure: () => import("npm:highlight.js@^11/lib/languages/clojure"),
  cpp: () => import("npm:highlight.js@^11/lib/languages/cpp"),
  csharp: () => import("npm:highlight.js@^11/lib/languages/csharp"),
  css: () => import("npm:highlight.js@^11/lib/languages/css"),
  dart: () => import("npm:highlight.js@^11/lib/languages/dart"),
  diff: () => import("npm:highlight.js@^11/lib/languages/diff"),
  dockerfile: () => import("npm:highlight.js@^11/lib/languages/dockerfile"),
  elixir: () => import("npm:highlight.js@^11/lib/languages/elixir"),
  erlang: () => import("npm:highlight.js@^11/lib/languages/erlang"),
  go: () => import("npm:highlight.js@^11/lib/languages/go"),
  graphql: () => import("npm:highlight.js@^11/lib/languages/graphql"),
  haskell: () => import("npm:highlight.js@^11/lib/languages/haskell"),
  ini: () => import("npm:highlight.js@^11/lib/languages/ini"),
  java: () => import("npm:highlight.js@^11/lib/languages/java"),
  javascript: () => import("npm:highlight.js@^11/lib/languages/javascript"),
  json: () => import("npm:highlight.js@^11/lib/languages/json"),
  kotlin: () => import("npm:highlight.js@^11/lib/languages/kotlin"),
  latex: () => import("npm:highlight.js@^11/lib/languages/latex"),
  lua: () => import("npm:highlight.js@^11/lib/languages/lua"),
  makefile: () => import("npm:highlight.js@^11/lib/languages/makefile"),
  markdown: () => import("npm:highlight.js@^11/lib/languages/markdown"),
  nginx: () => import("npm:highlight.js@^11/lib/languages/nginx"),
  objectivec: () => import("npm:highlight.js@^11/lib/languages/objectivec"),
  ocaml: () => import("npm:highlight.js@^11/lib/languages/ocaml"),
  perl: () => import("npm:highlight.js@^11/lib/languages/perl"),
  php: () => import("npm:highlight.js@^11/lib/languages/php"),
  powershell: () => import("npm:highlight.js@^11/lib/languages/powershell"),
  python: () => import("npm:highlight.js@^11/lib/languages/python"),
  r: () => import("npm:highlight.js@^11/lib/languages/r"),
  ruby: () => import("npm:highlight.js@^11/lib/languages/ruby"),
  rust: () => import("npm:highlight.js@^11/lib/languages/rust"),
  scala: () => import("npm:highlight.js@^11/lib/languages/scala"),
  scss: () => import("npm:highlight.js@^11/lib/languages/scss"),
  shell: () => import("npm:highlight.js@^11/lib/languages/shell"),
  sql: () => import("npm:highlight.js@^11/lib/languages/sql"),
  swift: () => import("npm:highlight.js@^11/lib/languages/swift"),
  typescript: () => import("npm:highlight.js@^11/lib/languages/typescript"),
  xml: () => import("npm:highlight.js@^11/lib/languages/xml"),
  yaml: () => import("npm:highlight.js@^11/lib/languages/yaml"),
};

/** Names people write after a fence, mapped to a module above (module names map to themselves). */
const ALIASES: Record<string, string> = {
  sh: "bash",
  zsh: "bash",
  shell: "bash",
  shellscript: "bash",
  console: "shell",
  "shell-session": "shell",
  h: "c",
  "c++": "cpp",
  cc: "cpp",
  hpp: "cpp",
  cxx: "cpp",
  cs: "csharp",
  "c#": "csharp",
  docker: "dockerfile",
  ex: "elixir",
  exs: "elixir",
  golang: "go",
  hs: "haskell",
  toml: "ini",
  js: "javascript",
  jsx: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  node: "javascript",
  jsonc: "json",
  json5: "json",
  kt: "kotlin",
  tex: "latex",
  make: "makefile",
  mk: "makefile",
  md: "markdown",
  objc: "objectivec",
  ml: "ocaml",
  pl: "perl",
  ps: "powershell",
  ps1: "powershell",
  pwsh: "powershell",
  py: "python",
  py3: "python",
  python3: "python",
  gyp: "python",
  rb: "ruby",
  rs: "rust",
  ts: "typescript",
  tsx: "typescript",
  mts: "typescript",
  deno: "typescript",
  html: "xml",
  xhtml: "xml",
  svg: "xml",
  plist: "xml",
  yml: "yaml",
  psql: "sql",
  postgres: "sql",
  postgresql: "sql",
  mysql: "sql",
  sqlite: "sql",
};

/** The highlight.js module for a fence's language name, or `undefined` when none is known. */
export function highlightModuleFor(language: string): string | undefined {
  const name = language.toLowerCase();
  const module = ALIASES[name] ?? name;
  return Object.hasOwn(LANGUAGES, module) ? module : undefined;
}

let core: Promise<HighlightApi> | undefined;
const registered = new Map<string, Promise<void>>();

/**
 * highlight.js with the language for `language` (a fence's info word: `py`, `typescript`, `sh`) registered
 * under its module name, which it returns; `undefined` when no module is known for it.
 */
export async function loadHighlighter(
  language: string,
): Promise<{ hljs: HighlightApi; language: string } | undefined> {
  const module = highlightModuleFor(language);
  if (!module) return undefined;
  core ??= import("npm:highlight.js@^11/lib/core").then((m) => m.default);
  const hljs = await core;
  let done = registered.get(module);
  if (!done) {
    done = LANGUAGES[module]().then((m) => hljs.registerLanguage(module, m.default));
    registered.set(module, done);
  }
  await done;
  return { hljs, language: module };
}
