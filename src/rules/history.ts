/**
 * What the cluster's history says (SPEC §10): CloudTrail's account of who created the cluster and who
 * changed its access, and which history source could not be read. Healthy facts (info) that make the
 * other findings exact; none of them decides a verdict.
 */
import { DOCS } from './docs.js';
import { rule } from './rule.js';

export type HistorySource = 'cloudtrail' | 'audit-log' | 'iam';

/** One access-configuration change, as the report shows it. */
export interface AccessChange {
  /** CloudTrail eventName (CreateAccessEntry, …, UpdateClusterConfig) or `aws-auth <verb>` from the audit log. */
  event: string;
  /** ISO 8601. */
  at: string;
  /** The principal who made it (a role with its path for assumed-role sessions). */
  by: string;
  /** The principal the change is about (access entries and policies). */
  principalArn?: string;
  policyArn?: string;
  /** The authentication mode an UpdateClusterConfig set. */
  authenticationMode?: string;
}

const describeChange = (c: AccessChange) =>
  `${c.at} ${c.event}${c.principalArn ? ` ${c.principalArn}` : ''}${c.policyArn ? ` ${c.policyArn.split('/').pop()}` : ''}${c.authenticationMode ? ` → ${c.authenticationMode}` : ''} by ${c.by}`;

export const historyRules = {
  'history/creator': rule({
    severity: 'info',
    title: 'Who created the cluster',
    explain:
      "CloudTrail's CreateCluster event names the principal that created the cluster. In CONFIG_MAP mode (and when EKS bootstrapped its admin access entry) that principal is a cluster admin that appears in no aws-auth mapping: the one who can always get in and fix the others.",
    docs: [DOCS.eksCloudTrail, DOCS.troubleshootingUnauthorized],
    rootCause: false,
    example: { creatorArn: 'arn:aws:iam::111122223333:user/terraform', createdAt: '2026-09-14T10:02:11.000Z', sessionArn: undefined, authenticationMode: 'CONFIG_MAP' },
    message: (e: { creatorArn: string; createdAt: string; sessionArn?: string; authenticationMode?: string }, t) => `${t.cluster ?? 'The cluster'} was created by ${e.creatorArn} on ${e.createdAt}`,
    detail: (e) => `${e.sessionArn ? `Session: ${e.sessionArn}. ` : ''}${e.authenticationMode ? `Created with authentication mode ${e.authenticationMode}.` : ''}`.trim(),
  }),
  'history/access-changed': rule({
    severity: 'info',
    title: "Recent changes to the cluster's access configuration",
    explain:
      'CloudTrail (access entries, access policies, authentication mode) and the Kubernetes audit log (aws-auth) record who changed access, and when. A change that concerns the principal usually explains why access that used to work stopped.',
    docs: [DOCS.eksCloudTrail, DOCS.controlPlaneLogs],
    rootCause: false,
    example: { changes: [{ event: 'DeleteAccessEntry', at: '2026-11-30T22:41:05.000Z', by: 'arn:aws:iam::111122223333:role/deploy-pipeline', principalArn: 'arn:aws:iam::111122223333:role/developer' }] },
    message: (e: { changes: AccessChange[] }) => `${e.changes.length} recent access change${e.changes.length === 1 ? '' : 's'}: newest ${e.changes[0] ? describeChange(e.changes[0]) : '(none)'}`,
    detail: (e) => e.changes.map(describeChange).join('\n'),
  }),
  'history/unavailable': rule({
    severity: 'info',
    title: 'A history source could not be read',
    explain:
      'CloudTrail event history, the Kubernetes audit log and IAM make a diagnosis exact for a caller the cluster refuses. When one cannot be read (denied, not enabled, unreachable), the report says what it would have told, so what remains is not taken for the whole story.',
    docs: [DOCS.cloudTrailLookupEvents, DOCS.controlPlaneLogs],
    rootCause: false,
    example: { source: 'cloudtrail', status: 'denied', reason: 'not authorized to perform: cloudtrail:LookupEvents', wouldTell: 'who created the cluster and who last changed its access' },
    message: (e: { source: HistorySource; status: 'denied' | 'absent' | 'unreachable' | 'other' | 'incomplete'; reason: string; wouldTell: string }) =>
      `${e.source === 'cloudtrail' ? 'CloudTrail' : e.source === 'audit-log' ? 'The Kubernetes audit log' : 'IAM'} could not tell ${e.wouldTell} (${e.status}: ${e.reason})`,
  }),
};
