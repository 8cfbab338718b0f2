/**
 * The principal's access entry as EKS stores it (SPEC §1 step 4): read-only ListAccessEntries,
 * DescribeAccessEntry and ListAssociatedAccessPolicies. Never throws.
 */
import { DescribeAccessEntryCommand, ListAssociatedAccessPoliciesCommand, paginateListAccessEntries, type EKSClient } from '@aws-sdk/client-eks';
import { parseArn } from './arn.js';
import { classifyAwsError } from './aws/errors.js';

export interface AccessPolicyAssociation {
  policyArn: string;
  /** Short name, e.g. `AmazonEKSClusterAdminPolicy`. */
  policy: string;
  scope: 'cluster' | 'namespace';
  namespaces: string[];
}

export interface AccessEntryInfo {
  principalArn: string;
  type?: string;
  username?: string;
  kubernetesGroups: string[];
  policies: AccessPolicyAssociation[];
  /** ISO 8601; an entry older than its IAM principal belongs to a deleted namesake (API_AccessEntry principalArn). */
  createdAt?: string;
}

export type AccessEntriesResult =
  | { ok: true; entries: string[]; entry?: AccessEntryInfo; admins: string[] }
  | { ok: false; problem: 'not-enabled' | 'denied' | 'other'; action: string; message: string };

const MAX_PAGES = 10;
const MAX_ADMIN_LOOKUPS = 25;
/** SPEC §10 "who can fix it": entries with AmazonEKSClusterAdminPolicy at cluster scope. */
const ADMIN_POLICIES = new Set(['AmazonEKSClusterAdminPolicy']);

/**
 * Does an access entry's principal ARN name the caller? Roles compare by account and name: the
 * caller's canonical ARN never carries the role path, while entries must (IAM Identity Center roles
 * live under aws-reserved/sso.amazonaws.com/, and EKS wants the full ARN). Users compare whole.
 */
export function entryMatches(entryArn: string, principalArn: string): boolean {
  const a = parseArn(entryArn);
  const b = parseArn(principalArn);
  if (!a || !b) return entryArn.toLowerCase() === principalArn.toLowerCase();
  if (a.kind === 'role' && b.kind === 'role') return a.accountId === b.accountId && a.name.toLowerCase() === b.name.toLowerCase();
  return entryArn.toLowerCase() === principalArn.toLowerCase();
}

/** The caller's entry (with policies) and, when it has none, who does have admin access. */
export async function readAccessEntries(eks: EKSClient, cluster: string, principalArn: string, signal?: AbortSignal): Promise<AccessEntriesResult> {
  let action = 'eks:ListAccessEntries';
  try {
    const entries: string[] = [];
    let pages = 0;
    for await (const page of paginateListAccessEntries({ client: eks, stopOnSameToken: true }, { clusterName: cluster }, { abortSignal: signal })) {
      entries.push(...(page.accessEntries ?? []));
      if (++pages >= MAX_PAGES) break;
    }
    const mine = entries.find((e) => entryMatches(e, principalArn));
    if (mine) {
      action = 'eks:DescribeAccessEntry';
      return { ok: true, entries, entry: await describeEntry(eks, cluster, mine, signal), admins: [] };
    }
    action = 'eks:ListAssociatedAccessPolicies';
    const policies = await Promise.all(entries.slice(0, MAX_ADMIN_LOOKUPS).map((e) => listPolicies(eks, cluster, e, signal).then((p) => [e, p] as const)));
    const admins = policies.filter(([, p]) => p.some((x) => ADMIN_POLICIES.has(x.policy) && x.scope === 'cluster')).map(([e]) => e);
    return { ok: true, entries, admins };
  } catch (err) {
    const c = classifyAwsError(err);
    // EKS answers InvalidRequestException on a CONFIG_MAP cluster (SPEC §9).
    if (/authentication mode must be set to one of/i.test(c.message)) return { ok: false, problem: 'not-enabled', action, message: c.message };
    return { ok: false, problem: c.kind === 'denied' ? 'denied' : 'other', action, message: c.message };
  }
}

async function describeEntry(eks: EKSClient, cluster: string, principalArn: string, signal?: AbortSignal): Promise<AccessEntryInfo> {
  const [out, policies] = await Promise.all([
    eks.send(new DescribeAccessEntryCommand({ clusterName: cluster, principalArn }), { abortSignal: signal }),
    listPolicies(eks, cluster, principalArn, signal),
  ]);
  const e = out.accessEntry;
  return { principalArn, type: e?.type, username: e?.username, kubernetesGroups: e?.kubernetesGroups ?? [], policies, ...(e?.createdAt && { createdAt: new Date(e.createdAt).toISOString() }) };
}

async function listPolicies(eks: EKSClient, cluster: string, principalArn: string, signal?: AbortSignal): Promise<AccessPolicyAssociation[]> {
  const out = await eks.send(new ListAssociatedAccessPoliciesCommand({ clusterName: cluster, principalArn }), { abortSignal: signal });
  return (out.associatedAccessPolicies ?? []).map((p) => ({
    policyArn: p.policyArn ?? '',
    policy: (p.policyArn ?? '').split('/').pop() ?? '',
    scope: p.accessScope?.type === 'namespace' ? 'namespace' : 'cluster',
    namespaces: p.accessScope?.namespaces ?? [],
  }));
}
