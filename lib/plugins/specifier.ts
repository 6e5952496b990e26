/**
 * What `llm install` accepts: an `https:` (or `http:`) URL, `jsr:@scope/name[@range][/subpath]`,
 * `npm:name[@range]`, or a local path (made absolute).
 * @module
 */
import { isAbsolute, resolve } from "node:path";
import { PluginInstallError } from "./errors.ts";
import type { PluginSourceKind } from "./record.ts";

/** A parsed plugin specifier. */
export interface PluginSpecifier {
  /** Where the plugin comes from. */
  kind: PluginSourceKind;
  /** The specifier as recorded: an absolute path for local files, otherwise as given. */
  specifier: string;
  /** For `jsr:`: the scope, without `@`. */
  scope?: string;
  /** For `jsr:` and `npm:`: the package name (without scope for `jsr:`). */
  packageName?: string;
  /** For `jsr:` and `npm:`: the version range, when given. */
  range?: string;
  /** For `jsr:`: the export to load, `.` by default (e.g. `./plugin`). */
  subpath?: string;
}

const JSR = /^jsr:\/?@([a-z0-9-]+)\/([a-z0-9-]+)(?:@([^/]+))?(\/.*)?$/;

/**
 * Parses what the user typed after `llm install`. Paths are resolved against `cwd`.
 *
 * @example
 * ```ts
 * import { parsePluginSpecifier } from "./specifier.ts";
 * parsePluginSpecifier("jsr:@me/llm-shout@^1"); // { kind: "jsr", scope: "me", packageName: "llm-shout", ... }
 * ```
 * @throws {PluginInstallError} for a `jsr:` or `npm:` specifier that cannot be parsed.
 */
export function parsePluginSpecifier(spec: string, cwd: string = Deno.cwd()): PluginSpecifier {
  if (spec.startsWith("jsr:")) {
    const match = JSR.exec(spec);
    if (!match) {
      throw new PluginInstallError(
        spec,
        `Cannot read '${spec}' as a JSR package: write it as jsr:@scope/name, optionally with @version`,
      );
    }
    const [, scope, packageName, range, subpath] = match;
    return {
      kind: "jsr",
      specifier: spec,
      scope,
      packageName,
      range,
      subpath: subpath ? `.${subpath}` : ".",
    };
  }
  if (spec.startsWith("npm:")) {
    const body = spec.slice(4).replace(/^\//, "");
    const at = body.indexOf("@", body.startsWith("@") ? 1 : 0);
    const name = at < 0 ? body : body.slice(0, at);
    if (!/^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*(\/.*)?$/.test(name)) {
      throw new PluginInstallError(
        spec,
        `Cannot read '${spec}' as an npm package: write it as npm:name@version`,
      );
    }
    return {
      kind: "npm",
      specifier: spec,
      packageName: name,
      range: at < 0 ? undefined : body.slice(at + 1),
    };
  }
  if (/^https?:\/\//.test(spec)) return { kind: "url", specifier: new URL(spec).href };
  if (spec.startsWith("file://")) return { kind: "path", specifier: new URL(spec).pathname };
  if (/^[a-z][a-z0-9+.-]*:/i.test(spec) && !/^[a-z]:[\\/]/i.test(spec)) {
    throw new PluginInstallError(
      spec,
      `Cannot install '${spec}': give an https:// URL, jsr:@scope/name, npm:name or a path to a file`,
    );
  }
  return { kind: "path", specifier: isAbsolute(spec) ? spec : resolve(cwd, spec) };
}
