import type { Construct } from 'constructs';

/** Node metadata type of a synth warning (the stack's report lists them). */
export const SYNTH_WARNING = 'llm-constructs:warning';

/**
 * Prints a warning when the app synthesizes (once), e.g. an explicit opt-out of a secure
 * default. Synth output is the place users look; construction may happen in tests that never synth.
 */
export function warnAtSynth(scope: Construct, message: string): void {
  scope.node.addMetadata(SYNTH_WARNING, message);
  let printed = false; // cdk8s validates the app, then each chart again: print once
  scope.node.addValidation({
    validate: () => {
      if (!printed) console.warn(`[llm-constructs] warning: ${scope.node.path}: ${message}`);
      printed = true;
      return [];
    },
  });
}
