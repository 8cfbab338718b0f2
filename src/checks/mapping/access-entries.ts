import type { Check, Finding } from '../../engine/types.js';

/** The principal's access entry, its groups and access policies (modes API and API_AND_CONFIG_MAP). */
export const accessEntriesCheck: Check = {
  id: 'access-entries',
  title: 'access entries',
  dependsOn: ['cluster', 'identity'],
  emits: ['access-entry/not-enabled', 'access-entry/list-denied', 'access-entry/granted', 'access-entry/no-permissions', 'access-entry/namespace-scoped'],
  async run({ facts, target, signal, once }) {
    const cluster = facts.cluster!;
    const mode = cluster.authenticationMode ?? 'CONFIG_MAP';
    if (mode === 'CONFIG_MAP') {
      facts.accessEntries = { readable: false, admins: [] };
      return { findings: [{ rule: 'access-entry/not-enabled', evidence: { cluster: cluster.name, authenticationMode: mode } }], skip: 'authentication mode CONFIG_MAP: aws-auth only' };
    }
    const { readAccessEntries } = await import('../../facts/access-entries.js');
    const principalArn = facts.identity!.principalArn;
    const r = await once(`access-entries:${facts.awsKey}:${cluster.name}:${principalArn}`, () => readAccessEntries(facts.aws!.eks, cluster.name, principalArn, signal));
    if (!r.ok) {
      facts.accessEntries = { readable: false, admins: [] };
      if (r.problem === 'denied') return { findings: [{ rule: 'access-entry/list-denied', evidence: { caller: facts.sdkIdentity?.arn, action: r.action, principalArn, message: r.message } }] };
      return { findings: [], halt: r.message };
    }
    facts.accessEntries = { readable: true, entry: r.entry, admins: r.admins };
    const entry = r.entry;
    if (!entry) return { findings: [] };
    const findings: Finding[] = [];
    const policies = entry.policies.map((p) => p.policy);
    if (policies.length === 0 && entry.kubernetesGroups.length === 0) {
      findings.push({ rule: 'access-entry/no-permissions', evidence: { principalArn: entry.principalArn, username: entry.username, cluster: target.cluster } });
    } else {
      findings.push({ rule: 'access-entry/granted', evidence: { principalArn: entry.principalArn, username: entry.username, groups: entry.kubernetesGroups, policies } });
    }
    const scoped = entry.policies.filter((p) => p.scope === 'namespace');
    if (scoped.length > 0 && scoped.length === entry.policies.length) {
      for (const p of scoped) findings.push({ rule: 'access-entry/namespace-scoped', evidence: { policy: p.policy, namespaces: p.namespaces, principalArn: entry.principalArn } });
    }
    return { findings };
  },
};
