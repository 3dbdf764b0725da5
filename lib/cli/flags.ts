/** "Did you mean" for mistyped command-line flags, shared by every command. */
import { distance, nearestNames, normalizeName } from '../catalog/nearest';

/**
 * For a node:util parseArgs "unknown option" error: the message naming the flag and the closest known
 * flags; undefined for any other error.
 */
export function unknownFlag(error: unknown, known: readonly string[]): string | undefined {
  const e = error as { code?: string; message?: string };
  if (e?.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return undefined;
  const flag = /'(-{1,2}[^']+)'/.exec(e.message ?? '')?.[1] ?? '';
  return unknownFlagMessage(flag, known);
}

export function unknownFlagMessage(flag: string, known: readonly string[]): string {
  const name = flag.replace(/^-+/, '').split('=')[0];
  const near = nearestNames(name, known, 1).filter((candidate) => closeEnough(name, candidate));
  return `unknown flag ${flag}${near.length > 0 ? `: did you mean ${near.map((n) => `--${n}`).join(' or ')}?` : ''}`;
}

/** A suggestion worth making: shares a prefix, contains the name, or is a few edits away. */
function closeEnough(name: string, candidate: string): boolean {
  const a = normalizeName(name);
  const b = normalizeName(candidate);
  return a.length > 0 && (b.includes(a) || a.includes(b) || a.slice(0, 3) === b.slice(0, 3) || distance(a, b) <= 2);
}
