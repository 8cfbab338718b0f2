import { describe, expect, it } from 'vitest';
import { attributeCalls, checkWindows, criticalPath, excessAlongFloor, floorSchedule, sequentialRoundTrips, type FloorCheck } from '../../tools/bench/critical-path.js';
import { groupOfSource, summarizeCpuProfile } from '../../tools/bench/profile.js';
import { readProbe } from '../../tools/bench/probe-record.js';
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

describe('attributing calls to the checks that make them', () => {
  it('prefers a known maker whose window the call starts in, even when its end was stamped late', () => {
    const windows = [
      { id: 'endpoint', start: 7, end: 233 },
      { id: 'aws-identity', start: 7, end: 262 },
    ];
    const call = { label: 'kube get /version', start: 132, end: 248 };
    // By windows alone, only aws-identity's contains the whole call.
    expect([...attributeCalls(windows, [call]).keys()]).toEqual(['aws-identity']);
    expect([...attributeCalls(windows, [call], 2, () => new Set(['endpoint'])).keys()]).toEqual(['endpoint']);
    // A known maker that was not running then does not take it.
    expect([...attributeCalls([{ id: 'endpoint', start: 300, end: 400 }, windows[1]!], [call], 2, () => new Set(['endpoint'])).keys()]).toEqual(['aws-identity']);
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

describe('the floor of a run', () => {
  // A run as the bench sees it: windows rebuilt from the report, calls and children with when they ran.
  const check = (id: string, predecessors: string[], window: [number, number], items: [string, number, number, number][], waitsFor: string[] = []): FloorCheck => ({
    id,
    predecessors,
    waitsFor,
    window: { id, start: window[0], end: window[1] },
    items: items.map(([label, start, end, weight]) => ({ label, start, end, weight })),
  });

  it('chains checks by the graph, items by what ran after what, and children by their time alone', () => {
    const floor = floorSchedule([
      check('kubeconfig', [], [0, 5], []),
      check('exec-plugin', ['kubeconfig'], [5, 400], [['aws --version', 10, 395, 300]]),
      // token ran the plugin, then replayed its token: two steps one after the other.
      check('token', ['kubeconfig', 'exec-plugin'], [400, 1100], [['aws eks get-token', 405, 990, 500], ['sts GetCallerIdentity', 995, 1098, 100]]),
      // Two calls in flight together count once.
      check('aws-identity', ['kubeconfig'], [5, 300], [['sts GetCallerIdentity', 150, 260, 100], ['eks DescribeCluster', 160, 270, 100]]),
      check('kube-auth', ['token'], [1100, 1210], [['kube create selfsubjectreviews', 1102, 1205, 100]]),
    ]);
    expect(floor.weight).toBe(300 + 500 + 100 + 100);
    expect(floor.checks).toEqual(['kubeconfig', 'exec-plugin', 'token', 'kube-auth']);
    expect(floor.steps.map((s) => s.label)).toEqual(['aws --version', 'aws eks get-token', 'sts GetCallerIdentity', 'kube create selfsubjectreviews']);
    expect(floor.steps.reduce((sum, s) => sum + s.weight, 0)).toBe(floor.weight);
  });

  it('counts a mid-run wait only for the items that started after the awaited check had finished', () => {
    const checks = [
      check('kubeconfig', [], [0, 1], []),
      check('cluster', ['kubeconfig'], [1, 110], [['eks DescribeCluster', 2, 105, 100]]),
      check('kube-auth', ['kubeconfig'], [1, 320], [['kube get /version', 3, 106, 100], ['kube create selfsubjectreviews', 110, 212, 100], ['kube create selfsubjectaccessreviews', 215, 318, 100]]),
      // logs: the first lookup goes out at once; the second only after kube-auth had finished (waitsFor).
      check('logs', ['cluster'], [110, 450], [['logs DescribeLogStreams', 111, 214, 100], ['logs FilterLogEvents', 330, 440, 100]], ['kube-auth']),
    ];
    const floor = floorSchedule(checks);
    expect(floor.weight).toBe(400);
    expect(floor.checks).toEqual(['kubeconfig', 'kube-auth', 'logs']);
    // Had the second lookup started before kube-auth ended, it would have waited only for the first.
    checks[3] = check('logs', ['cluster'], [110, 330], [['logs DescribeLogStreams', 111, 214, 100], ['logs FilterLogEvents', 215, 318, 100]], ['kube-auth']);
    expect(floorSchedule(checks).weight).toBe(300);
  });

  it('lays the measured run along the floor so that the excesses add up to wall − floor', () => {
    const floor = floorSchedule([
      check('kubeconfig', [], [1000, 1010], []),
      check('token', ['kubeconfig'], [1010, 1700], [['plugin', 1100, 1600, 400], ['sts GetCallerIdentity', 1600, 1700, 100]]),
    ]);
    const run = { spawn: 900, checksStart: 1000, exit: 1800, nodeStartMs: 50 };
    const segments = excessAlongFloor(floor, run);
    expect(segments.map((s) => [s.label, s.actualMs, s.delayMs, s.excessMs])).toEqual([
      ['start', 100, 0, 50],
      ['token: plugin', 600, 100, 200],
      ['token: sts GetCallerIdentity', 100, 0, 0],
      ['end', 100, 0, 100],
    ]);
    const floorMs = run.nodeStartMs + floor.weight;
    expect(segments.reduce((sum, s) => sum + s.excessMs, 0)).toBe(run.exit - run.spawn - floorMs);
  });

  it('refuses a cycle and an unknown predecessor', () => {
    expect(() => floorSchedule([check('a', ['b'], [0, 1], []), check('b', ['a'], [0, 1], [])])).toThrow(/cycle/);
  });
});

describe('bench probes', () => {
  it('reads the probe line back out of stderr', () => {
    const record = { maxRssKb: 1024, children: [{ command: 'aws', args: ['--version'], envDiff: {}, start: 1, end: 2, code: 0 }] };
    const { record: got, stderr } = readProbe(`a warning\n\nEKSDOCTOR_BENCH_PROBE=${JSON.stringify(record)}\n`);
    expect(got).toEqual(record);
    expect(stderr).toBe('a warning\n');
    expect(readProbe('nothing').record).toBeUndefined();
  });

  it('gives CPU samples to packages, src areas and parts of node', () => {
    expect(groupOfSource('../node_modules/@aws-sdk/client-eks/dist-es/index.js')).toBe('@aws-sdk/client-eks');
    expect(groupOfSource('file:///w/node_modules/commander/lib/command.js')).toBe('commander');
    expect(groupOfSource('../src/facts/aws/clients.ts')).toBe('src/facts');
    expect(groupOfSource('../src/engine/run.ts')).toBe('src/engine');
    expect(groupOfSource('../packages/eks-emulator/src/get-token-cli.ts')).toBe('packages/eks-emulator/src/get-token-cli');
    expect(groupOfSource('node:internal/modules/esm/loader')).toBe('node: module loading');
    expect(groupOfSource('node:internal/bootstrap/realm')).toBe('node: start-up');
    const profile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(idle)', url: '', lineNumber: 0, columnNumber: 0 } },
        { id: 2, callFrame: { functionName: 'parse', url: 'file:///x.mjs', lineNumber: 0, columnNumber: 0 } },
        { id: 3, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: 0, columnNumber: 0 } },
      ],
      samples: [1, 2, 2, 3],
      timeDeltas: [5000, 1000, 2000, 500],
    };
    expect(summarizeCpuProfile(profile, () => '../node_modules/js-yaml/dist/js-yaml.mjs')).toEqual([
      { group: 'js-yaml', ms: 3 },
      { group: '(garbage collector)', ms: 0.5 },
    ]);
  });
});
