/**
 * Typed errors of llm-constructs. Every error names what was wrong (`field`, `value`) and what would
 * work (`suggestions`), so that a CLI, a test or a CI job can act on it without parsing the message.
 */

/** Common base: a message plus machine-readable suggestions. */
export abstract class LlmConstructsError extends Error {
  /** What would work instead, one action per entry (e.g. "use --quantization awq"). */
  public readonly suggestions: string[];
  /** The input field or construct prop at fault, when one is (e.g. `accelerator`, `tensorParallel`). */
  public readonly field?: string;
  /** A short stable code for scripts (e.g. `unknown-model`, `does-not-fit`). */
  public readonly code: string;
  /** The construct path (`chart/worker`) of the construct whose prop is at fault, when a construct threw. */
  public readonly path?: string;

  protected constructor(code: string, message: string, options: LlmErrorOptions = {}) {
    const suggestions = options.suggestions ?? [];
    super(suggestions.length > 0 ? `${message}\n  Try: ${suggestions.join('\n       ')}` : message);
    this.name = new.target.name;
    this.code = code;
    this.field = options.field;
    this.path = options.path;
    this.suggestions = suggestions;
  }
}

/** What an error carries besides its code and message. */
export interface LlmErrorOptions {
  readonly field?: string;
  readonly suggestions?: string[];
  /** The construct path, set by constructs (see lib/constructs/validation.ts). */
  readonly path?: string;
}

/**
 * The sizing core cannot answer: an unknown model or accelerator, a number out of range, a parallelism
 * the model does not allow, or simply nothing that fits. Thrown by `planModel()` and catalog lookups.
 */
export class SizingError extends LlmConstructsError {
  constructor(code: string, message: string, options: LlmErrorOptions = {}) {
    super(code, message, options);
  }
}

/** A construct prop is invalid (thrown by constructors and at synth). */
export class ValidationError extends LlmConstructsError {
  constructor(code: string, message: string, options: LlmErrorOptions = {}) {
    super(code, message, options);
  }
}
