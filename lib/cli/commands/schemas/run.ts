/**
 * `llm schemas`: the JSON schemas stored in logs.db, and the schema DSL.
 * @module
 */
import { lazyImport } from "../../../lazy_import.ts";
import "../../../deps/sqlite_ready.ts"; // node:sqlite loaded before this module opens a database
import { LlmError } from "../../../models/errors.ts";
import type { CommandContext } from "../../../commands/spec.ts";

/** `Error: ...` for the `llm schemas` commands. */
export class SchemasCommandError extends LlmError {}

type JsonSchema = Record<string, unknown>;

/** A short outline of a schema's fields, as Python `llm` prints it: `{name, items: [{title, year}]}`. */
export function schemaSummary(schema: unknown): string {
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) return "";
  const s = schema as JsonSchema;
  if (s.type === "object") {
    const props = (s.properties ?? {}) as Record<string, JsonSchema>;
    const parts = Object.entries(props).map(([name, prop]) => {
      if (prop?.type === "array") return `${name}: [${schemaSummary(prop.items ?? {})}]`;
      if (prop?.type === "object") return `${name}: ${schemaSummary(prop)}`;
      return name;
    });
    return `{${parts.join(", ")}}`;
  }
  if (s.type === "array") return schemaSummary(s.items ?? {});
  return "";
}

async function openExisting(ctx: CommandContext) {
  const { logsDbPath } = await lazyImport<typeof import("../../../logs/db.ts")>(
    "../../../logs/db.ts",
    import.meta.url,
  );
  const { openExistingLogs } = await lazyImport<typeof import("../logs/run.ts")>(
    "../logs/run.ts",
    import.meta.url,
  );
  const path = (ctx.values.database as string | undefined) ?? (ctx.values.path as string | undefined) ??
    logsDbPath();
  return await openExistingLogs(path);
}

interface SchemaRow {
  id: string;
  content: string;
  recently_used: string;
  times_used: number;
}

/**
 * `llm schemas list`. Unlike Python `llm` 0.32, which counts only legacy `responses` rows, usage counts turns
 * logged by 0.32 (and by this tool) as well.
 */
export async function schemasList(ctx: CommandContext): Promise<void> {
  const { pythonJsonDumps } = await lazyImport<typeof import("../../../compat/python_json.ts")>(
    "../../../compat/python_json.ts",
    import.meta.url,
  );
  const db = await openExisting(ctx);
  try {
    const queries = (ctx.values.query as string[] | undefined) ?? [];
    const where = queries.length ? `where ${queries.map(() => "schemas.content like ?").join(" and ")}` : "";
    const rows = db.prepare(`
      select schemas.id, schemas.content, max(used.datetime_utc) as recently_used, count(*) as times_used
      from schemas
      join (
        select schema_id, datetime_utc from turns where schema_id is not null
        union all
        select schema_id, datetime_utc from responses where schema_id is not null
      ) as used on used.schema_id = schemas.id
      ${where}
      group by schemas.id
      order by recently_used
    `).all(...queries.map((q) => `%${q}%`)) as unknown as SchemaRow[];
    const out = (text: string) => ctx.io.stdout.write(text + "\n");
    if (ctx.values.json || ctx.values.nl) {
      const objects = rows.map((r) => ({ ...r, content: JSON.parse(r.content) }));
      if (ctx.values.nl) {
        for (const o of objects) out(pythonJsonDumps(o));
        return;
      }
      if (!objects.length) return out("[]");
      const body = objects.map((o) => pythonJsonDumps(o, { indent: 2 }).replace(/^/gm, "  ")).join(",\n");
      return out(`[\n${body}\n]`);
    }
    for (const row of rows) {
      out(`- id: ${row.id}`);
      const content = JSON.parse(row.content);
      if (ctx.values.full) {
        out(`  schema: |\n${pythonJsonDumps(content, { indent: 2 }).replace(/^/gm, "    ")}`);
      } else {
        out(`  summary: |\n    ${schemaSummary(content)}`);
      }
      const times = Number(row.times_used);
      out(`  usage: |\n    ${times} time${times === 1 ? "" : "s"}, most recently ${row.recently_used}`);
    }
  } finally {
    db.close();
  }
}

/** `llm schemas show ID`. */
export async function schemasShow(ctx: CommandContext): Promise<void> {
  const { pythonJsonDumps } = await lazyImport<typeof import("../../../compat/python_json.ts")>(
    "../../../compat/python_json.ts",
    import.meta.url,
  );
  const db = await openExisting(ctx);
  try {
    const row = db.prepare("select content from schemas where id = ?").get(ctx.args.schema_id as string) as
      | { content: string }
      | undefined;
    if (!row) {
      throw new SchemasCommandError("Invalid schema ID. Run 'llm schemas list' to see stored schemas");
    }
    ctx.io.stdout.write(pythonJsonDumps(JSON.parse(row.content), { indent: 2 }) + "\n");
  } finally {
    db.close();
  }
}

/** `llm schemas dsl INPUT [--multi]`: the JSON schema the DSL describes. */
export async function schemasDsl(ctx: CommandContext): Promise<void> {
  const { schemaDsl } = await lazyImport<typeof import("../../../schemas/schema_input.ts")>(
    "../../../schemas/schema_input.ts",
    import.meta.url,
  );
  const { pythonJsonDumps } = await lazyImport<typeof import("../../../compat/python_json.ts")>(
    "../../../compat/python_json.ts",
    import.meta.url,
  );
  const schema = schemaDsl(ctx.args.input as string, Boolean(ctx.values.multi));
  ctx.io.stdout.write(pythonJsonDumps(schema, { indent: 2 }) + "\n");
}
