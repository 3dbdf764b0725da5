/**
 * Pods that keep a privilege beyond the restricted baseline (root, an added capability, a host path)
 * say which and why in this annotation, so the exceptions are listed in the manifests themselves and
 * a test can require a reason for every one of them.
 */
export const PRIVILEGES_ANNOTATION = 'llm-constructs.io/privileges';
