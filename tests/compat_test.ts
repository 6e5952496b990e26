import assert from "node:assert/strict";
import { dumpYaml, type DumpYamlOptions } from "../lib/compat/pyyaml_dump.ts";
import type { JsonValue } from "../lib/compat/json_value.ts";
import { pythonDatetimeStr, pythonIsoformat } from "../lib/compat/isoformat.ts";

Deno.test("dumpYaml: PyYAML's output for its defaults, indent=4, and width=sys.maxsize with the literal representer", async () => {
  const { cases } = JSON.parse(
    await Deno.readTextFile(new URL("./fixtures/pyyaml/dump-cases.json", import.meta.url)),
  ) as { cases: { value: JsonValue; options: Record<string, unknown>; yaml: string }[] };
  assert.equal(cases.length, 24);
  for (const { value, options, yaml } of cases) {
    const width = options.width === "maxsize" ? Infinity : undefined;
    assert.equal(dumpYaml(value, { ...options, width } as DumpYamlOptions), yaml, JSON.stringify(options));
  }
});

Deno.test("pythonIsoformat: microseconds from the fraction of a millisecond, none when zero, as Python", () => {
  assert.equal(
    pythonIsoformat(Date.UTC(2026, 0, 2, 3, 4, 5, 123) + 0.456),
    "2026-01-02T03:04:05.123456+00:00",
  );
  assert.equal(pythonIsoformat(Date.UTC(2026, 0, 2, 3, 4, 5, 0) + 0.001), "2026-01-02T03:04:05.000001+00:00");
  assert.equal(
    pythonIsoformat(new Date(Date.UTC(2026, 10, 26, 1, 41, 35, 38))),
    "2026-11-26T01:41:35.038000+00:00",
  );
  assert.equal(pythonIsoformat(Date.UTC(2026, 0, 1)), "2026-01-01T00:00:00+00:00");
  assert.equal(pythonDatetimeStr(Date.UTC(2026, 0, 1, 12)), "2026-01-01 12:00:00+00:00");
});
