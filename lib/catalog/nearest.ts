/** Forgiving name matching for catalog lookups, and "did you mean" suggestions for typos. */

/** Lowercases and drops everything but letters and digits: `NVIDIA-A100-SXM4-40GB` -> `nvidiaa100sxm440gb`. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Levenshtein distance, on normalized names. */
export function distance(a: string, b: string): number {
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
  return row[b.length];
}

/**
 * The `count` candidates closest to `name`: a candidate containing the name (or contained in it)
 * ranks first, then by edit distance. Used to suggest what the user probably meant.
 */
export function nearestNames(name: string, candidates: readonly string[], count = 3): string[] {
  const wanted = normalizeName(name);
  const score = (candidate: string): number => {
    const c = normalizeName(candidate);
    const contains = wanted.length >= 3 && (c.includes(wanted) || wanted.includes(c));
    return (contains ? 0 : 1000) + distance(wanted, c);
  };
  return [...new Set(candidates)]
    .map((candidate) => ({ candidate, score: score(candidate) }))
    .sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate))
    .slice(0, count)
    .map((entry) => entry.candidate);
}
