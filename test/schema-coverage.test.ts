import { Testing } from 'cdk8s';
import { allExamples } from '../examples';
import { validatorFor, type K8sObject } from './support/schemas';

/**
 * Schema coverage: every (apiVersion, kind) that any example emits has an upstream validator
 * (kubernetes-models, @kubernetes-models/*, or the CRD's openAPIV3Schema vendored in schemas/crds).
 * A new kind without one fails here before it can reach a cluster unchecked.
 */
const objects = allExamples(Testing.app()).flatMap((chart) => Testing.synth(chart) as K8sObject[]);
const kinds = [...new Set(objects.map((o) => `${o.apiVersion} ${o.kind}`))].sort();

test('the examples emit the kinds of every construct', () => {
  // A change detector that also documents the surface: core, Karpenter, monitoring, KEDA, Gateway API, LWS.
  expect(kinds.length).toBeGreaterThanOrEqual(20);
  console.log(`kinds emitted by the examples:\n  ${kinds.join('\n  ')}`);
});

test.each(kinds)('%s has an upstream validator', (key) => {
  const [apiVersion, kind] = key.split(' ');
  expect(validatorFor(apiVersion, kind)).toBeDefined();
});
