import { ValidationError } from '../errors';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Kubernetes object names of llm-constructs: DNS-1123 labels (Services need labels, max 63). */
export function checkDnsLabel(name: string, prop: string): string {
  if (typeof name !== 'string' || name.length > 63 || !DNS_LABEL.test(name)) {
    throw new ValidationError(
      'invalid-name',
      `${prop} '${String(name)}' is not a valid Kubernetes name: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters`,
      {
        field: prop,
        suggestions: [`${prop}: '${toDnsLabel(String(name)) || 'my-model'}'`],
      },
    );
  }
  return name;
}

/** Lowercases and replaces what DNS-1123 forbids: `Mistral-7B-Instruct-v0.3` -> `mistral-7b-instruct-v0-3`. */
export function toDnsLabel(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 63)
    .replace(/-$/, '');
}
