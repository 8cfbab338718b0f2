import { describe, expect, it } from 'vitest';
import { runEksdoctor, withScenario, type JsonReport } from '../helpers/emulator.js';
import { afterReportMs, expectWithinTimeout } from '../helpers/faults.js';

type Finding = { rule: string; rootCause: boolean; explains?: string[]; evidence: Record<string, unknown> };

/** Issue "Live checks III": the authenticator's verdict under the root cause, and slow logs stay bounded. */
describe('authenticator logs end to end', () => {
  it('classic: the "identity is not mapped" line is evidence under the root cause, with when it happened', async () => {
    await withScenario('classic', async (run) => {
      const r = await runEksdoctor(['auth', '-o', 'json'], run.env);
      const report = JSON.parse(r.stdout) as { rootCauses: string[]; findings: Finding[] };
      const cause = report.findings.find((f) => f.rule === 'aws-auth/principal-not-mapped')!;
      const denied = report.findings.find((f) => f.rule === 'logs/access-denied')!;
      expect(report.rootCauses).toEqual(['aws-auth/principal-not-mapped']);
      expect(cause.explains).toContain('logs/access-denied');
      expect(cause.evidence).toMatchObject({ logLine: 'identity is not mapped', sources: ['authenticator logs'] });
      expect(denied).toMatchObject({ rootCause: false, evidence: { reason: 'not-mapped', error: 'identity is not mapped', arn: 'arn:aws:iam::111122223333:role/eks-ci-runner' } });
      expect(Date.parse(String(denied.evidence.time))).toBeGreaterThan(Date.now() - 3_600_000);
      // Who can fix it: the creator (CloudTrail names it first; the logs show it as kubernetes-admin in CONFIG_MAP mode).
      expect(cause.evidence.fixers).toContainEqual(expect.objectContaining({ arn: 'arn:aws:iam::111122223333:user/cluster-admin', reason: 'creator' }));
    });
  }, 60_000);

  it('older authenticators: "ARN is not mapped" is read the same way', async () => {
    await withScenario(
      'classic',
      async (run) => {
        const report = JSON.parse((await runEksdoctor(['auth', '-o', 'json'], run.env)).stdout) as { findings: Finding[] };
        expect(report.findings.find((f) => f.rule === 'logs/access-denied')?.evidence).toMatchObject({ reason: 'not-mapped', error: 'ARN is not mapped' });
      },
      { edit: (s) => ((s.notMappedMessage = 'ARN is not mapped'), (s.logs = [])) },
    );
  }, 60_000);

  it('a slow log search (4 s per call) never pushes the run past --timeout', async () => {
    await withScenario(
      'classic',
      async (run) => {
        const r = await runEksdoctor(['auth', '-o', 'json', '--timeout', '6s'], run.env);
        const report = JSON.parse(r.stdout) as JsonReport;
        expectWithinTimeout({ report, ms: r.ms, afterReportMs: afterReportMs(r) }, 6);
        expect(r.stderr).not.toMatch(/^\s+at /m);
        expect(report.checks.find((c) => c.id === 'kube-auth')!.status).toBe('fail'); // the 401 is still reported
        expect(['error', 'skip', 'pass', 'warn', 'fail']).toContain(report.checks.find((c) => c.id === 'logs')!.status);
      },
      { edit: (s) => (s.faults = [...(s.faults ?? []), { service: 'logs', operation: '*', kind: 'latency', ms: 4_000 }]) },
    );
  }, 60_000);

  it('--no-logs skips the logs and still finds the 401', async () => {
    await withScenario('classic', async (run) => {
      const report = JSON.parse((await runEksdoctor(['auth', '-o', 'json', '--no-logs'], run.env)).stdout) as { checks: { id: string; status: string; reason?: string }[]; findings: Finding[] };
      expect(report.checks.find((c) => c.id === 'logs')).toMatchObject({ status: 'skip', reason: '--no-logs' });
      expect(report.findings.map((f) => f.rule)).toContain('kube/unauthorized');
    });
  }, 60_000);
});
