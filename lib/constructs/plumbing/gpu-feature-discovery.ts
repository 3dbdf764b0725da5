import type { Construct } from 'constructs';
import { agentResources, agentSecurityContext, daemonSet, hostPathVolume } from './daemon-set';
import type { NvidiaAgentCommon } from './nvidia-device-plugin';
import type { PlumbingTarget } from './target';

const COMPONENT = 'gpu-feature-discovery';
/** GFD's default `--output-file` directory: node-feature-discovery's local feature source. */
export const NFD_FEATURES_DIR = '/etc/kubernetes/node-feature-discovery/features.d';

/**
 * GPU Feature Discovery: labels each node with `nvidia.com/gpu.product`, `.count`, `.memory`,
 * `.replicas`, MIG and CUDA facts. It does not label nodes itself: it writes `key=value` lines to
 * `features.d/gfd` and node-feature-discovery (its worker on these nodes, tolerating their taints,
 * and its master allowing the `nvidia.com` label namespace) turns that file into node labels.
 * Without NFD nothing happens. File mode is forced: since v0.19.0 GFD defaults to NFD's NodeFeature
 * API (PR #1504), which needs an API token and RBAC; the file needs neither.
 * With time-slicing GFD reports the product as `<product>-SHARED` (internal/lm/resource.go).
 */
export function gpuFeatureDiscovery(scope: Construct, target: PlumbingTarget, common: NvidiaAgentCommon): void {
  daemonSet(scope, target, {
    component: COMPONENT,
    privileges: "root (writes the root-owned NFD features.d host directory) and SYS_ADMIN (reads each GPU's full PCI config space; upstream runs it privileged)",
    podAnnotations: common.podAnnotations,
    containers: [
      {
        name: COMPONENT,
        image: common.image,
        imagePullPolicy: 'IfNotPresent',
        command: ['gpu-feature-discovery'],
        env: [...common.env, { name: 'GFD_USE_NODE_FEATURE_API', value: 'false' }],
        // Privileges kept: root (writes the root-owned features.d) and SYS_ADMIN. GFD reads each
        // NVIDIA device's full PCI config space (vGPU detection, internal/vgpu) and fails without it:
        // the kernel serves only 64 of its 256 bytes to readers lacking CAP_SYS_ADMIN. Upstream's
        // chart runs GFD `privileged: true` for this; the one capability is enough. Root filesystem
        // stays writable for the NVIDIA runtime hooks (see the device plugin).
        securityContext: agentSecurityContext({ add: ['SYS_ADMIN'], readOnlyRootFilesystem: false }),
        resources: agentResources({ cpu: '50m', memory: '64Mi' }, { cpu: '500m', memory: '256Mi' }),
        volumeMounts: [{ name: 'output-dir', mountPath: NFD_FEATURES_DIR }, { name: 'host-sys', mountPath: '/sys', readOnly: true }, common.configMount],
      },
    ],
    volumes: [hostPathVolume('output-dir', NFD_FEATURES_DIR, 'DirectoryOrCreate'), hostPathVolume('host-sys', '/sys', 'Directory'), common.configVolume],
  });
}
