/**
 * CloudTrail's `userIdentity` element (CloudTrail user guide, cloudtrail-event-reference-user-identity.html):
 * an IAM user's keys record `IAMUser` with its `userName`; a role session records `AssumedRole` with the
 * session ARN and `sessionContext.sessionIssuer` naming the role with its path (as in the EKS security
 * workshop's LookupEvents output, aws-samples/amazon-eks-security-immersion-day).
 */
import type { IssuedIdentity } from './state-identity.js';
import { isoSeconds } from './timeline.js';

export interface CallerContext {
  identity: IssuedIdentity;
  /** The IAM principal (role or user ARN, with its path) behind the identity. */
  principalArn: string;
  /** When the role session started (sessionContext.attributes.creationDate). */
  sessionStartedAt: number;
}

export function userIdentityOf(c: CallerContext): Record<string, unknown> {
  const id = c.identity;
  const role = /^arn:aws[\w-]*:sts::\d{12}:assumed-role\/([^/]+)\//.exec(id.arn);
  if (!role) {
    const userName = id.arn.split('/').pop() ?? '';
    return { type: 'IAMUser', principalId: id.userId, arn: id.arn, accountId: id.accountId, accessKeyId: id.accessKeyId, userName };
  }
  return {
    type: 'AssumedRole',
    principalId: id.userId,
    arn: id.arn,
    accountId: id.accountId,
    accessKeyId: id.accessKeyId,
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: id.userId.split(':')[0], arn: c.principalArn, accountId: id.accountId, userName: role[1] },
      attributes: { creationDate: isoSeconds(c.sessionStartedAt), mfaAuthenticated: 'false' },
    },
  };
}
