/**
 * The configuration file shared by the NVIDIA device plugin and GPU Feature Discovery (format `v1`,
 * README of NVIDIA/k8s-device-plugin, "As a configuration file" and "Shared Access to GPUs").
 * Precedence there is flag > environment > file, so the file is the one source of truth: the
 * DaemonSets set none of these options as environment variables.
 */
import { ValidationError } from '../../errors';

/** How the GPUs of a pool are shared between pods. */
export type GpuSharing = { readonly timeSlicing: { readonly replicas: number } } | { readonly mig: { readonly strategy: 'single' | 'mixed' } };

export type MigStrategy = 'none' | 'single' | 'mixed';

/** Time-slicing supports the whole-GPU resource (and MIG-mixed resources, not offered here). */
const GPU_RESOURCE = 'nvidia.com/gpu';
const MIG_STRATEGIES: readonly string[] = ['single', 'mixed'];

export function checkSharing(sharing: GpuSharing | undefined, prop = 'sharing'): void {
  if (sharing === undefined) return;
  if (typeof sharing !== 'object' || sharing === null || Array.isArray(sharing)) {
    throw new ValidationError('invalid-sharing', `${prop} must be { timeSlicing: { replicas } } or { mig: { strategy } }, got ${JSON.stringify(sharing)}`, {
      field: prop,
      suggestions: [`${prop}: { timeSlicing: { replicas: 4 } }`, `${prop}: { mig: { strategy: 'single' } }`],
    });
  }
  const kinds = ['timeSlicing', 'mig'].filter((k) => k in sharing);
  if (kinds.length !== 1) {
    throw new ValidationError('invalid-sharing', `${prop} must set exactly one of timeSlicing or mig, got ${kinds.length === 0 ? 'neither' : 'both'}`, {
      field: prop,
      suggestions: [`${prop}: { timeSlicing: { replicas: 4 } }`, `${prop}: { mig: { strategy: 'single' } }`],
    });
  }
  if ('timeSlicing' in sharing) {
    const replicas = sharing.timeSlicing?.replicas;
    if (!Number.isSafeInteger(replicas) || replicas < 2) {
      throw new ValidationError('invalid-sharing', `${prop}.timeSlicing.replicas must be an integer of at least 2 (pods per GPU), got ${String(replicas)}`, {
        field: `${prop}.timeSlicing.replicas`,
        suggestions: [`${prop}: { timeSlicing: { replicas: 2 } }`, `omit ${prop} to give each pod whole GPUs`],
      });
    }
  } else {
    const strategy = sharing.mig?.strategy;
    if (!MIG_STRATEGIES.includes(strategy)) {
      throw new ValidationError('invalid-sharing', `${prop}.mig.strategy must be 'single' or 'mixed', got '${String(strategy)}'`, {
        field: `${prop}.mig.strategy`,
        suggestions: [`${prop}: { mig: { strategy: 'single' } }`, `${prop}: { mig: { strategy: 'mixed' } }`],
      });
    }
  }
}

export function migStrategy(sharing: GpuSharing | undefined): MigStrategy {
  return sharing !== undefined && 'mig' in sharing ? sharing.mig.strategy : 'none';
}

/** The config object; JSON is YAML, so `JSON.stringify` of it is a valid config file. */
export function devicePluginConfig(sharing: GpuSharing | undefined): Record<string, unknown> {
  const timeSlicing = sharing !== undefined && 'timeSlicing' in sharing ? sharing.timeSlicing : undefined;
  return {
    version: 'v1',
    flags: {
      migStrategy: migStrategy(sharing),
      // Crash (and restart) rather than block forever when NVML is not ready yet at node boot.
      failOnInitError: true,
      plugin: { passDeviceSpecs: false, deviceListStrategy: 'envvar', deviceIDStrategy: 'uuid' },
    },
    ...(timeSlicing
      ? {
          sharing: {
            timeSlicing: {
              // Keep advertising `nvidia.com/gpu`, so that workloads need no change; refuse requests
              // of more than one replica, which would buy no extra compute (upstream recommends it).
              renameByDefault: false,
              failRequestsGreaterThanOne: true,
              resources: [{ name: GPU_RESOURCE, replicas: timeSlicing.replicas }],
            },
          },
        }
      : {}),
  };
}
