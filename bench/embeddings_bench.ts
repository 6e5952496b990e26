/**
 * The embeddings benchmarks:
 * - `llm similar -n 10` on an embeddings.db of 100,000 vectors of 1,536 dimensions (the size of OpenAI's
 *   `text-embedding-3-small`), by ID and by content, with sqlite-vec and with the typed-array fallback
 *   (`LLM_SQLITE_VEC=0`), with the file in the operating system's page cache (warm) and dropped from it
 *   before each run (cold), and Python llm 0.32's `llm similar` on the same file when it is installed;
 * - the cost of importing and loading sqlite-vec;
 * - where the search's time goes, step by step (`embeddings_steps.ts`);
 * - `llm embed-multi` of 10,000 CSV rows against the loopback embeddings server, beside a bare client
 *   sending the same batches (the server's own pace), with peak memory.
 *
 * The database is seeded once and kept in the temporary directory (`llm-bench-cache/`), so later runs start
 * at once; `--vectors` makes a smaller one for a quick look. `deno task bench` runs all of this as
 * `--only=embeddings`.
 *
 * ```sh
 * deno run -A bench/embeddings_bench.ts                       # ~4 minutes on 2 cores
 * deno run -A bench/embeddings_bench.ts --vectors=20000 --runs=3
 * ```
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { encode } from "../lib/embeddings/codec.ts";
import { openEmbeddingsDb } from "../lib/embeddings/db.ts";
import { md5 } from "../lib/compat/md5.ts";
import { startEmbeddingsServer } from "../tests/support/embeddings_server.ts";
import { type CommandSpec, fromSamples, measureCommands, type Measurement, type Sample } from "./measure.ts";
import { similarStepsGroup } from "./embeddings_steps.ts";
import { type Group, groupText } from "./report.ts";

const repoDir = fileURLToPath(new URL("../", import.meta.url));
const PYTHON_LLM = Deno.env.get("PYTHON_LLM") ?? "/tmp/pyllm/bin/llm";

/** A small deterministic random number generator (mulberry32), so every seeded database is the same. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Writes `count` random unit vectors of `dims` values into collection `bench` (model
 * `text-embedding-3-small`) of a new embeddings.db at `path`, as `llm embed-multi` stores them (no content).
 * Returns the file's size in bytes.
 */
export async function seedEmbeddings(path: string, count: number, dims: number): Promise<number> {
  await Deno.remove(path).catch(() => {});
  const rand = random(1);
  const db = openEmbeddingsDb(path);
  try {
    db.prepare("INSERT INTO collections (name, model) VALUES ('bench', 'text-embedding-3-small')").run();
    const insert = db.prepare(
      "INSERT INTO embeddings (collection_id, id, embedding, content_hash, updated) VALUES (1, ?, ?, ?, ?)",
    );
    const v = new Float64Array(dims);
    const now = Math.floor(Date.now() / 1000);
    db.exec("BEGIN");
    for (let i = 0; i < count; i++) {
      let norm = 0;
      for (let j = 0; j < dims; j++) {
        v[j] = rand() - 0.5;
        norm += v[j] * v[j];
      }
      norm = Math.sqrt(norm);
      for (let j = 0; j < dims; j++) v[j] /= norm;
      insert.run(`item-${i}`, encode(v), md5(`item ${i}`), now);
    }
    db.exec("COMMIT");
  } finally {
    db.close();
  }
  return (await Deno.stat(path)).size;
}

/** A seeded embeddings.db for the benchmarks. */
export interface BenchEmbeddingsDb {
  /** Its path. */
  path: string;
  /** How many vectors, of how many values. */
  vectors: number;
  /** Values a vector. */
  dims: number;
  /** The file's size in bytes. */
  bytes: number;
  /** How long seeding took, or `null` when an earlier run's file was used. */
  seedMs: number | null;
}

/** Bump when {@link seedEmbeddings} writes something else, so that cached files are seeded again. */
const SEED_VERSION = 1;

/**
 * The benchmark database of `vectors` vectors of `dims` values: seeded once into the temporary directory's
 * `llm-bench-cache/` and reused by later runs (a file is only used once seeding it has finished).
 */
export async function cachedEmbeddingsDb(vectors: number, dims: number): Promise<BenchEmbeddingsDb> {
  const dir = join(tmpdir(), "llm-bench-cache");
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, `embeddings-${vectors}x${dims}-v${SEED_VERSION}.db`);
  const done = `${path}.done`;
  if (await Deno.stat(done).then(() => true, () => false)) {
    return { path, vectors, dims, bytes: (await Deno.stat(path)).size, seedMs: null };
  }
  const started = performance.now();
  const partial = `${path}.partial`;
  const bytes = await seedEmbeddings(partial, vectors, dims);
  await Deno.rename(partial, path);
  await Deno.writeTextFile(done, "");
  return { path, vectors, dims, bytes, seedMs: performance.now() - started };
}

/**
 * A `before` hook that drops `path` from the operating system's page cache (GNU dd's `iflag=nocache` with
 * `count=0`: `posix_fadvise(POSIX_FADV_DONTNEED)` on the file, no privileges needed), or `undefined` where
 * that is not available.
 */
export function dropFromPageCache(path: string): (() => void) | undefined {
  const drop = () => {
    const out = new Deno.Command("dd", {
      args: [`if=${path}`, "iflag=nocache", "count=0", "status=none"],
      stdout: "null",
      stderr: "piped",
    }).outputSync();
    if (!out.success) throw new Error(`dd could not drop ${path} from the page cache`);
  };
  try {
    drop();
    return drop;
  } catch {
    return undefined;
  }
}

/** Runs `spec` once, checked, and times that run (for a command too slow to run more than once). */
async function timeOnce(spec: CommandSpec): Promise<Measurement> {
  const started = performance.now();
  const out = await new Deno.Command(spec.cmd[0], {
    args: spec.cmd.slice(1),
    env: spec.env,
    cwd: spec.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const ms = performance.now() - started;
  const decoder = new TextDecoder();
  spec.check?.({ code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) });
  return fromSamples(spec.name, [{ ms, peakKib: null }]);
}

const WORDS =
  "the a of to and in is it for on with as pelican model prompt vector search index row table query"
    .split(" ");

/** A CSV of `rows` rows (`id,text`), ten to twenty words each. */
function csvRows(rows: number): string {
  const rand = random(3);
  const lines = ["id,text"];
  for (let i = 0; i < rows; i++) {
    const n = 10 + Math.floor(rand() * 11);
    lines.push(`${i},${Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(" ")}`);
  }
  return lines.join("\n") + "\n";
}

function checked(expectLines: number) {
  return (out: { code: number; stdout: string; stderr: string }) => {
    if (out.code !== 0) throw new Error(`exit code ${out.code}: ${out.stderr.slice(0, 500)}`);
    const lines = out.stdout.trimEnd().split("\n");
    if (lines.length !== expectLines) {
      throw new Error(`expected ${expectLines} lines: ${out.stdout.slice(0, 300)}`);
    }
  };
}

/**
 * `llm similar` on the benchmark database: sqlite-vec and the fallback, warm and cold, Python once; and
 * sqlite-vec's load cost.
 */
export async function similarGroup(runs: number, userDir: string, bench: BenchEmbeddingsDb): Promise<Group> {
  const { path: db, vectors, dims, bytes, seedMs } = bench;
  await using server = await startEmbeddingsServer({ dims });
  const env = {
    LLM_USER_PATH: userDir,
    NO_COLOR: "1",
    OPENAI_BASE_URL: server.url,
    OPENAI_API_KEY: "sk-bench",
  };
  const llm = (
    name: string,
    args: string[],
    options: { extra?: Record<string, string>; before?: () => void; file?: string } = {},
  ) => ({
    name,
    cmd: [Deno.execPath(), "run", "-A", "cli.ts", ...args, "-d", options.file ?? db],
    cwd: repoDir,
    env: { ...env, ...options.extra },
    before: options.before,
    check: checked(10),
  });
  const byId = ["similar", "bench", "item-123", "-n", "10"];
  const byContent = ["similar", "bench", "-c", "pelican vector search", "-n", "10"];
  const fallback = { LLM_SQLITE_VEC: "0" };
  const cold = dropFromPageCache(db);
  // How the file's pages came into the page cache decides how fast a mapped scan reads them (see the
  // description): the seeded file is dropped and read back through a search's memory map once, and a fresh
  // copy holds its pages as they were written.
  const asWritten = join(userDir, "as-written.db");
  if (cold) {
    await Deno.copyFile(db, asWritten);
    cold();
    await timeOnce(llm("warm-up", byId)); // checked, not reported
  }
  const warm = cold ? ", warm (read back through the map)" : ", warm";
  const specs = [
    { name: "deno run empty.ts", cmd: [Deno.execPath(), "run", "-A", "bench/empty.ts"], cwd: repoDir, env },
    {
      name: "import the sqlite-vec package and load it (a first search)",
      cmd: [Deno.execPath(), "run", "-A", "bench/sqlite_vec_load.ts", "fresh"],
      cwd: repoDir,
      env,
    },
    {
      name: "load sqlite-vec from its remembered path (later searches)",
      cmd: [Deno.execPath(), "run", "-A", "bench/sqlite_vec_load.ts"],
      cwd: repoDir,
      env,
    },
    llm(`llm similar ID -n 10 (sqlite-vec)${warm}`, byId),
    ...(cold ? [llm("llm similar ID -n 10 (sqlite-vec), warm (as written)", byId, { file: asWritten })] : []),
    llm(`llm similar ID -n 10 (typed-array fallback)${warm}`, byId, { extra: fallback }),
    llm(`llm similar -c TEXT -n 10 (sqlite-vec)${warm}`, byContent),
    llm(`llm similar -c TEXT -n 10 (typed-array fallback)${warm}`, byContent, { extra: fallback }),
    ...(cold
      ? [
        llm("llm similar ID -n 10 (sqlite-vec), cold cache", byId, { before: cold }),
        llm("llm similar ID -n 10 (typed-array fallback), cold cache", byId, {
          extra: fallback,
          before: cold,
        }),
      ]
      : []),
  ];
  const measurements = await measureCommands(specs, runs).finally(() =>
    Deno.remove(asWritten).catch(() => {})
  );
  if (await Deno.stat(PYTHON_LLM).then(() => true, () => false)) {
    // Timed once: Python's brute force in a Python function per row is slow enough that one run tells.
    measurements.push(
      await timeOnce({
        name: `Python llm 0.32: llm similar ID -n 10 (one run)${warm}`,
        cmd: [PYTHON_LLM, ...byId, "-d", db],
        env,
        check: checked(10),
      }),
    );
  }
  return {
    title: `Embeddings: llm similar (${vectors.toLocaleString("en")} vectors of ${
      dims.toLocaleString("en")
    })`,
    description:
      `An embeddings.db of ${vectors.toLocaleString("en")} random unit vectors of ${dims} float32 ` +
      `values (${(bytes / 1024 / 1024).toFixed(0)} MiB, 4 KiB pages as Python writes them, ` +
      (seedMs === null ? "seeded by an earlier run" : `seeded in ${(seedMs / 1000).toFixed(1)} s`) +
      "). Every search is exact: each vector is compared with the query. By content adds one request to " +
      "the loopback embeddings server for the query's vector. The fallback is the typed-array scan used " +
      "when sqlite-vec cannot load. Warm: the file is in the operating system's page cache. How its pages came " +
      "there matters: read back through a search's memory map (after the file left the cache, as for anyone " +
      "who searched it before), Linux (6.18 here) keeps them in 2 MiB pages mapped whole, while the pages of a file as it " +
      "was written (just after `llm embed-multi`, or a copy) are mapped 4 KiB at a time, which a mapped scan " +
      "reads more slowly (the two sqlite-vec warm rows). Cold: the file was dropped " +
      "from the page cache before each run " +
      (cold ? "(`dd iflag=nocache`)" : "(not measured: GNU dd is not available)") +
      ". The search reads the file memory-mapped, so the peak resident memory of `llm similar` counts the " +
      "file's pages mapped into the process (the operating system's page cache, shared), not memory it " +
      "allocated. Target: 300 ms for `llm similar -n 10` with sqlite-vec, warm.",
    measurements,
    targets: Object.fromEntries(
      measurements.filter((m) => /^llm similar ID -n 10 \(sqlite-vec\), warm/.test(m.name)).map((m) => [
        m.name,
        { ms: 300 },
      ]),
    ),
  };
}

/** `llm embed-multi` of `rows` CSV rows, beside the server's own pace for the same batches. */
export async function embedMultiGroup(runs: number, userDir: string, rows = 10_000): Promise<Group> {
  await using server = await startEmbeddingsServer({ dims: 1536 });
  const csv = join(userDir, "rows.csv");
  const text = csvRows(rows);
  await Deno.writeTextFile(csv, text);
  const db = join(userDir, "embed-multi.db");
  const env = {
    LLM_USER_PATH: userDir,
    NO_COLOR: "1",
    OPENAI_BASE_URL: server.url,
    OPENAI_API_KEY: "sk-bench",
  };
  const fresh = () => {
    for (const suffix of ["", "-journal"]) {
      try {
        Deno.removeSync(db + suffix);
      } catch { /* not there */ }
    }
  };
  const measurements = await measureCommands([
    {
      name: `llm embed-multi, ${rows.toLocaleString("en")} rows (3-small, 1,536 dimensions)`,
      cmd: [Deno.execPath(), "run", "-A", "cli.ts", "embed-multi", "bench", csv, "-m", "3-small", "-d", db],
      cwd: repoDir,
      env,
      before: fresh,
      check(out) {
        if (out.code !== 0) throw new Error(`exit code ${out.code}: ${out.stderr.slice(0, 500)}`);
      },
    },
  ], runs);
  // The server's own pace: the same 100-text batches posted by a bare client, one after another.
  const texts = text.trimEnd().split("\n").slice(1).map((line) => line.slice(line.indexOf(",") + 1));
  const samples: Sample[] = [];
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    for (let i = 0; i < texts.length; i += 100) {
      const response = await fetch(`${server.url}/embeddings`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          input: texts.slice(i, i + 100),
          model: "text-embedding-3-small",
          encoding_format: "base64",
        }),
      });
      await response.arrayBuffer();
    }
    samples.push({ ms: performance.now() - started, peakKib: null });
  }
  measurements.push(
    fromSamples(`bare client: the same ${Math.ceil(rows / 100)} requests (in process)`, samples),
  );
  const rate = (m: Measurement) => Math.round(rows / (m.wall.median / 1000)).toLocaleString("en");
  return {
    title: `Embeddings: llm embed-multi (${rows.toLocaleString("en")} rows)`,
    description:
      `A CSV of ${rows.toLocaleString("en")} rows of 10-20 words, embedded in batches of 100 by the ` +
      `loopback server (1,536 dimensions, base64) into a new embeddings.db each run: ${
        rate(measurements[0])
      } ` +
      `rows/s, against ${
        rate(measurements[1])
      } rows/s for a bare client sending the same requests (the server's ` +
      "pace). Target: bounded by the server, with flat memory.",
    measurements,
    targets: {},
  };
}

/** Every embeddings group: `llm similar`, its steps, `llm embed-multi`. */
export async function embeddingsGroups(
  runs: number,
  userDir: string,
  options: { vectors?: number; dims?: number; rows?: number } = {},
): Promise<Group[]> {
  const bench = await cachedEmbeddingsDb(options.vectors ?? 100_000, options.dims ?? 1536);
  return [
    await similarGroup(runs, userDir, bench),
    // In process and long (many steps, each a full scan): fewer runs are enough for a steady median.
    await similarStepsGroup(Math.min(runs, 5), bench.path, bench.dims),
    await embedMultiGroup(runs, userDir, options.rows ?? 10_000),
  ];
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      runs: { type: "string", default: "5" },
      vectors: { type: "string", default: "100000" },
      dims: { type: "string", default: "1536" },
      rows: { type: "string", default: "10000" },
    },
  });
  const userDir = await Deno.makeTempDir({ prefix: "llm-bench-embeddings-" });
  try {
    const groups = await embeddingsGroups(Number(values.runs), userDir, {
      vectors: Number(values.vectors),
      dims: Number(values.dims),
      rows: Number(values.rows),
    });
    console.log(groups.map(groupText).join("\n\n"));
  } finally {
    await Deno.remove(userDir, { recursive: true });
  }
}
