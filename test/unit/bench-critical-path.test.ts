import { describe, expect, it } from 'vitest';
import { attributeCalls, checkWindows, criticalPath, sequentialRoundTrips } from '../../tools/bench/critical-path.js';
import { repeatedCalls } from '../../tools/bench/aws-proxy.js';
import { multiContextKubeconfig } from '../../tools/bench/multi-context.js';
import { median, pairedRatio } from '../../tools/bench/stats.js';
import yaml from 'js-yaml';

describe('bench statistics', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });

  it('takes the median of the per-pair ratios, not the ratio of the medians', () => {
    // Pair by pair: 2, 2, 10 → 2. The ratio of the medians would be 20 / 10 = 2 here too, but 100/10 must not pull it.
    expect(pairedRatio([20, 40, 100], [10, 20, 10])).toBe(2);
    expect(pairedRatio([30, 10], [10, 10])).toBe(2);
    expect(() => pairedRatio([1], [1, 2])).toThrow(/unpaired/);
  });
});

describe('critical path', () => {
  it('is the heaviest chain through the predecessors', () => {
    const cp = criticalPath([
      { id: 'kubeconfig', predecessors: [], weight: 0 },
      { id: 'aws-identity', predecessors: ['kubeconfig'], weight: 100 },
      { id: 'token', predecessors: ['kubeconfig'], weight: 100 },
      { id: 'cluster', predecessors: ['aws-identity'], weight: 100 },
      { id: 'kube-auth', predecessors: ['token', 'cluster'], weight: 100 },
      { id: 'logs', predecessors: ['cluster', 'kube-auth'], weight: 400 },
    ]);
    expect(cp).toEqual({ weight: 700, path: ['kubeconfig', 'aws-identity', 'cluster', 'kube-auth', 'logs'] });
  });

  it('refuses a cycle and an unknown predecessor', () => {
    expect(() => criticalPath([{ id: 'a', predecessors: ['b'], weight: 1 }, { id: 'b', predecessors: ['a'], weight: 1 }])).toThrow(/cycle/);
    expect(() => criticalPath([{ id: 'a', predecessors: ['x'], weight: 1 }])).toThrow(/unknown/);
  });

  it('counts overlapping calls as one round trip and chained calls as several', () => {
    expect(sequentialRoundTrips([])).toBe(0);
    const call = (start: number, end: number) => ({ label: 'x', start, end });
    expect(sequentialRoundTrips([call(0, 100), call(10, 110), call(20, 120)])).toBe(1);
    expect(sequentialRoundTrips([call(0, 100), call(100, 200), call(205, 300), call(150, 250)])).toBe(3);
  });

  it('rebuilds check windows from durations and the graph, and gives each call to the narrowest window', () => {
    const preds = new Map([
      ['a', []],
      ['b', ['a']],
      ['c', ['a']],
      ['d', ['b', 'c']],
    ]);
    const windows = checkWindows(
      [
        { id: 'a', durationMs: 10 },
        { id: 'b', durationMs: 500 },
        { id: 'c', durationMs: 100 },
        { id: 'd', durationMs: 50 },
      ],
      preds,
      1000,
    );
    expect(windows).toEqual([
      { id: 'a', start: 1000, end: 1010 },
      { id: 'b', start: 1010, end: 1510 },
      { id: 'c', start: 1010, end: 1110 },
      { id: 'd', start: 1510, end: 1560 },
    ]);
    const owners = attributeCalls(windows, [
      { label: 'in c and b', start: 1020, end: 1100 },
      { label: 'only b', start: 1200, end: 1300 },
      { label: 'd', start: 1515, end: 1555 },
      { label: 'nobody', start: 5000, end: 5100 },
    ]);
    expect([...owners].map(([k, v]) => [k, v.map((c) => c.label)])).toEqual([
      ['c', ['in c and b']],
      ['b', ['only b']],
      ['d', ['d']],
      ['', ['nobody']],
    ]);
  });
});

describe('bench inputs', () => {
  it('flags only an operation repeated with the same parameters by the same signer', () => {
    const c = (operation: string, params: string, accessKeyId = 'AKIA1') => ({ service: 'eks', operation, params, accessKeyId });
    expect(repeatedCalls([c('DescribeCluster', 'GET /clusters/prod?'), c('DescribeCluster', 'GET /clusters/prod?'), c('DescribeCluster', 'GET /clusters/dev?'), c('DescribeCluster', 'GET /clusters/dev?', 'AKIA2')])).toEqual([
      { operation: 'eks DescribeCluster', times: 2, params: 'GET /clusters/prod?' },
    ]);
  });

  it('puts one cluster under N context names', () => {
    const single = yaml.dump({ apiVersion: 'v1', clusters: [{ name: 'c', cluster: { server: 'https://x' } }], contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }], 'current-context': 'ctx', users: [{ name: 'u', user: {} }] });
    const doc = yaml.load(multiContextKubeconfig(single, 50)) as { contexts: { name: string; context: { cluster: string } }[]; clusters: unknown[]; 'current-context': string };
    expect(doc.contexts).toHaveLength(50);
    expect(new Set(doc.contexts.map((x) => x.name)).size).toBe(50);
    expect(doc.contexts.every((x) => x.context.cluster === 'c')).toBe(true);
    expect(doc.clusters).toHaveLength(1);
    expect(doc['current-context']).toBe('ctx-01');
  });
});
