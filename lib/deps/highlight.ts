/**
 * The one place that loads `highlight.js`, lazily: its core when the first fenced code block with a known
 * language is rendered on a terminal, and each language when a block of it first appears. Nothing here is
 * loaded for plain text, for piped output or with `NO_COLOR`.
 * @module
 */

import { type HighlightApi, LANGUAGES, loadCore as importCore } from "./_highlight_imports.js";

export type { HighlightApi };

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

function loadCore(): Promise<HighlightApi> {
  core ??= importCore().then((m) => m.default);
  return core;
}

/**
 * Starts loading highlight.js's core without waiting for it (about 40 ms), so that the first code block of a
 * streamed answer does not have to. A failure is left for {@link loadHighlighter} to report.
 */
export function preloadHighlighter(): void {
  loadCore().catch(() => {});
}

/**
 * highlight.js with the language for `language` (a fence's info word: `py`, `typescript`, `sh`) registered
 * under its module name, which it returns; `undefined` when no module is known for it.
 */
export async function loadHighlighter(
  language: string,
): Promise<{ hljs: HighlightApi; language: string } | undefined> {
  const module = highlightModuleFor(language);
  if (!module) return undefined;
  const hljs = await loadCore();
  let done = registered.get(module);
  if (!done) {
    done = LANGUAGES[module]().then((m) => hljs.registerLanguage(module, m.default));
    registered.set(module, done);
  }
  await done;
  return { hljs, language: module };
}
