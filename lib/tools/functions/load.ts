/**
 * `--functions CODE|FILE`: every top-level function of TypeScript or JavaScript code becomes a tool, its JSDoc
 * the description and its parameters' annotations the JSON Schema (see `schema.ts`). Functions whose names
 * start with `_` are left out, as Python `llm` leaves them out. The code runs as a module (Deno checks and
 * transpiles it); a file's code is imported from a copy beside it, so its own relative imports still work.
 * @module
 */
import { FunctionsError } from "./errors.ts";
import type { Tool } from "../../models/tool_spec.ts";
import { defineTool } from "../define.ts";
import { jsdocDescription, jsdocParamTypes, objectSchema } from "./schema.ts";
import { scanFunctions, type ScannedFunction } from "./scan.ts";

export { FunctionsError } from "./errors.ts";

const CODE_FILE = /\.(ts|mts|js|mjs|tsx|jsx)$/;

/** A `--functions` tool, with the signature `llm tools list` prints. */
export interface FunctionTool extends Tool {
  /** `name(a: number, b = 2): number`, as written. */
  signature: string;
}

/** The code of one `--functions` value: the value itself, or the contents of the `.ts`/`.js` file it names. */
export async function readFunctionsSource(value: string): Promise<{ code: string; path?: string }> {
  if (!CODE_FILE.test(value.trim()) || value.includes("\n")) return { code: value };
  try {
    return { code: await Deno.readTextFile(value), path: value };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new FunctionsError(`File not found: ${value}`);
    throw new FunctionsError(`Cannot read --functions file ${value}: ${(error as Error).message}`);
  }
}

async function importCode(
  code: string,
  names: string[],
  path: string | undefined,
): Promise<Record<string, unknown>> {
  const extension = path ? /\.(\w+)$/.exec(path)![1] : "ts";
  const exports = `\nexport { ${names.join(", ")} };\n`;
  // Line for line the code as written (only `export ` words go), so errors point at the user's lines.
  const source = code.replace(/^([ \t]*)export\s+(?=(async\s+)?function|const|let|var)/gm, "$1") + exports;
  const dir = path
    ? await Deno.makeTempDir({
      dir: path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".",
      prefix: ".llm-functions-",
    })
      .catch(() => Deno.makeTempDir({ prefix: "llm-functions-" }))
    : await Deno.makeTempDir({ prefix: "llm-functions-" });
  const file = `${dir}/functions.${extension}`;
  try {
    await Deno.writeTextFile(
      file,
      path ? source.replace(/(from\s+|import\s*\(\s*)(["'])(\.\.?\/)/g, "$1$2../$3") : source,
    );
    return await import(new URL(`file://${file.startsWith("/") ? "" : `${Deno.cwd()}/`}${file}`).href);
  } catch (error) {
    throw new FunctionsError(`Error in --functions definition: ${importFailure(error, file, path)}`, {
      cause: error,
    });
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/**
 * What went wrong importing the code, on one line: the message (without Deno's `SyntaxError: ` prefix and
 * source excerpt) and where, `(tools.ts, line 3)` or `(<string>, line 1)` for inline code, as Python's
 * `(<string>, line 1)`.
 */
function importFailure(error: unknown, file: string, path: string | undefined): string {
  const message = String((error as Error)?.message ?? error);
  const detail = message.split("\n")[0].replace(/^SyntaxError: /, "");
  const where = `${message}\n${(error as Error)?.stack ?? ""}`;
  // The copy's folder and name (its full path may be written relative or absolute).
  const tail = file.split("/").slice(-2).join("/").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const line = new RegExp(`${tail}:(\\d+):\\d+`).exec(where)?.[1];
  return line ? `${detail} (${path ?? "<string>"}, line ${line})` : detail;
}

function toolOf(scanned: ScannedFunction, fn: (...args: unknown[]) => unknown): FunctionTool {
  const destructured = scanned.parameters.length === 1 && scanned.parameters[0].members;
  const parameters = destructured ? scanned.parameters[0].members! : scanned.parameters;
  const inputSchema = objectSchema(parameters, jsdocParamTypes(scanned.jsdoc));
  const names = parameters.map((p) => p.name);
  const tool = defineTool({
    name: scanned.name,
    description: jsdocDescription(scanned.jsdoc) ?? undefined,
    inputSchema,
    implementation: (args) => destructured ? fn(args) : fn(...names.map((name) => args[name])),
  });
  const returns = scanned.returnType ? `: ${scanned.returnType}` : "";
  return {
    ...tool,
    description: jsdocDescription(scanned.jsdoc),
    signature: `${scanned.name}(${scanned.parameterText})${returns}`,
  };
}

const PYTHON_FUNCTION = /^\s*(async\s+)?def\s+\w+\s*\(.*\)\s*(->\s*[^:]+)?:\s*$/m;

/** Code written for Python `llm` (`def f(x):`) gets a pointer instead of a compiler error. */
function pythonCodeError(where: string): FunctionsError {
  return new FunctionsError(
    `The --functions ${where} is Python code; llm for Deno runs TypeScript or JavaScript functions, ` +
      "such as 'function add(a: number, b: number) { return a + b }'",
  );
}

/**
 * The tools of `--functions` values (code, or paths of `.ts`/`.js` files), in order.
 * @throws {FunctionsError} for a missing file, code that does not compile, or code without a function.
 */
export async function functionTools(values: string[]): Promise<FunctionTool[]> {
  const tools: FunctionTool[] = [];
  for (const value of values) {
    const { code, path } = await readFunctionsSource(value);
    const scanned = scanFunctions(code).filter((f) => !f.name.startsWith("_"));
    if (PYTHON_FUNCTION.test(code) && !scanned.length) throw pythonCodeError(path ?? "code");
    if (!scanned.length) {
      throw new FunctionsError(
        `No function found in --functions ${path ?? "code"}; define one at the top level, such as ` +
          "'function add(a: number, b: number) { return a + b }'",
      );
    }
    const module = await importCode(code, scanned.map((f) => f.name), path);
    for (const f of scanned) {
      const fn = module[f.name];
      if (typeof fn === "function") tools.push(toolOf(f, fn as (...args: unknown[]) => unknown));
    }
  }
  return tools;
}
