import type { App, Chart } from 'cdk8s';
import { kedaExample } from './autoscaling';
import { eksStackExample } from './stack';
import { tritonExample } from './triton';
import { fastChatOnPremExample, gatewayApiExample, liteLlmExample } from './gateways';
import { eksPoolsExample, onPremExample } from './pools';
import { workerExamples } from './workers';
import { privateRegistryExample, sharedNameExample, tritonStackExample } from './cluster';

/** Every example chart: what `npm run synth` writes and what the tests validate. */
export function allExamples(app: App): Chart[] {
  return [
    ...workerExamples(app),
    eksPoolsExample(app),
    onPremExample(app),
    fastChatOnPremExample(app),
    liteLlmExample(app),
    gatewayApiExample(app),
    kedaExample(app),
    tritonExample(app),
    eksStackExample(app),
    sharedNameExample(app),
    privateRegistryExample(app),
    tritonStackExample(app),
  ];
}
