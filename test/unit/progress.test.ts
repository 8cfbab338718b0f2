import { describe, expect, it } from 'vitest';
import { formatDuration, RunningChecks, verboseLine } from '../../src/cli/progress.js';

describe('progress display (issue 13 §5: --verbose prints each check end and duration; the spinner names the slowest check)', () => {
  it('--verbose lines: start, note, end with status, reason and duration; fleet lines name the context', () => {
    expect(verboseLine({ type: 'start', check: 'kubeconfig', title: 'Kubeconfig' })).toBe('… Kubeconfig');
    expect(verboseLine({ type: 'note', check: 'logs', title: 'Authenticator logs', message: 'Logs Insights query running (1.0 s)' })).toBe('  Authenticator logs: Logs Insights query running (1.0 s)');
    expect(verboseLine({ type: 'end', check: 'kubeconfig', title: 'Kubeconfig', status: 'pass', durationMs: 12 })).toBe('✔ Kubeconfig: pass, 12 ms');
    expect(verboseLine({ type: 'end', check: 'logs', title: 'Authenticator logs', status: 'error', durationMs: 2500, reason: 'timed out after 2.5 s', context: 'prod' })).toBe(
      '✖ [prod] Authenticator logs: error (timed out after 2.5 s), 2.5 s',
    );
  });

  it('--verbose notes are redacted like the report', () => {
    const line = verboseLine({ type: 'note', check: 'x', title: 'X', message: 'Authorization: Bearer k8s-aws-v1.aHR0cHM6Ly9zdHMuYW1hem9uYXdzLmNvbS8_QWN0aW9uPUdldENhbGxlcklkZW50aXR5' });
    expect(line).not.toContain('aHR0cHM6Ly9zdHMu');
  });

  it('a context name or plugin message with terminal escapes stays inert (issue 14 §5)', () => {
    const osc52 = '\u001b]52;c;ZWNobyBwd25lZA==\u0007';
    const line = verboseLine({ type: 'note', check: 'x', title: 'X', message: `said ${osc52}`, context: `prod${osc52}` });
    expect(line).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it('the spinner names the check running longest and counts the others; nothing when all ended', () => {
    const r = new RunningChecks();
    r.apply({ type: 'start', check: 'a', title: 'Exec plugin' }, 1000);
    r.apply({ type: 'start', check: 'b', title: 'Authenticator logs' }, 1100);
    r.apply({ type: 'start', check: 'c', title: 'RBAC' }, 1200);
    expect(r.describe(3000)).toBe('Exec plugin (2.0 s), 2 more running');
    r.apply({ type: 'end', check: 'a', title: 'Exec plugin', status: 'pass', durationMs: 500 }, 3000);
    expect(r.describe(5100)).toBe('Authenticator logs (4.0 s), 1 more running');
    r.apply({ type: 'end', check: 'b', title: 'Authenticator logs', status: 'pass', durationMs: 1 }, 5100);
    r.apply({ type: 'end', check: 'c', title: 'RBAC', status: 'pass', durationMs: 1 }, 5100);
    expect(r.describe(5200)).toBeUndefined();
  });

  it('the same check in two contexts is two running checks', () => {
    const r = new RunningChecks();
    r.apply({ type: 'start', check: 'a', title: 'Exec plugin', context: 'dev' }, 0);
    r.apply({ type: 'start', check: 'a', title: 'Exec plugin', context: 'prod' }, 10);
    r.apply({ type: 'end', check: 'a', title: 'Exec plugin', status: 'pass', durationMs: 1, context: 'dev' }, 20);
    expect(r.describe(1010)).toBe('prod: Exec plugin (1.0 s)');
  });

  it('durations: milliseconds under a second, else seconds with one decimal', () => {
    expect(formatDuration(999)).toBe('999 ms');
    expect(formatDuration(1049)).toBe('1.0 s');
  });
});
