/**
 * The EKS example (Karpenter pools, two Llama workers, a LiteLLM gateway) deployed by `pulumi up` from the repo
 * root (Pulumi.yaml points here). The cluster comes from the `kubeconfig` config value (a path or the file's
 * contents: `pulumi config set --secret kubeconfig "$(cat ~/.kube/config)"`) or, without it, the default
 * kubeconfig ($KUBECONFIG or ~/.kube/config, current context).
 * In your own project: `import { LlmStackComponent } from 'llm-constructs/pulumi'`.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { LlmStackComponent } from '../../lib/pulumi';
import { buildEksStack } from '../stack';

const config = new pulumi.Config();
const provider = new k8s.Provider('k8s', { kubeconfig: config.getSecret('kubeconfig') });

const llm = new LlmStackComponent('llm', { namespace: 'llm', team: 'ml-platform', build: buildEksStack }, { provider });

/** The gateway's OpenAI-compatible base URL (in-cluster). */
export const gatewayUrl = llm.gatewayUrl;
/** On-demand USD per hour at min and max replicas. */
export const hourlyCost = llm.hourlyCostUsd;
/** Served model name -> the worker's in-cluster endpoint. */
export const modelEndpoints = llm.modelEndpoints;
