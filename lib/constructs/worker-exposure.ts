/** The exposure step of LlmWorker: its ClusterIP Service and, when the engine exports metrics, a PodMonitor. */
import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { PodMonitor } from '../../imports/monitoring.coreos.com';
import { SCRAPE_INTERVAL_SECONDS } from '../engines/metrics';
import type { ContainerRecipe } from '../engines/types';

export interface WorkerExposure {
  readonly name: string;
  readonly labels: Record<string, string>;
  /** Pods the PodMonitor scrapes (every pod of the worker). */
  readonly selector: Record<string, string>;
  /** Pods the Service sends to (a multi-node group's leader only). */
  readonly serviceSelector: Record<string, string>;
  readonly recipe: ContainerRecipe;
}

export function exposeWorker(scope: Construct, input: WorkerExposure): void {
  const { name, labels, recipe } = input;
  const metricsPort = recipe.ports.metrics !== undefined && recipe.ports.metrics !== recipe.ports.http ? 'metrics' : 'http';
  new k8s.KubeService(scope, 'service', {
    metadata: { name, labels },
    spec: {
      type: 'ClusterIP',
      selector: input.serviceSelector,
      ports: [
        { name: 'http', port: recipe.ports.http, targetPort: k8s.IntOrString.fromString('http') },
        ...(recipe.ports.grpc !== undefined ? [{ name: 'grpc', port: recipe.ports.grpc, targetPort: k8s.IntOrString.fromString('grpc') }] : []),
        ...(metricsPort === 'metrics' ? [{ name: 'metrics', port: recipe.ports.metrics!, targetPort: k8s.IntOrString.fromString('metrics') }] : []),
      ],
    },
  });
  if (recipe.metricsPath) {
    new PodMonitor(scope, 'pod-monitor', {
      metadata: { name, labels },
      spec: {
        selector: { matchLabels: input.selector },
        podMetricsEndpoints: [{ port: metricsPort, path: recipe.metricsPath, interval: `${SCRAPE_INTERVAL_SECONDS}s` }],
        // Series carry the worker's instance label, which scopes its recording rules.
        podTargetLabels: ['app.kubernetes.io/instance'],
      },
    });
  }
}
