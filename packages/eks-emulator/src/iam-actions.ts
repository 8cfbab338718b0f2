/**
 * The one table of what each emulated AWS call asks IAM for: its action and the resource ARN it is
 * evaluated on (Service Authorization Reference: "Actions, resources, and condition keys for Amazon EKS /
 * CloudWatch Logs / AWS CloudTrail / IAM / AWS STS"). `undefined` means IAM never decides the call:
 * sts:GetCallerIdentity "works even if permissions are denied" (STS API reference).
 */
import { accountOf, isRoleArn, roleNameOf } from './state-identity.js';

export interface IamRequest {
  action: string;
  resource: string;
}

export interface CallTarget {
  region: string;
  account: string;
  /** EKS: the cluster in the path. */
  cluster?: string;
  /** EKS: the access entry's principal (decoded path label). */
  principalArn?: string;
  /** Logs: the log group named by the request. */
  logGroup?: string;
  /** IAM: the role or user asked about, with its path when known. */
  iamArn?: string;
  /** sts:AssumeRole: the role. */
  roleArn?: string;
}

/** Operations evaluated on the cluster; the rest of the access-entry operations on the access entry. */
const EKS_ON_CLUSTER = new Set(['DescribeCluster', 'ListAccessEntries', 'CreateAccessEntry', 'UpdateClusterConfig', 'UpdateClusterVersion', 'DeleteCluster']);
const EKS_ON_ACCESS_ENTRY = new Set(['DescribeAccessEntry', 'UpdateAccessEntry', 'DeleteAccessEntry', 'ListAssociatedAccessPolicies', 'AssociateAccessPolicy', 'DisassociateAccessPolicy']);
/** Logs operations on no log group (the Service Authorization Reference lists `*` or none for them). */
const LOGS_ON_ANY = new Set(['GetQueryResults', 'StopQuery', 'DescribeQueries']);

/** The EKS write APIs that only an IAM admin (or the creator) may call in a scenario. */
export const EKS_WRITE_ACTIONS = new Set([
  'eks:CreateAccessEntry',
  'eks:DeleteAccessEntry',
  'eks:UpdateAccessEntry',
  'eks:AssociateAccessPolicy',
  'eks:DisassociateAccessPolicy',
  'eks:UpdateClusterConfig',
  'eks:UpdateClusterVersion',
  'eks:CreateCluster',
  'eks:DeleteCluster',
]);

export function clusterArn(t: Pick<CallTarget, 'region' | 'account'>, name: string): string {
  return `arn:aws:eks:${t.region}:${t.account}:cluster/${name}`;
}

/** `arn:aws:eks:R:A:access-entry/<cluster>/<role|user>/<account>/<name>/<uuid>` (CreateAccessEntry output). */
export function accessEntryArn(t: Pick<CallTarget, 'region' | 'account'>, cluster: string, principalArn: string): string {
  const kind = isRoleArn(principalArn) ? 'role' : 'user';
  return `arn:aws:eks:${t.region}:${t.account}:access-entry/${cluster}/${kind}/${accountOf(principalArn)}/${roleNameOf(principalArn)}/${entryUuid(principalArn)}`;
}

/** EKS suffixes access-entry ARNs with an ID; derived from the principal so it is stable. */
function entryUuid(principalArn: string): string {
  let h = 0;
  for (const ch of principalArn) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const hex = h.toString(16).padStart(8, '0');
  return `a0c6b3${hex.slice(0, 2)}-${hex.slice(2, 6)}-4${hex.slice(6, 8)}d-8e1f-${hex}0a1b`;
}

export function logGroupArn(t: Pick<CallTarget, 'region' | 'account'>, name: string): string {
  return `arn:aws:logs:${t.region}:${t.account}:log-group:${name}`;
}

export function iamRequestOf(service: string, operation: string, t: CallTarget): IamRequest | undefined {
  const action = `${service}:${operation}`;
  switch (service) {
    case 'sts':
      if (operation === 'GetCallerIdentity') return undefined;
      return { action, resource: t.roleArn ?? '*' };
    case 'eks':
      if (t.cluster && EKS_ON_ACCESS_ENTRY.has(operation) && t.principalArn) return { action, resource: accessEntryArn(t, t.cluster, t.principalArn) };
      if (t.cluster && (EKS_ON_CLUSTER.has(operation) || EKS_ON_ACCESS_ENTRY.has(operation))) return { action, resource: clusterArn(t, t.cluster) };
      return { action, resource: '*' }; // ListClusters, ListAccessPolicies, CreateCluster
    case 'logs':
      if (LOGS_ON_ANY.has(operation)) return { action, resource: '*' };
      // The log-group ARN with its `:*` suffix, as Logs words its denials; DescribeLogGroups on the account's groups.
      return { action, resource: t.logGroup ? `${logGroupArn(t, t.logGroup)}:*` : `arn:aws:logs:${t.region}:${t.account}:log-group::log-stream:` };
    case 'cloudtrail':
      return { action, resource: '*' }; // LookupEvents has no resource type
    case 'iam':
      return { action, resource: t.iamArn ?? '*' };
    default:
      return { action, resource: '*' };
  }
}
