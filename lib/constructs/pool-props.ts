/**
 * GpuNodePool's props at runtime: what the types say at compile time, checked again for JavaScript callers
 * and casts. One provisioner of a known type, no unknown key at any level (props of the earlier shape,
 * `karpenter:` / `onPrem:`, get a pointer to the new one), Karpenter-only props only on Karpenter pools.
 */
import type { Construct } from 'constructs';
import { rejectUnknownProps, type PropSpec } from '../unknown-props';
import type { GpuNodePoolProps, PlumbingOptions, PoolProvisioner } from './gpu-node-pool-props';
import { GPU_NODE_POOL_SPEC, KARPENTER_PROVISIONER_SPEC, ON_PREM_PROVISIONER_SPEC } from './props-specs';
import { constructStep, describe, invalid } from './validation';

/** A pool's prop error: `GpuNodePool <id>: ...`, with the pool's path. */
export type PoolError = (field: string, message: string, suggestions: string[]) => Error;

export function poolError(scope: Construct): PoolError {
  return (field, message, suggestions) => invalid(scope, 'GpuNodePool', 'invalid-node-pool', field, message, suggestions);
}

const EXAMPLES: Record<PoolProvisioner['type'], string> = {
  karpenter: "provisioner: { type: 'karpenter', clusterName: 'prod', nodeRole: 'KarpenterNodeRole-prod' }",
  'on-prem': "provisioner: { type: 'on-prem', nodes: 4, acceleratorsPerNode: 8 }",
};
const SPECS = { karpenter: KARPENTER_PROVISIONER_SPEC, 'on-prem': ON_PREM_PROVISIONER_SPEC } as const;
/** The earlier top-level provisioner props. */
const OLD_PROVISIONERS = { karpenter: 'karpenter', onPrem: 'on-prem' } as const;
/** The earlier plumbing props (in `karpenter` / `onPrem`), by their key in `plumbing`. */
const OLD_PLUMBING: Readonly<Record<string, keyof PlumbingOptions>> = {
  installDevicePlugin: 'installDevicePlugin',
  installDcgmExporter: 'installDcgmExporter',
  gpuSharing: 'gpuSharing',
  plumbingNamespace: 'namespace',
};
const KARPENTER_ONLY = ['instanceTypes', 'instanceFamilies', 'capacityTypes'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the props and returns the provisioner. */
export function checkPoolProps(scope: Construct, props: GpuNodePoolProps): PoolProvisioner {
  const fail = poolError(scope);
  if (!isObject(props)) throw fail('props', `props must be an object, got ${describe(props)}`, [`{ accelerator: 'A10G', ${EXAMPLES.karpenter}, maxAccelerators: 8 }`]);
  rejectEarlierShape(scope, props);
  rejectUnknown(scope, props, GPU_NODE_POOL_SPEC);
  const provisioner: unknown = props.provisioner;
  if (!isObject(provisioner) || !(provisioner.type === 'karpenter' || provisioner.type === 'on-prem')) {
    const [field, got] = isObject(provisioner) ? ['provisioner.type', provisioner.type] : ['provisioner', provisioner];
    throw fail(
      field,
      `${field} must be ${isObject(provisioner) ? "'karpenter' (EKS) or 'on-prem' (existing servers)" : "{ type: 'karpenter', ... } or { type: 'on-prem', ... }"}, got ${describe(got)}`,
      Object.values(EXAMPLES),
    );
  }
  const type = provisioner.type as PoolProvisioner['type'];
  const other = type === 'karpenter' ? 'on-prem' : 'karpenter';
  const misplaced = Object.keys(provisioner).find((key) => key !== 'type' && !(key in SPECS[type]) && key in SPECS[other]);
  if (misplaced) {
    throw fail(`provisioner.${misplaced}`, `provisioner.${misplaced} belongs to ${other} pools (provisioner.type '${other}'), not to ${type} ones`, [`omit provisioner.${misplaced}`, EXAMPLES[type]]);
  }
  // The keys of its own member only (wrapped, so that errors name `provisioner.<key>`).
  const member = { provisioner: SPECS[type] } as unknown as PropSpec<{ provisioner: PoolProvisioner }>;
  rejectUnknown(scope, { provisioner: provisioner as unknown as PoolProvisioner }, member);
  const karpenterOnly = type === 'on-prem' ? KARPENTER_ONLY.find((key) => props[key] !== undefined) : undefined;
  if (karpenterOnly) {
    throw fail(karpenterOnly, `${karpenterOnly} applies to Karpenter pools only (provisioner.type 'karpenter'): an on-prem pool's nodes are its inventory`, [
      `omit ${karpenterOnly}`,
      `${EXAMPLES.karpenter} (to launch EC2 instances)`,
    ]);
  }
  return provisioner as unknown as PoolProvisioner;
}

/** `karpenter:` / `onPrem:` and plumbing inside them: unknown props that say where they went. */
function rejectEarlierShape(scope: Construct, props: Record<string, unknown>): void {
  const fail = (field: string, message: string, suggestion: string) => invalid(scope, 'GpuNodePool', 'unknown-prop', field, `unknown prop '${field}': ${message}`, [suggestion]);
  for (const [old, type] of Object.entries(OLD_PROVISIONERS)) {
    if (props[old] !== undefined) throw fail(old, `a pool names its provisioner with provisioner: { type: '${type}', ... } (and its plumbing with plumbing: { ... })`, EXAMPLES[type]);
  }
  for (const [prefix, options] of [
    ['', props],
    ['provisioner.', props.provisioner],
  ] as const) {
    const old = isObject(options) ? Object.keys(options).find((key) => key in OLD_PLUMBING) : undefined;
    if (old) throw fail(`${prefix}${old}`, `GPU plumbing has its own prop, plumbing: { ${OLD_PLUMBING[old]} }`, `plumbing: { ${OLD_PLUMBING[old]}: ... }`);
  }
}

/** lib/unknown-props.ts's check ("did you mean"), its error the pool's (with its path). */
function rejectUnknown<T>(scope: Construct, props: T, spec: PropSpec<T>): void {
  constructStep(scope, `GpuNodePool ${scope.node.id}`, () => rejectUnknownProps('props', props, spec), true);
}
