import type { Construct } from 'constructs';

/**
 * Prints a warning when the app synthesizes (once per synth), e.g. an explicit opt-out of a secure
 * default. Synth output is the place users look; construction may happen in tests that never synth.
 */
export function warnAtSynth(scope: Construct, message: string): void {
  scope.node.addValidation({
    validate: () => {
      console.warn(`[llm-constructs] warning: ${scope.node.path}: ${message}`);
      return [];
    },
  });
}
