/**
 * What a plugin may do: the permissions it declares (`permissions` on its plugin object), checked and put in a
 * fixed order, compared with what the user granted before, shown to the user, and turned into the Deno
 * permissions of the Worker it runs in.
 *
 * A declaration lists network hosts (`api.example.com`, `host:port`, or `$VAR` for the host named in an
 * environment variable such as `ANTHROPIC_BASE_URL`), environment variables, paths it reads and writes
 * (absolute, `~/...`, or relative to the user directory), programs it runs, whether it loads native
 * libraries (`ffi`) or reads system information (`sys`), hosts it imports code from at run time, and the
 * names of stored keys (keys.json) it may be given.
 *
 * @example
 * ```ts
 * import { describePermissions, normalizePermissions } from "./permissions.ts";
 * const asked = normalizePermissions({ net: ["api.example.com"], keys: ["example"] }, "llm-example") ?? {};
 * console.log(describePermissions(asked)); // ["network: api.example.com", "stored keys: example"]
 * ```
 * @module
 */
import { isAbsolute, join, resolve } from "node:path";
import { PluginError } from "./errors.ts";

/** The permissions a plugin declares; every field is optional and absent means none. */
export interface PluginPermissions {
  /** Hosts it connects to: `host`, `host:port`, or `$VAR` for the host of the URL in that variable. */
  net?: string[];
  /** Environment variables it reads. */
  env?: string[];
  /** Files and directories it reads: absolute, `~/...`, or relative to the user directory. */
  read?: string[];
  /** Files and directories it writes (as `read`). */
  write?: string[];
  /** Programs it runs. */
  run?: string[];
  /** Whether it loads native libraries (true), or which ones. */
  ffi?: boolean | string[];
  /** Whether it reads system information (true), or which kinds (`hostname`, `osRelease`...). */
  sys?: boolean | string[];
  /** Hosts it imports code from while it runs (default `jsr.io`). */
  import?: string[];
  /** Names of stored keys (keys.json) it may be given, e.g. `anthropic`. */
  keys?: string[];
}

/** The list fields of {@link PluginPermissions}, in the order they are shown. */
const LIST_FIELDS = ["net", "env", "read", "write", "run", "import", "keys"] as const;
/** The fields that are true, false or a list. */
const FLAG_FIELDS = ["ffi", "sys"] as const;

/** How each field is named when the request is shown. */
const LABELS: Record<keyof PluginPermissions, string> = {
  net: "network",
  env: "environment variables",
  read: "read files",
  write: "write files",
  run: "run programs",
  ffi: "native libraries (ffi)",
  sys: "system information",
  import: "import code from",
  keys: "stored keys",
};

/** A plugin's declaration that cannot be used (a field of the wrong type, an empty name). */
export class PluginPermissionsError extends PluginError {}

function stringList(plugin: string, field: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || !v.trim())) {
    throw new PluginPermissionsError(
      plugin,
      `Plugin '${plugin}' declares permissions.${field} as ${JSON.stringify(value)}; it must be a list of ` +
        `non-empty strings, e.g. ${field}: ["${field === "net" ? "api.example.com" : "NAME"}"]`,
    );
  }
  return [...new Set(value.map((v: string) => v.trim()))].sort();
}

/**
 * Checks a plugin's `permissions` and puts it in a fixed form: lists sorted without repeats, empty fields left
 * out. `undefined` (the plugin declares nothing) stays `undefined`.
 *
 * @throws {PluginPermissionsError} when a field has the wrong type or an unknown name.
 */
export function normalizePermissions(value: unknown, plugin: string): PluginPermissions | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new PluginPermissionsError(
      plugin,
      `Plugin '${plugin}' declares permissions as ${JSON.stringify(value)}; it must be an object such as ` +
        `{ net: ["api.example.com"], env: ["EXAMPLE_KEY"] }`,
    );
  }
  const source = value as Record<string, unknown>;
  const known = new Set<string>([...LIST_FIELDS, ...FLAG_FIELDS]);
  const unknown = Object.keys(source).filter((k) => !known.has(k));
  if (unknown.length) {
    throw new PluginPermissionsError(
      plugin,
      `Plugin '${plugin}' declares an unknown permission '${unknown[0]}'; the permissions are ` +
        [...known].join(", "),
    );
  }
  const out: PluginPermissions = {};
  for (const field of LIST_FIELDS) {
    if (source[field] === undefined) continue;
    const list = stringList(plugin, field, source[field]);
    if (field === "env" || field === "net") {
      const bad = list.find((v) =>
        field === "env" ? !/^[A-Za-z_][A-Za-z0-9_]*$/.test(v) : /[\s/]/.test(v) && !v.startsWith("$")
      );
      if (bad) {
        throw new PluginPermissionsError(
          plugin,
          `Plugin '${plugin}' declares ${field} '${bad}', which is not ${
            field === "env" ? "a variable name" : "a host (write host or host:port, without a scheme or path)"
          }`,
        );
      }
    }
    if (list.length) out[field] = list;
  }
  for (const field of FLAG_FIELDS) {
    const flag = source[field];
    if (flag === undefined || flag === false) continue;
    if (flag === true) out[field] = true;
    else {
      const list = stringList(plugin, field, flag);
      if (list.length) out[field] = list;
    }
  }
  return out;
}

/** Whether `asked` has a value for `field` that `granted` does not cover. */
function extra(
  asked: PluginPermissions,
  granted: PluginPermissions,
  field: keyof PluginPermissions,
): string[] {
  const a = asked[field];
  const g = granted[field];
  if (a === undefined || a === false) return [];
  if (g === true) return [];
  if (a === true) return ["all"];
  const have = new Set(Array.isArray(g) ? g : []);
  return (a as string[]).filter((v) => !have.has(v));
}

/**
 * What `asked` wants beyond `granted`, one line per field (empty when the grant covers it): a plugin whose
 * upgrade asks for more must be granted again.
 *
 * @example
 * ```ts
 * import { permissionsBeyond } from "./permissions.ts";
 * permissionsBeyond({ net: ["a.example", "b.example"] }, { net: ["a.example"] }); // ["network: b.example"]
 * ```
 */
export function permissionsBeyond(asked: PluginPermissions, granted: PluginPermissions): string[] {
  const lines: string[] = [];
  for (const field of [...LIST_FIELDS, ...FLAG_FIELDS]) {
    const more = extra(asked, granted, field).map((v) =>
      field === "net" && v.startsWith("$")
        ? `the host in ${v}`
        : (field === "read" || field === "write") && !isAbsolute(v) && !v.startsWith("~")
        ? `${v} (in the user directory)`
        : v
    );
    if (more.length) lines.push(`${LABELS[field]}: ${more.join(", ")}`);
  }
  return lines;
}

/** The permissions as lines a person reads (`network: api.anthropic.com`); empty for none at all. */
export function describePermissions(permissions: PluginPermissions): string[] {
  return permissionsBeyond(permissions, {});
}

/** Where a sandboxed plugin's automatic permissions point. */
export interface SandboxPlaces {
  /** The user directory (relative paths in `read` and `write` are relative to it). */
  userDir: string;
  /** Directories of code the plugin must read to load: its own files, this library's files. */
  codeDirs: string[];
  /** The plugin's own data directory, which it may read and write. */
  dataDir: string;
  /** The environment, for `$VAR` hosts (default: the process's). */
  env?: (name: string) => string | undefined;
}

/** A declared path made absolute: `~/` is the home directory, a relative path is in the user directory. */
export function resolvePermissionPath(path: string, userDir: string): string {
  if (path === "~" || path.startsWith("~/")) {
    const home = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE") ?? "/";
    return join(home, path.slice(1));
  }
  return isAbsolute(path) ? resolve(path) : join(userDir, path);
}

/**
 * The host (and port, when it has one) named by the value of a `$VAR` entry: a URL's host, or `host[:port]`.
 * The addresses a server listens on (`0.0.0.0`, `::`) are reached through loopback, as clients do.
 */
export function hostOfEnvValue(value: string): string | undefined {
  const text = value.trim();
  if (!text) return undefined;
  let host: string;
  try {
    host = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`).host;
  } catch {
    return undefined;
  }
  return host.replace(/^0\.0\.0\.0(?=$|:)/, "127.0.0.1").replace(/^\[::\](?=$|:)/, "[::1]") || undefined;
}

/** The hosts `net` names: `$VAR` entries replaced by the host in that variable (left out when unset). */
export function resolveNetHosts(net: string[], env: (name: string) => string | undefined): string[] {
  const hosts: string[] = [];
  for (const entry of net) {
    if (!entry.startsWith("$")) hosts.push(entry);
    else {
      const value = env(entry.slice(1));
      const host = value === undefined ? undefined : hostOfEnvValue(value);
      if (host) hosts.push(host);
    }
  }
  return [...new Set(hosts)];
}

/** The Deno permissions of a Worker for `granted`: exactly the grant, plus reading its code and its data dir. */
export function workerPermissions(
  granted: PluginPermissions,
  places: SandboxPlaces,
): Deno.PermissionOptionsObject {
  const env = places.env ?? ((name: string) => {
    try {
      return Deno.env.get(name);
    } catch {
      return undefined;
    }
  });
  const paths = (list: string[] | undefined) =>
    (list ?? []).map((p) => resolvePermissionPath(p, places.userDir));
  const listOrFalse = (list: string[]) => (list.length ? list : false);
  const flag = (value: boolean | string[] | undefined) =>
    value === true ? true : Array.isArray(value) && value.length ? value : false;
  return {
    env: listOrFalse(granted.env ?? []),
    net: listOrFalse(resolveNetHosts(granted.net ?? [], env)),
    read: [...new Set([...places.codeDirs, places.dataDir, ...paths(granted.read)])],
    write: [...new Set([places.dataDir, ...paths(granted.write)])],
    run: listOrFalse(granted.run ?? []),
    ffi: flag(granted.ffi),
    sys: flag(granted.sys) as Deno.PermissionOptionsObject["sys"],
    import: granted.import ?? ["jsr.io"],
  };
}
