import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { ServiceMonitor } from '../../../imports/monitoring.coreos.com';
import { agentResources, agentSecurityContext, daemonSet, hostPathVolume } from './daemon-set';
import { plumbingLabels, plumbingName, plumbingNamespace, selectorLabels, type PlumbingTarget } from './target';

/**
 * DCGM 4.6.1, exporter 4.8.4, the tag of NVIDIA/dcgm-exporter deployment/examples/dcgm-exporter.yaml
 * (commit 8dc9e11b) and of GPU Operator v26.7.1. Releases are distroless-only since 4.5.3-4.8.2
 * (dcgm-exporter issue #703).
 */
export const DCGM_EXPORTER_IMAGE = 'nvcr.io/nvidia/k8s/dcgm-exporter:4.6.1-4.8.4-distroless';

const COMPONENT = 'dcgm-exporter';
const PORT = 9400;
const PORT_NAME = 'metrics';
const POD_RESOURCES_DIR = '/var/lib/kubelet/pod-resources';

/**
 * NVIDIA DCGM exporter on the target's nodes: GPU utilisation, memory, power, XID errors and (with
 * SYS_ADMIN) profiling metrics on :9400/metrics, attributed to pods through the kubelet's
 * pod-resources socket; a Service and a ServiceMonitor (needs the Prometheus Operator CRDs).
 */
export function dcgmExporter(scope: Construct, target: PlumbingTarget): void {
  const namespace = plumbingNamespace(target);
  const labels = plumbingLabels(target, COMPONENT);
  const selector = selectorLabels(target, COMPONENT);
  const health: k8s.Probe = { httpGet: { path: '/health', port: k8s.IntOrString.fromString(PORT_NAME) }, initialDelaySeconds: 45, periodSeconds: 10 };

  daemonSet(scope, target, {
    component: COMPONENT,
    privileges: "root and SYS_ADMIN: DCGM profiling metrics (DCGM_FI_PROF_*) need it, as upstream's manifest keeps; hostPath /var/lib/kubelet/pod-resources (read-only) attributes GPUs to pods",
    containers: [
      {
        name: COMPONENT,
        image: DCGM_EXPORTER_IMAGE,
        imagePullPolicy: 'IfNotPresent',
        env: [
          { name: 'DCGM_EXPORTER_LISTEN', value: `:${PORT}` },
          // Adds pod, namespace and container labels from the kubelet's pod-resources API.
          { name: 'DCGM_EXPORTER_KUBERNETES', value: 'true' },
          { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
          // Every GPU of the node, injected by the NVIDIA runtime without allocating any.
          { name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' },
        ],
        ports: [{ name: PORT_NAME, containerPort: PORT, protocol: 'TCP' }],
        // Privileges kept, as upstream's example: root (the embedded DCGM host engine must run as
        // root) and SYS_ADMIN, "required for profiling metrics (DCGM_FI_PROF_*)": without it the
        // exporter warns and exports no tensor-core/SM activity, the metrics that show whether a
        // model server uses its GPU. Root filesystem stays writable: upstream enables it only with
        // extra tmpfs volumes, and the distroless image relies on the NVIDIA runtime hook writing
        // /etc/ld.so.cache (dcgm-exporter issue #612).
        securityContext: { ...agentSecurityContext({ add: ['SYS_ADMIN'], readOnlyRootFilesystem: false }), runAsUser: 0, runAsNonRoot: false },
        // Upstream example values.
        resources: agentResources({ cpu: '100m', memory: '128Mi' }, { cpu: '200m', memory: '256Mi' }),
        livenessProbe: health,
        readinessProbe: health,
        volumeMounts: [{ name: 'pod-resources', mountPath: POD_RESOURCES_DIR, readOnly: true }],
      },
    ],
    volumes: [hostPathVolume('pod-resources', POD_RESOURCES_DIR, 'Directory')],
  });

  const service = new k8s.KubeService(scope, `${COMPONENT}-service`, {
    metadata: { name: plumbingName(target, COMPONENT), namespace, labels },
    spec: { selector, ports: [{ name: PORT_NAME, port: PORT, targetPort: k8s.IntOrString.fromString(PORT_NAME), protocol: 'TCP' }] },
  });

  new ServiceMonitor(scope, `${COMPONENT}-service-monitor`, {
    metadata: { name: service.name, namespace, labels },
    spec: {
      selector: { matchLabels: selector },
      // Upstream chart defaults. With honorLabels false the GPU's workload appears as
      // `exported_pod` / `exported_namespace`; `pod` is the exporter's own pod.
      endpoints: [{ port: PORT_NAME, path: '/metrics', interval: '15s', honorLabels: false }],
    },
  });
}
