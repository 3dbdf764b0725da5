/**
 * How a received value shows in an error message, for every layer (catalog, sizing, engines,
 * constructs, CLI). It imports nothing, so any module may use it without an import cycle.
 */

/** Longest JSON shown for an object or array before it is cut (a whole config.json helps nobody). */
const MAX_JSON = 80;

/**
 * A value as it should appear in an error message; never throws. Strings in single quotes, as they are
 * written in props (`accelerator: 'A100'`), or with `strings: 'json'` as JSON strings (`"4096"`, for
 * fields that mirror a config.json); numbers, booleans, null, undefined and symbols as themselves,
 * bigints with `n`, functions as `a function`, objects and arrays as JSON (cut after 80 characters),
 * anything JSON cannot show (cycles) by its tag (`[object Object]`).
 */
export function describe(value: unknown, strings: 'quoted' | 'json' = 'quoted'): string {
  if (typeof value === 'string') return strings === 'json' ? JSON.stringify(value) : `'${value}'`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value !== 'object' || value === null) return String(value);
  try {
    const json = JSON.stringify(value) as string | undefined;
    if (json === undefined) return Object.prototype.toString.call(value);
    return json.length > MAX_JSON ? `${json.slice(0, MAX_JSON - 3)}...` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** A field's value in "`field` is ...": `missing` when it is absent, else as `describe` shows it. */
export function describeField(value: unknown): string {
  return value === undefined ? 'missing' : describe(value);
}
