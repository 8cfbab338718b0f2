import { finding, type FindingOf } from '../../rules/index.js';
import { defineCheck } from '../types.js';
import { fixersHere } from './fixers.js';

const EMITS = ['access-entry/not-enabled', 'access-entry/list-denied', 'access-entry/granted', 'access-entry/no-permissions', 'access-entry/namespace-scoped', 'access-entry/principal-recreated'] as const;

/** The principal's access entry, its groups and access policies (modes API and API_AND_CONFIG_MAP). */
export const accessEntriesCheck = defineCheck({
  id: 'access-entries',
  title: 'access entries',
  dependsOn: ['cluster', 'identity'],
  waitsFor: ['iam'],
  emits: EMITS,
  async run(ctx) {
    const { facts, target, signal, once, finished } = ctx;
    const cluster = facts.cluster!;
    const mode = cluster.authenticationMode;
    if (mode === 'CONFIG_MAP') {
      facts.accessEntries = { readable: false, admins: [] };
      return { findings: [finding('access-entry/not-enabled', { cluster: cluster.name, authenticationMode: mode })], skip: 'authentication mode CONFIG_MAP: aws-auth only' };
    }
    const { readAccessEntries } = await import('../../facts/access-entries.js');
    const principalArn = facts.identity!.principalArn;
    const r = await once(`access-entries:${facts.awsKey}:${cluster.name}:${principalArn}`, () => readAccessEntries(facts.aws!.eks, cluster.name, principalArn, signal));
    if (!r.ok) {
      facts.accessEntries = { readable: false, admins: [] };
      if (r.problem === 'denied') return { findings: [finding('access-entry/list-denied', { caller: facts.sdkIdentity?.arn, action: r.action, principalArn, message: r.message })], halt: `${r.action} denied` };
      return { findings: [], halt: r.message };
    }
    facts.accessEntries = { readable: true, entry: r.entry, admins: r.admins };
    const entry = r.entry;
    if (!entry) return { findings: [] };
    const findings: FindingOf<(typeof EMITS)[number]>[] = [];
    // EKS keeps the principal's unique ID with its entry (API_AccessEntry): an entry older than the
    // principal was made for a deleted namesake and maps nobody now.
    await finished('iam');
    const iam = facts.iam;
    if (iam?.ok && iam.exists && iam.createdAt && entry.createdAt && entry.createdAt < iam.createdAt) {
      facts.accessEntries.stale = true;
      return {
        findings: [
          finding('access-entry/principal-recreated', {
            principalArn: entry.principalArn,
            entryCreatedAt: entry.createdAt,
            principalCreatedAt: iam.createdAt,
            policies: entry.policies.map((p) => ({ policyArn: p.policyArn, ...(p.scope === 'namespace' && { namespaces: p.namespaces }) })),
            kubernetesGroups: entry.kubernetesGroups,
            // EKS's default username (the session ARN template, or the user ARN) comes back by itself.
            ...(entry.username && !/\{\{SessionName\}\}$/.test(entry.username) && entry.username !== entry.principalArn && { username: entry.username }),
            fixers: await fixersHere(ctx),
          }),
        ],
      };
    }
    const policies = entry.policies.map((p) => p.policy);
    if (policies.length === 0 && entry.kubernetesGroups.length === 0) {
      findings.push(finding('access-entry/no-permissions', { principalArn: entry.principalArn, username: entry.username, cluster: target.cluster ?? cluster.name, fixers: await fixersHere(ctx) }));
    } else {
      findings.push(finding('access-entry/granted', { principalArn: entry.principalArn, username: entry.username, groups: entry.kubernetesGroups, policies }));
    }
    const scoped = entry.policies.filter((p) => p.scope === 'namespace');
    if (scoped.length > 0 && scoped.length === entry.policies.length) {
      for (const p of scoped) findings.push(finding('access-entry/namespace-scoped', { policy: p.policy, namespaces: p.namespaces, principalArn: entry.principalArn }));
    }
    return { findings };
  },
});
