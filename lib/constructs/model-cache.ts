import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { GiB } from '../catalog/units';
import { ValidationError } from '../errors';
import { checkpointBytes } from '../sizing/quantization';
import type { ModelPlan } from '../sizing/types';

/** Where downloaded weights live, so that a restart does not download them again. */
export type ModelCache =
  | {
      readonly type: 'pvc';
      readonly storageClassName?: string;
      /** @default the engine's download x 1.5, in GiB */
      readonly sizeGiB?: number;
      /**
       * `ReadWriteOnce` volumes attach to one node: with several replicas use a `ReadWriteMany` class
       * (EFS, FSx for Lustre, NFS). @default 'ReadWriteOnce'
       */
      readonly accessMode?: 'ReadWriteOnce' | 'ReadWriteMany';
    }
  | { readonly type: 'existingClaim'; readonly claimName: string }
  /** A node directory that must exist and be writable by the engine's UID (1000 for non-root engines). */
  | { readonly type: 'hostPath'; readonly path: string }
  /** Node-local scratch (on Karpenter nodes with `instanceStorePolicy: RAID0`, the NVMe array). */
  | { readonly type: 'emptyDir'; /** @default the engine's download x 1.5, in GiB */ readonly sizeGiB?: number };

export const CACHE_VOLUME = 'model-cache';

/**
 * What the engine downloads (the recipe's `downloadBytes`: a 16-bit checkpoint for formats quantized at
 * load, duplicate copies it fetches) plus tokenizer files and a second revision during upgrades: 1.5 x.
 * The kubelet evicts a pod whose emptyDir passes its sizeLimit, so this is never the served size.
 */
export function defaultCacheGiB(plan: ModelPlan, downloadBytes = checkpointBytes(plan.model, plan.quantization)): number {
  return Math.ceil((downloadBytes * 1.5) / GiB);
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
export function cacheVolume(
  scope: Construct,
  claimName: string,
  cache: ModelCache,
  plan: ModelPlan,
  replicas: number,
  prop = 'modelCache',
  downloadBytes = checkpointBytes(plan.model, plan.quantization),
): CacheVolume {
  const downloadGiB = downloadBytes / GiB;
  const defaultGiB = defaultCacheGiB(plan, downloadBytes);
  const checkSize = (size: number | undefined): number => {
    const chosen = size ?? defaultGiB;
    if (typeof chosen !== 'number' || !Number.isFinite(chosen) || chosen < downloadGiB) {
      throw new ValidationError('cache-too-small', `${prop}.sizeGiB ${String(chosen)} cannot hold what ${plan.engine} downloads for ${plan.model.id} (${downloadGiB.toFixed(1)} GiB)`, {
        field: `${prop}.sizeGiB`,
        suggestions: [`${prop}.sizeGiB: ${defaultGiB} (the download x 1.5), or omit it`, 'prefetch: { timeoutSeconds, retries } downloads only the files the engine loads'],
      });
    }
    return Math.ceil(chosen);
  };
  switch (cache?.type) {
    case 'pvc': {
      const size = checkSize(cache.sizeGiB);
      const accessMode = cache.accessMode ?? 'ReadWriteOnce';
      if (accessMode === 'ReadWriteOnce' && replicas > 1) {
        throw new ValidationError(
          'cache-single-node',
          `${prop}.accessMode 'ReadWriteOnce': the claim attaches to one node, but ${replicas} replicas would share it (the second pod on another node fails with a Multi-Attach error)`,
          {
            field: `${prop}.accessMode`,
            suggestions: [`${prop}.accessMode: 'ReadWriteMany' with an EFS, FSx or NFS storage class`, `${prop}: { type: 'emptyDir' } (a cache per pod)`],
          },
        );
      }
      new k8s.KubePersistentVolumeClaim(scope, 'cache', {
        metadata: { name: claimName },
        spec: {
          accessModes: [accessMode],
          storageClassName: cache.storageClassName,
          resources: { requests: { storage: k8s.Quantity.fromString(`${size}Gi`) } },
        },
      });
      return { volume: { name: CACHE_VOLUME, persistentVolumeClaim: { claimName } }, ephemeralGiB: 0 };
    }
    case 'existingClaim':
      return { volume: { name: CACHE_VOLUME, persistentVolumeClaim: { claimName: cache.claimName } }, ephemeralGiB: 0 };
    case 'hostPath':
      // `Directory`, not `DirectoryOrCreate`: a directory the kubelet creates is root-owned, and a
      // non-root engine could not write to it; a missing directory should fail at pod start instead.
      return { volume: { name: CACHE_VOLUME, hostPath: { path: cache.path, type: 'Directory' } }, ephemeralGiB: 0 };
    case 'emptyDir': {
      const size = checkSize(cache.sizeGiB);
      return { volume: { name: CACHE_VOLUME, emptyDir: { sizeLimit: k8s.Quantity.fromString(`${size}Gi`) } }, ephemeralGiB: size };
    }
    default:
      if (typeof cache !== 'object' || cache === null || Array.isArray(cache)) {
        throw new ValidationError('invalid-model-cache', `${prop} must be an object such as { type: 'emptyDir' }, got ${JSON.stringify(cache)}`, {
          field: prop,
          suggestions: [`${prop}: { type: 'pvc', storageClassName: 'gp3' }`, `${prop}: { type: 'emptyDir' }`],
        });
      }
      throw new ValidationError('invalid-model-cache', `${prop}.type must be 'pvc', 'existingClaim', 'hostPath' or 'emptyDir'; got ${JSON.stringify((cache as { type?: unknown })?.type)}`, {
        field: `${prop}.type`,
        suggestions: [`${prop}: { type: 'pvc', storageClassName: 'gp3' }`, `${prop}: { type: 'emptyDir' }`],
      });
  }
}
