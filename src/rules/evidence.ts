/** Evidence shapes that more than one rule reads. */

export type { AuthenticationMode } from '../facts/eks-cluster.js';
import type { AuthenticationMode } from '../facts/eks-cluster.js';

/** Why a principal is shown to be able to change the cluster's access (SPEC §10 "who can fix it"), in that order. */
export type FixerReason = 'access-entry-admin' | 'aws-auth-admin' | 'creator' | 'changed-access';

/** A principal who can apply a fix: never the caller; in API mode never one from aws-auth. */
export interface Fixer {
  arn: string;
  reason: FixerReason;
  /** Where that was seen: `access entries`, `aws-auth`, `aws-auth (audit log)`, `CloudTrail`, `authenticator logs`. */
  seenIn: string;
  /** A local AWS profile that resolves to this principal (`role_arn`, SSO role, or the same access key). */
  profile?: string;
}

/** One mapping of aws-auth as the authenticator keeps it: enough to write the section back. */
export interface AwsAuthEntry {
  arn: string;
  username?: string;
  groups: string[];
}

/** The aws-auth sections as read (live, file, or reconstructed from the audit log), for an exact patch. */
export interface AwsAuthContent {
  /** There is no aws-auth ConfigMap (it must be created, not patched). */
  missing?: true;
  mapRoles: AwsAuthEntry[];
  mapUsers: AwsAuthEntry[];
  mapAccounts: string[];
  /** Where the content came from, when it is not the live ConfigMap. */
  source?: 'audit-log';
  /** Audit log: when it was last changed, and by whom. */
  changedAt?: string;
  changedBy?: string;
}

/** How much access a fix grants, and the evidence for it (SPEC issue 13: least privilege unless the evidence says admin). */
export type Grant =
  | { level: 'view' }
  /** The principal was meant to be admin: it created the cluster, or it was admin before a change. */
  | { level: 'admin'; because: string }
  /** The access entry's policies before it was deleted (CloudTrail), restored as they were. */
  | { level: 'restore'; policies: string[]; because: string }
  /** The Kubernetes groups aws-auth gave it before API mode stopped aws-auth from counting (bound by RBAC already). */
  | { level: 'groups'; groups: string[]; because: string };

/** Why the principal is not mapped: which sources said so, and who could fix it. */
export interface NotMappedEvidence {
  principalArn: string;
  /** The ARN STS reports (a session ARN for roles). */
  callerArn: string;
  /** The role's full ARN with its IAM path, when IAM told it (access entries need it). */
  fullArn?: string;
  authenticationMode: AuthenticationMode;
  cluster: string;
  /** Who can apply the fix, in the order of SPEC §10. */
  fixers: Fixer[];
  grant: Grant;
  /** CloudTrail: the principal's access entry was deleted. */
  deleted?: { at: string; by: string };
  /** CloudTrail: the authentication mode was switched to API, which stopped aws-auth from counting. */
  switchedToApi?: { at: string; by: string };
  /** The authenticator's own "not mapped" line, when the logs had it. */
  logLine?: string;
  loggedAt?: string;
  /** The sources that show the principal is absent: `access entries`, `aws-auth`, `aws-auth (audit log)`, `authenticator logs`. */
  sources: string[];
  /** What could not be seen that would have made this more exact (`CloudTrail: denied`, …). */
  unseen: string[];
}
