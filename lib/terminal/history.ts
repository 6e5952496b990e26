/**
 * The line editor's history: the lines entered, oldest first, kept across sessions in a text file (one entry a
 * line, `\n` and `\` escaped as `\\n` and `\\\\`) that only its owner can read (mode 0600). The file is capped:
 * at most `maxEntries` entries (1,000 unless said otherwise) and about `maxBytes` (1 MiB); an entry over 64 KiB
 * (a big paste) is kept for the session only. Entries are appended as they are entered, so two sessions at once
 * both keep theirs; the file is rewritten, newest entries kept, when it grows past the cap.
 *
 * @example
 * ```ts ignore
 * import { History } from "./history.ts";
 * const history = await History.load("/home/me/.config/io.datasette.llm/chat-history.txt");
 * await history.add("What is a pelican?");
 * history.entries; // [..., "What is a pelican?"]
 * ```
 * @module
 */

/** Options of {@link History.load}. */
export interface HistoryOptions {
  /** Most entries to keep in the file (default 1,000; 0 keeps none on disk). */
  maxEntries?: number;
  /** About the most bytes the file may take (default 1 MiB). */
  maxBytes?: number;
}

const MAX_ENTRY_BYTES = 64 * 1024;
const encoder = new TextEncoder();

/** An entry as one line of the history file. */
export function escapeEntry(entry: string): string {
  return entry.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}

/** A line of the history file as the entry it stands for. */
export function unescapeEntry(line: string): string {
  return line.replace(/\\([\\nr])/g, (_, c: string) => (c === "n" ? "\n" : c === "r" ? "\r" : "\\"));
}

/** Entered lines, oldest first, optionally kept in a file; see the module doc. */
export class History {
  /** The entries, oldest first. */
  readonly entries: string[];
  #path: string | undefined;
  #maxEntries: number;
  #maxBytes: number;
  #fileEntries: number;
  #fileBytes: number;

  private constructor(entries: string[], path: string | undefined, options: HistoryOptions, bytes = 0) {
    this.entries = entries;
    this.#path = path;
    this.#maxEntries = options.maxEntries ?? 1000;
    this.#maxBytes = options.maxBytes ?? 1024 * 1024;
    this.#fileEntries = entries.length;
    this.#fileBytes = bytes;
  }

  /** A history kept only in memory. */
  static memory(entries: string[] = []): History {
    return new History([...entries], undefined, { maxEntries: 0 });
  }

  /** The history kept in the file at `path` (which need not exist yet). */
  static async load(path: string, options: HistoryOptions = {}): Promise<History> {
    let entries: string[] = [];
    let bytes = 0;
    try {
      const text = await Deno.readTextFile(path);
      bytes = encoder.encode(text).length;
      entries = text.split("\n").filter((line) => line !== "").map(unescapeEntry);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    const max = options.maxEntries ?? 1000;
    return new History(entries.slice(Math.max(0, entries.length - max)), path, options, bytes);
  }

  /**
   * Adds an entry (not an empty one, nor one equal to the latest) and appends it to the file.
   * Returns whether it was added.
   */
  async add(entry: string): Promise<boolean> {
    if (!entry.trim() || this.entries[this.entries.length - 1] === entry) return false;
    this.entries.push(entry);
    if (!this.#path || this.#maxEntries <= 0) return true;
    const line = escapeEntry(entry) + "\n";
    const size = encoder.encode(line).length;
    if (size > MAX_ENTRY_BYTES) return true;
    this.#fileEntries++;
    this.#fileBytes += size;
    if (this.#fileEntries > this.#maxEntries || this.#fileBytes > this.#maxBytes) {
      await this.#rewrite();
    } else {
      const file = await Deno.open(this.#path, { append: true, create: true, mode: 0o600 });
      try {
        await file.write(encoder.encode(line));
      } finally {
        file.close();
      }
      await this.#private();
    }
    return true;
  }

  /** Writes the newest entries that fit the caps to a new file and moves it over the old one. */
  async #rewrite(): Promise<void> {
    const path = this.#path!;
    const lines: string[] = [];
    let bytes = 0;
    for (let i = this.entries.length - 1; i >= 0 && lines.length < this.#maxEntries; i--) {
      const line = escapeEntry(this.entries[i]) + "\n";
      const size = encoder.encode(line).length;
      if (size > MAX_ENTRY_BYTES) continue;
      if (bytes + size > this.#maxBytes) break;
      bytes += size;
      lines.push(line);
    }
    lines.reverse();
    const temp = `${path}.${Deno.pid}.tmp`;
    await Deno.writeTextFile(temp, lines.join(""), { mode: 0o600 });
    await Deno.rename(temp, path);
    this.#fileEntries = lines.length;
    this.#fileBytes = bytes;
    await this.#private();
  }

  /** Makes the file readable by its owner only, whatever mode it was created with. */
  async #private(): Promise<void> {
    if (Deno.build.os === "windows") return;
    await Deno.chmod(this.#path!, 0o600);
  }

  /** The index of the newest entry before `before` that contains `query`, or -1. */
  search(query: string, before: number = this.entries.length): number {
    for (let i = Math.min(before, this.entries.length) - 1; i >= 0; i--) {
      if (this.entries[i].includes(query)) return i;
    }
    return -1;
  }
}
