import { describe, expect, it } from 'vitest';
import { runChecks } from '../../src/engine/run.js';
import type { Check, CheckContext, RunOptions } from '../../src/checks/types.js';
import type { Finding } from '../../src/rules/index.js';

const options: RunOptions = { since: 3_600_000, noLogs: false, offline: true, timeoutMs: 5_000, verbose: false, env: {} };
const severityOf = (rule: string) => (({ 'kube/unauthorized': 'error', 'aws-auth/not-found': 'warning', 'kube/authenticated': 'info' }) as const)[rule as 'kube/unauthorized'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The engine reads only a finding's rule: the evidence here stands for whatever the rule takes. */
const f = (rule: 'kube/unauthorized' | 'aws-auth/not-found' | 'kube/authenticated') => ({ rule, evidence: {} }) as Finding;

function check(id: string, over: Partial<Check> = {}): Check {
  return { id, title: id, dependsOn: [], emits: ['kube/unauthorized', 'aws-auth/not-found', 'kube/authenticated'], run: async () => ({ findings: [] }), ...over };
}

const run = (checks: Check[], timeoutMs = 5_000) => runChecks({ checks, options: { ...options, timeoutMs }, target: { kubeconfig: [] }, severityOf });

describe('runChecks', () => {
  it('starts independent checks together and lists results in declared order', async () => {
    const started: string[] = [];
    const slow = (id: string) => check(id, { run: async () => (started.push(id), await sleep(50), { findings: [] }) });
    const r = await run([slow('a'), slow('b'), check('c', { dependsOn: ['a', 'b'], run: async () => (started.push('c'), { findings: [] }) })]);
    expect(started.slice(0, 2).sort()).toEqual(['a', 'b']);
    expect(started[2]).toBe('c');
    expect(r.checks.map((c) => c.id)).toEqual(['a', 'b', 'c']);
  });

  it('derives each status from the severities of its findings', async () => {
    const r = await run([
      check('e', { run: async () => ({ findings: [f('kube/unauthorized'), f('kube/authenticated')] }) }),
      check('w', { run: async () => ({ findings: [f('aws-auth/not-found')] }) }),
      check('p', { run: async () => ({ findings: [f('kube/authenticated')] }) }),
    ]);
    expect(r.checks.map((c) => c.status)).toEqual(['fail', 'warn', 'pass']);
    expect(r.findings.map((f) => f.check)).toEqual(['e', 'e', 'w', 'p']);
  });

  it('skips the dependents of a halted check, transitively, with the reason', async () => {
    const r = await run([check('a', { run: async () => ({ findings: [], halt: 'no kubeconfig' }) }), check('b', { dependsOn: ['a'] }), check('c', { dependsOn: ['b'] })]);
    expect(r.checks[1]).toMatchObject({ status: 'skip', reason: 'dependency failed: a (no kubeconfig)' });
    expect(r.checks[2]).toMatchObject({ status: 'skip' });
  });

  it('runs a check that only comes after a halted one, without skipping it', async () => {
    const order: string[] = [];
    const r = await run([
      check('a', { run: async () => (await sleep(20), order.push('a'), { findings: [], halt: 'nothing found' }) }),
      check('b', { after: ['a'], run: async () => (order.push('b'), { findings: [] }) }),
    ]);
    expect(order).toEqual(['a', 'b']);
    expect(r.checks[1]!.status).toBe('pass');
  });

  it('turns an exception into status error and an internal error (exit 3), and keeps the others running', async () => {
    const r = await run([check('boom', { run: async () => { throw new Error('kaput'); } }), check('ok')]);
    expect(r.checks[0]).toMatchObject({ status: 'error', reason: 'internal error: kaput' });
    expect(r.checks[1]!.status).toBe('pass');
    expect(r.internalErrors).toEqual(['boom: kaput']);
  });

  it('bounds a check by its timeout and aborts its signal; a timeout is not a bug', async () => {
    let aborted = false;
    const hang = check('hang', { timeoutMs: 600, run: (ctx: CheckContext) => new Promise(() => ctx.signal.addEventListener('abort', () => (aborted = true))) });
    const r = await run([hang, check('after', { dependsOn: ['hang'] })]);
    expect(r.checks[0]).toMatchObject({ status: 'error', reason: 'timed out after 0.6 s' });
    expect(r.checks[1]!.status).toBe('skip');
    expect(aborted).toBe(true);
    expect(r.internalErrors).toEqual([]);
  });

  it('bounds every check by the run-wide --timeout', async () => {
    const r = await run([check('hang', { run: () => new Promise(() => {}) })], 700);
    expect(r.checks[0]!.status).toBe('error');
  });

  it('does not start a check with no time left: it could not run (status error), and its dependents are skipped for it', async () => {
    const r = await run([check('slow', { run: async () => (await sleep(300), { findings: [] }) }), check('late', { dependsOn: ['slow'] }), check('later', { dependsOn: ['late'] })], 700);
    expect(r.checks[1]).toMatchObject({ status: 'error', reason: 'no time left within --timeout', couldNotRun: true });
    expect(r.checks[2]).toMatchObject({ status: 'skip', couldNotRun: true });
  });

  it('tells a skip because a dependency could not run from a skip because it found the cause', async () => {
    const r = await run([
      check('down', { run: async () => ({ findings: [], halt: 'EKS answered 503' }) }),
      check('after-down', { dependsOn: ['down'] }),
      check('found', { run: async () => ({ findings: [f('kube/unauthorized')], halt: '401' }) }),
      check('after-found', { dependsOn: ['found'] }),
    ]);
    expect(r.checks.map((c) => [c.id, c.status, c.couldNotRun ?? false])).toEqual([
      ['down', 'error', true],
      ['after-down', 'skip', true],
      ['found', 'fail', false],
      ['after-found', 'skip', false],
    ]);
  });

  it('ends every run of a fleet by the shared deadline, whatever its own --timeout', async () => {
    const started = Date.now();
    const r = await runChecks({ checks: [check('hang', { run: () => new Promise(() => {}) })], options: { ...options, timeoutMs: 60_000, deadline: Date.now() + 800 }, target: { kubeconfig: [] }, severityOf });
    expect(r.checks[0]!.status).toBe('error');
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('gives calls the remaining time less a margin to report, and lets a check wait for another mid-run', async () => {
    let remaining = 0;
    const order: string[] = [];
    await run([
      check('a', { run: async () => (await sleep(50), order.push('a'), { findings: [] }) }),
      check('b', { waitsFor: ['a'], run: async (ctx: CheckContext) => ((remaining = ctx.remainingMs()), order.push('b:start'), await ctx.finished('a'), order.push('b:after-a'), { findings: [] }) }),
    ], 5_000);
    expect(remaining).toBeLessThanOrEqual(4_500);
    expect(order).toEqual(['b:start', 'a', 'b:after-a']);
  });

  it('refuses a rule the check did not declare, as ESLint refuses an undeclared fix', async () => {
    const r = await run([check('sneaky', { emits: ['kube/authenticated'], run: async () => ({ findings: [f('kube/unauthorized')] }) })]);
    expect(r.checks[0]).toMatchObject({ status: 'error', reason: 'internal error: emitted undeclared rule kube/unauthorized' });
    expect(r.internalErrors).toHaveLength(1);
  });

  it('refuses a mid-run wait the check did not declare', async () => {
    const r = await run([check('a'), check('b', { run: async (ctx: CheckContext) => (await ctx.finished('a'), { findings: [] }) })]);
    expect(r.checks[1]).toMatchObject({ status: 'error', reason: 'internal error: waits for undeclared check a' });
  });

  it('marks a check that does not apply as skip', async () => {
    const r = await run([check('n/a', { run: async () => ({ findings: [], skip: 'not an EKS cluster' }) })]);
    expect(r.checks[0]).toMatchObject({ status: 'skip', reason: 'not an EKS cluster' });
  });
});
