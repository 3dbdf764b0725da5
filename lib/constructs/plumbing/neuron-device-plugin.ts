import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { agentResources, agentSecurityContext, daemonSet, hostPathVolume } from './daemon-set';
import { clusterScoped } from '../cluster-scoped';
import { plumbingLabels, plumbingName, plumbingNamespace, type PlumbingTarget } from './target';

/** The tag aws-neuron/neuron-helm-charts pins in charts/neuron-helm-chart/values.yaml (commit 14049c20). */
export const NEURON_DEVICE_PLUGIN_IMAGE = 'public.ecr.aws/neuron/neuron-device-plugin:2.28.27.0';

const COMPONENT = 'neuron-device-plugin';
const DEVICE_PLUGINS_DIR = '/var/lib/kubelet/device-plugins';

/**
 * Verbatim the rules of upstream's chart (templates/device-plugin/device-plugin-rbac.yaml): the
 * plugin reads its node, writes allocations to pods and node status, reads the kubelet through the
 * API proxy and reports events. Its source is not public, so no rule is dropped on a guess.
 */
const NEURON_RULES: k8s.PolicyRule[] = [
  { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['update', 'patch', 'get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['nodes/status'], verbs: ['patch', 'update'] },
  { apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get', 'list'] },
];

/**
 * The AWS Neuron device plugin (advertises `aws.amazon.com/neuron`, `neuroncore`, `neurondevice`) on
 * the target's nodes, with the ServiceAccount, ClusterRole and ClusterRoleBinding it needs: unlike
 * the NVIDIA plugin it calls the Kubernetes API. Needs the Neuron driver on the node (EKS Neuron AMIs).
 */
export function neuronDevicePlugin(scope: Construct, target: PlumbingTarget): void {
  const name = plumbingName(target, COMPONENT);
  const namespace = plumbingNamespace(target);
  const labels = plumbingLabels(target, COMPONENT);

  // No token for other pods that might use this account: the DaemonSet opts in explicitly.
  const account = new k8s.KubeServiceAccount(scope, `${COMPONENT}-service-account`, { metadata: { name, namespace, labels }, automountServiceAccountToken: false });
  const role = clusterScoped(new k8s.KubeClusterRole(scope, `${COMPONENT}-cluster-role`, { metadata: { name, labels }, rules: NEURON_RULES }));
  clusterScoped(
    new k8s.KubeClusterRoleBinding(scope, `${COMPONENT}-cluster-role-binding`, {
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.name },
      subjects: [{ kind: 'ServiceAccount', name: account.name, namespace }],
    }),
  );

  daemonSet(scope, target, {
    component: COMPONENT,
    privileges: "root (registers on the kubelet's device-plugin socket, a root-owned host directory) and an API token (upstream's ClusterRole to update node status)",
    serviceAccountName: account.name,
    containers: [
      {
        name: COMPONENT,
        image: NEURON_DEVICE_PLUGIN_IMAGE,
        imagePullPolicy: 'IfNotPresent',
        // Both as upstream sets them.
        env: [
          { name: 'KUBECONFIG', value: '/etc/kubernetes/kubelet.conf' },
          { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        ],
        // Privileges kept: root, to own the kubelet socket and the host's /run; no capability, as
        // upstream. Root filesystem left writable: upstream does not set it and the image's own
        // writes are not documented.
        securityContext: agentSecurityContext({ readOnlyRootFilesystem: false }),
        resources: agentResources({ cpu: '50m', memory: '64Mi' }, { cpu: '500m', memory: '256Mi' }),
        volumeMounts: [
          { name: 'device-plugin', mountPath: DEVICE_PLUGINS_DIR },
          // Host /run (upstream's `infa-map`) and the AWS instance configuration, read-only.
          { name: 'infa-map', mountPath: '/run' },
          { name: 'aws-config', mountPath: '/opt/aws', readOnly: true },
        ],
      },
    ],
    volumes: [hostPathVolume('device-plugin', DEVICE_PLUGINS_DIR, 'Directory'), hostPathVolume('infa-map', '/run'), hostPathVolume('aws-config', '/opt/aws')],
  });
}
