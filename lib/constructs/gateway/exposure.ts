import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { HttpRoute, HttpRouteSpecRulesMatchesHeadersType, HttpRouteSpecRulesMatchesPathType } from '../../../imports/gateway.networking.k8s.io';
import { ValidationError } from '../../errors';
import type { FrontDoor } from './backend';
import type { Peer } from './network-policies';

/** A Gateway API parent (a Gateway, optionally one of its listeners). */
export interface ParentRef {
  readonly name: string;
  /** @default the chart's namespace */
  readonly namespace?: string;
  readonly sectionName?: string;
  /**
   * Namespace of the Gateway's proxy pods, the ones that connect to the backends (Envoy Gateway, for
   * one, runs them in its own namespace). @default the Gateway's namespace
   */
  readonly dataPlaneNamespace?: string;
}

/** How clients outside the namespace reach the gateway. */
export type GatewayExposure =
  | { readonly type: 'cluster-ip' }
  | { readonly type: 'node-port'; readonly nodePort?: number; /** Who may connect. @default any address */ readonly sourceRanges?: readonly string[] }
  | { readonly type: 'load-balancer'; /** @default any address */ readonly sourceRanges?: readonly string[] }
  | {
      readonly type: 'ingress';
      readonly host: string;
      readonly tlsSecret?: string;
      readonly className?: string;
      /** Namespace of the ingress controller's pods (the only client of the gateway). @default 'ingress-nginx' */
      readonly controllerNamespace?: string;
    }
  | { readonly type: 'http-route'; readonly parentRef: ParentRef; readonly hostnames?: readonly string[] };

const NAMESPACE_NAME = 'kubernetes.io/metadata.name';

/**
 * Emits what exposes the front door (an extra Service, an Ingress or an HTTPRoute) and returns the
 * peers that may then reach the gateway's pods: exactly the path the exposure opens.
 */
export function expose(scope: Construct, name: string, namespace: string, door: FrontDoor, exposure: GatewayExposure, labels: Record<string, string>): Peer[] {
  if (typeof exposure !== 'object' || exposure === null || Array.isArray(exposure)) {
    throw new ValidationError('invalid-exposure', `expose must be an object with a type, got ${JSON.stringify(exposure)}`, {
      field: 'expose',
      suggestions: [`expose: { type: ${JSON.stringify(typeof exposure === 'string' ? exposure : 'cluster-ip')} }`],
    });
  }
  switch (exposure.type) {
    case 'cluster-ip':
      // Callers inside the namespace (other namespaces are opened with `clients`).
      return [{ pods: {} }];
    case 'node-port':
    case 'load-balancer': {
      const nodePort: unknown = exposure.type === 'node-port' ? exposure.nodePort : undefined;
      if (nodePort !== undefined && !(Number.isSafeInteger(nodePort) && (nodePort as number) >= 1 && (nodePort as number) <= 65535)) {
        throw new ValidationError('invalid-exposure', `expose.nodePort must be a port number in the cluster's NodePort range (default 30000-32767), got ${JSON.stringify(nodePort)}`, {
          field: 'expose.nodePort',
          suggestions: ['expose.nodePort: 30080', 'omit expose.nodePort to let Kubernetes pick one'],
        });
      }
      new k8s.KubeService(scope, 'external-service', {
        metadata: { name: `${name}-external`, labels },
        spec: {
          type: exposure.type === 'node-port' ? 'NodePort' : 'LoadBalancer',
          selector: { ...door.entry.podLabels },
          ports: [{ name: 'http', port: door.port, targetPort: k8s.IntOrString.fromNumber(door.entry.port), nodePort: exposure.type === 'node-port' ? exposure.nodePort : undefined }],
          loadBalancerSourceRanges: exposure.type === 'load-balancer' && exposure.sourceRanges ? [...exposure.sourceRanges] : undefined,
          // Keep the client's source IP (no SNAT through another node): the NetworkPolicy below filters on it.
          externalTrafficPolicy: 'Local',
        },
      });
      return (exposure.sourceRanges ?? ['0.0.0.0/0']).map((cidr) => ({ cidr }));
    }
    case 'ingress':
      if (typeof exposure.host !== 'string' || exposure.host.trim() === '') {
        throw new ValidationError('invalid-exposure', `expose.host must name the host the Ingress serves, got ${JSON.stringify(exposure.host) ?? 'undefined'}`, {
          field: 'expose.host',
          suggestions: ["expose: { type: 'ingress', host: 'llm.example.com', tlsSecret: 'llm-tls' }"],
        });
      }
      new k8s.KubeIngress(scope, 'ingress', {
        metadata: { name, labels },
        spec: {
          ingressClassName: exposure.className,
          tls: exposure.tlsSecret ? [{ hosts: [exposure.host], secretName: exposure.tlsSecret }] : undefined,
          rules: [
            {
              host: exposure.host,
              http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: door.serviceName, port: { number: door.port } } } }] },
            },
          ],
        },
      });
      return [{ namespaces: { [NAMESPACE_NAME]: exposure.controllerNamespace ?? 'ingress-nginx' } }];
    case 'http-route':
      httpRoute(scope, name, exposure.parentRef, exposure.hostnames, [{ backendRefs: [{ name: door.serviceName, port: door.port }] }], labels);
      return [{ namespaces: { [NAMESPACE_NAME]: exposure.parentRef.dataPlaneNamespace ?? exposure.parentRef.namespace ?? namespace } }];
    default:
      throw new ValidationError('invalid-exposure', `expose.type must be cluster-ip, node-port, load-balancer, ingress or http-route; got ${JSON.stringify((exposure as { type?: unknown })?.type)}`, {
        field: 'expose.type',
        suggestions: ["expose: { type: 'cluster-ip' }", "expose: { type: 'ingress', host: 'llm.example.com', tlsSecret: 'llm-tls' }"],
      });
  }
}

/** One HTTPRoute rule: optional header matches and its backends (Services, or InferencePools). */
export interface RouteRule {
  readonly headers?: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly backendRefs: ReadonlyArray<{ readonly name: string; readonly port?: number; readonly group?: string; readonly kind?: string }>;
}

/** A gateway.networking.k8s.io/v1 HTTPRoute attached to `parentRef`. */
export function httpRoute(scope: Construct, name: string, parentRef: ParentRef, hostnames: readonly string[] | undefined, rules: readonly RouteRule[], labels: Record<string, string>): HttpRoute {
  return new HttpRoute(scope, 'http-route', {
    metadata: { name, labels },
    spec: {
      parentRefs: [{ name: parentRef.name, namespace: parentRef.namespace, sectionName: parentRef.sectionName }],
      hostnames: hostnames ? [...hostnames] : undefined,
      rules: rules.map((rule) => ({
        matches: [
          {
            path: { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: '/' },
            headers: rule.headers?.map((h) => ({ type: HttpRouteSpecRulesMatchesHeadersType.EXACT, name: h.name, value: h.value })),
          },
        ],
        backendRefs: rule.backendRefs.map((b) => ({ ...b })),
      })),
    },
  });
}
