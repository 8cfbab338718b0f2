/**
 * SPEC §7 fault injection end to end: the built CLI against the emulator with a broken network,
 * server or exec plugin. Each case asserts the finding, that the run ends within --timeout + 2 s,
 * that the checks not on the broken path still ran (their statuses), and that nothing crashed
 * (no exit 3, no stack trace). Faults come from the emulator (`state.addFault`), a recording proxy
 * that rewrites AWS answers (an endpoint moved to a closed port or an unresolvable name, another
 * CA, a truncated body), a tiny HTTPS server that answers garbage, and exec plugins that hang or lie.
 */
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import forge from 'node-forge';
import { createServingCertificates } from '../../packages/eks-emulator/src/kube/tls.js';
import { runEksdoctor, startRecordingProxy, startScenario, STACK_FRAME, withScenario, type JsonReport, type ProxiedCall, type ScenarioRun, type UpstreamReply } from '../helpers/emulator.js';

const TIMEOUT_S = 10;
/** SPEC §7: the whole run is bounded by --timeout; 2 s for process start, rendering and exit. */
const boundMs = (timeoutS: number) => (timeoutS + 2) * 1000;
const BOUND_MS = boundMs(TIMEOUT_S);

interface Outcome {
  report: JsonReport;
  code: number | null;
  ms: number;
  stderr: string;
  status: (check: string) => string | undefined;
  reason: (check: string) => string | undefined;
  rules: string[];
}

const figures: { name: string; rules: string; ms: number; code: number | null; checks: string }[] = [];
/** PIDs written by the exec-plugin scripts below (their `sleep` children), ended after the tests. */
const pidFiles: string[] = [];

afterAll(() => {
  console.log(`faults: ${figures.length} fault runs; bound = --timeout + 2 s`);
  for (const f of figures) console.log(`  ${f.name.padEnd(58)} ${(f.ms / 1000).toFixed(2).padStart(6)} s  exit ${f.code}  ${f.rules}  | not pass: ${f.checks || '-'}`);
  for (const file of pidFiles) {
    if (!existsSync(file)) continue;
    for (const pid of readFileSync(file, 'utf8').split(/\s+/).filter(Boolean).map(Number)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

/** Rewrites the isolated kubeconfig (server, CA, exec command) of a started scenario. */
function editKubeconfig(run: ScenarioRun, edit: (doc: KubeconfigDoc) => void): void {
  const doc = yaml.load(readFileSync(run.kubeconfigPath, 'utf8')) as KubeconfigDoc;
  edit(doc);
  writeFileSync(run.kubeconfigPath, yaml.dump(doc, { lineWidth: -1 }));
}
interface KubeconfigDoc {
  clusters: { cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { user: { exec: { command: string } } }[];
}

/** In EKS answers, the emulator's API server URL and CA replaced (DescribeCluster's endpoint and certificateAuthority). */
function moveEndpoint(run: ScenarioRun, to: { url?: string; caPem?: string }) {
  return (call: ProxiedCall, reply: UpstreamReply) => {
    if (call.service !== 'eks') return undefined;
    let body = reply.body.toString('utf8');
    if (to.url) body = body.split(run.kubeUrl).join(to.url);
    if (to.caPem) body = body.split(Buffer.from(run.caPem).toString('base64')).join(Buffer.from(to.caPem).toString('base64'));
    return { body };
  };
}

async function diagnose(
  name: string,
  run: ScenarioRun,
  opts: { rewrite?: NonNullable<Parameters<typeof startRecordingProxy>[1]>['rewrite']; timeoutS?: number } = {},
): Promise<Outcome> {
  const proxy = await startRecordingProxy(run.awsUrl, { rewrite: opts.rewrite });
  run.state.addStsEndpoint(proxy.url); // kubectl's token is presigned for the proxy, which forwards to the emulator's STS
  try {
    const r = await runEksdoctor(['auth', ...run.runArgs, '--output', 'json', '--timeout', `${opts.timeoutS ?? TIMEOUT_S}s`], { ...run.env, AWS_ENDPOINT_URL: proxy.url }, 90_000);
    expect(r.stderr, 'no stack trace').not.toMatch(STACK_FRAME);
    expect(r.stdout, 'no stack trace').not.toMatch(STACK_FRAME);
    expect(r.code, `not an internal error (stderr: ${r.stderr.slice(0, 300)})`).not.toBe(3);
    expect(r.signal).toBeNull();
    const report = JSON.parse(r.stdout) as JsonReport;
    const rules = report.findings.map((f) => f.rule);
    figures.push({ name: `${name} (--timeout ${opts.timeoutS ?? TIMEOUT_S}s)`, rules: rules.filter((x) => report.findings.find((f) => f.rule === x)!.severity !== 'info').join(', ') || '(no error or warning)', ms: r.ms, code: r.code, checks: report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}=${c.status}${c.status === 'error' ? ` (${c.reason})` : ''}`).join(' ') });
    return {
      report,
      code: r.code,
      ms: r.ms,
      stderr: r.stderr,
      rules,
      status: (id) => report.checks.find((c) => c.id === id)?.status,
      reason: (id) => report.checks.find((c) => c.id === id)?.reason,
    };
  } finally {
    await proxy.close();
  }
}

/**
 * A CA with its own fresh key, named `kubernetes` like every EKS cluster CA. Not the emulator's
 * createServingCertificates: it reuses one key pair per process, so its "other" CAs would verify
 * the emulator's certificate.
 */
function freshCaPem(): string {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = '0' + Date.now().toString(16);
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  const subject = [{ name: 'commonName', value: 'kubernetes' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** An exec plugin named `aws` (so version checks and EKS detection treat it as the AWS CLI). */
function execPlugin(run: ScenarioRun, body: string): string {
  const dir = mkdtempSync(join(run.home, 'plugin-'));
  const path = join(dir, 'aws');
  const pids = join(dir, 'pids');
  pidFiles.push(pids);
  writeFileSync(
    path,
    `#!/bin/sh\necho $$ >> "${pids}"\nif [ "$1" = "--version" ]; then echo "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exe/x86_64.debian.12"; exit 0; fi\n${body}\n`,
  );
  chmodSync(path, 0o755);
  return path;
}

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
      expect(o.ms).toBeLessThan(boundMs(timeoutS));
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
      expect(o.ms).toBeLessThan(BOUND_MS);
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
      expect(o.ms).toBeLessThan(BOUND_MS);
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
      expect(o.ms).toBeLessThan(BOUND_MS);
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
      expect(o.ms).toBeLessThan(BOUND_MS);
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
      expect(o.ms).toBeLessThan(BOUND_MS);
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
      expect(o.ms).toBeLessThan(BOUND_MS);
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
      expect(o.ms).toBeLessThan(BOUND_MS);
    });
  }, 60_000);

  // Was a bug: a 200 whose body is not a SelfSubjectReview fell through to a pass; now the check halts
  // with the reason (status error), like any answer that cannot be read.
  it.concurrent('Kubernetes API answers truncated / non-JSON bodies → a clear Kubernetes check error, not a crash', async () => {
    const run = await startScenario('healthy-api');
    const certs = await createServingCertificates('garbage-apiserver');
    let hits = 0;
    const garbage = createHttpsServer({ key: certs.keyPem, cert: certs.certPem }, (req, res) => {
      hits++;
      req.resume();
      // Every path: 200 with a JSON document cut in half, or HTML.
      const body = hits % 2 ? '{"kind":"SelfSubjectReview","apiVersion":"authentication.k8s.io/v1","status":{"userInfo":{"username":' : '<html>oops</html>';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', () => resolve()));
    const url = `https://127.0.0.1:${(garbage.address() as AddressInfo).port}`;
    try {
      editKubeconfig(run, (kc) => {
        kc.clusters[0]!.cluster.server = url;
        kc.clusters[0]!.cluster['certificate-authority-data'] = Buffer.from(certs.caPem).toString('base64');
      });
      const o = await diagnose('Kube API garbage bodies', run, { rewrite: moveEndpoint(run, { url, caPem: certs.caPem }) });
      expect(hits).toBeGreaterThan(0);
      const kubeChecks = ['endpoint', 'kube-auth', 'rbac', 'aws-auth'].map((id) => ({ id, status: o.status(id), reason: o.reason(id) }));
      // Something on the Kubernetes side says it could not make sense of the answers, with a reason.
      expect(kubeChecks.some((c) => (c.status === 'error' || c.status === 'fail') && c.reason && /\S/.test(c.reason)), JSON.stringify(kubeChecks)).toBe(true);
      expect({ 'aws-identity': o.status('aws-identity'), cluster: o.status('cluster'), 'access-entries': o.status('access-entries') }).toEqual({
        'aws-identity': 'pass',
        cluster: 'pass',
        'access-entries': 'pass',
      });
      expect(o.ms).toBeLessThan(BOUND_MS);
    } finally {
      garbage.closeAllConnections();
      garbage.close();
      await run.close();
    }
  }, 60_000);

  /** The token check gives the plugin 20 s (src/checks/identity/token.ts EXEC_TIMEOUT_MS). */
  const execHang = async (timeoutS: number, holdStdout: boolean) => {
    await withScenario('healthy-api', async (run) => {
      const dir = mkdtempSync(join(run.home, 'sleep-'));
      const pids = join(dir, 'pids');
      pidFiles.push(pids);
      // holdStdout: the plugin's child keeps the pipe open, so killing the plugin alone does not end its stdout.
      const plugin = execPlugin(run, holdStdout ? `sleep 40 &\necho $! >> "${pids}"\nwait` : 'exec sleep 40');
      editKubeconfig(run, (kc) => (kc.users[0]!.user.exec.command = plugin));
      const o = await diagnose(`exec plugin hangs${holdStdout ? ' (child holds stdout)' : ''}`, run, { timeoutS });
      expect(o.ms).toBeLessThan(boundMs(timeoutS));
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
      expect(o.ms).toBeLessThan(BOUND_MS);
      expect({ 'aws-identity': o.status('aws-identity'), cluster: o.status('cluster'), endpoint: o.status('endpoint') }).toEqual({
        'aws-identity': 'pass',
        cluster: 'pass',
        endpoint: 'pass',
      });
      expect(o.code).toBe(1);
    });
  }, 60_000);
});
