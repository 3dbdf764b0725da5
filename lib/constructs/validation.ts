/**
 * Validation helpers of the construct layer, in one place: errors name the construct in their message
 * (`GpuNodePool gpus: ...`) and carry its path as data (`error.path`), so nothing parses messages.
 */
import type { Construct } from 'constructs';
import { LlmConstructsError, SizingError, ValidationError } from '../errors';
import { describe } from '../describe';

export { describe };

/** The construct kinds that validate props (the first word of their messages). */
export type ConstructKind = 'LlmWorker' | 'GpuNodePool' | 'InferenceGateway' | 'AutoscaledTriton' | 'LlmStack' | 'ExternalModel';

/** A ValidationError of `scope`'s prop `field`: the message names the construct, `path` locates it. */
export function invalid(scope: Construct, kind: ConstructKind, code: string, field: string, message: string, suggestions: string[] = []): ValidationError {
  return new ValidationError(code, `${kind} ${scope.node.id}: ${message}`, { field, suggestions, path: scope.node.path });
}

/** Makes the errors of one construct: `(code, field, message, suggestions)`. */
export type ConstructError = (code: string, field: string, message: string, suggestions: string[]) => ValidationError;

/**
 * `invalid` for the construct `id` still to be made under `scope` (a Chart checks its namespace before
 * `super()`, which would fail on a bad one): `path` is the path it would get.
 */
export function invalidBeforeMade(scope: Construct, id: string, kind: ConstructKind): ConstructError {
  const path = scope.node.path === '' ? id : `${scope.node.path}/${id}`;
  return (code, field, message, suggestions) => new ValidationError(code, `${kind} ${id}: ${message}`, { field, suggestions, path });
}

/** `value` as a positive integer, or the construct's `invalid-…` error naming `field`. */
export function positiveInteger(scope: Construct, kind: ConstructKind, code: string, value: unknown, field: string, hint: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw invalid(scope, kind, code, field, `${field} must be a positive integer, got ${describe(value)}`, [hint]);
  }
  return value;
}

/**
 * Runs one step of a constructor that calls into the sizing core or the engines, which know no
 * construct: an error of theirs (it has no path yet) becomes the construct's, named `label` in the
 * message, with the same code, field and suggestions. Errors that already carry a path pass through.
 * `asValidation`: report a SizingError as a ValidationError too (a pool's props, unlike a worker's, are
 * never a sizing question).
 */
export function constructStep<T>(scope: Construct, label: string, step: () => T, asValidation = false): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof LlmConstructsError && error.path === undefined) {
      const Type = error instanceof SizingError && !asValidation ? SizingError : ValidationError;
      throw new Type(error.code, `${label}: ${error.message.split('\n')[0]}`, { field: error.field, suggestions: error.suggestions, path: scope.node.path });
    }
    throw error;
  }
}
