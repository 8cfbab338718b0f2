/**
 * IAM principal ARNs as the EKS authenticator sees them.
 * Canonicalization follows aws-iam-authenticator pkg/arn/arn.go (Canonicalize).
 */
import { equalFold, foldKey } from '../shared/go-strings.js';

export type ArnKind = 'user' | 'role' | 'assumed-role' | 'root' | 'federated-user' | 'other';

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  /** Everything after the fifth colon: `role/path/Name`, `assumed-role/R/S`, `root`. */
  resource: string;
  kind: ArnKind;
  /** IAM path of a user or role: `/` or `/a/b/`. Session and root ARNs have `/`. */
  path: string;
  /** User, role (for an assumed role: the role) or federated user name; the resource for `other`. */
  name: string;
  /** The session of an assumed role (`i-0abc…` for an EC2 instance role). */
  sessionName?: string;
}

/** Partitions the authenticator accepts (pkg/arn checkPartition: the SDK's default partitions). */
const PARTITIONS = new Set(['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc']);

/** IAM Identity Center roles: `role/aws-reserved/sso.amazonaws.com/[REGION/]AWSReservedSSO_<set>_<hex>`. */
const SSO_ROLE_PREFIX = 'AWSReservedSSO_';
const SSO_ROLE_PATH = /^\/aws-reserved\/sso\.amazonaws\.com\/([a-z0-9-]+\/)?$/;

/** Splits an ARN into its parts; undefined when it is not `arn:partition:service:region:account:resource`. */
export function parseArn(arn: string): ParsedArn | undefined {
  if (typeof arn !== 'string' || arn.length > 2048) return undefined;
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || !parts[1] || !parts[2]) return undefined;
  const [, partition, service, region, accountId] = parts as [string, string, string, string, string];
  // The resource may itself contain colons (not for IAM principals, but keep the ARN intact).
  const resource = parts.slice(5).join(':');
  const base = { partition, service, region, accountId, resource };
  const segments = resource.split('/');
  const type = segments[0];

  if (service === 'iam' && resource === 'root') return { ...base, kind: 'root', path: '/', name: 'root' };
  if (service === 'iam' && (type === 'user' || type === 'role') && segments.length >= 2) {
    const name = segments[segments.length - 1]!;
    if (!name) return { ...base, kind: 'other', path: '/', name: resource };
    const path = segments.length > 2 ? `/${segments.slice(1, -1).join('/')}/` : '/';
    return { ...base, kind: type, path, name };
  }
  if (service === 'sts' && type === 'assumed-role' && segments.length >= 3) {
    // pkg/arn: everything between `assumed-role/` and the last segment is the role, the last is the session.
    return { ...base, kind: 'assumed-role', path: '/', name: segments.slice(1, -1).join('/'), sessionName: segments[segments.length - 1]! };
  }
  if (service === 'sts' && type === 'federated-user' && segments.length >= 2) {
    return { ...base, kind: 'federated-user', path: '/', name: segments.slice(1).join('/') };
  }
  return { ...base, kind: 'other', path: '/', name: resource };
}

/**
 * The principal ARN the authenticator maps: an STS session `arn:P:sts::A:assumed-role/R/S` becomes
 * `arn:P:iam::A:role/R`; users, roles, root and federated users are kept as they are. Anything the
 * authenticator would reject (unknown partition, not an identity) is returned unchanged. Idempotent.
 */
export function canonicalPrincipalArn(arn: string): string {
  const p = parseArn(arn);
  if (!p || !PARTITIONS.has(p.partition) || p.kind !== 'assumed-role') return arn;
  // pkg/arn: session ARNs never carry the role's path, so the canonical role ARN has none either.
  return `arn:${p.partition}:iam::${p.accountId}:role/${p.name}`;
}

/** True for a partition the authenticator accepts. */
export function isKnownPartition(partition: string): boolean {
  return PARTITIONS.has(partition);
}

/**
 * The role ARN without its IAM path: the only form an aws-auth `rolearn` can match, because the
 * session ARN the authenticator canonicalizes never carries the path (EKS docs: auth-configmap).
 * Any other ARN is returned unchanged.
 */
export function roleArnWithoutPath(arn: string): string {
  const p = parseArn(arn);
  if (!p || p.kind !== 'role' || p.path === '/') return arn;
  return `arn:${p.partition}:${p.service}:${p.region}:${p.accountId}:role/${p.name}`;
}

/** An IAM Identity Center (SSO) permission-set role, with or without its `aws-reserved/…` path, or a session of one. */
export function isSsoRoleArn(arn: string): boolean {
  const p = parseArn(arn);
  if (!p || (p.kind !== 'role' && p.kind !== 'assumed-role')) return false;
  if (!p.name.startsWith(SSO_ROLE_PREFIX)) return false;
  return p.kind === 'assumed-role' || p.path === '/' || SSO_ROLE_PATH.test(p.path);
}

/** Case-insensitive ARN equality, as the authenticator compares (pkg/config/mapper.go Matches: strings.EqualFold, so ſ equals s). */
export function sameArn(a: string, b: string): boolean {
  return equalFold(a, b);
}

/** A key under which ARNs that sameArn equal are equal, for grouping entries by principal. */
export function arnKey(arn: string): string {
  return foldKey(arn);
}
