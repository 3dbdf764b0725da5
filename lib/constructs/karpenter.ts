import { Chart, Lazy } from 'cdk8s';
import type { Construct } from 'constructs';
import {
  Ec2NodeClass,
  Ec2NodeClassSpecBlockDeviceMappingsEbsVolumeType,
  Ec2NodeClassSpecInstanceStorePolicy,
  Ec2NodeClassSpecMetadataOptionsHttpEndpoint,
  Ec2NodeClassSpecMetadataOptionsHttpTokens,
} from '../../imports/karpenter.k8s.aws';
import {
  NodePool,
  NodePoolSpecDisruptionConsolidationPolicy,
  NodePoolSpecLimits,
  NodePoolSpecTemplateSpecRequirementsOperator,
  NodePoolSpecTemplateSpecTaintsEffect,
} from '../../imports/karpenter.sh';
import type { Accelerator, InstanceType } from '../catalog/types';
import { poolShape } from '../sizing/pool';
import { clusterScoped } from './cluster-scoped';
import { karpenterName } from '../catalog/accelerators';
import type { GpuNodePoolProps, KarpenterProvisioner } from './gpu-node-pool-props';
import type { PoolError } from './pool-props';
import { requiredTerms, type PoolNodes } from './pool-nodes';

/** How Karpenter may replace nodes. A loaded model takes minutes to come back: be conservative. */
export interface KarpenterDisruption {
  /**
   * `WhenEmpty` never evicts a serving model to save money; `WhenEmptyOrUnderutilized` may.
   * @default 'WhenEmpty'
   */
  readonly consolidationPolicy?: 'WhenEmpty' | 'WhenEmptyOrUnderutilized';
  /** Quiet time before an empty (or underused) node is removed. @default '10m' */
  readonly consolidateAfter?: string;
  /** Most nodes disrupted at once, e.g. '10%' or '1'. @default '1' */
  readonly budgetNodes?: string;
  /** Node lifetime before replacement (AMI and security updates). @default '720h' */
  readonly expireAfter?: string;
}

/** EKS settings of a Karpenter-provisioned pool. */
export interface KarpenterOptions {
  /** EKS cluster name: subnets and security groups are selected by `karpenter.sh/discovery: <clusterName>`. */
  readonly clusterName: string;
  /** IAM role of the nodes. */
  readonly nodeRole: string;
  /** AMI alias: `al2023@latest` (drivers, no device plugin) or `bottlerocket@latest` (device plugin built in). @default 'al2023@latest' */
  readonly amiAlias?: string;
  /** @default tags `karpenter.sh/discovery: <clusterName>` */
  readonly subnetSelectorTerms?: ReadonlyArray<{ readonly tags?: Record<string, string>; readonly id?: string }>;
  /** @default tags `karpenter.sh/discovery: <clusterName>` */
  readonly securityGroupSelectorTerms?: ReadonlyArray<{ readonly tags?: Record<string, string>; readonly id?: string }>;
  /** EBS volume for images and (without local NVMe) the model cache, GiB. @default 100 + the largest cache of the pool's workers */
  readonly rootVolumeGiB?: number;
  /** Tags on every EC2 resource Karpenter launches (cost allocation). @default the stack's cost-allocation labels only */
  readonly tags?: Readonly<Record<string, string>>;
  /** @default the defaults of `KarpenterDisruption` (WhenEmpty, 10m, one node at a time) */
  readonly disruption?: KarpenterDisruption;
  /** Priority among NodePools that fit a pod (higher first). @default unset (Karpenter treats every NodePool alike) */
  readonly weight?: number;
}

const AMI_ALIAS = /^(al2023|bottlerocket)@[A-Za-z0-9._-]+$/;
const CAPACITY_TYPES = ['on-demand', 'spot', 'reserved'];
const CONSOLIDATION_POLICIES: readonly string[] = ['WhenEmpty', 'WhenEmptyOrUnderutilized'];
/** The NodePool CRD's patterns for `consolidateAfter`/`expireAfter` and for a budget's `nodes`. */
const DURATION = /^(([0-9]+(s|m|h))+|Never)$/;
const BUDGET_NODES = /^((100|[0-9]{1,2})%|[0-9]+)$/;

/** Checks what the CRD's CEL rules would reject at apply time (ajv cannot run CEL): fail at synth instead. */
export function checkKarpenterOptions(options: KarpenterOptions, capacityTypes: readonly string[], fail: PoolError): void {
  const text = (value: unknown) => typeof value === 'string' && value.trim() !== '';
  if (!text(options.clusterName))
    throw fail('provisioner.clusterName', `provisioner.clusterName must name the EKS cluster, got ${JSON.stringify(options.clusterName)}`, ["provisioner.clusterName: 'prod'"]);
  if (!text(options.nodeRole))
    throw fail('provisioner.nodeRole', `provisioner.nodeRole must name the nodes' IAM role, got ${JSON.stringify(options.nodeRole)}`, ["provisioner.nodeRole: 'KarpenterNodeRole-prod'"]);
  if (options.amiAlias !== undefined && !AMI_ALIAS.test(options.amiAlias)) {
    throw fail('provisioner.amiAlias', `provisioner.amiAlias '${options.amiAlias}' is not <family>@<version> with family al2023 or bottlerocket`, [
      "provisioner.amiAlias: 'al2023@latest'",
      "provisioner.amiAlias: 'bottlerocket@latest'",
    ]);
  }
  const root = options.rootVolumeGiB;
  if (root !== undefined && !(Number.isSafeInteger(root) && root > 0)) {
    throw fail('provisioner.rootVolumeGiB', `provisioner.rootVolumeGiB must be a positive integer, got ${JSON.stringify(root)}`, [
      `provisioner.rootVolumeGiB: ${IMAGE_VOLUME_GIB} or more, or omit it (sized from the workers' caches)`,
    ]);
  }
  const weight = options.weight;
  if (weight !== undefined && !(Number.isSafeInteger(weight) && weight >= 1 && weight <= 100)) {
    throw fail('provisioner.weight', `provisioner.weight must be an integer from 1 to 100 (Karpenter's range), got ${JSON.stringify(weight)}`, ['provisioner.weight: 10', 'omit provisioner.weight']);
  }
  const disruption: unknown = options.disruption;
  if (disruption !== undefined) {
    if (typeof disruption !== 'object' || disruption === null || Array.isArray(disruption)) {
      throw fail('provisioner.disruption', `provisioner.disruption must be an object, got ${JSON.stringify(disruption)}`, ["provisioner.disruption: { consolidationPolicy: 'WhenEmpty' }"]);
    }
    const d = disruption as KarpenterDisruption;
    if (d.consolidationPolicy !== undefined && !CONSOLIDATION_POLICIES.includes(d.consolidationPolicy)) {
      throw fail(
        'provisioner.disruption.consolidationPolicy',
        `provisioner.disruption.consolidationPolicy must be ${CONSOLIDATION_POLICIES.join(' or ')}, got ${JSON.stringify(d.consolidationPolicy)}`,
        ["provisioner.disruption.consolidationPolicy: 'WhenEmpty'"],
      );
    }
    for (const key of ['consolidateAfter', 'expireAfter'] as const) {
      const value = d[key];
      if (value !== undefined && !(typeof value === 'string' && DURATION.test(value))) {
        throw fail(`provisioner.disruption.${key}`, `provisioner.disruption.${key} must be a duration such as '10m', '720h' or 'Never', got ${JSON.stringify(value)}`, [
          `provisioner.disruption.${key}: '${key === 'expireAfter' ? '720h' : '10m'}'`,
        ]);
      }
    }
    if (d.budgetNodes !== undefined && !(typeof d.budgetNodes === 'string' && BUDGET_NODES.test(d.budgetNodes))) {
      throw fail('provisioner.disruption.budgetNodes', `provisioner.disruption.budgetNodes must be a count or a percentage such as '1' or '10%', got ${JSON.stringify(d.budgetNodes)}`, [
        "provisioner.disruption.budgetNodes: '1'",
      ]);
    }
  }
  const unknown = (Array.isArray(capacityTypes) ? capacityTypes : [capacityTypes]).filter((c) => !CAPACITY_TYPES.includes(c));
  if (!Array.isArray(capacityTypes) || capacityTypes.length === 0 || unknown.length > 0) {
    throw fail('capacityTypes', `capacityTypes must be a non-empty list of ${CAPACITY_TYPES.join(', ')}; got ${JSON.stringify(capacityTypes)}`, ["capacityTypes: ['spot', 'on-demand']"]);
  }
}

/** Room on the root volume for the engine images (vLLM and TGI images unpack to 20-30 GB each). */
export const IMAGE_VOLUME_GIB = 100;

export interface KarpenterPoolInput {
  readonly name: string;
  readonly accelerator: Accelerator;
  readonly acceleratorNames: readonly string[];
  readonly instanceTypes: readonly InstanceType[];
  readonly capacityTypes: readonly string[];
  readonly maxAccelerators: number;
  readonly labels: Record<string, string>;
  readonly options: KarpenterOptions;
  /** GiB the pool's workers cache on the node (evaluated at synth, once workers are attached). */
  readonly cacheGiB: () => number;
}

/** A karpenter.sh/v1 NodePool and its karpenter.k8s.aws/v1 EC2NodeClass. */
export function karpenterPool(scope: Construct, input: KarpenterPoolInput): { nodePool: NodePool; nodeClass: Ec2NodeClass } {
  return { nodeClass: nodeClass(scope, input), nodePool: nodePool(scope, input) };
}

/** The EC2NodeClass: AMI, role, subnets, disks (NVMe as RAID0 where every type has it), IMDSv2 only. */
function nodeClass(scope: Construct, input: KarpenterPoolInput): Ec2NodeClass {
  const { name, instanceTypes, options } = input;
  const bottlerocket = (options.amiAlias ?? 'al2023@latest').startsWith('bottlerocket@');
  // NVMe instance store becomes the kubelet/containerd disk (RAID0), so emptyDir caches land on it.
  const nvme = instanceTypes.every((it) => it.localNvmeGiB > 0);
  const discovery = [{ tags: { 'karpenter.sh/discovery': options.clusterName } }];
  const rootGiB = Lazy.any({ produce: () => `${options.rootVolumeGiB ?? IMAGE_VOLUME_GIB + (nvme ? 0 : input.cacheGiB())}Gi` });
  const ebs = { volumeSize: rootGiB as unknown as string, volumeType: Ec2NodeClassSpecBlockDeviceMappingsEbsVolumeType.GP3, encrypted: true, deleteOnTermination: true };
  return clusterScoped(
    new Ec2NodeClass(scope, 'node-class', {
      metadata: { name, labels: input.labels },
      spec: {
        amiSelectorTerms: [{ alias: options.amiAlias ?? 'al2023@latest' }],
        role: options.nodeRole,
        subnetSelectorTerms: (options.subnetSelectorTerms ?? discovery).map((t) => ({ ...t })),
        securityGroupSelectorTerms: (options.securityGroupSelectorTerms ?? discovery).map((t) => ({ ...t })),
        // Bottlerocket: a small OS volume and a data volume for images and pods; AL2023: one root volume.
        blockDeviceMappings: bottlerocket
          ? [
              { deviceName: '/dev/xvda', ebs: { ...ebs, volumeSize: '4Gi' } },
              { deviceName: '/dev/xvdb', ebs },
            ]
          : [{ deviceName: '/dev/xvda', ebs, rootVolume: true }],
        instanceStorePolicy: nvme ? Ec2NodeClassSpecInstanceStorePolicy.RAID0 : undefined,
        // IMDSv2 only, and a hop limit of 1 so that pods cannot reach the node's credentials.
        metadataOptions: {
          httpEndpoint: Ec2NodeClassSpecMetadataOptionsHttpEndpoint.ENABLED,
          httpTokens: Ec2NodeClassSpecMetadataOptionsHttpTokens.REQUIRED,
          httpPutResponseHopLimit: 1,
        },
        tags: { ...options.tags, 'llm-constructs.io/pool': name },
      },
    }),
  );
}

/** The NodePool: the pool's instance types and capacity types, tainted, limited, consolidated only when empty by default. */
function nodePool(scope: Construct, input: KarpenterPoolInput): NodePool {
  const { name, accelerator, instanceTypes, options } = input;
  const shape = poolShape(instanceTypes, input.maxAccelerators);
  const disruption = options.disruption ?? {};
  const inValues = (key: string, values: readonly string[]) => ({ key, operator: NodePoolSpecTemplateSpecRequirementsOperator.IN, values: [...new Set(values)] });
  return clusterScoped(
    new NodePool(scope, 'node-pool', {
      metadata: { name, labels: input.labels },
      spec: {
        template: {
          metadata: { labels: input.labels },
          spec: {
            nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name },
            requirements: [
              inValues(karpenterName(accelerator)?.label ?? 'karpenter.k8s.aws/instance-gpu-name', input.acceleratorNames),
              inValues(
                'karpenter.k8s.aws/instance-family',
                instanceTypes.map((it) => it.family),
              ),
              inValues(
                'node.kubernetes.io/instance-type',
                instanceTypes.map((it) => it.name),
              ),
              inValues('karpenter.sh/capacity-type', input.capacityTypes),
              inValues('kubernetes.io/arch', ['amd64']),
              inValues('kubernetes.io/os', ['linux']),
            ],
            // Only pods that tolerate the device taint (the pool's workers and plumbing) land here.
            taints: [{ key: accelerator.resourceName, effect: NodePoolSpecTemplateSpecTaintsEffect.NO_SCHEDULE }],
            expireAfter: disruption.expireAfter ?? '720h',
          },
        },
        disruption: {
          consolidationPolicy:
            disruption.consolidationPolicy === 'WhenEmptyOrUnderutilized'
              ? NodePoolSpecDisruptionConsolidationPolicy.WHEN_EMPTY_OR_UNDERUTILIZED
              : NodePoolSpecDisruptionConsolidationPolicy.WHEN_EMPTY,
          consolidateAfter: disruption.consolidateAfter ?? '10m',
          budgets: [{ nodes: disruption.budgetNodes ?? '1' }],
        },
        limits: {
          [accelerator.resourceName]: NodePoolSpecLimits.fromNumber(input.maxAccelerators),
          cpu: NodePoolSpecLimits.fromNumber(shape.cpuLimit),
          memory: NodePoolSpecLimits.fromString(`${shape.memoryLimitMiB}Mi`),
        },
        weight: options.weight,
      },
    }),
  );
}

/** What `karpenterNodes` reads of its pool. */
export interface KarpenterPoolScope extends Construct {
  readonly name: string;
  readonly accelerators: readonly Accelerator[];
  readonly instanceTypes: readonly InstanceType[];
  readonly capacity: number;
}

/** A Karpenter pool's step: checks its options, emits its NodePool and EC2NodeClass (tainted for GPU workloads only). */
export function karpenterNodes(
  pool: KarpenterPoolScope,
  props: GpuNodePoolProps,
  provisioner: KarpenterProvisioner,
  labels: Record<string, string>,
  cacheGiB: () => number,
  fail: PoolError,
): PoolNodes {
  const capacityTypes = props.capacityTypes ?? ['on-demand'];
  checkKarpenterOptions(provisioner, capacityTypes, fail);
  const accelerator = pool.accelerators[0];
  karpenterPool(pool, {
    name: pool.name,
    accelerator,
    acceleratorNames: [...new Set(pool.accelerators.flatMap((a) => karpenterName(a)?.value ?? []))],
    instanceTypes: pool.instanceTypes,
    capacityTypes,
    maxAccelerators: pool.capacity,
    labels,
    // A stack's cost-allocation labels become EC2 tags of every instance the pool launches.
    options: { ...provisioner, tags: { ...(Chart.of(pool) as { costAllocationTags?: Record<string, string> }).costAllocationTags, ...provisioner.tags } },
    cacheGiB,
  });
  return {
    taint: { key: accelerator.resourceName, effect: 'NoSchedule' },
    plumbingAffinity: requiredTerms([{ matchExpressions: [{ key: 'karpenter.sh/nodepool', operator: 'In', values: [pool.name] }] }]),
  };
}
