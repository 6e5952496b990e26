// @ts-self-types="./_highlight_imports.d.ts"
/**
 * The import table of highlight.js: its core and each language, as literal imports so that `deno compile` and
 * the lockfile see them. It is JavaScript with hand-written types beside it because highlight.js's own types
 * add the DOM library to every type check of the project (`/// <reference lib="dom" />`), which changes the
 * types of Deno's streams. Loaded only through `highlight.ts`.
 * @module
 */

/** Imports highlight.js's core. */
export const loadCore = () => import("npm:highlight.js@^11/lib/core");

/** Imports one language definition, by highlight.js module name. */
export const LANGUAGES = {
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
