import { LlmConstructsError } from '../errors';

/** The Hugging Face Hub could not give what `model add` needs (gated, missing, slow, malformed). */
export class HubError extends LlmConstructsError {
  constructor(code: string, message: string, options: { field?: string; suggestions?: string[] } = {}) {
    super(code, message, options);
  }
}
