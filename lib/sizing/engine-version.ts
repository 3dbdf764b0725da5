import { VLLM_IMAGE } from '../engines/common';
import { SizingError } from '../errors';
import { describe } from '../describe';

/** A release number `major.minor.patch` (pre-release and build suffixes are ignored). */
export type Version = readonly [number, number, number];

const VERSION = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+.~]?[0-9A-Za-z.+-]*)?$/;

/** `0.11.0`, `v0.11.0`, `0.10.1.1`, `0.11.0rc2` -> [0, 11, 0]; undefined when it is not a version. */
export function parseVersion(text: string): Version | undefined {
  const match = VERSION.exec(text.trim());
  if (!match) return undefined;
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

/** The version of an image reference's tag (`vllm/vllm-openai:v0.11.0` -> 0.11.0), when the tag is one. */
export function versionOfImage(image: string): string | undefined {
  const tag = /:([^:/@]+)(?:@.*)?$/.exec(image)?.[1];
  const version = tag === undefined ? undefined : parseVersion(tag.replace(/-.*$/, ''));
  return version?.join('.');
}

/** a >= b. */
export function atLeast(a: Version, b: Version): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

/** The vLLM release of the pinned image (lib/engines/common.ts `VLLM_IMAGE`): the default `engineVersion`. */
export const PINNED_VLLM_VERSION: string = versionOfImage(VLLM_IMAGE) ?? '0.11.0';

/** Checks `engineVersion` (a release number) and returns it parsed. */
export function resolveVersion(value: unknown, fallback: string): Version {
  if (value === undefined) return parseVersion(fallback)!;
  const version = typeof value === 'string' ? parseVersion(value) : undefined;
  if (!version) {
    throw new SizingError('invalid-engine-version', `engineVersion must be a release number such as '0.11.0', got ${describe(value)}`, {
      field: 'engineVersion',
      suggestions: [`engineVersion: '${fallback}' (the pinned image)`, 'omit engineVersion to plan for the pinned image'],
    });
  }
  return version;
}
