import { createHash } from 'node:crypto';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { agentResources, agentSecurityContext, daemonSet, hostPathVolume } from './daemon-set';
import { gpuFeatureDiscovery } from './gpu-feature-discovery';
import { checkSharing, devicePluginConfig, migStrategy, type GpuSharing } from './nvidia-config';
import { plumbingLabels, plumbingName, plumbingNamespace, type PlumbingTarget } from './target';

export type { GpuSharing } from './nvidia-config';

/**
 * NVIDIA device plugin and GPU Feature Discovery: one image since v0.15.0 (CHANGELOG "Import GPU
 * Feature Discovery into the GPU Device Plugin repo"). v0.20.1: NVIDIA/k8s-device-plugin PR #2057
 * ("update k8s-device-plugin to 0.20.1"), the tag GPU Operator v26.7.1 ships. Not v0.19.0-v0.19.2,
 * which mounted InfiniBand/EFA uverbs devices by default (issue #1692, fixed in v0.19.3).
 */
export const NVIDIA_DEVICE_PLUGIN_IMAGE = 'nvcr.io/nvidia/k8s-device-plugin:v0.20.1';

const COMPONENT = 'nvidia-device-plugin';
const CONFIG_DIR = '/etc/nvidia-device-plugin';
const CONFIG_KEY = 'config.yaml';
const DEVICE_PLUGINS_DIR = '/var/lib/kubelet/device-plugins';

export interface NvidiaDevicePluginOptions {
  /** @default whole GPUs, no sharing */
  readonly sharing?: GpuSharing;
  /** Also run GPU Feature Discovery (labels `nvidia.com/gpu.*`; needs node-feature-discovery). @default true */
  readonly featureDiscovery?: boolean;
}

/** What the device plugin and GFD share: image, config file, NVML access and MIG settings. */
export interface NvidiaAgentCommon {
  readonly image: string;
  readonly env: k8s.EnvVar[];
  readonly configVolume: k8s.Volume;
  readonly configMount: k8s.VolumeMount;
  readonly podAnnotations: Record<string, string>;
  readonly mig: boolean;
}

/**
 * The NVIDIA device plugin (advertises `nvidia.com/gpu`) on the target's nodes, its config file
 * (sharing, MIG strategy) and, by default, GPU Feature Discovery reading the same file.
 * The NVIDIA runtime must inject the GPUs into these pods: it is containerd's default on EKS and
 * Bottlerocket NVIDIA AMIs (the upstream static manifest assumes so); elsewhere set
 * `target.runtimeClassName`.
 */
export function nvidiaDevicePlugin(scope: Construct, target: PlumbingTarget, options: NvidiaDevicePluginOptions = {}): void {
  checkSharing(options.sharing);
  const config = JSON.stringify(devicePluginConfig(options.sharing), null, 2);
  const configMap = new k8s.KubeConfigMap(scope, `${COMPONENT}-config`, {
    metadata: { name: plumbingName(target, `${COMPONENT}-config`), namespace: plumbingNamespace(target), labels: plumbingLabels(target, COMPONENT) },
    data: { [CONFIG_KEY]: config },
  });
  const mig = migStrategy(options.sharing) !== 'none';
  const common: NvidiaAgentCommon = {
    image: NVIDIA_DEVICE_PLUGIN_IMAGE,
    env: [
      { name: 'CONFIG_FILE', value: `${CONFIG_DIR}/${CONFIG_KEY}` },
      // The NVIDIA runtime injects every GPU and NVML (utility) without allocating any of them.
      { name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' },
      { name: 'NVIDIA_DRIVER_CAPABILITIES', value: 'compute,utility' },
      // MIG: the runtime exposes /proc/driver/nvidia/capabilities/mig/monitor (needs SYS_ADMIN).
      ...(mig ? [{ name: 'NVIDIA_MIG_MONITOR_DEVICES', value: 'all' }] : []),
    ],
    configVolume: { name: 'config', configMap: { name: configMap.name } },
    configMount: { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
    // The plugin reads its file once: a changed config must roll the pods (Helm's checksum idiom).
    podAnnotations: { 'checksum/config': createHash('sha256').update(config).digest('hex') },
    mig,
  };

  daemonSet(scope, target, {
    component: COMPONENT,
    privileges: "root (registers on the kubelet's device-plugin socket, a root-owned host directory); SYS_ADMIN only with MIG (MIG monitor capability)",
    podAnnotations: common.podAnnotations,
    containers: [
      {
        name: COMPONENT,
        image: common.image,
        imagePullPolicy: 'IfNotPresent',
        command: ['nvidia-device-plugin'],
        env: common.env,
        // Privileges kept: root (owns the kubelet socket directory); SYS_ADMIN only with MIG, as the
        // upstream Helm chart does, to enumerate MIG devices. Root filesystem stays writable: the
        // NVIDIA runtime hooks write into it (ld.so.cache; a read-only root breaks nvidia-cdi-hook,
        // kserve PR #5711), and upstream never sets it.
        securityContext: agentSecurityContext({ add: mig ? ['SYS_ADMIN'] : [], readOnlyRootFilesystem: false }),
        resources: agentResources({ cpu: '50m', memory: '64Mi' }, { cpu: '500m', memory: '256Mi' }),
        volumeMounts: [{ name: 'device-plugin', mountPath: DEVICE_PLUGINS_DIR }, common.configMount],
      },
    ],
    // The kubelet's device-plugin socket directory: the plugin registers and serves its socket there.
    volumes: [hostPathVolume('device-plugin', DEVICE_PLUGINS_DIR, 'Directory'), common.configVolume],
  });

  if (options.featureDiscovery ?? true) gpuFeatureDiscovery(scope, target, common);
}
