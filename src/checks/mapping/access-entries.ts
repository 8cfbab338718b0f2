import { finding, type FindingOf } from '../../rules/index.js';
import { defineCheck } from '../types.js';

const EMITS = ['access-entry/not-enabled', 'access-entry/list-denied', 'access-entry/granted', 'access-entry/no-permissions', 'access-entry/namespace-scoped'] as const;

/** The principal's access entry, its groups and access policies (modes API and API_AND_CONFIG_MAP). */
export const accessEntriesCheck = defineCheck({
  id: 'access-entries',
  title: 'access entries',
  dependsOn: ['cluster', 'identity'],
  emits: EMITS,
  async run({ facts, target, signal, once }) {
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
    const policies = entry.policies.map((p) => p.policy);
    if (policies.length === 0 && entry.kubernetesGroups.length === 0) {
      findings.push(finding('access-entry/no-permissions', { principalArn: entry.principalArn, username: entry.username, cluster: target.cluster ?? cluster.name }));
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
