import { GiB } from '../catalog/units';
import type { ModelPlan } from './types';

/** Host memory a model server needs besides the weights it stages: Python, tokenizer, CUDA host buffers. */
const RUNTIME_HOST_BYTES = 4 * GiB;
/** CPU cores per accelerator: tokenization, scheduling, HTTP, and one loader thread per rank. */
const CPUS_PER_ACCELERATOR = 4;
/** Share of an instance's vCPU and memory left to pods (kubelet, system daemons and eviction reserves). */
const ALLOCATABLE_SHARE = 0.85;

export interface HostResources {
  /** CPU cores requested per pod (also the limit's basis). */
  readonly cpu: number;
  /** Memory bytes requested (= limit) per pod. */
  readonly memoryBytes: number;
}

/**
 * CPU and host memory for one pod of a replica, sized for loading the weights: engines stage each
 * rank's shard of the checkpoint through host memory (safetensors mmap), so a pod needs its weights
 * plus a runtime margin. Capped by the pod's share of the instance (its accelerators / the node's),
 * so that replicas sharing a node still fit.
 */
export function hostResources(plan: ModelPlan): HostResources {
  const perPodAccelerators = plan.acceleratorsPerReplica / plan.nodesPerReplica;
  const wantedMemory = plan.memory.totalWeightsBytes / plan.nodesPerReplica + RUNTIME_HOST_BYTES;
  const wantedCpu = Math.max(2, CPUS_PER_ACCELERATOR * perPodAccelerators);
  const instance = plan.instanceType;
  if (!instance) return { cpu: wantedCpu, memoryBytes: Math.ceil(wantedMemory / GiB) * GiB };

  const share = Math.min(1, perPodAccelerators / instance.acceleratorCount) * ALLOCATABLE_SHARE;
  const maxMemory = instance.memoryMiB * 1024 * 1024 * share;
  const maxCpu = Math.floor(instance.vcpu * share * 10) / 10;
  const memoryBytes = wantedMemory > maxMemory ? Math.floor(maxMemory / GiB) * GiB : Math.ceil(wantedMemory / GiB) * GiB;
  const cpu = Math.min(wantedCpu, maxCpu);
  // When capped, loading still works: safetensors are mmap'ed and staged shard by shard.
  return { cpu, memoryBytes };
}
