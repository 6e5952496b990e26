/**
 * A loopback HTTP server for plugin tests: it serves files from a directory under `/files/` (for installing
 * plugins by URL) and a JSR-shaped registry under `/jsr/` (`@scope/name/meta.json`,
 * `@scope/name/<version>_meta.json` with a sha256 per file, and the files), for `JSR_URL`.
 * @module
 */
import { join } from "node:path";

/** One version of a package in the fake registry. */
export interface JsrVersion {
  /** Files by path from the package root, e.g. `{"/mod.ts": "..."}`. */
  files: Record<string, string>;
  /** The exports map, e.g. `{".": "./mod.ts"}`. */
  exports: Record<string, string>;
  /** Marked yanked in meta.json. */
  yanked?: boolean;
  /** Serve these bytes for a file instead of the real ones (the manifest keeps the real checksum). */
  tampered?: Record<string, string>;
}

/** A running plugin server; stop it with `await using` or `close()`. */
export interface PluginServer extends AsyncDisposable {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** The registry base URL to put in `JSR_URL`. */
  jsrUrl: string;
  /** The host and port, for `--allow-import`. */
  host: string;
  /** Every path requested, in order. */
  requests: string[];
  /** Adds (or replaces) a version of `@scope/name`; the highest non-yanked version becomes `latest`. */
  addJsrVersion(pkg: string, version: string, contents: JsrVersion): void;
  /** Serves `text` at `path` (e.g. an extension-less bundle URL) with `contentType`. */
  serve(path: string, text: string, contentType?: string): void;
  /** Stops the server. */
  close(): Promise<void>;
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function json(value: unknown): Response {
  return new Response(JSON.stringify(value), { headers: { "content-type": "application/json" } });
}

function contentType(path: string): string {
  return path.endsWith(".ts") ? "application/typescript" : "application/javascript";
}

/** Starts the server; `root` is the directory served under `/files/`. */
export function startPluginServer(root: string): PluginServer {
  const packages = new Map<string, Map<string, JsrVersion>>();
  const requests: string[] = [];
  const extra = new Map<string, { text: string; contentType: string }>();
  const handler = async (request: Request): Promise<Response> => {
    const path = decodeURIComponent(new URL(request.url).pathname);
    requests.push(path);
    const served = extra.get(path);
    if (served) return new Response(served.text, { headers: { "content-type": served.contentType } });
    if (path.startsWith("/files/")) {
      try {
        const text = await Deno.readTextFile(join(root, path.slice("/files/".length)));
        return new Response(text, { headers: { "content-type": contentType(path) } });
      } catch {
        return new Response("not found", { status: 404 });
      }
    }
    const m = /^\/jsr\/(@[^/]+\/[^/]+)\/(.*)$/.exec(path);
    const versions = m && packages.get(m[1]);
    if (!m || !versions) return new Response("not found", { status: 404 });
    const rest = m[2];
    if (rest === "meta.json") {
      const usable = [...versions.entries()].filter(([, v]) => !v.yanked).map(([v]) => v).sort();
      const [scope, name] = m[1].slice(1).split("/");
      return json({
        scope,
        name,
        latest: usable.at(-1) ?? null,
        versions: Object.fromEntries(
          [...versions.entries()].map(([v, c]) => [v, c.yanked ? { yanked: true } : {}]),
        ),
      });
    }
    const metaMatch = /^([^/]+)_meta\.json$/.exec(rest);
    if (metaMatch) {
      const contents = versions.get(metaMatch[1]);
      if (!contents) return new Response("not found", { status: 404 });
      const manifest: Record<string, { size: number; checksum: string }> = {};
      for (const [file, text] of Object.entries(contents.files)) {
        manifest[file] = { size: text.length, checksum: `sha256-${await sha256(text)}` };
      }
      return json({ manifest, exports: contents.exports });
    }
    const slash = rest.indexOf("/");
    const contents = versions.get(rest.slice(0, slash));
    const file = rest.slice(slash);
    const text = contents?.tampered?.[file] ?? contents?.files[file];
    if (text === undefined) return new Response("not found", { status: 404 });
    return new Response(text, { headers: { "content-type": contentType(file) } });
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  const host = `127.0.0.1:${server.addr.port}`;
  return {
    url: `http://${host}`,
    jsrUrl: `http://${host}/jsr`,
    host,
    requests,
    addJsrVersion(pkg, version, contents) {
      if (!packages.has(pkg)) packages.set(pkg, new Map());
      packages.get(pkg)!.set(version, contents);
    },
    serve(path, text, contentType = "application/javascript") {
      extra.set(path, { text, contentType });
    },
    close: () => server.shutdown(),
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}
