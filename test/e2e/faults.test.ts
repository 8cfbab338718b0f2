/**
 * SPEC §7 fault injection end to end: the built CLI against the emulator with a broken network,
 * server or exec plugin. Each case asserts the finding, that the run ends within --timeout + 2 s,
 * that the checks not on the broken path still ran (their statuses), and that nothing crashed
 * (no exit 3, no stack trace). Faults come from the emulator (`state.addFault`), a recording proxy
 * that rewrites AWS answers (an endpoint moved to a closed port or an unresolvable name, another
 * CA, a truncated body), a tiny HTTPS server that answers garbage, and exec plugins that hang or lie.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startScenario, withScenario, type ScenarioRun } from '../helpers/emulator.js';
import { closedPort, diagnose as diagnoseWith, editKubeconfig, expectWithinTimeout, freshCaPem, moveApiServer, moveEndpoint, PluginFactory, printFigures, startFakeApiServer, type Figure, type Outcome, type Rewrite } from '../helpers/faults.js';

const TIMEOUT_S = 10;
const figures: Figure[] = [];
const plugins = new PluginFactory();

afterAll(() => {
  printFigures('faults', figures);
  plugins.killAll();
});

const diagnose = (name: string, run: ScenarioRun, opts: { rewrite?: Rewrite; timeoutS?: number } = {}) => diagnoseWith(figures, name, run, opts);
const execPlugin = (run: ScenarioRun, body: string) => plugins.write(run, body).path;

/** The checks that read only AWS (identity, cluster, access entries, logs) all completed. */
function expectAwsSideRan(o: Outcome) {
  expect({ 'aws-identity': o.status('aws-identity'), cluster: o.status('cluster'), 'access-entries': o.status('access-entries'), logs: o.status('logs') }).toEqual({
    'aws-identity': 'pass',
    cluster: 'pass',
    'access-entries': 'pass',
    logs: 'pass',
  });
}

describe('fault injection: the right finding, within --timeout + 2 s, the other checks still run (SPEC §7)', () => {
  /** The endpoint probe allows itself 10 s (src/checks/cluster/endpoint.ts PROBE_TIMEOUT_MS). */
  const kubeHang = async (timeoutS: number) => {
    await withScenario('healthy-api', async (run) => {
      run.state.addFault({ service: 'kube', kind: 'hang' });
      const o = await diagnose('kube API hang', run, { timeoutS });
      expectWithinTimeout(o, timeoutS);
      expect(o.rules).toContain('cluster/endpoint-unreachable');
      expect(o.report.rootCauses).toContain('cluster/endpoint-unreachable');
      expectAwsSideRan(o);
      expect(o.status('token')).toBe('pass');
      expect(o.status('endpoint')).toBe('fail');
      expect(o.code).toBe(1);
    });
  };
  it.concurrent('Kubernetes API accepts and never answers → cluster/endpoint-unreachable (--timeout 20s)', () => kubeHang(20), 60_000);
  // Was a bug: with --timeout ≤ 10 s the probe's own timeout tied with the run's deadline and the engine
  // won (no finding, exit 0). Calls now get the remaining time less a margin (CheckContext.remainingMs).
  it.concurrent('Kubernetes API accepts and never answers → cluster/endpoint-unreachable (--timeout 10s)', () => kubeHang(10), 60_000);

  it.concurrent('connection refused (API endpoint on a closed loopback port) → cluster/endpoint-unreachable', async () => {
    await withScenario('healthy-api', async (run) => {
      const url = `https://127.0.0.1:${await closedPort()}`;
      editKubeconfig(run, (kc) => (kc.clusters[0]!.cluster.server = url));
      const o = await diagnose('connection refused', run, { rewrite: moveEndpoint(run, { url }) });
      const f = o.report.findings.find((x) => x.rule === 'cluster/endpoint-unreachable');
      expect(f, `findings: ${o.rules.join(', ')}`).toBeDefined();
      expect(JSON.stringify(f!.evidence)).toMatch(/refused|ECONNREFUSED|connect/i);
      expect(o.rules).not.toContain('kubeconfig/endpoint-mismatch');
      expectWithinTimeout(o, TIMEOUT_S);
      expectAwsSideRan(o);
      expect(o.code).toBe(1);
    });
  }, 60_000);

  it.concurrent('DNS failure (https://nonexistent.invalid) → cluster/endpoint-unreachable at stage dns', async () => {
    await withScenario('healthy-api', async (run) => {
      const url = 'https://nonexistent.invalid';
      editKubeconfig(run, (kc) => (kc.clusters[0]!.cluster.server = url));
      const o = await diagnose('DNS failure', run, { rewrite: moveEndpoint(run, { url }) });
      const f = o.report.findings.find((x) => x.rule === 'cluster/endpoint-unreachable');
      expect(f, `findings: ${o.rules.join(', ')}`).toBeDefined();
      expect(f!.evidence.stage).toBe('dns');
      expectWithinTimeout(o, TIMEOUT_S);
      expectAwsSideRan(o);
      expect(o.code).toBe(1);
    });
  }, 60_000);

  it.concurrent('API server certificate from another CA than the one kubeconfig and EKS agree on → cluster/tls-error', async () => {
    await withScenario('healthy-api', async (run) => {
      const otherCa = freshCaPem();
      editKubeconfig(run, (kc) => (kc.clusters[0]!.cluster['certificate-authority-data'] = Buffer.from(otherCa).toString('base64')));
      const o = await diagnose('TLS: certificate from another CA', run, { rewrite: moveEndpoint(run, { caPem: otherCa }) });
      expect(o.rules).toContain('cluster/tls-error');
      expect(o.report.rootCauses).toContain('cluster/tls-error');
      expect(o.rules).not.toContain('kubeconfig/ca-mismatch');
      expectWithinTimeout(o, TIMEOUT_S);
      expectAwsSideRan(o);
      expect(o.code).toBe(1);
    });
  }, 60_000);

  it.concurrent('EKS answers 5xx on every DescribeCluster → the cluster check errors; identity and endpoint checks still run', async () => {
    await withScenario('healthy-api', async (run) => {
      run.state.addFault({ service: 'eks', operation: 'DescribeCluster', kind: '5xx' });
      const o = await diagnose('EKS DescribeCluster 5xx (persistent)', run);
      expect(['error', 'fail']).toContain(o.status('cluster'));
      expect(o.reason('cluster')).toMatch(/\S/);
      expect({ 'aws-identity': o.status('aws-identity'), token: o.status('token'), identity: o.status('identity'), endpoint: o.status('endpoint') }).toEqual({
        'aws-identity': 'pass',
        token: 'pass',
        identity: 'pass',
        endpoint: 'pass',
      });
      // The SDK retried (standard mode: 3 attempts) before giving up.
      expect(run.state.requests.filter((q) => q.operation === 'DescribeCluster').length).toBeGreaterThanOrEqual(3);
      expectWithinTimeout(o, TIMEOUT_S);
    });
  }, 60_000);

  it.concurrent('throttled twice then success (DescribeCluster, ListAccessEntries) and one STS 503 → no finding, the SDK retried', async () => {
    await withScenario('healthy-api', async (run) => {
      run.state.addFault({ service: 'eks', operation: 'DescribeCluster', kind: 'throttle', count: 2 });
      run.state.addFault({ service: 'eks', operation: 'ListAccessEntries', kind: 'throttle', count: 2 });
      run.state.addFault({ service: 'sts', operation: 'GetCallerIdentity', kind: '5xx', count: 1 });
      const o = await diagnose('throttle ×2 then success', run);
      expect(o.report.verdict).toBe('pass');
      expect(o.report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
      expect(o.report.checks.filter((c) => c.status !== 'pass' && c.status !== 'skip')).toEqual([]);
      expect(run.state.requests.filter((q) => q.operation === 'DescribeCluster').map((q) => q.status)).toEqual([429, 429, 200]);
      expect(o.code).toBe(0);
      expectWithinTimeout(o, TIMEOUT_S);
    });
  }, 60_000);

  it.concurrent('truncated JSON from EKS DescribeCluster → a clear cluster check error, not a crash', async () => {
    await withScenario('healthy-api', async (run) => {
      const o = await diagnose('EKS DescribeCluster truncated body', run, {
        rewrite: (call, reply) => (call.operation === 'DescribeCluster' ? { body: reply.body.subarray(0, Math.floor(reply.body.length / 2)) } : undefined),
      });
      expect(['error', 'fail']).toContain(o.status('cluster'));
      expect(o.reason('cluster')).toMatch(/\S/);
      expect({ 'aws-identity': o.status('aws-identity'), token: o.status('token'), endpoint: o.status('endpoint') }).toEqual({ 'aws-identity': 'pass', token: 'pass', endpoint: 'pass' });
      expectWithinTimeout(o, TIMEOUT_S);
    });
  }, 60_000);

  it.concurrent('non-JSON body (HTML) from EKS ListAccessEntries → a clear access-entries error, not a crash', async () => {
    await withScenario('healthy-api', async (run) => {
      const o = await diagnose('EKS ListAccessEntries HTML body', run, {
        rewrite: (call) => (call.operation === 'ListAccessEntries' ? { body: '<html><body>502 Bad Gateway</body></html>' } : undefined),
      });
      expect(['error', 'fail']).toContain(o.status('access-entries'));
      expect(o.reason('access-entries')).toMatch(/\S/);
      expect({ 'aws-identity': o.status('aws-identity'), cluster: o.status('cluster'), endpoint: o.status('endpoint'), 'kube-auth': o.status('kube-auth') }).toEqual({
        'aws-identity': 'pass',
        cluster: 'pass',
        endpoint: 'pass',
        'kube-auth': 'pass',
      });
      expectWithinTimeout(o, TIMEOUT_S);
    });
  }, 60_000);

  // Was a bug: a 200 whose body is not a SelfSubjectReview fell through to a pass; now the check halts
  // with the reason (status error), like any answer that cannot be read.
  it.concurrent('Kubernetes API answers truncated / non-JSON bodies → a clear Kubernetes check error, not a crash', async () => {
    const run = await startScenario('healthy-api');
    const garbage = await startFakeApiServer((req, res, hit) => {
      req.resume();
      // Every path: 200 with a JSON document cut in half, or HTML.
      const body = hit % 2 ? '{"kind":"SelfSubjectReview","apiVersion":"authentication.k8s.io/v1","status":{"userInfo":{"username":' : '<html>oops</html>';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    try {
      const rewrite = moveApiServer(run, garbage.url, garbage.caPem);
      const o = await diagnose('Kube API garbage bodies', run, { rewrite });
      expect(garbage.hits()).toBeGreaterThan(0);
      const kubeChecks = ['endpoint', 'kube-auth', 'rbac', 'aws-auth'].map((id) => ({ id, status: o.status(id), reason: o.reason(id) }));
      // Something on the Kubernetes side says it could not make sense of the answers, with a reason.
      expect(kubeChecks.some((c) => (c.status === 'error' || c.status === 'fail') && c.reason && /\S/.test(c.reason)), JSON.stringify(kubeChecks)).toBe(true);
      expect({ 'aws-identity': o.status('aws-identity'), cluster: o.status('cluster'), 'access-entries': o.status('access-entries') }).toEqual({
        'aws-identity': 'pass',
        cluster: 'pass',
        'access-entries': 'pass',
      });
      expectWithinTimeout(o, TIMEOUT_S);
    } finally {
      await garbage.close();
      await run.close();
    }
  }, 60_000);

  /** The token check gives the plugin 20 s (src/checks/identity/token.ts EXEC_TIMEOUT_MS). */
  const execHang = async (timeoutS: number, holdStdout: boolean) => {
    await withScenario('healthy-api', async (run) => {
      // holdStdout: the plugin's child keeps the pipe open, so killing the plugin alone does not end its stdout.
      const plugin = plugins.write(run, holdStdout ? 'sleep 40 &\necho $! >> "$(dirname "$0")/pids"\nwait' : 'exec sleep 40');
      editKubeconfig(run, (kc) => (kc.users[0]!.user.exec.command = plugin.path));
      const o = await diagnose(`exec plugin hangs${holdStdout ? ' (child holds stdout)' : ''}`, run, { timeoutS });
      expectWithinTimeout(o, timeoutS);
      const f = o.report.findings.find((x) => x.rule === 'identity/token-generation-failed');
      expect(f, `findings: ${o.rules.join(', ')}; token: ${o.reason('token')}`).toBeDefined();
      expect(f!.evidence.problem).toBe('timeout');
      expect({ 'aws-identity': o.status('aws-identity'), cluster: o.status('cluster'), endpoint: o.status('endpoint') }).toEqual({
        'aws-identity': 'pass',
        cluster: 'pass',
        endpoint: 'pass',
      });
      // The logs wait for the identity, which waits for the plugin: when the plugin used up the whole
      // --timeout, they are skipped (no time left, or no identity to look for), and say so.
      if (o.status('logs') !== 'pass') expect(o.reason('logs')).toMatch(/no time left within --timeout|no identity to look for/);
      expect(o.code).toBe(1);
      // Issue 14: the plugin's whole process group ended with it, its `sleep` child too.
      expect(PluginFactory.alive(plugin.pids), 'plugin processes left running').toEqual([]);
    });
  };
  it.concurrent('exec plugin that hangs → identity/token-generation-failed (timeout) within the bound (--timeout 30s)', () => execHang(30, false), 90_000);
  it.concurrent('exec plugin whose child holds stdout open → identity/token-generation-failed (timeout) (--timeout 30s)', () => execHang(30, true), 90_000);
  // Was a bug: the plugin's timeout tied with the run's deadline (no finding, exit 0); see above.
  it.concurrent('exec plugin that hangs → identity/token-generation-failed (timeout) (--timeout 10s)', () => execHang(10, false), 60_000);

  it.concurrent('exec plugin that prints garbage → identity/token-generation-failed (bad-output)', async () => {
    await withScenario('healthy-api', async (run) => {
      const plugin = execPlugin(run, `echo 'Welcome! here is your token: <none>'\nexit 0`);
      editKubeconfig(run, (kc) => (kc.users[0]!.user.exec.command = plugin));
      const o = await diagnose('exec plugin prints garbage', run);
      const f = o.report.findings.find((x) => x.rule === 'identity/token-generation-failed');
      expect(f, `findings: ${o.rules.join(', ')}`).toBeDefined();
      expect(JSON.stringify(f!.evidence)).toMatch(/bad-output|decod|JSON|ExecCredential/i);
      expectWithinTimeout(o, TIMEOUT_S);
      expect({ 'aws-identity': o.status('aws-identity'), cluster: o.status('cluster'), endpoint: o.status('endpoint') }).toEqual({
        'aws-identity': 'pass',
        cluster: 'pass',
        endpoint: 'pass',
      });
      expect(o.code).toBe(1);
    });
  }, 60_000);
});
