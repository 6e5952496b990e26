/**
 * `--since` and `--until` of `llm logs`: keeping the rows logged within a date range. A bound is a day
 * (`2025-06-01`, the whole day in UTC) or a time (`2025-06-01T12:00`, UTC unless it names a zone). Not in
 * Python llm.
 *
 * @example
 * ```ts
 * import { inDateRange, parseDateRange } from "./date_range.ts";
 * const range = parseDateRange("2025-06-01", "2025-06-30");
 * inDateRange("2025-06-30T23:00:00+00:00", range); // true
 * ```
 * @module
 */
import { LlmError } from "../models/errors.ts";

/** A bound that is neither a day nor a time. */
export class InvalidDateError extends LlmError {
  /** Creates the error for `value` given to `flag`. */
  constructor(flag: string, value: string) {
    super(`Invalid date '${value}' for ${flag}. Give a day (2025-06-01) or a time (2025-06-01T12:00)`);
  }
}

/** A range of times in milliseconds since the epoch: `start` included, `end` excluded. */
export interface DateRange {
  /** The first millisecond in the range, or `-Infinity`. */
  start: number;
  /** The first millisecond after the range, or `Infinity`. */
  end: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

function parseBound(flag: string, value: string, isEnd: boolean): number {
  const text = value.trim();
  if (DAY.test(text)) {
    const start = Date.parse(`${text}T00:00:00Z`);
    if (Number.isNaN(start)) throw new InvalidDateError(flag, value);
    return isEnd ? start + 86_400_000 : start;
  }
  if (!TIME.test(text)) throw new InvalidDateError(flag, value);
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text}Z`;
  const time = Date.parse(zoned.replace(" ", "T"));
  if (Number.isNaN(time)) throw new InvalidDateError(flag, value);
  return isEnd ? time + 1 : time;
}

/** The range `--since` and `--until` give (either may be missing). */
export function parseDateRange(since?: string, until?: string): DateRange {
  return {
    start: since ? parseBound("--since", since, false) : -Infinity,
    end: until ? parseBound("--until", until, true) : Infinity,
  };
}

/** True when a row logged at `datetimeUtc` (ISO 8601, as logs.db stores it) falls in `range`. */
export function inDateRange(datetimeUtc: string | null, range: DateRange): boolean {
  if (range.start === -Infinity && range.end === Infinity) return true;
  if (!datetimeUtc) return false;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(datetimeUtc) ? datetimeUtc : `${datetimeUtc}Z`;
  const time = Date.parse(zoned);
  return time >= range.start && time < range.end;
}
