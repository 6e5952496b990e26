/**
 * Python's `datetime.isoformat()` and `str(datetime)` of an aware UTC datetime, the forms logs.db stores:
 * `2026-01-02T03:04:05.123456+00:00`, with the fraction left out when it is zero, as Python does.
 * @module
 */

/**
 * `datetime.isoformat(sep)` of the UTC time `time` (a `Date`, or epoch milliseconds whose fraction gives the
 * microseconds).
 *
 * @example
 * ```ts
 * import { pythonIsoformat } from "./isoformat.ts";
 * pythonIsoformat(Date.UTC(2026, 0, 2, 3, 4, 5, 123) + 0.456); // "2026-01-02T03:04:05.123456+00:00"
 * pythonIsoformat(new Date(Date.UTC(2026, 0, 1))); // "2026-01-01T00:00:00+00:00"
 * ```
 */
export function pythonIsoformat(time: Date | number, sep = "T"): string {
  const epochMs = typeof time === "number" ? time : time.getTime();
  const whole = Math.floor(epochMs);
  // The fraction of a millisecond is rounded: a float epoch cannot hold whole microseconds exactly.
  const micros = (whole % 1000 + 1000) % 1000 * 1000 + Math.min(999, Math.round((epochMs - whole) * 1000));
  const iso = new Date(whole).toISOString(); // 2026-01-02T03:04:05.123Z
  const fraction = micros ? `.${String(micros).padStart(6, "0")}` : "";
  return `${iso.slice(0, 10)}${sep}${iso.slice(11, 19)}${fraction}+00:00`;
}

/** `str(datetime)` of the UTC time `time`: the isoformat with a space between date and time. */
export function pythonDatetimeStr(time: Date | number): string {
  return pythonIsoformat(time, " ");
}
