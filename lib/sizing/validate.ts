import { describe } from '../describe';
import { SizingError } from '../errors';

/**
 * Small guards for values that may come from plain JavaScript or a CLI: each failure names the field,
 * the value received and what is expected — never a TypeError from deep inside.
 */

/** A positive safe integer, or a SizingError naming `field`. */
export function positiveInteger(value: unknown, field: string, hint: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new SizingError('invalid-number', `${field} must be a positive integer, got ${describe(value)}`, {
      field,
      suggestions: [hint],
    });
  }
  return value;
}

/** A fraction in (0, 1], or a SizingError naming `field`. */
export function fraction(value: unknown, field: string, hint: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 1) {
    throw new SizingError('invalid-number', `${field} must be a number in (0, 1], got ${describe(value)}`, {
      field,
      suggestions: [hint],
    });
  }
  return value;
}

/** One of `choices`, or a SizingError listing them. */
export function oneOf<T extends string>(value: unknown, choices: readonly T[], field: string): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new SizingError(`invalid-${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, `${field} must be one of ${choices.join(', ')}; got ${describe(value)}`, {
      field,
      suggestions: choices.map((choice) => `${field}: '${choice}'`).slice(0, 4),
    });
  }
  return value as T;
}
