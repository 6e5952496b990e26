/**
 * Finding the top-level functions of TypeScript or JavaScript source, for `--functions`: their names, their
 * parameters as written (name, `?`, type annotation, default), and the JSDoc block before each. A small scanner
 * that knows strings, template literals, comments, regular-expression-free code and bracket depth: enough to
 * read function declarations (`function f(...)`, `export async function f(...)`) and arrow or function
 * expressions bound at the top level (`const f = (...) => ...`, `const f = function (...) {...}`). The code
 * itself is checked by Deno when it is imported.
 * @module
 */

/** One parameter as written. */
export interface ScannedParameter {
  /** Its name. */
  name: string;
  /** True for `name?: T`. */
  optional: boolean;
  /** The type annotation's text, if any. */
  type?: string;
  /** The default value's text, if any. */
  defaultText?: string;
  /** For a destructured parameter `{ a, b }: { a: T; b?: U }`: the members of its type literal. */
  members?: ScannedParameter[];
}

/** One top-level function. */
export interface ScannedFunction {
  /** Its name. */
  name: string;
  /** Its parameters, in order. */
  parameters: ScannedParameter[];
  /** The text of its parameter list, as written (for signatures). */
  parameterText: string;
  /** Its return type annotation, if any. */
  returnType?: string;
  /** The JSDoc block just before it, without the comment markers. */
  jsdoc?: string;
}

const OPEN: Record<string, string> = { "(": ")", "[": "]", "{": "}", "<": ">" };

/** The index just past the string, template or comment that starts at `i`, or `i` when none starts there. */
function skipQuoted(src: string, i: number): number {
  const c = src[i];
  if (c === '"' || c === "'") {
    let j = i + 1;
    while (j < src.length && src[j] !== c) j += src[j] === "\\" ? 2 : 1;
    return j + 1;
  }
  if (c === "`") {
    let j = i + 1;
    while (j < src.length && src[j] !== "`") {
      if (src[j] === "\\") j += 2;
      else if (src[j] === "$" && src[j + 1] === "{") j = matching(src, j + 1) + 1;
      else j++;
    }
    return j + 1;
  }
  if (c === "/" && src[i + 1] === "/") {
    const end = src.indexOf("\n", i);
    return end < 0 ? src.length : end;
  }
  if (c === "/" && src[i + 1] === "*") {
    const end = src.indexOf("*/", i + 2);
    return end < 0 ? src.length : end + 2;
  }
  return i;
}

/** The index of the bracket closing the one at `i` (angle brackets only count inside types). */
function matching(src: string, i: number): number {
  const stack: string[] = [OPEN[src[i]]];
  let j = i + 1;
  while (j < src.length && stack.length) {
    const skipped = skipQuoted(src, j);
    if (skipped !== j) {
      j = skipped;
      continue;
    }
    const c = src[j];
    if (c === "=" && src[j + 1] === ">") {
      j += 2;
      continue;
    }
    if (OPEN[c] && (c !== "<" || stack.at(-1) === ">")) stack.push(OPEN[c]);
    else if (c === stack.at(-1)) stack.pop();
    else if (c === ")" || c === "]" || c === "}") stack.pop();
    j++;
  }
  return j - 1;
}

/** Calls `visit(i)` for each index of `text` at bracket depth 0 outside strings and comments; stops at `true`. */
function eachTopLevel(text: string, visit: (i: number) => boolean | void): void {
  let depth = 0;
  for (let i = 0; i < text.length;) {
    const skipped = skipQuoted(text, i);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    const c = text[i];
    if (c === "=" && text[i + 1] === ">") {
      i += 2;
      continue;
    }
    if ("([{<".includes(c)) depth++;
    else if (")]}>".includes(c)) depth--;
    else if (depth === 0 && visit(i)) return;
    i++;
  }
}

/** `text` split at the commas (or semicolons) that are not inside brackets, strings or comments. */
export function splitTopLevel(text: string, separators = ","): string[] {
  const out: string[] = [];
  let start = 0;
  eachTopLevel(text, (i) => {
    if (separators.includes(text[i])) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  });
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter(Boolean);
}

/** The first index of `char` at depth 0 in `text`, or -1 (`=` of `==`, `<=`, `!=` is not an assignment). */
function topLevelIndex(text: string, char: string): number {
  let found = -1;
  eachTopLevel(text, (i) => {
    if (text[i] !== char) return false;
    if (char === "=" && (text[i + 1] === "=" || text[i - 1] === "!" || text[i - 1] === "<")) return false;
    found = i;
    return true;
  });
  return found;
}

/** One parameter's text, read. */
export function scanParameter(text: string): ScannedParameter {
  const eq = topLevelIndex(text, "=");
  const head = (eq < 0 ? text : text.slice(0, eq)).trim();
  const defaultText = eq < 0 ? undefined : text.slice(eq + 1).trim();
  const colon = topLevelIndex(head, ":");
  let name = (colon < 0 ? head : head.slice(0, colon)).trim();
  const type = colon < 0 ? undefined : head.slice(colon + 1).trim();
  const optional = name.endsWith("?");
  if (optional) name = name.slice(0, -1).trim();
  name = name.replace(/^(public|private|protected|readonly)\s+/, "");
  const parameter: ScannedParameter = { name, optional, type, defaultText };
  if (name.startsWith("{") && type?.startsWith("{")) {
    parameter.members = splitTopLevel(type.slice(1, -1), ",;").map(scanParameter);
  }
  return parameter;
}

/** The JSDoc block that ends right before `at` (only whitespace, `export` and the like between). */
function jsdocBefore(src: string, at: number): string | undefined {
  const before = src.slice(0, at).replace(/\s*$/, "");
  if (!before.endsWith("*/")) return undefined;
  const start = before.lastIndexOf("/**");
  if (start < 0) return undefined;
  return before.slice(start + 3, -2).split("\n").map((line) => line.replace(/^\s*\* ?/, "")).join("\n")
    .trim();
}

const DECLARATION =
  /(?:^|[;\n}])[ \t]*((?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*)\(/y;
const BINDING =
  /(?:^|[;\n}])[ \t]*((?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:async\s+)?(?:function\s*\*?\s*[\w$]*\s*)?)\(/y;

/**
 * The top-level functions of `src`, in order.
 *
 * @example
 * ```ts
 * import { scanFunctions } from "./scan.ts";
 * const [add] = scanFunctions("/** Add them. *\/\nfunction add(a: number, b = 2) { return a + b; }");
 * console.log(add.name, add.parameters.map((p) => p.name), add.jsdoc); // add [ "a", "b" ] Add them.
 * ```
 */
export function scanFunctions(src: string): ScannedFunction[] {
  const found: ScannedFunction[] = [];
  let depth = 0;
  for (let i = 0; i < src.length;) {
    const skipped = skipQuoted(src, i);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    const c = src[i];
    if (depth === 0 && (i === 0 || ";\n}".includes(c))) {
      for (const pattern of [DECLARATION, BINDING]) {
        pattern.lastIndex = i;
        const m = pattern.exec(src);
        if (!m) continue;
        const open = pattern.lastIndex - 1;
        const close = matching(src, open);
        const parameterText = src.slice(open + 1, close);
        const after = src.slice(close + 1);
        const ret = /^\s*:\s*([^{=]+?)\s*(?:\{|=>)/.exec(after);
        const declStart = i + m[0].indexOf(m[1]);
        found.push({
          name: m[2],
          parameters: splitTopLevel(parameterText).map(scanParameter),
          parameterText: parameterText.trim(),
          ...(ret ? { returnType: ret[1].trim() } : {}),
          ...(jsdocBefore(src, declStart) !== undefined ? { jsdoc: jsdocBefore(src, declStart) } : {}),
        });
        break;
      }
    }
    if (c === "{" || c === "(" || c === "[") depth++;
    else if (c === "}" || c === ")" || c === "]") depth = Math.max(0, depth - 1);
    i++;
  }
  return found;
}
