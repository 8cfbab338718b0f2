/**
 * Who a set of keys is: the identity STS reports for a scenario principal or an AssumeRole session,
 * and the ARN helpers the AWS services share (aws-iam-authenticator pkg/arn for role names).
 */
import { createHash } from 'node:crypto';
import type { Scenario } from './scenario.js';

export interface IssuedIdentity {
  arn: string;
  userId: string;
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  sessionName?: string;
  expired?: boolean;
  invalid?: boolean;
}

/** Stable fake unique ID (`AIDA…`/`AROA…` + 17 chars) so repeated runs print the same IDs. */
export function fakeUniqueId(prefix: 'AIDA' | 'AROA', arn: string): string {
  const digest = createHash('sha256').update(arn).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let id = prefix;
  for (let i = 0; i < 17; i++) id += alphabet[digest[i]! % 32];
  return id;
}

/** `arn:aws:iam::A:role/path/R` → `R` (session ARNs never carry the path: aws-iam-authenticator pkg/arn). */
export function roleNameOf(roleArn: string): string {
  const resource = roleArn.split(':').slice(5).join(':');
  return resource.split('/').pop() ?? resource;
}

export function isRoleArn(arn: string): boolean {
  return /^arn:aws[\w-]*:iam::\d{12}:role\//.test(arn);
}

export function accountOf(arn: string): string {
  return arn.split(':')[4] ?? '';
}

/** The identity STS reports for a scenario principal: a role principal's keys belong to a session of it. */
export function identityOfPrincipal(p: Scenario['principals'][number], defaultSessionName: string): IssuedIdentity {
  const accountId = accountOf(p.arn);
  if (isRoleArn(p.arn)) {
    const sessionName = p.sessionName ?? defaultSessionName;
    const roleId = p.userId ?? fakeUniqueId('AROA', p.arn);
    return {
      arn: `arn:aws:sts::${accountId}:assumed-role/${roleNameOf(p.arn)}/${sessionName}`,
      userId: `${roleId}:${sessionName}`,
      accountId,
      accessKeyId: p.accessKeyId,
      secretAccessKey: p.secretAccessKey,
      sessionToken: p.sessionToken,
      sessionName,
      expired: p.expired,
      invalid: p.invalid,
    };
  }
  return {
    arn: p.arn,
    userId: p.userId ?? fakeUniqueId('AIDA', p.arn),
    accountId,
    accessKeyId: p.accessKeyId,
    secretAccessKey: p.secretAccessKey,
    sessionToken: p.sessionToken,
    expired: p.expired,
    // IAM deletes a user's access keys before the user (DeleteUser needs them gone), so its keys are unknown.
    invalid: p.invalid || p.deleted,
  };
}

