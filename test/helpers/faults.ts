/**
 * Fault-injection tools shared by the fault and reliability suites: diagnose a started scenario
 * through a recording proxy that can rewrite AWS answers, move the API endpoint to a server the test
 * runs, and write exec plugins that misbehave. Each diagnosis asserts the failure contract every run
 * keeps (no exit 3, no stack trace, not killed) and records one line for the suite's figures.
 */
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { expect } from 'vitest';
import forge from 'node-forge';
import { createServingCertificates } from '../../packages/eks-emulator/src/kube/tls.js';
import { runEksdoctor, startRecordingProxy, STACK_FRAME, type JsonReport, type ProxiedCall, type ScenarioRun, type TimedResult, type UpstreamReply } from './emulator.js';

export interface Outcome {
  report: JsonReport;
  code: number | null;
  /** Wall time of the whole process, start to exit. */
  ms: number;
  /** Wall time from the report on stdout to the process's end (its stdout and stderr closed). */
  afterReportMs: number;
  stdout: string;
  stderr: string;
  status: (check: string) => string | undefined;
  reason: (check: string) => string | undefined;
  rules: string[];
  /** Peak resident set of the CLI (when asked for with `peakRss`). */
  peakRssMb?: number;
}

export interface Figure {
  name: string;
  rules: string;
  ms: number;
  code: number | null;
  checks: string;
}

/**
 * The time a run may take to end once its report is out: exit, and whatever could hold it open (a plugin's
 * child keeping stdout, an unclosed socket). Generous, because CI runs these beside other suites on two busy
 * cores; the promise under test is `durationMs` ≤ --timeout, which the report measures itself. Process start
 * and module loading are CPU work a loaded machine stretches at will: `npm run bench` measures them.
 */
export const PROCESS_MARGIN_MS = 8_000;
/** The engine's own slack past --timeout: a check's last call is given the remaining time less a margin. */
export const DEADLINE_SLACK_MS = 1_500;

/** The run kept --timeout: its report says so, and the process ended once the report was out. */
export function expectWithinTimeout(o: Pick<Outcome, 'report' | 'ms' | 'afterReportMs'>, timeoutS: number): void {
  expect(o.report.durationMs, `durationMs ${o.report.durationMs} within --timeout ${timeoutS}s`).toBeLessThanOrEqual(timeoutS * 1000 + DEADLINE_SLACK_MS);
  expect(o.afterReportMs, `process ended ${Math.round(o.afterReportMs)} ms after its report (process ${Math.round(o.ms)} ms, report ${o.report.durationMs} ms)`).toBeLessThan(PROCESS_MARGIN_MS);
}

/** `ms - outputMs` of a run whose stdout is its report (the whole run when nothing was printed: then the report check fails first). */
export function afterReportMs(r: Pick<TimedResult, 'ms' | 'outputMs'>): number {
  return r.ms - (r.outputMs ?? 0);
}

export type Rewrite = NonNullable<NonNullable<Parameters<typeof startRecordingProxy>[1]>['rewrite']>;

export interface AuthRunOptions {
  rewrite?: Rewrite;
  intercept?: Intercept;
  timeoutS?: number;
  /** More arguments (after `auth`, the scenario's own and `--timeout`). */
  args?: string[];
  env?: Record<string, string>;
  peakRss?: boolean;
}

/** Runs `auth` for a started scenario with AWS behind a recording proxy; the process contract (no crash) asserted. */
export async function runAuth(run: ScenarioRun, opts: AuthRunOptions = {}): Promise<TimedResult> {
  const proxy = await startRecordingProxy(run.awsUrl, { rewrite: opts.rewrite, intercept: opts.intercept });
  run.state.addStsEndpoint(proxy.url); // kubectl's token is presigned for the proxy, which forwards to the emulator's STS
  const timeoutS = opts.timeoutS ?? 10;
  try {
    const r = await runEksdoctor(['auth', ...run.runArgs, '--timeout', `${timeoutS}s`, ...(opts.args ?? [])], { ...run.env, AWS_ENDPOINT_URL: proxy.url, ...opts.env }, (timeoutS + 60) * 1000, {
      peakRss: opts.peakRss,
    });
    expectNoCrash(r);
    return r;
  } finally {
    await proxy.close();
  }
}

/** Runs `auth --output json` for a started scenario (see runAuth) and records a line for the suite's figures. */
export async function diagnose(figures: Figure[], name: string, run: ScenarioRun, opts: AuthRunOptions = {}): Promise<Outcome> {
  const timeoutS = opts.timeoutS ?? 10;
  const r = await runAuth(run, { ...opts, args: ['--output', 'json', ...(opts.args ?? [])] });
  const report = JSON.parse(r.stdout) as JsonReport;
  const rules = report.findings.map((f) => f.rule);
  figures.push({
    name: `${name} (--timeout ${timeoutS}s)${r.peakRssMb ? `, peak RSS ${r.peakRssMb.toFixed(0)} MB` : ''}`,
    rules: report.findings.filter((f) => f.severity !== 'info').map((f) => f.rule).join(', ') || '(no error or warning)',
    ms: r.ms,
    code: r.code,
    checks: report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}=${c.status}${c.status === 'error' ? ` (${c.reason})` : ''}`).join(' '),
  });
  return {
    report,
    code: r.code,
    ms: r.ms,
    afterReportMs: afterReportMs(r),
    stdout: r.stdout,
    stderr: r.stderr,
    rules,
    peakRssMb: r.peakRssMb,
    status: (id) => report.checks.find((c) => c.id === id)?.status,
    reason: (id) => report.checks.find((c) => c.id === id)?.reason,
  };
}

/** SPEC §3: whatever went wrong outside, the process neither crashed (exit 3, a stack) nor was killed. */
export function expectNoCrash(r: { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }): void {
  expect(r.stderr, 'no stack trace').not.toMatch(STACK_FRAME);
  expect(r.stdout, 'no stack trace').not.toMatch(STACK_FRAME);
  expect(r.code, `not an internal error (stderr: ${r.stderr.slice(0, 300)})`).not.toBe(3);
  expect(r.signal).toBeNull();
}

export function printFigures(suite: string, figures: Figure[]): void {
  console.log(`${suite}: ${figures.length} runs`);
  for (const f of figures) console.log(`  ${f.name.padEnd(64)} ${(f.ms / 1000).toFixed(2).padStart(6)} s  exit ${f.code}  ${f.rules}  | not pass: ${f.checks || '-'}`);
}

/** Lets a test answer an AWS call itself (stream an endless body, reset the socket): return true when it did. */
export type Intercept = (call: ProxiedCall, req: IncomingMessage, res: ServerResponse) => boolean;

export interface KubeconfigDoc {
  clusters: { name: string; cluster: Record<string, unknown> & { server: string } }[];
  contexts: { name: string; context: Record<string, unknown> }[];
  users: { name: string; user: Record<string, unknown> & { exec: { command: string; args?: string[]; env?: unknown } } }[];
  'current-context'?: string;
}

/** Rewrites the isolated kubeconfig (server, CA, exec command) of a started scenario. */
export function editKubeconfig(run: ScenarioRun, edit: (doc: KubeconfigDoc) => void): void {
  const doc = yaml.load(readFileSync(run.kubeconfigPath, 'utf8')) as KubeconfigDoc;
  edit(doc);
  writeFileSync(run.kubeconfigPath, yaml.dump(doc, { lineWidth: -1 }));
}

/** In EKS answers, the emulator's API server URL and CA replaced (DescribeCluster's endpoint and certificateAuthority). */
export function moveEndpoint(run: ScenarioRun, to: { url?: string; caPem?: string }): Rewrite {
  return (call: ProxiedCall, reply: UpstreamReply) => {
    if (call.service !== 'eks') return undefined;
    let body = reply.body.toString('utf8');
    if (to.url) body = body.split(run.kubeUrl).join(to.url);
    if (to.caPem) body = body.split(Buffer.from(run.caPem).toString('base64')).join(Buffer.from(to.caPem).toString('base64'));
    return { body };
  };
}

/** Points both the kubeconfig and EKS's answers at `url` served with `caPem`. */
export function moveApiServer(run: ScenarioRun, url: string, caPem: string): Rewrite {
  editKubeconfig(run, (kc) => {
    kc.clusters[0]!.cluster.server = url;
    kc.clusters[0]!.cluster['certificate-authority-data'] = Buffer.from(caPem).toString('base64');
  });
  return moveEndpoint(run, { url, caPem });
}

export interface FakeApiServer {
  url: string;
  caPem: string;
  hits: () => number;
  close(): Promise<void>;
}

/** An HTTPS server on loopback with a CA of its own, answering every request with `handler`. */
export async function startFakeApiServer(handler: (req: IncomingMessage, res: ServerResponse, hit: number) => void, tls: { requestCert?: boolean } = {}): Promise<FakeApiServer> {
  const certs = await createServingCertificates('fake-apiserver');
  let hits = 0;
  // requestCert: ask for a client certificate and let the handler judge it (any CA, as a test fixture).
  const server: HttpsServer = createHttpsServer({ key: certs.keyPem, cert: certs.certPem, requestCert: tls.requestCert, rejectUnauthorized: false }, (req, res) => handler(req, res, ++hits));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    caPem: certs.caPem,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A CA with its own fresh key, named `kubernetes` like every EKS cluster CA. Not the emulator's
 * createServingCertificates: it reuses one key pair per process, so its "other" CAs would verify
 * the emulator's certificate.
 */
export function freshCaPem(): string {
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
export async function closedPort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/**
 * Whether a process still runs. A killed child reparented to an init that does not reap (this
 * sandbox's PID 1) lingers as a zombie, which `kill(pid, 0)` still finds: read its state instead.
 */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    if (existsSync('/proc/self/stat')) return false; // no /proc entry: gone
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

/** Exec plugins written by a suite, and the PIDs they (and their children) recorded. */
export class PluginFactory {
  private readonly pidFiles: string[] = [];

  /** A plugin named `aws` (so version checks and EKS detection treat it as the AWS CLI) running `body`. */
  write(run: ScenarioRun, body: string): { path: string; pids: string } {
    const dir = mkdtempSync(join(run.home, 'plugin-'));
    const path = join(dir, 'aws');
    const pids = join(dir, 'pids');
    this.pidFiles.push(pids);
    writeFileSync(
      path,
      `#!/bin/sh\necho $$ >> "${pids}"\nif [ "$1" = "--version" ]; then echo "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exe/x86_64.debian.12"; exit 0; fi\n${body}\n`,
    );
    chmodSync(path, 0o755);
    return { path, pids };
  }

  /** PIDs a plugin recorded that are still alive. */
  static alive(pidFile: string): number[] {
    if (!existsSync(pidFile)) return [];
    return readFileSync(pidFile, 'utf8')
      .split(/\s+/)
      .filter(Boolean)
      .map(Number)
      .filter(isRunning);
  }

  /** Ends whatever the plugins left behind (after the tests: a leftover is the test's failure, not the machine's). */
  killAll(): void {
    for (const file of this.pidFiles) {
      for (const pid of PluginFactory.alive(file)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  }
}

/** Writes `chunk` to `res` for as long as the client reads: a body that never ends (bounded only by the reader). */
export function writeForever(res: ServerResponse, chunk: string): void {
  const pump = () => {
    if (res.destroyed) return;
    if (res.write(chunk)) setImmediate(pump);
    else res.once('drain', pump);
  };
  pump();
}

/** A TCP server on loopback that accepts and never says a word (a hung endpoint, a TLS handshake that never ends). */
export async function startSilentServer(): Promise<{ url: string; close(): void }> {
  const sockets: Socket[] = [];
  const server = createNetServer((s) => void sockets.push(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close() {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}
