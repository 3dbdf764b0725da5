/** "Did you mean" for mistyped command-line flags, shared by every command. */
import { nearestNames } from '../catalog/nearest';

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
  const a = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  const b = candidate.toLowerCase().replace(/[^a-z0-9]/g, '');
  return a.length > 0 && (b.includes(a) || a.includes(b) || a.slice(0, 3) === b.slice(0, 3) || levenshteinAtMost(a, b, 2));
}

function levenshteinAtMost(a: string, b: string, max: number): boolean {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] <= max;
}
