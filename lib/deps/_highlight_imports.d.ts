/**
 * Types of `_highlight_imports.js`: just the part of highlight.js this project uses.
 * @module
 */

/** A language definition, passed to {@link HighlightApi.registerLanguage}. */
export type LanguageDefinition = (hljs: unknown) => unknown;

/** The part of the highlight.js API this project uses. */
export interface HighlightApi {
  /** Colours `code`; `value` is HTML with `<span class="hljs-...">` around scopes. */
  highlight(code: string, options: { language: string; ignoreIllegals?: boolean }): { value: string };
  /** Makes a language known under `name` (and its own aliases). */
  registerLanguage(name: string, language: LanguageDefinition): void;
}

/** Imports highlight.js's core. */
export declare const loadCore: () => Promise<{ default: HighlightApi }>;

/** Imports one language definition, by highlight.js module name. */
export declare const LANGUAGES: Record<string, () => Promise<{ default: LanguageDefinition }>>;
