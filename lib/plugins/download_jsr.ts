/**
 * Downloads a JSR package into a directory, as Deno would fetch it: the registry's `meta.json` gives the
 * versions, `<version>_meta.json` the files with a SHA-256 each and the exports; every file is checked against
 * its checksum. The registry is `$JSR_URL` (as for Deno), by default https://jsr.io.
 * @module
 */
import { dirname, join } from "node:path";
import { PluginInstallError, PluginIntegrityError } from "./errors.ts";
import { sha256Hex } from "./checksum.ts";
import { maxSatisfying } from "./semver.ts";
import type { PluginSpecifier } from "./specifier.ts";

/** What was downloaded. */
export interface DownloadedPackage {
  /** The version resolved from the range. */
  version: string;
  /** The module to import, relative to the directory. */
  entry: string;
  /** SHA-256 (hex) of every file, by path relative to the directory. */
  files: Record<string, string>;
}

/** Options of {@link downloadJsrPackage}. */
export interface JsrDownloadOptions {
  /** The registry's base URL; defaults to `$JSR_URL` or https://jsr.io. */
  registryUrl?: string;
  /** Allow pre-release versions. */
  pre?: boolean;
}

/** The JSR registry URL: `$JSR_URL` or https://jsr.io, without a trailing slash. */
export function jsrRegistryUrl(): string {
  return (Deno.env.get("JSR_URL") || "https://jsr.io").replace(/\/+$/, "");
}

async function fetchOk(url: string, spec: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new PluginInstallError(
      spec,
      `Could not fetch ${url} (${(error as Error).message}); check the network`,
      {
        cause: error,
      },
    );
  }
  if (!response.ok) {
    await response.body?.cancel();
    const hint = response.status === 404 ? "; check the package name and version" : "";
    throw new PluginInstallError(spec, `Could not fetch ${url}: HTTP ${response.status}${hint}`);
  }
  return response;
}

async function fetchJson(url: string, spec: string): Promise<Record<string, unknown>> {
  const response = await fetchOk(url, spec);
  try {
    return await response.json();
  } catch {
    throw new PluginInstallError(spec, `${url} is not valid JSON; is JSR_URL pointing at a JSR registry?`);
  }
}

/** Picks the version: the range's highest non-yanked match, or the registry's `latest` without a range. */
function pickVersion(
  meta: Record<string, unknown>,
  parsed: PluginSpecifier,
  pre: boolean,
): string | undefined {
  const versions = (meta.versions ?? {}) as Record<string, { yanked?: boolean }>;
  const usable = Object.keys(versions).filter((v) => !versions[v]?.yanked);
  if (!parsed.range || parsed.range === "latest") {
    if (typeof meta.latest === "string" && usable.includes(meta.latest) && !pre) return meta.latest;
    return maxSatisfying(usable, "*", pre);
  }
  if (versions[parsed.range]) return parsed.range; // an exact version, even a yanked one, as Deno allows
  return maxSatisfying(usable, parsed.range, pre);
}

/**
 * Downloads the package named by a parsed `jsr:` specifier into `dest` and verifies every file.
 *
 * @throws {PluginInstallError} when the package, version or export does not exist.
 * @throws {PluginIntegrityError} when a file does not match the manifest's checksum.
 */
export async function downloadJsrPackage(
  parsed: PluginSpecifier,
  dest: string,
  options: JsrDownloadOptions = {},
): Promise<DownloadedPackage> {
  const spec = parsed.specifier;
  const base = `${
    (options.registryUrl ?? jsrRegistryUrl()).replace(/\/+$/, "")
  }/@${parsed.scope}/${parsed.packageName}`;
  const meta = await fetchJson(`${base}/meta.json`, spec);
  const version = pickVersion(meta, parsed, options.pre ?? false);
  if (!version) {
    throw new PluginInstallError(
      spec,
      `No version of @${parsed.scope}/${parsed.packageName} matches '${parsed.range}'; ` +
        `available: ${Object.keys(meta.versions ?? {}).join(", ") || "none"}`,
    );
  }
  const versionMeta = await fetchJson(`${base}/${version}_meta.json`, spec);
  const manifest = (versionMeta.manifest ?? {}) as Record<string, { checksum?: string }>;
  const exports = (versionMeta.exports ?? {}) as Record<string, string>;
  const target = exports[parsed.subpath ?? "."];
  if (!target) {
    throw new PluginInstallError(
      spec,
      `@${parsed.scope}/${parsed.packageName}@${version} has no export '${parsed.subpath}'; ` +
        `it exports ${Object.keys(exports).join(", ") || "nothing"}`,
    );
  }
  const files: Record<string, string> = {};
  for (const [path, info] of Object.entries(manifest)) {
    const relative = path.replace(/^\/+/, "");
    if (relative.split("/").some((part) => part === ".." || part === "")) {
      throw new PluginInstallError(
        spec,
        `The manifest of ${spec} lists an unsafe path '${path}'; not installing`,
      );
    }
    const expected = /^sha256-([0-9a-f]{64})$/.exec(info.checksum ?? "")?.[1];
    if (!expected) {
      throw new PluginInstallError(spec, `The manifest of ${spec} gives no sha256 checksum for ${path}`);
    }
    const data = new Uint8Array(await (await fetchOk(`${base}/${version}${path}`, spec)).arrayBuffer());
    const actual = await sha256Hex(data);
    if (actual !== expected) {
      throw new PluginIntegrityError(
        spec,
        relative,
        `Downloaded ${path} of ${spec} does not match the registry's checksum ` +
          `(sha256 ${actual.slice(0, 12)}..., expected ${expected.slice(0, 12)}...); not installing`,
      );
    }
    await Deno.mkdir(dirname(join(dest, relative)), { recursive: true });
    await Deno.writeFile(join(dest, relative), data);
    files[relative] = actual;
  }
  const entry = target.replace(/^\.\//, "");
  if (!(entry in files)) {
    throw new PluginInstallError(spec, `The manifest of ${spec} does not list its export ${target}`);
  }
  return { version, entry, files };
}
