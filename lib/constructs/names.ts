import { Chart } from 'cdk8s';
import type { Construct } from 'constructs';
import { ValidationError } from '../errors';
import { invalid, type ConstructError, type ConstructKind } from './validation';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Kubernetes object names of llm-constructs: DNS-1123 labels (Services need labels, max 63). `fail` makes the error (a construct's carries its path). */
export function checkDnsLabel(name: string, prop: string, fail: ConstructError = unlocated): string {
  if (typeof name !== 'string' || name.length > 63 || !DNS_LABEL.test(name)) {
    throw fail('invalid-name', prop, `${prop} '${String(name)}' is not a valid Kubernetes name: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters`, [
      `${prop}: '${toDnsLabel(String(name)) || 'my-model'}'`,
    ]);
  }
  return name;
}

/** The object name of a construct: its `name` prop, or `<chart id>-<construct id>`; checked, errors carry the construct's path. */
export function objectName(scope: Construct, kind: ConstructKind, name: string | undefined): string {
  const fail: ConstructError = (code, field, message, suggestions) => invalid(scope, kind, code, field, message, suggestions);
  return checkDnsLabel(name ?? `${Chart.of(scope).node.id}-${scope.node.id}`, name !== undefined ? 'name' : 'id', fail);
}

function unlocated(code: string, field: string, message: string, suggestions: string[]): ValidationError {
  return new ValidationError(code, message, { field, suggestions });
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
