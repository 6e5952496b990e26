/**
 * `llm fragments list` output, byte for byte as Python `llm` prints it: each row is
 * `yaml.dump([row], sort_keys=False, width=sys.maxsize).strip()` with a representer that writes any string
 * holding a newline in the literal block style (`|-`).
 * @module
 */
import { dumpYaml } from "../../../compat/pyyaml_dump.ts";
import type { FragmentRow } from "../../../logs/fragments/store.ts";

/** The YAML of one `llm fragments list` row (stripped, as Python prints it); `content` already truncated. */
export function fragmentRowYaml(row: FragmentRow): string {
  const ordered = {
    hash: row.hash,
    aliases: row.aliases,
    datetime_utc: row.datetime_utc,
    source: row.source,
    content: row.content,
  };
  return dumpYaml([ordered], { width: Infinity, literalMultiline: true }).trim();
}
