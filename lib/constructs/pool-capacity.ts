/**
 * What a GpuNodePool holds, from its props: instance types, accelerators, devices per node and total
 * capacity, for a Karpenter pool (from its instance types) or an on-prem inventory (nodes x devices).
 */
import type { Construct } from 'constructs';
import { formFactorVariants, lookupAccelerator } from '../catalog/accelerators';
import { INSTANCE_TYPES, instanceTypesInFamilies, lookupInstanceType } from '../catalog/instance-types';
import type { Accelerator, InstanceType } from '../catalog/types';
import { poolShape } from '../sizing/pool';
import type { GpuNodePoolProps, OnPremProvisioner, PoolProvisioner } from './gpu-node-pool-props';
import type { PoolError } from './pool-props';
import { checkOnPremInterconnect, type OnPremInterconnect } from './interconnect';
import { describe, invalid, positiveInteger } from './validation';

export interface PoolCapacity {
  readonly instanceTypes: readonly InstanceType[];
  readonly accelerators: readonly Accelerator[];
  readonly acceleratorsPerNode: number;
  readonly capacity: number;
  readonly maxHourlyCostUsd?: number;
  readonly interconnect?: OnPremInterconnect;
}

/** The pool's capacity step, by its provisioner. */
export function poolCapacity(scope: Construct, props: GpuNodePoolProps, provisioner: PoolProvisioner, fail: PoolError): PoolCapacity {
  return provisioner.type === 'karpenter' ? karpenterCapacity(scope, props) : onPremCapacity(scope, props, provisioner, fail);
}

/** A Karpenter pool: the catalog instance types it may launch, up to `maxAccelerators` devices. */
function karpenterCapacity(scope: Construct, props: GpuNodePoolProps): PoolCapacity {
  const instanceTypes = resolveInstanceTypes(scope, props);
  const capacity = positiveInteger(scope, 'GpuNodePool', 'invalid-node-pool', props.maxAccelerators, 'maxAccelerators', 'maxAccelerators: 16 (the most accelerators this Karpenter pool may run)');
  return {
    instanceTypes,
    accelerators: [...new Set(instanceTypes.map((it) => it.acceleratorId))].map(lookupAccelerator),
    acceleratorsPerNode: Math.max(...instanceTypes.map((it) => it.acceleratorCount)),
    capacity,
    maxHourlyCostUsd: poolShape(instanceTypes, capacity).maxHourlyCostUsd,
  };
}

/** An on-prem inventory: `provisioner.nodes` x `provisioner.acceleratorsPerNode` devices of one named form factor. */
function onPremCapacity(scope: Construct, props: GpuNodePoolProps, onPrem: OnPremProvisioner, fail: PoolError): PoolCapacity {
  const interconnect = checkOnPremInterconnect(onPrem.interconnect, fail);
  if (!props.accelerator) throw fail('accelerator', `an on-prem pool needs its accelerator, got ${describe(props.accelerator)}`, ["accelerator: 'A100-40GB'"]);
  const variants = formFactorVariants(props.accelerator);
  if (variants)
    throw fail(
      'accelerator',
      `an on-prem pool must name the form factor of its GPUs: '${props.accelerator}' may be any of ${variants.join(', ')}`,
      variants.map((v) => `accelerator: '${v}'`),
    );
  const accelerators = [lookupAccelerator(props.accelerator)];
  const acceleratorsPerNode = positiveInteger(scope, 'GpuNodePool', 'invalid-node-pool', onPrem.acceleratorsPerNode, 'provisioner.acceleratorsPerNode', 'provisioner.acceleratorsPerNode: 8');
  const nodes = positiveInteger(scope, 'GpuNodePool', 'invalid-node-pool', onPrem.nodes, 'provisioner.nodes', 'provisioner.nodes: 4');
  const capacity = nodes * acceleratorsPerNode;
  if (props.maxAccelerators !== undefined && props.maxAccelerators !== capacity) {
    throw fail('maxAccelerators', `maxAccelerators ${describe(props.maxAccelerators)} contradicts the on-prem capacity, provisioner.nodes x provisioner.acceleratorsPerNode = ${capacity}`, [
      'omit maxAccelerators on-prem',
      `maxAccelerators: ${capacity}`,
    ]);
  }
  return { instanceTypes: [], accelerators, acceleratorsPerNode, capacity, interconnect };
}

/** The catalog instance types a Karpenter pool may launch: its accelerator's, its families' or its list. */
function resolveInstanceTypes(scope: Construct, props: GpuNodePoolProps): InstanceType[] {
  const accelerator = props.accelerator === undefined ? undefined : lookupAccelerator(props.accelerator);
  if (props.instanceTypes !== undefined && !Array.isArray(props.instanceTypes)) {
    throw invalid(scope, 'GpuNodePool', 'invalid-instance-types', 'instanceTypes', `instanceTypes must be a list of EC2 instance type names, got ${JSON.stringify(props.instanceTypes)}`, [
      "instanceTypes: ['g5.2xlarge', 'g5.12xlarge']",
    ]);
  }
  let candidates: InstanceType[] =
    props.instanceTypes !== undefined
      ? props.instanceTypes.map((name) => lookupInstanceType(name, 'instanceTypes'))
      : props.instanceFamilies !== undefined
        ? instanceTypesInFamilies(props.instanceFamilies)
        : [...INSTANCE_TYPES];
  if (accelerator) candidates = candidates.filter((it) => it.acceleratorId === accelerator.id);
  if (candidates.length === 0 || (!accelerator && props.instanceTypes === undefined && props.instanceFamilies === undefined)) {
    const given = [
      ...(props.accelerator !== undefined ? [`accelerator ${describe(props.accelerator)}`] : []),
      ...(props.instanceTypes !== undefined ? [`instanceTypes ${describe(props.instanceTypes)}`] : []),
      ...(props.instanceFamilies !== undefined ? [`instanceFamilies ${describe(props.instanceFamilies)}`] : []),
    ];
    throw invalid(
      scope,
      'GpuNodePool',
      'no-instance-types',
      props.accelerator === undefined ? 'accelerator' : props.instanceTypes !== undefined ? 'instanceTypes' : props.instanceFamilies !== undefined ? 'instanceFamilies' : 'accelerator',
      `name the accelerator, instanceTypes or instanceFamilies (and make them agree); ${given.length > 0 ? `${given.join(' and ')} leave no instance type` : 'got none of them'}`,
      ["accelerator: 'A10G'", "instanceTypes: ['g5.2xlarge', 'g5.12xlarge']", "instanceFamilies: ['g5', 'g6']"],
    );
  }
  return candidates;
}
