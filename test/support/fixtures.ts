/**
 * Facts the tests compare the code against, vendored in the repository (never read from outside it):
 * test/fixtures/catalog-facts/catalog-facts.md, provenance in the README beside it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CATALOG_FACTS_PATH = path.join(__dirname, '..', 'fixtures', 'catalog-facts', 'catalog-facts.md');

/** The text of the vendored catalog facts. */
export function catalogFacts(): string {
  return fs.readFileSync(CATALOG_FACTS_PATH, 'utf8');
}
