/**
 * Kubernetes audit events as EKS delivers them to CloudWatch Logs (`kube-apiserver-audit-*` streams,
 * one `audit.k8s.io/v1` Event JSON per log event, stage `ResponseComplete` only), at the level EKS's
 * audit policy gives each request: the EKS rule first — `update`/`patch`/`delete` of kube-system/aws-auth
 * at RequestResponse (EKS Best Practices Guide, "Auditing and logging") — then the Kubernetes reference
 * policy it augments (cluster/gce/gci/configure-helper.sh): ConfigMaps, Secrets and token reviews at
 * Metadata (so an aws-auth `create` is Metadata only), reads of known groups at Request, other
 * requests of known groups at RequestResponse, the rest at Metadata; health and version probes not at
 * all. Field shapes follow the examples in repost.aws/knowledge-center/eks-get-control-plane-logs.
 */
import { randomUUID } from 'node:crypto';

export type AuditLevel = 'None' | 'Metadata' | 'Request' | 'RequestResponse';

export interface AuditedRequest {
  verb: string;
  /** Resource requests; absent for a non-resource path. */
  resource?: { group: string; version: string; resource: string; subresource?: string; namespace?: string; name?: string; uid?: string; resourceVersion?: string };
  path: string;
  requestURI: string;
}

const KNOWN_GROUPS = new Set(['', 'admissionregistration.k8s.io', 'apps', 'authentication.k8s.io', 'authorization.k8s.io', 'autoscaling', 'batch', 'certificates.k8s.io', 'extensions', 'metrics.k8s.io', 'networking.k8s.io', 'node.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'scheduling.k8s.io', 'storage.k8s.io']);
const READS = new Set(['get', 'list', 'watch']);

export function auditLevelOf(r: AuditedRequest): AuditLevel {
  const res = r.resource;
  if (!res) return /^\/(healthz|livez|readyz|version|swagger)/.test(r.path) ? 'None' : 'Metadata';
  if (res.group === '' && res.resource === 'configmaps' && res.namespace === 'kube-system' && res.name === 'aws-auth' && ['update', 'patch', 'delete'].includes(r.verb)) return 'RequestResponse';
  if (res.group === '' && res.resource === 'events') return 'None';
  if ((res.group === '' && ['secrets', 'configmaps'].includes(res.resource)) || (res.resource === 'serviceaccounts' && res.subresource === 'token') || (res.group === 'authentication.k8s.io' && res.resource === 'tokenreviews')) return 'Metadata';
  if (KNOWN_GROUPS.has(res.group)) return READS.has(r.verb) ? 'Request' : 'RequestResponse';
  return 'Metadata';
}

/** RFC 3339 with microseconds, as kube-apiserver writes requestReceivedTimestamp/stageTimestamp. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export interface AuditUser {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export interface AuditInput {
  request: AuditedRequest;
  user: AuditUser;
  sourceIP: string;
  userAgent: string;
  code: number;
  receivedAt: number;
  completedAt: number;
  decision: 'allow' | 'forbid';
  reason: string;
  requestObject?: unknown;
  responseObject?: unknown;
}

/** The Event at its level, or undefined for level None. */
export function auditEventOf(a: AuditInput): Record<string, unknown> | undefined {
  const level = auditLevelOf(a.request);
  if (level === 'None') return undefined;
  const res = a.request.resource;
  const objectRef = res && {
    resource: res.resource,
    ...(res.namespace && { namespace: res.namespace }),
    ...(res.name && { name: res.name }),
    ...(res.uid && { uid: res.uid }),
    ...(res.group && { apiGroup: res.group }),
    apiVersion: res.version,
    ...(res.resourceVersion && { resourceVersion: res.resourceVersion }),
    ...(res.subresource && { subresource: res.subresource }),
  };
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level,
    auditID: randomUUID(),
    stage: 'ResponseComplete',
    requestURI: a.request.requestURI,
    verb: a.request.verb,
    user: { username: a.user.username, ...(a.user.uid && { uid: a.user.uid }), groups: a.user.groups, ...(a.user.extra && { extra: a.user.extra }) },
    sourceIPs: [a.sourceIP],
    userAgent: a.userAgent,
    ...(objectRef && { objectRef }),
    responseStatus: { metadata: {}, ...(a.code >= 400 && { status: 'Failure' }), code: a.code },
    ...((level === 'Request' || level === 'RequestResponse') && a.requestObject !== undefined && { requestObject: a.requestObject }),
    ...(level === 'RequestResponse' && a.responseObject !== undefined && { responseObject: a.responseObject }),
    requestReceivedTimestamp: microTime(a.receivedAt),
    stageTimestamp: microTime(a.completedAt),
    annotations: { 'authorization.k8s.io/decision': a.decision, 'authorization.k8s.io/reason': a.reason },
  };
}
