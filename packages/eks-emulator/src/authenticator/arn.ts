/**
 * aws-iam-authenticator pkg/arn/arn.go Canonicalize, on top of aws-sdk-go-v2's arn.Parse: an STS
 * session (`assumed-role/R/S`) becomes the IAM role `role/R` (a session ARN never carries the role's
 * path, so neither does the canonical ARN); IAM users, roles and the root keep their ARN, paths
 * included; federated users keep theirs. Only the partitions of pkg/endpoints are recognised.
 */

/** pkg/endpoints PARTITIONS. */
export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'] as const;

export type PrincipalType = 'role' | 'user' | 'root' | 'federated-user' | 'assumed-role';

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  resource: string;
}

/** aws-sdk-go-v2 aws/arn Parse: `arn:` then five colons; the resource keeps any further colons. */
export function parseArn(arn: string): { ok: true; arn: ParsedArn } | { ok: false; error: string } {
  if (!arn.startsWith('arn:')) return { ok: false, error: 'arn: invalid prefix' };
  const parts = arn.split(':');
  if (parts.length < 6) return { ok: false, error: 'arn: not enough sections' };
  const [, partition, service, region, accountId] = parts as [string, string, string, string, string];
  return { ok: true, arn: { partition, service, region, accountId, resource: parts.slice(5).join(':') } };
}

export type Canonical = { ok: true; type: PrincipalType; canonicalArn: string } | { ok: false; error: string };

export function canonicalize(arn: string): Canonical {
  const parsed = parseArn(arn);
  if (!parsed.ok) return { ok: false, error: `arn '${arn}' is invalid: '${parsed.error}'` };
  const { partition, service, accountId, resource } = parsed.arn;
  if (!(PARTITIONS as readonly string[]).includes(partition)) return { ok: false, error: `arn '${arn}' does not have a recognized partition` };
  const parts = resource.split('/');
  const kind = parts[0];
  if (service === 'sts') {
    if (kind === 'federated-user') return { ok: true, type: 'federated-user', canonicalArn: arn };
    if (kind === 'assumed-role') {
      if (parts.length < 3) return { ok: false, error: `assumed-role arn '${arn}' does not have a role` };
      // Everything between `assumed-role/` and the session name; STS never puts a path there.
      return { ok: true, type: 'assumed-role', canonicalArn: `arn:${partition}:iam::${accountId}:role/${parts.slice(1, -1).join('/')}` };
    }
    return { ok: false, error: `unrecognized resource ${resource} for service sts` };
  }
  if (service === 'iam') {
    if (kind === 'role' || kind === 'user' || kind === 'root') return { ok: true, type: kind, canonicalArn: arn };
    return { ok: false, error: `unrecognized resource ${resource} for service iam` };
  }
  return { ok: false, error: `service ${service} in arn ${arn} is not a valid service for identities` };
}

/** The partition a region belongs to (the SDK endpoint rules' region patterns); commercial when none matches. */
export function partitionOfRegion(region: string): (typeof PARTITIONS)[number] {
  if (/^cn-\w+-\d+$/.test(region)) return 'aws-cn';
  if (/^us-gov-\w+-\d+$/.test(region)) return 'aws-us-gov';
  if (/^us-isob-\w+-\d+$/.test(region)) return 'aws-iso-b';
  if (/^us-isof-\w+-\d+$/.test(region)) return 'aws-iso-f';
  if (/^us-iso-\w+-\d+$/.test(region)) return 'aws-iso';
  if (/^eu-isoe-\w+-\d+$/.test(region)) return 'aws-iso-e';
  if (/^eusc-(de)-\w+-\d+$/.test(region)) return 'aws-eusc';
  return 'aws';
}
