import type { Construct } from 'constructs';

/**
 * Prints a warning when the app synthesizes (once), e.g. an explicit opt-out of a secure
 * default. Synth output is the place users look; construction may happen in tests that never synth.
 */
export function warnAtSynth(scope: Construct, message: string): void {
  let printed = false; // cdk8s validates the app, then each chart again: print once
  scope.node.addValidation({
    validate: () => {
      if (!printed) console.warn(`[llm-constructs] warning: ${scope.node.path}: ${message}`);
      printed = true;
      return [];
    },
  });
}
