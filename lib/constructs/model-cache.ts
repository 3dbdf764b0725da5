import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { GiB } from '../catalog/units';
import { ValidationError } from '../errors';
import type { ModelPlan } from '../sizing/types';

/** Where downloaded weights live, so that a restart does not download them again. */
export type ModelCache =
  | { readonly type: 'pvc'; readonly storageClassName?: string; /** @default weights x 1.5, in GiB */ readonly sizeGiB?: number }
  | { readonly type: 'existingClaim'; readonly claimName: string }
  | { readonly type: 'hostPath'; readonly path: string }
  | { readonly type: 'emptyDir'; /** @default weights x 1.5, in GiB */ readonly sizeGiB?: number };

export const CACHE_VOLUME = 'model-cache';

/** Checkpoint files plus tokenizer and a second revision during upgrades: 1.5 x the weights. */
export function defaultCacheGiB(plan: ModelPlan): number {
  return Math.ceil((plan.memory.totalWeightsBytes * 1.5) / GiB);
}

export interface CacheVolume {
  readonly volume: k8s.Volume;
  /** Ephemeral storage the pod must request (emptyDir caches live on the node's disk). */
  readonly ephemeralGiB: number;
}

/**
 * The cache volume (and, for `pvc`, the PersistentVolumeClaim it needs). A cache smaller than the
 * weights is an error: the download would fail after minutes, on the node.
 */
export function cacheVolume(scope: Construct, claimName: string, cache: ModelCache, plan: ModelPlan, prop = 'modelCache'): CacheVolume {
  const weightsGiB = plan.memory.totalWeightsBytes / GiB;
  const checkSize = (size: number | undefined): number => {
    const chosen = size ?? defaultCacheGiB(plan);
    if (typeof chosen !== 'number' || !Number.isFinite(chosen) || chosen < weightsGiB) {
      throw new ValidationError('cache-too-small', `${prop}.sizeGiB ${String(chosen)} cannot hold ${plan.model.id}'s weights (${weightsGiB.toFixed(1)} GiB in ${plan.quantization})`, {
        field: `${prop}.sizeGiB`,
        suggestions: [`${prop}.sizeGiB: ${defaultCacheGiB(plan)} (weights x 1.5), or omit it`],
      });
    }
    return Math.ceil(chosen);
  };
  switch (cache?.type) {
    case 'pvc': {
      const size = checkSize(cache.sizeGiB);
      new k8s.KubePersistentVolumeClaim(scope, 'cache', {
        metadata: { name: claimName },
        spec: {
          accessModes: ['ReadWriteOnce'],
          storageClassName: cache.storageClassName,
          resources: { requests: { storage: k8s.Quantity.fromString(`${size}Gi`) } },
        },
      });
      return { volume: { name: CACHE_VOLUME, persistentVolumeClaim: { claimName } }, ephemeralGiB: 0 };
    }
    case 'existingClaim':
      return { volume: { name: CACHE_VOLUME, persistentVolumeClaim: { claimName: cache.claimName } }, ephemeralGiB: 0 };
    case 'hostPath':
      return { volume: { name: CACHE_VOLUME, hostPath: { path: cache.path, type: 'DirectoryOrCreate' } }, ephemeralGiB: 0 };
    case 'emptyDir': {
      const size = checkSize(cache.sizeGiB);
      return { volume: { name: CACHE_VOLUME, emptyDir: { sizeLimit: k8s.Quantity.fromString(`${size}Gi`) } }, ephemeralGiB: size };
    }
    default:
      throw new ValidationError('invalid-model-cache', `${prop}.type must be 'pvc', 'existingClaim', 'hostPath' or 'emptyDir'; got ${JSON.stringify((cache as { type?: unknown })?.type)}`, {
        field: `${prop}.type`,
        suggestions: [`${prop}: { type: 'pvc', storageClassName: 'gp3' }`, `${prop}: { type: 'emptyDir' }`],
      });
  }
}
