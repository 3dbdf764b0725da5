import { k8s } from 'cdk8s-plus-28';
import type { Construct } from 'constructs';
import { HttpRoute, HttpRouteSpecRulesMatchesHeadersType, HttpRouteSpecRulesMatchesPathType } from '../../../imports/gateway.networking.k8s.io';
import { ValidationError } from '../../errors';
import { warnAtSynth } from '../warnings';
import type { FrontDoor } from './front-door';
import { ingressAnnotations, ingressFlavour } from './ingress-annotations';
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
  | {
      readonly type: 'node-port';
      readonly nodePort?: number;
      /** Who may connect. @default any address */
      readonly sourceRanges?: readonly string[];
      /**
       * `Local` keeps the client's address (so `sourceRanges` can be enforced) but answers only on nodes that
       * run a gateway pod; `Cluster` answers on every node, with the source rewritten to a node's address.
       * @default 'Local' with sourceRanges, 'Cluster' without
       */
      readonly externalTrafficPolicy?: 'Local' | 'Cluster';
    }
  | {
      readonly type: 'load-balancer';
      /** @default any address */
      readonly sourceRanges?: readonly string[];
      /** @default 'Local': the load balancer health-checks nodes and sends only to those with a gateway pod */
      readonly externalTrafficPolicy?: 'Local' | 'Cluster';
    }
  | {
      readonly type: 'ingress';
      readonly host: string;
      readonly tlsSecret?: string;
      /** `nginx` (ingress-nginx) or `alb` (AWS Load Balancer Controller) get their timeout annotations. @default the cluster's default class */
      readonly className?: string;
      /** Namespace of the ingress controller's pods (the only client of the gateway). @default 'ingress-nginx' */
      readonly controllerNamespace?: string;
      /**
       * Addresses the controller's proxies connect from, when they are not pods (an ALB connects from its
       * subnets: the VPC's CIDR). Required with `className: 'alb'`. @default pods of `controllerNamespace`
       */
      readonly sourceRanges?: readonly string[];
      /** More Ingress annotations; they win over the timeout and buffering ones set for the class. */
      readonly annotations?: Readonly<Record<string, string>>;
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
    case 'load-balancer':
      return externalService(scope, name, door, exposure, labels);
    case 'ingress':
      return ingress(scope, name, door, exposure, labels);
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

type ServiceExposure = Extract<GatewayExposure, { type: 'node-port' | 'load-balancer' }>;

/** A NodePort or LoadBalancer Service in front of the entry pods; its source ranges are the clients. */
function externalService(scope: Construct, name: string, door: FrontDoor, exposure: ServiceExposure, labels: Record<string, string>): Peer[] {
  const nodePort: unknown = exposure.type === 'node-port' ? exposure.nodePort : undefined;
  if (nodePort !== undefined && !(Number.isSafeInteger(nodePort) && (nodePort as number) >= 1 && (nodePort as number) <= 65535)) {
    throw new ValidationError('invalid-exposure', `expose.nodePort must be a port number in the cluster's NodePort range (default 30000-32767), got ${JSON.stringify(nodePort)}`, {
      field: 'expose.nodePort',
      suggestions: ['expose.nodePort: 30080', 'omit expose.nodePort to let Kubernetes pick one'],
    });
  }
  const trafficPolicy = externalTrafficPolicy(scope, exposure);
  new k8s.KubeService(scope, 'external-service', {
    metadata: { name: `${name}-external`, labels },
    spec: {
      type: exposure.type === 'node-port' ? 'NodePort' : 'LoadBalancer',
      selector: { ...door.entry.podLabels },
      ports: [{ name: 'http', port: door.port, targetPort: k8s.IntOrString.fromNumber(door.entry.port), nodePort: exposure.type === 'node-port' ? exposure.nodePort : undefined }],
      loadBalancerSourceRanges: exposure.type === 'load-balancer' && exposure.sourceRanges ? [...exposure.sourceRanges] : undefined,
      // Local keeps the client's source IP (no SNAT through another node): the NetworkPolicy filters on it.
      externalTrafficPolicy: trafficPolicy,
    },
  });
  return (exposure.sourceRanges ?? ['0.0.0.0/0']).map((cidr) => ({ cidr }));
}

/** An Ingress to the front door's Service; the controller's pods (or its source ranges) are the clients. */
function ingress(scope: Construct, name: string, door: FrontDoor, exposure: Extract<GatewayExposure, { type: 'ingress' }>, labels: Record<string, string>): Peer[] {
  if (typeof exposure.host !== 'string' || exposure.host.trim() === '') {
    throw new ValidationError('invalid-exposure', `expose.host must name the host the Ingress serves, got ${JSON.stringify(exposure.host) ?? 'undefined'}`, {
      field: 'expose.host',
      suggestions: ["expose: { type: 'ingress', host: 'llm.example.com', tlsSecret: 'llm-tls' }"],
    });
  }
  if (ingressFlavour(exposure.className) === 'alb' && !(Array.isArray(exposure.sourceRanges) && exposure.sourceRanges.length > 0)) {
    throw new ValidationError(
      'invalid-exposure',
      "expose.sourceRanges must name the addresses an ALB connects from (its subnets, e.g. the VPC's CIDR): with target-type ip the ALB calls the gateway's pods directly, and the gateway's NetworkPolicy admits only what it is told",
      {
        field: 'expose.sourceRanges',
        suggestions: ["expose: { type: 'ingress', className: 'alb', host: 'llm.example.com', sourceRanges: ['10.0.0.0/16'] }"],
      },
    );
  }
  new k8s.KubeIngress(scope, 'ingress', {
    metadata: { name, labels, annotations: nonEmpty(ingressAnnotations(exposure.className, exposure.annotations)) },
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
  if (exposure.sourceRanges && exposure.sourceRanges.length > 0) return exposure.sourceRanges.map((cidr) => ({ cidr }));
  return [{ namespaces: { [NAMESPACE_NAME]: exposure.controllerNamespace ?? 'ingress-nginx' } }];
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

function nonEmpty(record: Record<string, string>): Record<string, string> | undefined {
  return Object.keys(record).length > 0 ? record : undefined;
}

/**
 * Which nodes answer and which source address the gateway's pods see (Kubernetes docs, "Create an External
 * Load Balancer", Preserving the client source IP): `Local` keeps the client's address but a NodePort then
 * answers only on nodes that run a gateway pod; `Cluster` answers everywhere but shows a node's address.
 */
function externalTrafficPolicy(scope: Construct, exposure: ServiceExposure): 'Local' | 'Cluster' {
  const given: unknown = exposure.externalTrafficPolicy;
  if (given !== undefined && given !== 'Local' && given !== 'Cluster') {
    throw new ValidationError('invalid-exposure', `expose.externalTrafficPolicy must be 'Local' or 'Cluster', got ${JSON.stringify(given)}`, {
      field: 'expose.externalTrafficPolicy',
      suggestions: ["expose.externalTrafficPolicy: 'Local'"],
    });
  }
  const ranged = exposure.sourceRanges !== undefined && exposure.sourceRanges.length > 0;
  const policy = (given as 'Local' | 'Cluster' | undefined) ?? (exposure.type === 'node-port' && !ranged ? 'Cluster' : 'Local');
  if (policy === 'Cluster' && ranged) {
    throw new ValidationError(
      'invalid-exposure',
      `expose.externalTrafficPolicy 'Cluster' rewrites the client's address to a node's, so the NetworkPolicy could not admit only sourceRanges ${JSON.stringify(exposure.sourceRanges)}`,
      {
        field: 'expose.externalTrafficPolicy',
        suggestions: ["expose.externalTrafficPolicy: 'Local' (the default with sourceRanges)", 'omit sourceRanges to accept any address'],
      },
    );
  }
  if (policy === 'Local' && exposure.type === 'node-port') {
    warnAtSynth(
      scope,
      "NodePort with externalTrafficPolicy 'Local' answers only on the nodes that run a gateway pod (other nodes drop the connection): point clients at those nodes, or use a load-balancer",
    );
  }
  return policy;
}
