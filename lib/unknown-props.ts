/**
 * Unknown props are errors at runtime, with "did you mean": TypeScript catches `acelerator: 'H100'` at
 * compile time, but JavaScript callers and type-check-free runners (`tsx`, `ts-node --transpile-only`)
 * would otherwise synthesize a manifest that silently ignores it. The lowest layer: constructs, sizing
 * and the Pulumi component call it; it imports only the errors and the name matcher.
 */
import { distance, normalizeName } from './catalog/nearest';
import { ValidationError } from './errors';

/** Every key a shape may have, across the members of a union. */
type KeysOf<T> = T extends unknown ? keyof T : never;
type ValueOf<T, K extends PropertyKey> = T extends unknown ? (K extends keyof T ? T[K] : never) : never;
/** The plain-object members of a prop's type (arrays, functions and primitives have no nested spec). */
type Plain<T> = T extends readonly unknown[] | ((...args: never[]) => unknown) | string | number | boolean | bigint | symbol ? never : T extends object ? T : never;

/**
 * The keys a props object may carry: `true` accepts the value as it is, a nested spec checks the keys of
 * a plain-object value too. Mapped over every key of `T`, so a prop added to an interface without its
 * spec is a compile error (the lists cannot drift from the types).
 */
export type PropSpec<T> = {
  readonly [K in KeysOf<T>]-?: [Plain<NonNullable<ValueOf<T, K>>>] extends [never] ? true : true | PropSpec<Plain<NonNullable<ValueOf<T, K>>>>;
};

/** Loose runtime view of a spec. */
interface AnySpec {
  readonly [key: string]: true | AnySpec;
}

/** `propSpec<LlmWorkerProps>()({ ... })`: the spec of a props interface, checked for completeness. */
export function propSpec<T>(): (spec: PropSpec<T>) => PropSpec<T> {
  return (spec) => spec;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

type ErrorClass = new (code: string, message: string, options: { field?: string; suggestions?: string[] }) => Error;

/**
 * Throws (a ValidationError unless `errorClass` says otherwise; code `unknown-prop`) naming the first key
 * of `props`, or of a nested option object the spec describes, that the spec does not know, with the
 * closest known key. `what` names the object in the message, e.g. `LlmWorker chat`. Values that are not
 * plain objects are left to the callers' own checks.
 */
export function rejectUnknownProps<T>(what: string, props: T, spec: PropSpec<T>, errorClass: ErrorClass = ValidationError): void {
  check(what, props, spec as unknown as AnySpec, '', errorClass);
}

function check(what: string, props: unknown, known: AnySpec, path: string, errorClass: ErrorClass): void {
  if (!isPlainObject(props)) return;
  for (const [key, value] of Object.entries(props)) {
    const field = path ? `${path}.${key}` : key;
    const entry = Object.prototype.hasOwnProperty.call(known, key) ? known[key] : undefined;
    if (entry === undefined) {
      const nearest = closestKey(key, Object.keys(known));
      throw new errorClass('unknown-prop', `${what}: unknown prop '${field}'${nearest ? ` (did you mean '${nearest}'?)` : ''}`, {
        field,
        suggestions: nearest ? [`${path ? `${path}.` : ''}${nearest}`] : [],
      });
    }
    if (entry !== true) check(what, value, entry, field, errorClass);
  }
}

/**
 * The known key the user most likely meant: one that starts with or contains the typed key
 * (`timeout` -> `timeoutSeconds`) first, then the smallest edit distance (`servedName` ->
 * `servedModelName`, not `name`).
 */
function closestKey(key: string, known: readonly string[]): string | undefined {
  const typed = normalizeName(key);
  const score = (candidate: string): number => {
    const c = normalizeName(candidate);
    return (typed.length >= 3 && c.includes(typed) ? 0 : 1000) + distance(typed, c);
  };
  return [...known].sort((a, b) => score(a) - score(b) || a.localeCompare(b))[0];
}

/** The entries of `props` that the spec knows (top level): what a wider props object passes on. */
export function pickProps<T>(props: Partial<T>, spec: PropSpec<T>): T {
  return Object.fromEntries(Object.entries(props).filter(([key]) => Object.prototype.hasOwnProperty.call(spec, key))) as T;
}
