/**
 * Issue 14 end to end: never a false green, never a leaked secret, never a hang, and kubectl's
 * behaviour where kubectl works. The built CLI runs against the emulator, fake servers on 127.0.0.1
 * (an API server that throttles, resets, redirects or never ends its body; a TCP port that never
 * speaks TLS; a CONNECT proxy), misbehaving exec plugins and special files. Every run keeps the
 * failure contract (no exit 3, no stack trace) and its own --timeout, measured by its report.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import forge from 'node-forge';
import { afterAll, describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';
import { runEksdoctor, startScenario, withScenario, type JsonReport, type ScenarioRun } from '../helpers/emulator.js';
import {
  afterReportMs,
  closedPort,
  diagnose as diagnoseWith,
  editKubeconfig,
  expectNoCrash,
  expectWithinTimeout,
  moveApiServer,
  moveEndpoint,
  PluginFactory,
  printFigures,
  runAuth,
  startFakeApiServer,
  startSilentServer,
  writeForever,
  type AuthRunOptions,
  type Figure,
  type Intercept,
  type Rewrite,
} from '../helpers/faults.js';

const FORMATS = ['text', 'json', 'markdown', 'junit', 'github'] as const;
const figures: Figure[] = [];
const plugins = new PluginFactory();

afterAll(() => {
  printFigures('reliability', figures);
  plugins.killAll();
});

const diagnose = (name: string, run: ScenarioRun, opts: AuthRunOptions = {}) => diagnoseWith(figures, name, run, opts);

/** A verdict that tells the user they are fine. */
const GREEN = 'pass';

/** Runs the CLI with a safety-net kill; for usage errors and offline runs that have no report to time. */
async function cli(args: string[], env: NodeJS.ProcessEnv = isolatedEnv(), opts: { cwd?: string } = {}) {
  const r = await runEksdoctor(args, env, 30_000, opts);
  expectNoCrash(r);
  return r;
}

function fifo(dir: string, name: string): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'eksdoctor-reliability-'));
}

/** A kubeconfig for one cluster and one user, written to `dir` (default: a new temp dir). */
function kubeconfigFile(cluster: Record<string, unknown>, user: Record<string, unknown>, opts: { dir?: string; context?: string; text?: string } = {}): string {
  const dir = opts.dir ?? tempDir();
  const context = opts.context ?? 'prod';
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'arn:aws:eks:us-west-2:111122223333:cluster/prod', cluster }],
    users: [{ name: 'u', user }],
    contexts: [{ name: context, context: { cluster: 'arn:aws:eks:us-west-2:111122223333:cluster/prod', user: 'u' } }],
    'current-context': context,
  };
  const path = join(dir, 'config');
  writeFileSync(path, opts.text ?? yaml.dump(doc, { lineWidth: -1 }));
  return path;
}

/** `auth -o json` with a kubeconfig whose user is a client certificate and key, against `server`. */
function authWithClientCertificate(server: { url: string; caPem: string }, certPem: string, keyPem: string) {
  const kubeconfig = kubeconfigFile(
    { server: server.url, 'certificate-authority-data': Buffer.from(server.caPem).toString('base64') },
    { 'client-certificate-data': Buffer.from(certPem).toString('base64'), 'client-key-data': Buffer.from(keyPem).toString('base64') },
  );
  return cli(['auth', '--kubeconfig', kubeconfig, '--output', 'json', '--no-logs', '--timeout', '10s'], isolatedEnv({ AWS_EC2_METADATA_DISABLED: 'true' }));
}

/** A client certificate and key (CN alice), as a kubeconfig's client-certificate-data pair would carry them. */
function clientCertificate(): { certPem: string; keyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ name: 'commonName', value: 'alice' }]);
  cert.setIssuer([{ name: 'commonName', value: 'alice' }]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: privateKey };
}

/** Kubernetes' Status body for a 401 (apimachinery metav1.Status, as kube-apiserver writes it). */
const UNAUTHORIZED = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });

/** The secrets a scenario's principals hold (the ones the process can know by value). */
function principalSecrets(run: ScenarioRun): string[] {
  return run.scenario.principals.flatMap((p) => [p.secretAccessKey, p.sessionToken].filter((x): x is string => typeof x === 'string' && x.length > 0));
}

/** Runs `auth` once per output format (text with --verbose, so stderr is searched too) and returns everything printed. */
async function everyFormat(run: ScenarioRun, opts: { rewrite?: Rewrite; env?: Record<string, string> } = {}): Promise<string[]> {
  const outputs: string[] = [];
  for (const format of FORMATS) {
    const r = await runAuth(run, { ...opts, args: ['--output', format, ...(format === 'text' ? ['--verbose'] : [])] });
    outputs.push(r.stdout, r.stderr);
  }
  return outputs;
}

function expectNoneOf(outputs: string[], secrets: string[]): void {
  for (const secret of secrets) {
    const hits = outputs.filter((o) => o.includes(secret)).length;
    expect(hits, `secret ${secret.slice(0, 6)}… appears in ${hits} outputs`).toBe(0);
  }
}

describe('no false green: a check that could not run is not a pass (issue 14 §1)', () => {
  it.each(['500ms', '0.5s', '0s', '-1s'])('--timeout %s is a usage error (exit 2), not a run that skipped every check', async (value) => {
    const r = await cli(['auth', '--offline', '--timeout', value]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--timeout/);
  });

  it.concurrent('DescribeCluster answers 5xx every time → verdict incomplete, exit 1, and the checks that needed it say why', async () => {
    await withScenario('healthy-api', async (run) => {
      run.state.addFault({ service: 'eks', operation: 'DescribeCluster', kind: '5xx' });
      const o = await diagnose('DescribeCluster 5xx (persistent)', run);
      expect(o.report.verdict).not.toBe(GREEN);
      expect(o.code).toBe(1);
      expect(o.status('cluster')).toBe('error');
      expect(o.report.verdict).toBe('incomplete');
      expect(o.report.summary).toMatch(/^Incomplete: .*Could not check: EKS cluster/);
      expectWithinTimeout(o, 10);
    });
  }, 60_000);

  // The API server misbehaves at the HTTP level: never a pass, since nothing confirmed access.
  const misbehaving: [string, Parameters<typeof startFakeApiServer>[0]][] = [
    ['429 with Retry-After: 1, every time', (req, res) => {
      req.resume();
      res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'Too many requests, please try again later.', reason: 'TooManyRequests', code: 429 }));
    }],
    ['502 Bad Gateway, every time', (req, res) => {
      req.resume();
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html><body>502 Bad Gateway</body></html>');
    }],
    ['a reset on every request', (req) => {
      req.resume();
      req.socket.destroy();
    }],
    ['200 with a body that never ends', (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"kind":"SelfSubjectReview","status":{"userInfo":{"username":"');
      writeForever(res, 'a'.repeat(64 * 1024));
    }],
    ['302 to another server', (req, res) => {
      req.resume();
      res.writeHead(302, { location: 'https://127.0.0.1:1/elsewhere' });
      res.end();
    }],
  ];
  it.concurrent.each(misbehaving)('an API server answering %s → never a pass', async (name, handler) => {
    const run = await startScenario('healthy-api');
    const server = await startFakeApiServer(handler);
    try {
      const o = await diagnose(`API server: ${name}`, run, { rewrite: moveApiServer(run, server.url, server.caPem) });
      expect(server.hits()).toBeGreaterThan(0);
      expect(o.report.verdict, o.rules.join(', ')).not.toBe(GREEN);
      expect(o.code).toBe(1);
      expectWithinTimeout(o, 10);
    } finally {
      await server.close();
      await run.close();
    }
  }, 60_000);

  it.concurrent('a client certificate the API server refuses (401) → fail, "not an IAM identity" as the root cause, the certificate never printed', async () => {
    const { certPem, keyPem } = clientCertificate();
    const seen: string[] = [];
    const server = await startFakeApiServer((req, res) => {
      req.resume();
      seen.push(`${req.method} ${req.url}`);
      if (req.url === '/version') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"major":"1","minor":"32","gitVersion":"v1.32.1-eks-1"}');
      res.writeHead(401, { 'content-type': 'application/json' }).end(UNAUTHORIZED);
    });
    try {
      const r = await authWithClientCertificate(server, certPem, keyPem);
      const report = JSON.parse(r.stdout) as JsonReport;
      expect(report.verdict).toBe('fail');
      expect(report.rootCauses).toEqual(['identity/not-iam-credential']);
      expect(report.findings.map((f) => f.rule)).toContain('kube/unauthorized');
      expect(seen.some((s) => s.includes('selfsubjectreviews')), seen.join(', ')).toBe(true);
      expect(r.code).toBe(1);
      expect(r.stdout + r.stderr).not.toContain(keyPem.split('\n')[1]!);
    } finally {
      await server.close();
    }
  }, 60_000);

  it.concurrent('a client certificate the API server accepts and authorizes → the checks that apply pass (no guessing at IAM mappings)', async () => {
    const { certPem, keyPem } = clientCertificate();
    const server = await startFakeApiServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const json = (status: number, doc: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(doc));
        const cert = (req.socket as import('node:tls').TLSSocket).getPeerCertificate?.();
        if (req.url === '/version') return json(200, { major: '1', minor: '32', gitVersion: 'v1.32.1-eks-1' });
        if (!cert?.subject) return json(401, JSON.parse(UNAUTHORIZED));
        const sent = body ? (JSON.parse(body) as Record<string, unknown>) : {};
        if (req.url?.endsWith('/selfsubjectreviews')) return json(201, { ...sent, status: { userInfo: { username: 'alice', groups: ['system:masters', 'system:authenticated'] } } });
        if (req.url?.endsWith('/selfsubjectaccessreviews')) return json(201, { ...sent, status: { allowed: true, reason: 'system:masters' } });
        if (req.url?.endsWith('/selfsubjectrulesreviews')) return json(201, { ...sent, status: { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [], incomplete: false } });
        json(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
      });
    }, { requestCert: true });
    try {
      const r = await authWithClientCertificate(server, certPem, keyPem);
      const report = JSON.parse(r.stdout) as JsonReport;
      expect(report.rootCauses).toEqual([]);
      expect(report.findings.map((f) => f.rule)).toContain('kube/authenticated');
      expect(['pass', 'warn']).toContain(report.verdict);
      expect(r.code).toBe(0);
    } finally {
      await server.close();
    }
  }, 60_000);

  it.concurrent('a tokenFile (relative to the kubeconfig) with a service-account token the API server refuses → identity/not-iam-credential', async () => {
    await withScenario('service-account-token', async (run) => {
      editKubeconfig(run, (kc) => {
        const user = kc.users[0]!.user as Record<string, unknown>;
        writeFileSync(join(run.home, '.kube', 'sa-token'), String(user.token));
        delete user.token;
        user.tokenFile = 'sa-token';
      });
      const o = await diagnose('tokenFile: refused service-account token', run);
      expect(o.report.rootCauses).toEqual(['identity/not-iam-credential']);
      expect(o.rules).toContain('kube/unauthorized');
      expect(o.code).toBe(1);
      expectWithinTimeout(o, 10);
    });
  }, 60_000);

  it.concurrent('CloudWatch Logs answering 5xx every time → the logs check errors with a reason, never exit 3', async () => {
    await withScenario('healthy-api', async (run) => {
      run.state.addFault({ service: 'logs', kind: '5xx' });
      const o = await diagnose('Logs 5xx (persistent)', run);
      expect(o.status('logs')).toBe('error');
      expect(o.reason('logs')).toMatch(/\S/);
      // Kubernetes confirmed access, but a check that could not run leaves the diagnosis incomplete (SPEC §3, §4).
      expect(o.report.verdict).toBe('incomplete');
      expect(o.report.summary).toMatch(/the API server accepts you/);
      expect(o.code).toBe(1);
    });
  }, 60_000);

  it('a missing or directory --aws-auth-file is a usage error (exit 2)', async () => {
    const dir = tempDir();
    for (const file of [join(dir, 'missing.yaml'), dir]) {
      const r = await cli(['auth', '--offline', '--aws-auth-file', file]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/--aws-auth-file/);
    }
  });

  it.each([
    ['a duplicate key in the user', 'token: abc\n    token: def'],
    ['a second YAML document', 'token: abc\n---\nkind: Config'],
  ])('a static-token kubeconfig with %s is a finding, not exit 3', async (_name, tokenLines) => {
    const text = `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://ABCDEF0123456789.gr7.us-west-2.eks.amazonaws.com\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\nusers:\n- name: u\n  user:\n    ${tokenLines}\n`;
    const r = await cli(['auth', '--offline', '--kubeconfig', kubeconfigFile({}, {}, { text }), '--output', 'json']);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.findings.length).toBeGreaterThan(0);
    expect([0, 1]).toContain(r.code);
  });
});

describe('no secret in any output (issue 14 §2)', () => {
  it.concurrent('a 403 whose message quotes X-Amz-Security-Token and a signature: cluster/describe-denied, no token in any format', async () => {
    await withScenario('healthy-api', async (run) => {
      const unknownToken = 'FwoGZXIvYXdzEXAMPLEnotHeldByTheProcess0123456789abcdefghijklmnopqrstuvwxyz';
      const signature = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
      const [known] = principalSecrets(run).filter((s) => s.startsWith('IQoJ'));
      const rewrite: Rewrite = (call) =>
        call.operation === 'DescribeCluster'
          ? {
              status: 403,
              body: JSON.stringify({
                __type: 'AccessDeniedException',
                message: `User: arn:aws:sts::111122223333:assumed-role/developer/bob is not authorized to perform: eks:DescribeCluster (request https://eks.us-west-2.amazonaws.com/clusters/prod?X-Amz-Security-Token=${known}&X-Amz-Signature=${signature}, x-amz-security-token: ${unknownToken})`,
              }),
            }
          : undefined;
      const outputs = await everyFormat(run, { rewrite });
      expect(outputs.join('\n')).toContain('cluster/describe-denied');
      expectNoneOf(outputs, [known!, unknownToken, signature, ...principalSecrets(run)]);
    });
  }, 120_000);

  it.concurrent('exec-plugin stderr in `aws --debug` form (token headers, Authorization signature) never reaches a report', async () => {
    await withScenario('healthy-api', async (run) => {
      const unknownToken = 'IQoJb3JpZ2luX2VjEXAMPLEaNotHeldByTheProcessTokenValue0000000000000000000000';
      const signature = '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0';
      const [known] = principalSecrets(run).filter((s) => s.startsWith('IQoJ'));
      const plugin = plugins.write(
        run,
        [
          `echo "2026-12-01 03:00:00,000 - MainThread - botocore.endpoint - DEBUG - Sending http request: <AWSPreparedRequest method=POST, headers={'X-Amz-Security-Token': b'${known}', 'Authorization': b'AWS4-HMAC-SHA256 Credential=ASIAEXAMPLEDEVELOPR1/20261201/us-west-2/sts/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=${signature}'}>" >&2`,
          `echo "x-amz-security-token:${unknownToken}" >&2`,
          `echo "aws_security_token = ${unknownToken}" >&2`,
          'echo "An error occurred (ExpiredToken) when calling the GetCallerIdentity operation" >&2',
          'exit 255',
        ].join('\n'),
      );
      editKubeconfig(run, (kc) => (kc.users[0]!.user.exec.command = plugin.path));
      const outputs = await everyFormat(run);
      expect(outputs.join('\n')).toContain('identity/token-generation-failed');
      expectNoneOf(outputs, [known!, unknownToken, signature]);
    });
  }, 120_000);

  it.concurrent('credential_process stderr (the SDK quotes it in its error) never reaches a report', async () => {
    await withScenario('healthy-api', async (run) => {
      const leaked = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYPROCESSLEAK01';
      const script = join(run.home, 'credential-process.sh');
      writeFileSync(script, `#!/bin/sh\necho "aws_secret_access_key=${leaked}" >&2\necho "{\\"Version\\": 1, \\"AccessKeyId\\": \\"ASIA\\", \\"SecretAccessKey\\": \\"${leaked}\\"" \nexit 1\n`, { mode: 0o755 });
      appendFileSync(join(run.home, '.aws', 'config'), `\n[profile broken]\ncredential_process = ${script}\n`);
      const outputs = await everyFormat(run, { env: { AWS_PROFILE: 'broken' } });
      expectNoneOf(outputs, [leaked]);
    });
  }, 120_000);
});

describe('every input and every wait bounded (issue 14 §3)', () => {
  it.concurrent('an endless DescribeCluster body: the cluster check errors on the size cap, memory stays small, --timeout holds', async () => {
    await withScenario('healthy-api', async (run) => {
      const endless: Intercept = (call, _req, res) => {
        if (call.operation !== 'DescribeCluster') return false;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"cluster":{"name":"prod","tags":{"x":"');
        writeForever(res, 'a'.repeat(256 * 1024));
        return true;
      };
      const o = await diagnose('endless DescribeCluster body', run, { intercept: endless, peakRss: true });
      expect(o.status('cluster')).toBe('error');
      expect(o.reason('cluster')).toMatch(/MiB|limit|larger|too large/i);
      expect(o.peakRssMb, 'peak RSS (MB)').toBeLessThan(400);
      expectWithinTimeout(o, 10);
    });
  }, 90_000);

  it('a FIFO as kubeconfig, as certificate-authority, as --aws-auth-file, as lint argument: each ends at once, with a finding or usage error', async () => {
    const dir = tempDir();
    const pipe = fifo(dir, 'pipe');
    const asKubeconfig = await cli(['auth', '--offline', '--kubeconfig', pipe, '--output', 'json']);
    expect(JSON.parse(asKubeconfig.stdout).findings.map((f: { rule: string }) => f.rule)).toContain('kubeconfig/invalid');
    expect(asKubeconfig.stdout).toMatch(/not a regular file/);

    const withCa = kubeconfigFile({ server: 'https://ABCDEF0123456789.gr7.us-west-2.eks.amazonaws.com', 'certificate-authority': pipe }, { token: 'abc' });
    const asCa = await cli(['auth', '--kubeconfig', withCa, '--output', 'json', '--timeout', '5s'], isolatedEnv({ AWS_EC2_METADATA_DISABLED: 'true' }));
    expect(asCa.stdout).toMatch(/certificate-authority .*not a regular file/);

    const asAwsAuth = await cli(['auth', '--offline', '--aws-auth-file', pipe]);
    expect(asAwsAuth.code).toBe(2);
    expect(asAwsAuth.stderr).toMatch(/not a regular file/);

    const asLint = await cli(['lint', pipe, '--output', 'json']);
    expect(asLint.stdout + asLint.stderr).toMatch(/not a regular file/);
    expect(asLint.code).not.toBe(0);
  }, 60_000);

  it('$GITHUB_STEP_SUMMARY pointing at a FIFO: the report still prints, stderr says why the summary was skipped', async () => {
    const dir = tempDir();
    const pipe = fifo(dir, 'summary');
    const kubeconfig = kubeconfigFile({ server: 'https://ABCDEF0123456789.gr7.us-west-2.eks.amazonaws.com' }, { token: 'abc' });
    const r = await cli(['auth', '--offline', '--kubeconfig', kubeconfig, '--output', 'github'], isolatedEnv({ GITHUB_STEP_SUMMARY: pipe }));
    expect(r.stdout).toMatch(/kubeconfig\/static-token/);
    expect(r.stderr).toMatch(/GITHUB_STEP_SUMMARY/);
  }, 30_000);

  it('certificate-authority: /dev/zero is refused before it is read', async () => {
    const kubeconfig = kubeconfigFile({ server: 'https://ABCDEF0123456789.gr7.us-west-2.eks.amazonaws.com', 'certificate-authority': '/dev/zero' }, { token: 'abc' });
    const r = await runEksdoctor(['auth', '--kubeconfig', kubeconfig, '--output', 'json', '--timeout', '5s'], isolatedEnv({ AWS_EC2_METADATA_DISABLED: 'true' }), 30_000, { peakRss: true });
    expectNoCrash(r);
    expect(r.stdout).toMatch(/certificate-authority .*not a regular file/);
    expect(r.peakRssMb).toBeLessThan(200);
  }, 30_000);

  it.concurrent('--all-contexts with 200 contexts, 100 of them hanging, and --timeout 15s: one deadline for the fleet', async () => {
    await withScenario('healthy-api', async (run) => {
      const hang = await startSilentServer();
      const hangUrl = hang.url;
      const refusedUrl = `https://127.0.0.1:${await closedPort()}`;
      try {
        const names = Array.from({ length: 200 }, (_, i) => `arn:aws:eks:us-west-2:111122223333:cluster/fleet-${i}`);
        const doc = {
          apiVersion: 'v1',
          kind: 'Config',
          clusters: names.map((name, i) => ({ name, cluster: { server: i % 2 ? hangUrl : refusedUrl, 'certificate-authority-data': Buffer.from(run.caPem).toString('base64') } })),
          users: [{ name: 'u', user: { token: 'static-fleet-token' } }],
          contexts: names.map((name) => ({ name, context: { cluster: name, user: 'u' } })),
          'current-context': names[0],
        };
        writeFileSync(run.kubeconfigPath, yaml.dump(doc, { lineWidth: -1 }));
        const r = await runEksdoctor(['auth', '--all-contexts', '--output', 'json', '--timeout', '15s'], run.env, 120_000);
        expectNoCrash(r);
        const fleet = JSON.parse(r.stdout) as { verdict: string; durationMs: number; reports: JsonReport[] };
        figures.push({ name: '--all-contexts: 200 contexts, 100 hanging (--timeout 15s)', rules: fleet.verdict, ms: r.ms, code: r.code, checks: '' });
        expect(fleet.reports).toHaveLength(200);
        expect(fleet.reports.every((c) => c.verdict !== GREEN)).toBe(true);
        expect(fleet.verdict).not.toBe(GREEN);
        expect(r.code).toBe(1);
        expectWithinTimeout({ report: fleet as unknown as JsonReport, ms: r.ms, afterReportMs: afterReportMs(r) }, 15);
      } finally {
        hang.close();
      }
    });
  }, 150_000);
});

describe("kubectl's behaviour where kubectl works (issue 14 §4)", () => {
  it.concurrent('a relative certificate-authority is read from the kubeconfig directory, not the working directory', async () => {
    await withScenario('healthy-api', async (run) => {
      writeFileSync(join(run.home, '.kube', 'ca.crt'), run.caPem);
      editKubeconfig(run, (kc) => {
        delete kc.clusters[0]!.cluster['certificate-authority-data'];
        kc.clusters[0]!.cluster['certificate-authority'] = 'ca.crt';
      });
      const r = await runEksdoctor(['auth', '--output', 'json', '--timeout', '10s'], run.env, 60_000, { cwd: tmpdir() });
      expectNoCrash(r);
      const report = JSON.parse(r.stdout) as JsonReport;
      expect(report.verdict, report.findings.map((f) => f.rule).join(', ')).toBe('pass');
      expect(r.code).toBe(0);
    });
  }, 60_000);

  it.concurrent('a certificate-authority file that does not exist is a finding, not a fallback to the system CAs', async () => {
    await withScenario('healthy-api', async (run) => {
      editKubeconfig(run, (kc) => {
        delete kc.clusters[0]!.cluster['certificate-authority-data'];
        kc.clusters[0]!.cluster['certificate-authority'] = 'missing-ca.crt';
      });
      const o = await diagnose('missing certificate-authority file', run);
      const f = o.report.findings.find((x) => x.rule === 'kubeconfig/invalid');
      expect(f, o.rules.join(', ')).toBeDefined();
      expect(String(f!.evidence.message)).toMatch(/certificate-authority .*does not exist/);
      expect(o.code).toBe(1);
    });
  }, 60_000);

  describe('proxies as client-go uses them: a CONNECT tunnel, NO_PROXY, proxy-url, tls-server-name', () => {
    /** A CONNECT proxy that resolves `kube.proxied.test` to loopback and records what crossed it. */
    async function startConnectProxy() {
      const connects: string[] = [];
      let tunnelled = '';
      const server = createHttpServer();
      server.on('connect', (req, client: Socket, head: Buffer) => {
        connects.push(req.url ?? '');
        const [, port] = /:(\d+)$/.exec(req.url ?? '') ?? [];
        const upstream = connect(Number(port), '127.0.0.1', () => {
          client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          upstream.write(head);
          client.on('data', (d: Buffer) => (tunnelled += d.toString('latin1')));
          client.pipe(upstream).pipe(client);
        });
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        connects,
        tunnelled: () => tunnelled,
        close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
      };
    }

    /** The API server as `https://kube.proxied.test:<port>`, a name only the proxy resolves; TLS checks the name `localhost`. */
    function behindProxy(run: ScenarioRun, edit?: (cluster: Record<string, unknown>) => void): { url: string; rewrite: Rewrite } {
      const url = run.kubeUrl.replace('127.0.0.1', 'kube.proxied.test');
      editKubeconfig(run, (kc) => {
        kc.clusters[0]!.cluster.server = url;
        kc.clusters[0]!.cluster['tls-server-name'] = 'localhost';
        edit?.(kc.clusters[0]!.cluster);
      });
      return { url, rewrite: moveEndpoint(run, { url }) };
    }

    /** healthy-api behind a CONNECT proxy on loopback, the proxy closed after the test. */
    async function behindAProxy(test: (proxy: Awaited<ReturnType<typeof startConnectProxy>>, run: ScenarioRun) => Promise<void>): Promise<void> {
      const proxy = await startConnectProxy();
      try {
        await withScenario('healthy-api', (run) => test(proxy, run));
      } finally {
        await proxy.close();
      }
    }

    it.concurrent('HTTPS_PROXY: the API is reached through a CONNECT tunnel, and the token never crosses the proxy in clear', async () => {
      await behindAProxy(async (proxy, run) => {
        const { url, rewrite } = behindProxy(run);
        const o = await diagnose('HTTPS_PROXY CONNECT tunnel + tls-server-name', run, { rewrite, env: { HTTPS_PROXY: proxy.url } });
        expect(o.report.verdict, o.rules.join(', ')).toBe('pass');
        expect(proxy.connects).toContain(new URL(url).host);
        expect(proxy.tunnelled()).not.toContain('k8s-aws-v1.');
        expect(proxy.tunnelled()).not.toMatch(/authorization:/i);
      });
    }, 60_000);

    it.concurrent('proxy-url in the kubeconfig cluster: the same tunnel without any environment', async () => {
      await behindAProxy(async (proxy, run) => {
        const { rewrite } = behindProxy(run, (cluster) => (cluster['proxy-url'] = proxy.url));
        const o = await diagnose('kubeconfig proxy-url', run, { rewrite });
        expect(o.report.verdict, o.rules.join(', ')).toBe('pass');
        expect(proxy.connects.length).toBeGreaterThan(0);
      });
    }, 60_000);

    it.concurrent('NO_PROXY naming the host: no tunnel, so the name does not resolve → endpoint-unreachable at stage dns', async () => {
      await behindAProxy(async (proxy, run) => {
        const { rewrite } = behindProxy(run);
        const o = await diagnose('NO_PROXY bypasses the proxy', run, { rewrite, env: { HTTPS_PROXY: proxy.url, NO_PROXY: '.proxied.test' } });
        const f = o.report.findings.find((x) => x.rule === 'cluster/endpoint-unreachable');
        expect(f, o.rules.join(', ')).toBeDefined();
        expect(f!.evidence.stage).toBe('dns');
        expect(proxy.connects).toEqual([]);
      });
    }, 60_000);
  });

  it.concurrent('the API server throttles twice (429, Retry-After: 1) → retried as client-go does, then a pass', async () => {
    await withScenario('healthy-api', async (run) => {
      run.state.addFault({ service: 'kube', operation: '/apis/authentication.k8s.io', kind: 'throttle', count: 2 });
      const o = await diagnose('kube API 429 ×2 then success', run);
      expect(o.report.verdict, o.rules.join(', ')).toBe('pass');
      expect(run.state.requests.filter((q) => q.service === 'kube' && q.status === 429).length).toBe(2);
      expect(o.code).toBe(0);
    });
  }, 60_000);

  it.concurrent('a TCP connection whose TLS handshake never completes → cluster/endpoint-unreachable, not cluster/tls-error', async () => {
    await withScenario('healthy-api', async (run) => {
      const silent = await startSilentServer();
      try {
        const url = silent.url;
        editKubeconfig(run, (kc) => (kc.clusters[0]!.cluster.server = url));
        const o = await diagnose('TLS handshake never completes', run, { rewrite: moveEndpoint(run, { url }) });
        expect(o.rules).toContain('cluster/endpoint-unreachable');
        expect(o.rules).not.toContain('cluster/tls-error');
        expect(o.code).toBe(1);
        expectWithinTimeout(o, 10);
      } finally {
        silent.close();
      }
    });
  }, 60_000);

  it.concurrent('a role profile with mfa_serial → identity/mfa-required, and no fix that rewrites the profile (`aws configure`)', async () => {
    await withScenario('healthy-api', async (run) => {
      appendFileSync(
        join(run.home, '.aws', 'config'),
        '\n[profile ops]\nrole_arn = arn:aws:iam::111122223333:role/developer\nsource_profile = default\nmfa_serial = arn:aws:iam::111122223333:mfa/alice\n',
      );
      editKubeconfig(run, (kc) => (kc.users[0]!.user.exec.env = [{ name: 'AWS_PROFILE', value: 'ops' }]));
      const o = await diagnose('MFA profile', run, { env: { AWS_PROFILE: 'ops' } });
      expect(o.rules).toContain('identity/mfa-required');
      expect(o.rules).not.toContain('identity/no-credentials');
      const commands = JSON.stringify(o.report.findings.map((f) => (f as { fix?: unknown }).fix));
      expect(commands).not.toMatch(/aws configure(?! (get|list|export-credentials|sso))/);
      expect(o.code).toBe(1);
    });
  }, 60_000);

  it.concurrent("an exec plugin whose --region is not the cluster's: a warning, the cluster still found in its own region", async () => {
    await withScenario('healthy-api', async (run) => {
      editKubeconfig(run, (kc) => {
        const args = kc.users[0]!.user.exec.args!;
        args[args.indexOf('--region') + 1] = 'us-east-1';
      });
      const o = await diagnose('exec --region us-east-1, cluster in us-west-2', run, { env: { AWS_REGION: '', AWS_DEFAULT_REGION: '' } });
      expect(o.rules).toContain('kubeconfig/region-mismatch');
      expect(o.rules).not.toContain('cluster/not-found');
      expect(o.report.verdict).toBe('warn');
      expect(o.code).toBe(0);
    });
  }, 60_000);
});

describe('untrusted text is inert (issue 14 §5)', () => {
  it.each(['text', 'markdown', 'github'] as const)('an OSC 52 sequence and a BEL in a context name never reach the terminal (%s)', async (format) => {
    const context = 'prod\u001b]52;c;ZWNobyBwd25lZA==\u0007\u009b2J';
    const kubeconfig = kubeconfigFile({ server: 'https://ABCDEF0123456789.gr7.us-west-2.eks.amazonaws.com' }, { token: 'abc' }, { context });
    const r = await cli(['auth', '--offline', '--kubeconfig', kubeconfig, '--output', format]);
    expect(r.stdout).toMatch(/prod/);
    // eslint-disable-next-line no-control-regex
    expect(r.stdout + r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });
});
