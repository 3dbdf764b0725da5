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

  protected constructor(code: string, message: string, options: { field?: string; suggestions?: string[] } = {}) {
    const suggestions = options.suggestions ?? [];
    super(suggestions.length > 0 ? `${message}\n  Try: ${suggestions.join('\n       ')}` : message);
    this.name = new.target.name;
    this.code = code;
    this.field = options.field;
    this.suggestions = suggestions;
  }
}

/**
 * The sizing core cannot answer: an unknown model or accelerator, a number out of range, a parallelism
 * the model does not allow, or simply nothing that fits. Thrown by `planModel()` and catalog lookups.
 */
export class SizingError extends LlmConstructsError {
  constructor(code: string, message: string, options: { field?: string; suggestions?: string[] } = {}) {
    super(code, message, options);
  }
}

/** A construct prop is invalid (thrown by constructors and at synth). */
export class ValidationError extends LlmConstructsError {
  constructor(code: string, message: string, options: { field?: string; suggestions?: string[] } = {}) {
    super(code, message, options);
  }
}
