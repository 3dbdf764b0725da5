import { Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { clusterScoped } from '../cluster-scoped';

/** The RuntimeClass name, and the containerd handler `nvidia-ctk runtime configure` registers. */
export const NVIDIA_RUNTIME_CLASS = 'nvidia';
const ID = 'nvidia-runtime-class';

/**
 * RuntimeClass `nvidia` (handler `nvidia`), for pods on nodes where the NVIDIA runtime is
 * configured but not containerd's default. Cluster-scoped, so emitted once per chart however many
 * pools ask for it.
 */
export function nvidiaRuntimeClass(scope: Construct): void {
  const chart = Chart.of(scope);
  if (chart.node.tryFindChild(ID)) return;
  clusterScoped(new k8s.KubeRuntimeClass(chart, ID, { metadata: { name: NVIDIA_RUNTIME_CLASS }, handler: NVIDIA_RUNTIME_CLASS }));
}
