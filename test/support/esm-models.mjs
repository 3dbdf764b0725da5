// Validates objects with ESM-only kubernetes-models packages (e.g. @kubernetes-models/karpenter@2),
// which CommonJS jest cannot require. Reads [{ module, kind, object }] as JSON on stdin and prints
// [{ kind, name, error }] for the objects that fail.
import { readFileSync } from 'node:fs';

const items = JSON.parse(readFileSync(0, 'utf8'));
const failures = [];
for (const { module, kind, object } of items) {
  try {
    const Model = (await import(module))[kind];
    new Model(object).validate();
  } catch (error) {
    failures.push({ kind: object.kind, name: object.metadata?.name, error: String(error?.message ?? error) });
  }
}
process.stdout.write(JSON.stringify(failures));
