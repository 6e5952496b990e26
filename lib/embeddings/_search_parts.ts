/**
 * Splitting a search across cores: a collection of 20,000 rows or more is cut into rowid ranges, one a core
 * (up to four); this thread scans the first and workers (`_search_worker.ts`) the others, each on its own
 * read-only connection. Both engines use it. A worker is started before the engine has loaded what it needs,
 * so that its start-up overlaps that work, and it keeps its connection for a second round of the same search.
 * A worker that cannot start or fails leaves its part to this thread.
 *
 * Every scanning connection reads the file memory-mapped ({@link mapFile}): a search reads every page of the
 * table once, and a mapped page is read where it lies in the operating system's page cache instead of being
 * copied into SQLite's by a `pread` a page (two a row: a vector of 1,536 float32 values spans a leaf page and
 * an overflow page). bench/embeddings_steps.ts measures both: on the 2-core test machine a warm scan took from
 * the same time (pages fresh from being written) to well under half (pages read back from disk), never more.
 *
 * Parts in one process do not scale with the cores for sqlite-vec: it allocates once per vector argument and
 * row, and SQLite counts every allocation under one process-wide mutex, so two parts take about 0.8 of one
 * thread's time, not 0.5 (the typed-array scan, whose copies are JavaScript's, scales better).
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import type { Candidate } from "./search.ts";

/**
 * The most of a database file SQLite maps into memory: its compile-time ceiling on 64-bit builds (2 GiB less
 * 64 KiB); the rest of a larger file is read as usual.
 */
export const MMAP_BYTES = 0x7fff0000;

/**
 * Lets `conn` read its file memory-mapped (`PRAGMA mmap_size`). Only for the read-only connections a search
 * opens: writes never go through the mapping, and the file format is not touched.
 */
export function mapFile(conn: DatabaseSync): DatabaseSync {
  conn.exec(`PRAGMA mmap_size = ${MMAP_BYTES}`);
  return conn;
}

/** A read-only, memory-mapped connection to `path` for scanning (no extensions). */
export function openScanConnection(path: string): DatabaseSync {
  const conn = new DatabaseSync(path, { readOnly: true, enableForeignKeyConstraints: false });
  try {
    conn.exec("PRAGMA busy_timeout = 5000");
    return mapFile(conn);
  } catch (error) {
    conn.close();
    throw error;
  }
}

/** Collections of at least this many rows are scanned in parallel parts. */
export const PARALLEL_ROWS = 20_000;

/** An inclusive range of rowids. */
export type RowidRange = [number, number];

/** Every rowid. */
export const ALL_ROWS: RowidRange = [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];

/** A part for sqlite-vec: its SQL and parameters, run on a connection with the extension at `extension`. */
export interface VecPart {
  /** Which engine. */
  engine: "sqlite-vec";
  /** The database file. */
  path: string;
  /** The sqlite-vec library to load (found by the main thread, so the worker need not import the package). */
  extension: string;
  /** The query, with the rowid range and limit among its parameters. */
  sql: string;
  /** Its parameters. */
  params: (string | number | Uint8Array)[];
}

/** A part for the typed-array scan (see `scanRange` in `search_scan.ts`). */
export interface ScanPart {
  /** Which engine. */
  engine: "scan";
  /** The database file. */
  path: string;
  /** The `WHERE` clause of the query, without the rowid range. */
  where: string;
  /** Its arguments. */
  args: (string | number)[];
  /** The query vector. */
  vector: Float64Array;
  /** The rowids to scan. */
  range: RowidRange;
  /** How many candidates to keep. */
  size: number;
}

/** What a worker is asked to scan. */
export type PartRequest = VecPart | ScanPart;

/**
 * The rowid ranges of `embeddings` to scan at once: one a core (at most four), or the one range
 * {@link ALL_ROWS} for a table of fewer than {@link PARALLEL_ROWS} rowids or a single core.
 */
export function rowidParts(conn: DatabaseSync): RowidRange[] {
  // Two subqueries, each answered from one end of the table's b-tree; `min(rowid), max(rowid)` in one
  // SELECT scans a whole index instead.
  const { lo, hi } = conn.prepare(
    "SELECT (SELECT min(rowid) FROM embeddings) AS lo, (SELECT max(rowid) FROM embeddings) AS hi",
  ).get() as { lo: number | null; hi: number | null };
  const cores = Math.min(4, navigator.hardwareConcurrency || 1);
  if (lo === null || hi === null || hi - lo + 1 < PARALLEL_ROWS || cores < 2) return [ALL_ROWS];
  const size = Math.ceil((hi - lo + 1) / cores);
  return Array.from(
    { length: cores },
    (_, i): RowidRange => [lo + i * size, i === cores - 1 ? hi : lo + (i + 1) * size - 1],
  );
}

/** A worker that scans parts of the table on its own connection; started as soon as it is known to be needed. */
export class PartWorker {
  #worker: Worker | undefined;
  #failure: Error | undefined;

  /** Starts the worker (a sandbox that refuses workers makes every `run` reject). */
  constructor() {
    try {
      this.#worker = new Worker(new URL("./_search_worker.ts", import.meta.url).href, { type: "module" });
    } catch (error) {
      this.#failure = error instanceof Error ? error : new Error(String(error));
    }
  }

  /** Scans one part; rejects when the worker could not start or fails. */
  run(request: PartRequest): Promise<Candidate[]> {
    const worker = this.#worker;
    if (!worker || this.#failure) return Promise.reject(this.#failure ?? new Error("the worker has stopped"));
    return new Promise<Candidate[]>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<{ rows?: Candidate[]; error?: string }>) => {
        if (event.data.error !== undefined) reject(new Error(event.data.error));
        else resolve(event.data.rows ?? []);
      };
      worker.onerror = (event) => {
        event.preventDefault();
        this.#failure = new Error(event.message);
        reject(this.#failure);
      };
      worker.postMessage(request);
    });
  }

  /** Stops the worker. */
  close(): void {
    this.#worker?.terminate();
    this.#worker = undefined;
  }
}

/** Workers for every part but the first (which this thread scans). */
export function startWorkers(parts: RowidRange[]): PartWorker[] {
  return parts.slice(1).map(() => new PartWorker());
}

/**
 * Runs part 0 here with `scanHere` and the others on `workers` (a failed worker's part also here), and returns
 * each part's candidates in part order.
 */
export async function runParts(
  parts: RowidRange[],
  workers: PartWorker[],
  request: (range: RowidRange) => PartRequest,
  scanHere: (range: RowidRange) => Candidate[],
): Promise<Candidate[][]> {
  const [mine, ...others] = parts;
  const pending = others.map((range, i) => workers[i].run(request(range)).catch(() => scanHere(range)));
  const first = scanHere(mine);
  return [first, ...await Promise.all(pending)];
}
