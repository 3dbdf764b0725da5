import { ValidationError } from '../../lib/errors';

/** The ValidationError `fn` throws; fails the test when it throws something else, or nothing. */
export function thrownValidationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError');
}
