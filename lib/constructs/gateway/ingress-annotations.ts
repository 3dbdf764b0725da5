import { ValidationError } from '../../errors';

/**
 * Seconds a gateway may take to answer one request: the LiteLLM config sets `litellm_settings.request_timeout`
 * to this (docs.litellm.ai/docs/proxy/timeout); a non-streaming completion of a long answer takes minutes.
 * The proxy in front waits a little longer, so that LiteLLM's own timeout error reaches the client
 * instead of the proxy's 504.
 */
export const GATEWAY_REQUEST_TIMEOUT_SECONDS = 600;
const PROXY_TIMEOUT_SECONDS = GATEWAY_REQUEST_TIMEOUT_SECONDS + 30;
/**
 * Request bodies: long prompts (128k tokens of text are ~0.5 MB) and base64 images of vision requests. The
 * ingress-nginx default, 1m, rejects them with 413.
 */
const MAX_BODY = '32m';

/** The controller an Ingress class stands for, as far as its annotations go. */
export type IngressFlavour = 'nginx' | 'alb' | 'other';

/** `alb` is the AWS Load Balancer Controller's class; no class (the default class) or `*nginx*` is ingress-nginx. */
export function ingressFlavour(className: string | undefined): IngressFlavour {
  if (className === undefined || /nginx/.test(className)) return 'nginx';
  return className === 'alb' ? 'alb' : 'other';
}

/**
 * The annotations that keep an Ingress from cutting long completions, per controller:
 * - ingress-nginx (kubernetes/ingress-nginx docs/user-guide/nginx-configuration/annotations.md): `proxy-read-timeout`
 *   and `proxy-send-timeout` (seconds, default 60), `proxy-body-size` (default 1m), `proxy-buffering: off` so
 *   streamed tokens (server-sent events) reach the client as they are generated.
 * - AWS Load Balancer Controller (kubernetes-sigs/aws-load-balancer-controller docs/guide/ingress/annotations.md):
 *   `load-balancer-attributes: idle_timeout.timeout_seconds` (ALB default 60 s); `target-type: ip`, since the
 *   gateway's Service is a ClusterIP (the default `instance` targets need a NodePort Service).
 * User annotations win over these.
 */
export function ingressAnnotations(className: string | undefined, user: Readonly<Record<string, string>> | undefined): Record<string, string> {
  checkAnnotations(user);
  const flavour = ingressFlavour(className);
  const defaults: Record<string, string> =
    flavour === 'nginx'
      ? {
          'nginx.ingress.kubernetes.io/proxy-read-timeout': String(PROXY_TIMEOUT_SECONDS),
          'nginx.ingress.kubernetes.io/proxy-send-timeout': String(PROXY_TIMEOUT_SECONDS),
          'nginx.ingress.kubernetes.io/proxy-body-size': MAX_BODY,
          'nginx.ingress.kubernetes.io/proxy-buffering': 'off',
        }
      : flavour === 'alb'
        ? {
            'alb.ingress.kubernetes.io/load-balancer-attributes': `idle_timeout.timeout_seconds=${PROXY_TIMEOUT_SECONDS}`,
            'alb.ingress.kubernetes.io/target-type': 'ip',
          }
        : {};
  return { ...defaults, ...user };
}

const ANNOTATION_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

function checkAnnotations(user: unknown): void {
  if (user === undefined) return;
  const bad = (detail: string) =>
    new ValidationError('invalid-annotations', `expose.annotations ${detail}`, {
      field: 'expose.annotations',
      suggestions: ["expose.annotations: { 'nginx.ingress.kubernetes.io/proxy-read-timeout': '900' }"],
    });
  if (typeof user !== 'object' || user === null || Array.isArray(user)) throw bad(`must be an object of key: value strings, got ${JSON.stringify(user)}`);
  for (const [key, value] of Object.entries(user)) {
    if (!ANNOTATION_KEY.test(key) || key.split('/').pop()!.length > 63) throw bad(`key ${JSON.stringify(key)} is not a valid annotation key ([prefix/]name, name ≤ 63 characters)`);
    if (typeof value !== 'string') throw bad(`value of ${key} must be a string, got ${JSON.stringify(value)}`);
  }
}
