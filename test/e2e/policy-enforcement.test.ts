/**
 * Issue 17 §2: the policy `eksdoctor policy` prints is enough. Every scenario runs again with the
 * emulator enforcing that policy (filled for the scenario's cluster, region and account) on the
 * principal eksdoctor's own AWS calls are signed as, so any call outside it is refused; the diagnosis
 * (verdict, root causes, findings, sources) must be the one of the unrestricted run, which is the scenario
 * sweep's recording (test/helpers/sweep.ts). A scenario's own `deny:` list still applies: its actions are
 * taken out of the enforced policy, so they stay refused with the same wording. And every Kubernetes
 * request those runs made is a row of the Kubernetes table the RBAC is printed from.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IamPolicyDocument, Scenario } from '../../packages/eks-emulator/src/scenario.js';
import type { RecordedRequest } from '../../packages/eks-emulator/src/state.js';
import { leastPrivilegePolicy, type IamPolicyDocument as PrintedPolicy } from '../../src/cli/permissions/aws-policy.js';
import { KUBE_NON_RESOURCE_REQUESTS, KUBE_REQUESTS } from '../../src/facts/kube-permissions.js';
import type { Report } from '../../src/report/model.js';
import { mapLimit } from '../helpers/emulator.js';
import { recordScenario, type ScenarioRecording, type SweepEntry } from '../helpers/sweep-record.js';
import { inRecordingOrder, recordedReport, scenarioSweep, sweepEntries, sweptRecording, SWEEP_WAIT_MS } from '../helpers/sweep.js';

/** Two CLIs at a time beside the sweep's own four: the machine has two cores and other suites run too. */
const CONCURRENCY = 2;

/** What a diagnosis is, for "no diagnosis changes": IDs and outcomes, not wording or timings. */
function diagnosis(report: Report) {
  return {
    verdict: report.verdict,
    rootCauses: report.rootCauses,
    findings: report.findings.map((f) => `${f.check} ${f.rule}`).sort(),
    sources: report.sources.map((s) => `${s.name} ${s.status}`),
  };
}

/** The principals eksdoctor's own AWS calls were signed as in a run: scenario principals' ARNs, or AssumeRole session ARNs. */
function callerArns(r: ScenarioRecording): string[] {
  const arns = new Set<string>();
  for (const c of r.calls) {
    // The exec plugin's calls are kubectl's, and STS answers GetCallerIdentity whatever the policy says.
    if (c.byPlugin || c.signing !== 'header' || c.operation === 'GetCallerIdentity' || c.operation === 'AssumeRole') continue;
    const arn = r.scenario.principals.find((p) => p.accessKeyId === c.accessKeyId)?.arn ?? r.issued.find((s) => s.accessKeyId === c.accessKeyId)?.arn;
    if (arn) arns.add(arn);
  }
  return [...arns];
}

/** The printed policy less the scenario's `deny:` actions, which it refuses on purpose whatever the policy. */
function withScenarioDenials(policy: PrintedPolicy, deny: readonly string[]): IamPolicyDocument {
  const statements = policy.Statement.map((s) => ({ ...s, Action: s.Action.filter((a) => !deny.includes(a)) })).filter((s) => s.Action.length > 0);
  return { Version: policy.Version, Statement: statements };
}

interface Enforced {
  entry: SweepEntry;
  principals: string[];
  baseline: ReturnType<typeof diagnosis>;
  enforced?: ReturnType<typeof diagnosis>;
  error?: string;
}

const ENTRIES = sweepEntries();
const results = new Map<string, Enforced>();
let sweep: Map<string, ScenarioRecording>;

/**
 * The kubeconfig names a cluster other than the one that exists (renamed, deleted): with a policy scoped to
 * the real cluster IAM refuses DescribeCluster of the named one before EKS can answer "not found", so these
 * are diagnosed as `eksdoctor policy` says, with `--cluster '*'` (and checked below to need it).
 */
function namesAnotherCluster(s: Scenario): boolean {
  return s.kubeconfig.clusterName !== undefined && s.kubeconfig.clusterName !== s.cluster.name;
}

function policyFor(r: ScenarioRecording, cluster = namesAnotherCluster(r.scenario) ? '*' : r.scenario.cluster.name): IamPolicyDocument {
  const s = r.scenario;
  return withScenarioDenials(leastPrivilegePolicy({ cluster, region: s.region, account: s.account }), s.deny ?? []);
}

async function enforcedRun(entry: SweepEntry, recording: ScenarioRecording, policy: IamPolicyDocument, principals: string[]): Promise<{ report?: Report; error?: string }> {
  const r = await recordScenario(entry, (run) => {
    for (const arn of principals) run.state.enforcePolicy(arn, policy);
  });
  const out = recordedReport(r);
  return out.report ? { report: out.report } : { error: out.error };
}

beforeAll(async () => {
  // Each scenario as soon as the sweep has recorded it (taken in the sweep's order), not after the whole sweep.
  await mapLimit(inRecordingOrder(ENTRIES), CONCURRENCY, async (entry) => {
    const recording = await sweptRecording(entry.label);
    const base = recordedReport(recording);
    if (!base.report) {
      results.set(entry.label, { entry, principals: [], baseline: undefined as never, error: base.error });
      return;
    }
    const principals = callerArns(recording);
    const result: Enforced = { entry, principals, baseline: diagnosis(base.report) };
    results.set(entry.label, result);
    // Nothing IAM evaluates was signed by a known principal (no credentials, invalid keys): nothing to enforce.
    if (principals.length === 0) return;
    const run = await enforcedRun(entry, recording, policyFor(recording), principals);
    if (run.report) result.enforced = diagnosis(run.report);
    else result.error = run.error;
  });
  sweep = await scenarioSweep();
}, SWEEP_WAIT_MS + 240_000);

afterAll(() => {
  const all = [...results.values()];
  const enforced = all.filter((r) => r.enforced);
  console.log(`policy-enforcement: ${enforced.length} of ${all.length} scenarios re-run under the printed policy (not: ${all.filter((r) => r.principals.length === 0).map((r) => r.entry.label).join(', ')}, which sign no call IAM evaluates)`);
});

describe('the printed IAM policy is enough for every diagnosis (issue 17 §2)', () => {
  it.each(ENTRIES.map((e) => e.label))('%s', (label) => {
    const r = results.get(label);
    expect(r, `${label}: run`).toBeDefined();
    expect(r!.error).toBeUndefined();
    if (r!.principals.length === 0) return;
    expect(r!.enforced).toEqual(r!.baseline);
  });

  it('enforced the policy in most scenarios (the comparison is not vacuous)', () => {
    expect([...results.values()].filter((r) => r.enforced).length).toBeGreaterThan(ENTRIES.length * 0.7);
  });

  it('changes the diagnosis when the policy lacks an action the diagnosis needs (the enforcement bites)', async () => {
    const entry = ENTRIES.find((e) => e.label === 'healthy-api')!;
    const recording = sweep.get(entry.label)!;
    const run = await enforcedRun(entry, recording, withScenarioDenials(leastPrivilegePolicy({ cluster: recording.scenario.cluster.name, region: recording.scenario.region, account: recording.scenario.account }), ['eks:DescribeCluster']), callerArns(recording));
    expect(run.error).toBeUndefined();
    expect(diagnosis(run.report!).findings).toContain('cluster cluster/describe-denied');
  }, 60_000);

  it('a kubeconfig naming another cluster needs --cluster \'*\': scoped to the real one, DescribeCluster is refused', async () => {
    const others = ENTRIES.filter((e) => namesAnotherCluster(sweep.get(e.label)!.scenario));
    expect(others.map((e) => e.label).sort()).toEqual(['deleted-cluster', 'wrong-cluster-name']);
    await mapLimit(others, CONCURRENCY, async (entry) => {
      const recording = sweep.get(entry.label)!;
      const run = await enforcedRun(entry, recording, policyFor(recording, recording.scenario.cluster.name), callerArns(recording));
      expect(run.error).toBeUndefined();
      expect(diagnosis(run.report!).findings, entry.label).toContain('cluster cluster/describe-denied');
    });
  }, 90_000);
});

/** `verb resource` as the emulator records it, with the namespace, group and name read from the path. */
function kubeRequestOf(q: RecordedRequest): { verb: string; resource: string; group: string; namespace?: string; name?: string } | { nonResource: string } {
  const [verb, target] = q.operation.split(' ') as [string, string];
  if (target.startsWith('/')) return { nonResource: target };
  const m = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(q.path);
  if (!m) return { verb, resource: target, group: '?' };
  return { verb, group: m[1] ?? '', resource: m[3]!, ...(m[2] && { namespace: m[2] }), ...(m[4] && { name: m[4] }) };
}

describe('the Kubernetes table is every request auth makes (the RBAC cannot drift)', () => {
  it('every Kubernetes request of every scenario run is a row', () => {
    const outside = new Set<string>();
    for (const r of sweep.values()) {
      for (const q of r.requests.filter((x) => x.service === 'kube')) {
        const k = kubeRequestOf(q);
        if ('nonResource' in k) {
          if (!KUBE_NON_RESOURCE_REQUESTS.includes(k.nonResource)) outside.add(`${q.method} ${k.nonResource}`);
          continue;
        }
        const row = KUBE_REQUESTS.find((x) => x.verb === k.verb && x.group === k.group && x.resource === k.resource
          && (x.contextNamespace ? k.namespace !== undefined : x.namespace === k.namespace) && (!x.names || (k.name !== undefined && x.names.includes(k.name))));
        if (!row) outside.add(`${k.verb} ${k.group}/${k.resource} ns=${k.namespace ?? '-'} name=${k.name ?? '-'}`);
      }
    }
    expect([...outside].sort()).toEqual([]);
  });
});
