/**
 * Files `llm-constructs init` writes: a cdk8s app (TypeScript run by tsx) with one LlmStack, and with
 * `--pulumi` the same stack as a Pulumi program. The app synthesizes as generated (test/package.sh
 * proves it against the packed tarball).
 */

/** Dependency ranges of the generated package.json. */
export interface TemplateVersions {
  readonly llmConstructs: string;
  readonly cdk8s: string;
  readonly cdk8sPlus: string;
  readonly constructs: string;
  readonly cdk8sCli: string;
  readonly tsx: string;
  readonly typescript: string;
  readonly typesNode: string;
  readonly pulumi: string;
  readonly pulumiKubernetes: string;
}

export function packageJson(name: string, v: TemplateVersions, pulumi: boolean): string {
  const pkg = {
    name,
    version: '0.0.0',
    private: true,
    scripts: { synth: 'CDK8S_CHECK_UPGRADE=false cdk8s synth', typecheck: 'tsc --noEmit' },
    dependencies: {
      ...(pulumi ? { '@pulumi/kubernetes': v.pulumiKubernetes, '@pulumi/pulumi': v.pulumi } : {}),
      cdk8s: v.cdk8s,
      'cdk8s-plus-28': v.cdk8sPlus,
      constructs: v.constructs,
      'llm-constructs': v.llmConstructs,
    },
    devDependencies: { '@types/node': v.typesNode, 'cdk8s-cli': v.cdk8sCli, tsx: v.tsx, typescript: v.typescript },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

export const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: { target: 'ES2022', module: 'commonjs', moduleResolution: 'node', lib: ['ES2022'], strict: true, esModuleInterop: true, skipLibCheck: true, types: ['node'], noEmit: true },
    include: ['*.ts'],
  },
  null,
  2,
)}\n`;

export const CDK8S_YAML = `language: typescript
# tsx runs main.ts without compiling it; \`npm run typecheck\` type-checks it.
app: npx tsx main.ts
imports: []
`;

export const GITIGNORE = 'node_modules/\ndist/\n';

export const STACK_TS = `import { GpuNodePool, InferenceGateway, type LlmStack, LlmWorker } from 'llm-constructs';

/** The serving stack: a Karpenter pool of L4 GPUs, one vLLM worker on it, one LiteLLM gateway. */
export function buildStack(stack: LlmStack): void {
  const pool = new GpuNodePool(stack, 'l4', {
    accelerator: 'L4',
    provisioner: { type: 'karpenter', clusterName: 'my-cluster', nodeRole: 'KarpenterNodeRole-my-cluster' },
    maxAccelerators: 4,
  });
  const chat = new LlmWorker(stack, 'chat', {
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    nodePool: pool,
    maxContextLength: 8192,
    concurrency: 2, // 8B in bf16 on one L4 (22 GiB) holds about 3 sequences of 8192 tokens (see: npx llm-constructs plan)
    hfTokenSecret: { name: 'hf-token', key: 'token' },
  });
  new InferenceGateway(stack, 'gateway', {
    backends: [chat],
    apiKeySecret: { name: 'llm-api-keys', key: 'master-key' },
  });
}
`;

export const MAIN_TS = `import { App } from 'cdk8s';
import { LlmStack, reportSummaries } from 'llm-constructs';
import { buildStack } from './stack';

// \`npm run synth\` writes dist/llm.k8s.yaml. cdk8s synth hides this program's stdout: the cost summary
// goes to stderr and to dist/llm.summary.txt, warnings to stderr.
const app = new App();
buildStack(new LlmStack(app, 'llm', { namespace: 'llm' }));
app.synth();
reportSummaries(app);
`;

export const PULUMI_YAML = (name: string) => `name: ${name}
description: The LlmStack of stack.ts, deployed with Pulumi.
runtime:
  name: nodejs
  options:
    typescript: true
main: pulumi.ts
`;

export const PULUMI_TS = `import * as pulumi from '@pulumi/pulumi';
import { LlmStackComponent } from 'llm-constructs/pulumi';
import { buildStack } from './stack';

// \`pulumi up\` deploys the same construct tree as \`npm run synth\`, to the current kubeconfig context.
const llm = new LlmStackComponent('llm', { namespace: 'llm', build: buildStack });

export const gatewayUrl = llm.gatewayUrl;
export const hourlyCost = llm.hourlyCostUsd;
export const modelEndpoints: pulumi.Output<Record<string, string>> = llm.modelEndpoints;
`;
