import * as pulumi from '@pulumi/pulumi';
import { App } from 'cdk8s';
import { LlmStack } from '../constructs';
import { factoryFor } from './kinds';
import { planRegistrations, resourceName, type KubeObject } from './plan';
import { propSpec, rejectUnknownProps } from '../unknown-props';

export interface LlmStackComponentArgs {
  /** The namespace the stack creates and deploys into (LlmStack `namespace`). */
  readonly namespace: string;
  /** Owning team (LlmStack `team`). @default no team label */
  readonly team?: string;
  /** Cost center (LlmStack `costCenter`). @default no cost-center label */
  readonly costCenter?: string;
  /** More cost-allocation labels (LlmStack `labels`). @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Adds the pools, workers and gateways to the stack: the same code a cdk8s app runs. */
  readonly build: (stack: LlmStack) => void;
}

/** The Pulumi type token of the component. */
export const LLM_STACK_TYPE = 'llm-constructs:index:LlmStack';

/**
 * An LlmStack deployed by Pulumi. Builds the construct tree in memory (an `App` that is never synthesized to
 * disk), runs the cdk8s validations (whole-tree checks, pool capacities) through `stack.toJson()`, and registers
 * every synthesized object as its own child resource: typed `@pulumi/kubernetes` classes for built-in kinds,
 * `apiextensions.CustomResource` for CRs. The stack's Namespace comes first and every object of that namespace
 * depends on it; workloads depend on the ConfigMaps, Secrets, PVCs and ServiceAccounts they reference.
 * A `provider` passed in `opts` applies to every child.
 */
export class LlmStackComponent extends pulumi.ComponentResource {
  /** The stack's namespace (resolves once the Namespace exists). */
  public readonly namespace: pulumi.Output<string>;
  /** The URL of the stack's first InferenceGateway (OpenAI-compatible base URL); undefined without a gateway. */
  public readonly gatewayUrl: pulumi.Output<string | undefined>;
  /** Served model name -> in-cluster OpenAI-compatible endpoint of its worker. */
  public readonly modelEndpoints: pulumi.Output<Record<string, string>>;
  /** On-demand USD per hour at min and max replicas, over the priced models (`stack.summary()`). */
  public readonly hourlyCostUsd: pulumi.Output<{ min: number; max: number }>;
  /** The synthesized objects, as registered. */
  public readonly manifests: pulumi.Output<object[]>;
  /** The child resources, one per object, in registration order. */
  public readonly resources: readonly pulumi.CustomResource[];

  constructor(name: string, args: LlmStackComponentArgs, opts?: pulumi.ComponentResourceOptions) {
    // Build, validate and map every object before registering anything: a tree that does not synth, or holds a
    // kind without a Pulumi class, registers no resource at all.
    const built = synthesize(name, args);
    const plan = planRegistrations(name, built.objects).map((registration) => ({ ...registration, create: factoryFor(registration.object) }));
    super(LLM_STACK_TYPE, name, {}, opts);

    const created = new Map<string, pulumi.CustomResource>();
    for (const { name: resource, dependsOn, create } of plan) {
      const after = dependsOn.map((d) => created.get(d)!);
      created.set(resource, create(resource, { parent: this, ...(after.length > 0 ? { dependsOn: after } : {}) }));
    }
    this.resources = [...created.values()];

    const namespaceObject = built.objects.find((o) => o.kind === 'Namespace' && o.metadata.name === args.namespace);
    const namespaceResource = namespaceObject ? created.get(resourceName(name, namespaceObject)) : undefined;
    this.namespace = namespaceResource ? namespaceResource.urn.apply(() => args.namespace) : pulumi.output(args.namespace);
    this.gatewayUrl = pulumi.output(built.gatewayUrl);
    this.modelEndpoints = pulumi.output(built.modelEndpoints);
    this.hourlyCostUsd = pulumi.output(built.hourlyCostUsd);
    this.manifests = pulumi.output(built.objects as object[]);

    this.registerOutputs({
      namespace: this.namespace,
      gatewayUrl: this.gatewayUrl,
      modelEndpoints: this.modelEndpoints,
      hourlyCostUsd: this.hourlyCostUsd,
      manifests: this.manifests,
    });
  }
}

interface Synthesized {
  readonly objects: KubeObject[];
  readonly gatewayUrl?: string;
  readonly modelEndpoints: Record<string, string>;
  readonly hourlyCostUsd: { min: number; max: number };
}

/** The construct tree in a private App: `toJson()` resolves and validates the whole app, and writes nothing. */
function synthesize(name: string, args: LlmStackComponentArgs): Synthesized {
  rejectUnknownProps(`LlmStackComponent ${name}`, args, propSpec<LlmStackComponentArgs>()({ namespace: true, team: true, costCenter: true, labels: true, build: true }));
  if (typeof args?.build !== 'function') {
    throw new Error(`LlmStackComponent ${name}: args.build must be a function that adds constructs to the stack, e.g. build: (stack) => buildEksStack(stack)`);
  }
  const app = new App();
  const stack = new LlmStack(app, name, { namespace: args.namespace, team: args.team, costCenter: args.costCenter, labels: args.labels });
  args.build(stack);
  // Chart.toJson() runs App-level dependency resolution and every construct validation (what app.synth()
  // and app.synthYaml() run first), then returns the objects without writing files.
  const objects = stack.toJson() as KubeObject[];
  const { hourlyCostUsd } = stack.summary();
  return {
    objects,
    gatewayUrl: stack.gateways[0]?.url,
    modelEndpoints: Object.fromEntries(stack.workers.map((w) => [w.modelName, w.endpoint])),
    hourlyCostUsd: { min: hourlyCostUsd.min, max: hourlyCostUsd.max },
  };
}
