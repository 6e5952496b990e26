/**
 * `llm plugins`, `llm install` and `llm uninstall`. Plugins are ES modules recorded in plugins.json in the
 * user directory; see lib/plugins/ for how they are downloaded, checked and loaded.
 *
 * @module
 */
import { installPlugin, type PermissionRequest } from "../../../plugins/install.ts";
import { uninstallPlugin } from "../../../plugins/install.ts";
import { getPlugins, pluginConflictMessages } from "../../../plugins/runtime.ts";
import { type CommandContext, UsageError } from "../../../commands/spec.ts";
import type { Io } from "../../../commands/io.ts";

/** `llm plugins [--all] [--hook NAME]...`: the plugins in use as a JSON array, as Python `llm` prints it. */
export function pluginsCommand(ctx: CommandContext): Promise<void> {
  const hooks = new Set((ctx.values.hook as string[] | undefined) ?? []);
  let plugins = getPlugins({ all: Boolean(ctx.values.all) });
  if (hooks.size) plugins = plugins.filter((p) => p.hooks.some((h) => hooks.has(h)));
  ctx.io.stdout.write(JSON.stringify(plugins, null, 2) + "\n");
  // Names a plugin asked for but a built-in model or an earlier plugin holds: said here and at install only.
  for (const message of pluginConflictMessages()) ctx.io.stderr.write(`Warning: ${message}\n`);
  return Promise.resolve();
}

/** `llm install SPEC... [-e PATH] [-U] [--force-reinstall] [--pre]`: installs and records plugins. */
export async function installCommand(ctx: CommandContext): Promise<void> {
  const specs = [...((ctx.args.packages as string[] | undefined) ?? [])];
  if (typeof ctx.values.editable === "string") specs.push(ctx.values.editable);
  if (!specs.length) {
    throw new UsageError(
      "Give at least one plugin to install: a path, an https:// URL, jsr:@scope/name or npm:name",
    );
  }
  for (const spec of specs) {
    const { record, status } = await installPlugin(spec, {
      upgrade: Boolean(ctx.values.upgrade),
      forceReinstall: Boolean(ctx.values.forceReinstall),
      pre: Boolean(ctx.values.pre),
      onWarning: (message) => ctx.io.stderr.write(`Warning: ${message}\n`),
      approve: (request) => approvePermissions(ctx, request),
    });
    const version = record.version ? ` ${record.version}` : "";
    if (status === "unchanged") {
      ctx.io.stdout.write(
        `Plugin ${record.name}${version} is already installed from ${record.specifier}; ` +
          `use --upgrade or --force-reinstall to install it again\n`,
      );
      continue;
    }
    const what = [
      record.models.length ? `models: ${record.models.map((m) => m.id).join(", ")}` : "",
      record.commands.length ? `commands: ${record.commands.map((c) => c.name).join(", ")}` : "",
      record.tools.length ? `tools: ${record.tools.join(", ")}` : "",
    ].filter(Boolean).join("; ");
    ctx.io.stdout.write(
      `Installed ${record.name}${version} from ${record.specifier}${what ? ` (${what})` : ""}\n`,
    );
  }
}

/**
 * Shows what a plugin asks for and asks whether to grant it: `--yes` grants it, a terminal is asked, and
 * without either it is not granted.
 */
async function approvePermissions(ctx: CommandContext, request: PermissionRequest): Promise<boolean> {
  const version = request.version ? ` ${request.version}` : "";
  const lines = request.added ?? request.lines;
  ctx.io.stderr.write(
    `Plugin ${request.plugin}${version} from ${request.specifier} asks for ${
      request.added ? "more permissions than it was granted" : "these permissions"
    }:\n${lines.map((l) => `  ${l}\n`).join("")}`,
  );
  if (ctx.values.yes) {
    ctx.io.stderr.write("Granted (--yes)\n");
    return true;
  }
  if (!ctx.io.stdin.isTerminal()) {
    ctx.io.stderr.write(
      "Not granted: llm install asks on a terminal; run it there, or add --yes to grant them\n",
    );
    return false;
  }
  ctx.io.stderr.write("Grant them? [y/N] ");
  const answer = (await readLine(ctx.io)).toLowerCase();
  return answer === "y" || answer === "yes";
}

/** Reads one line of input (the answer to a question). */
async function readLine(io: Io): Promise<string> {
  const reader = io.stdin.readable.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
  return text.split("\n")[0].trim();
}

/** `llm uninstall NAME|SPEC... [-y]`: removes plugins, asking first unless `-y` is given. */
export async function uninstallCommand(ctx: CommandContext): Promise<void> {
  const names = (ctx.args.packages as string[] | undefined) ?? [];
  const plugins = getPlugins();
  for (const name of names) {
    const known = plugins.find((p) => p.name === name || p.specifier === name);
    if (!ctx.values.yes && known) {
      ctx.io.stderr.write(
        `Uninstall ${known.name}${known.version ? ` ${known.version}` : ""}? Proceed (Y/n)? `,
      );
      const answer = (await readLine(ctx.io)).toLowerCase();
      if (answer && !["y", "yes"].includes(answer)) {
        ctx.io.stderr.write(`Kept ${known.name}\n`);
        continue;
      }
    }
    const removed = await uninstallPlugin(name);
    if (removed) ctx.io.stdout.write(`Uninstalled ${removed.name}\n`);
    else ctx.io.stderr.write(`Warning: Skipping ${name}: it is not installed\n`);
  }
}
