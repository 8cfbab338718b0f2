/**
 * End-to-end harness for the reliability and security tests (SPEC §7): starts the embedded emulator
 * in this process (so the test can read `state.requests` and the secrets STS issued), writes the
 * isolated HOME a scenario's user would have, and runs the built CLI against it as a user would.
 */
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_GET_TOKEN } from '../../packages/eks-emulator/src/home.js';
import { isolatedEnv, loadScenario, materializeHome, startEmulator, type EmulatorState } from '../../packages/eks-emulator/src/index.js';
import type { Scenario } from '../../packages/eks-emulator/src/scenario.js';
import type { IssuedIdentity } from '../../packages/eks-emulator/src/state.js';
import { BIN } from './cli.js';

export interface ScenarioRun {
  scenario: Scenario;
  state: EmulatorState;
  awsUrl: string;
  kubeUrl: string;
  caPem: string;
  home: string;
  kubeconfigPath: string;
  /** The environment to run the CLI with: the host's minus AWS_* and KUBECONFIG, plus the scenario's. */
  env: Record<string, string>;
  /** Sessions STS issued through AssumeRole during the run (their secret key and session token). */
  issued: IssuedIdentity[];
  /** Every ExecCredential the exec plugin printed (when started with `captureTokens`). */
  capturedTokens(): string[];
  /** How many times the exec plugin ran (when started with `captureTokens`). */
  capturedRuns(): number;
  /** `--profile`/`--principal` the scenario is meant to be diagnosed with (as `demo` passes them). */
  runArgs: string[];
  close(): Promise<void>;
}

export interface StartOptions {
  /** Change the loaded scenario before the emulator starts (faults, canAssume, a kubeconfig override…). */
  edit?: (s: Scenario) => void;
  /**
   * Wrap the exec plugin so every token it prints is also appended to a file the test can read, and its
   * AWS calls carry `app/${PLUGIN_APP_ID}` in their User-Agent.
   */
  captureTokens?: boolean;
}

export async function startScenario(name: string, opts: StartOptions = {}): Promise<ScenarioRun> {
  const scenario = loadScenario(name);
  opts.edit?.(scenario);
  const emulator = await startEmulator(scenario);
  const issued: IssuedIdentity[] = [];
  const issue = emulator.state.issueRoleSession.bind(emulator.state);
  emulator.state.issueRoleSession = (roleArn: string, sessionName: string) => {
    const identity = issue(roleArn, sessionName);
    issued.push(identity);
    return identity;
  };
  const home = mkdtempSync(join(tmpdir(), `eksdoctor-e2e-${scenario.name}-`));
  const { env, kubeconfigPath } = materializeHome(emulator, home, { exec: 'builtin' });
  const captureFile = join(home, 'exec-credentials.log');
  if (opts.captureTokens) wrapExecPlugin(kubeconfigPath, home, captureFile);
  const runArgs = [
    ...(scenario.run?.profile ? ['--profile', scenario.run.profile] : []),
    ...(scenario.run?.principal ? ['--principal', scenario.run.principal] : []),
  ];
  return {
    scenario,
    state: emulator.state,
    awsUrl: emulator.awsUrl,
    kubeUrl: emulator.kubeUrl,
    caPem: emulator.caPem,
    home,
    kubeconfigPath,
    env: isolatedEnv(process.env, { ...env, NO_COLOR: '1' }),
    issued,
    capturedTokens: () => {
      try {
        return readFileSync(captureFile, 'utf8')
          .split('\n')
          .flatMap((line) => /"token":\s*"([^"]+)"/.exec(line)?.[1] ?? []);
      } catch {
        return [];
      }
    },
    capturedRuns: () => {
      try {
        return readFileSync(captureFile, 'utf8').split('\n').length - 1;
      } catch {
        return 0;
      }
    },
    runArgs,
    close: async () => {
      await emulator.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** The User-Agent `app/` ID of the exec plugin's AWS calls when it runs through the capture wrapper. */
export const PLUGIN_APP_ID = 'eksdoctor-exec-plugin';

/**
 * Replaces the builtin `eksdoctor-aws` in the kubeconfig with a script of the same name that runs
 * it and appends its stdout (the ExecCredential with the token) to `captureFile`, so the secrets
 * test knows the exact bearer tokens that were handed to eksdoctor. Exit code and stderr pass through.
 */
function wrapExecPlugin(kubeconfigPath: string, home: string, captureFile: string): void {
  const dir = mkdtempSync(join(home, 'bin-'));
  const wrapper = join(dir, 'eksdoctor-aws');
  writeFileSync(
    wrapper,
    `#!/bin/sh\n# Tag the plugin's own AWS calls (SDK v3 adds app/<id> to its User-Agent) so tests can tell them from eksdoctor's.\nAWS_SDK_UA_APP_ID=${PLUGIN_APP_ID}\nexport AWS_SDK_UA_APP_ID\nout=$("${BUILTIN_GET_TOKEN}" "$@")\nrc=$?\nprintf '%s\\n' "$out" | tr -d '\\n' >> "${captureFile}"\necho >> "${captureFile}"\nprintf '%s\\n' "$out"\nexit $rc\n`,
  );
  chmodSync(wrapper, 0o755);
  const kubeconfig = readFileSync(kubeconfigPath, 'utf8');
  if (!kubeconfig.includes(BUILTIN_GET_TOKEN)) return; // a scenario with another (missing) command or a static token
  writeFileSync(kubeconfigPath, kubeconfig.split(BUILTIN_GET_TOKEN).join(wrapper));
}

export interface TimedResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /**
   * From spawn to the last bytes on stdout (for `auth`, the report: it is written once, at the end), so
   * `ms - outputMs` is how long the process took to end after its report; undefined when stdout stayed empty.
   */
  outputMs?: number;
  /** The process's peak resident set (VmHWM, Linux), when asked for with `peakRss`. */
  peakRssMb?: number;
}

/**
 * Runs `node bin/eksdoctor ...args` with `env`; kills it after `killAfterMs` (a safety net: a run
 * that needs it has already broken its --timeout contract, and the test says so).
 */
export function runEksdoctor(args: string[], env: NodeJS.ProcessEnv, killAfterMs = 90_000, opts: { peakRss?: boolean; cwd?: string } = {}): Promise<TimedResult> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: opts.cwd });
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    let outputMs: number | undefined;
    const sampleRss = () => {
      try {
        const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
        peakKb = Math.max(peakKb, kb);
      } catch {
        // exited between samples
      }
    };
    const sampler = opts.peakRss ? setInterval(sampleRss, 50) : undefined;
    child.stdout.on('data', (d) => {
      stdout += d;
      outputMs = performance.now() - started;
    });
    child.stderr.on('data', (d) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', (e) => {
      clearTimeout(killer);
      clearInterval(sampler);
      fail(e);
    });
    child.on('exit', () => clearInterval(sampler));
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      done({ code, signal, stdout, stderr, ms: performance.now() - started, outputMs, ...(opts.peakRss ? { peakRssMb: peakKb / 1024 } : {}) });
    });
  });
}

export { mapLimit } from '../../src/shared/pool.js';

/** Node's and V8's stack frame shape (`    at fn (file:line:col)`), which no output may contain. */
export const STACK_FRAME = /^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)$/m;

export interface JsonReport {
  verdict: string;
  summary: string;
  rootCauses: string[];
  checks: { id: string; status: string; reason?: string; durationMs: number }[];
  findings: { rule: string; severity: string; check: string; title: string; detail?: string; evidence: Record<string, unknown> }[];
  durationMs: number;
}

export interface ProxiedCall {
  service: string;
  operation: string;
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
  /** The SigV4 access key (Authorization header or presigned X-Amz-Credential). */
  accessKeyId: string;
  /** `header` (an SDK call) or `presigned` (a replayed EKS token). */
  signing: 'header' | 'presigned' | 'none';
  /** `amz-sdk-invocation-id`: the same on every retry of one SDK call. */
  invocationId?: string;
  /** `amz-sdk-request: attempt=N`. */
  attempt: number;
  /** Made by the exec plugin (through the capture wrapper), not by eksdoctor. */
  byPlugin: boolean;
  userAgent: string;
  status: number;
}

/**
 * A loopback HTTP proxy in front of the emulator's AWS endpoint that records what `state.requests`
 * does not: query, body, access key and the SDK's invocation ID and attempt (so a retry is told
 * from a second call with the same parameters). Host headers are passed through unchanged, so a
 * presigned token signed for the proxy's host still verifies.
 */
export interface UpstreamReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export async function startRecordingProxy(
  target: string,
  opts: {
    /** Replaces an answer (a garbage body, an endpoint moved elsewhere); `undefined` keeps the emulator's. */
    rewrite?: (call: ProxiedCall, reply: UpstreamReply) => { status?: number; body: string | Buffer } | undefined;
    /** Answers a call in place of the emulator (an endless body, a reset); returns true when it did. */
    intercept?: (call: ProxiedCall, req: IncomingMessage, res: ServerResponse) => boolean;
  } = {},
): Promise<{ url: string; calls: ProxiedCall[]; close(): Promise<void> }> {
  const { createServer, request } = await import('node:http');
  const { classifyAwsRequest } = await import('../../packages/eks-emulator/src/aws-server.js');
  const calls: ProxiedCall[] = [];
  const to = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://proxy');
      const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
      const kind = classifyAwsRequest(req.method ?? 'GET', rawPath, url.search.replace(/^\?/, ''), req.headers, body.toString('utf8'));
      const auth = String(req.headers.authorization ?? '');
      const headerKey = /Credential=([A-Z0-9]+)\//.exec(auth)?.[1];
      const presignedKey = url.searchParams.get('X-Amz-Credential')?.split('/')[0];
      const attempt = Number(/attempt=(\d+)/.exec(String(req.headers['amz-sdk-request'] ?? ''))?.[1] ?? 1);
      const call: ProxiedCall = {
        service: kind?.service ?? 'unknown',
        operation: kind?.operation ?? 'Unknown',
        method: req.method ?? 'GET',
        path: rawPath,
        query: url.searchParams,
        body: body.toString('utf8'),
        accessKeyId: headerKey ?? presignedKey ?? '',
        signing: headerKey ? 'header' : presignedKey ? 'presigned' : 'none',
        invocationId: req.headers['amz-sdk-invocation-id'] as string | undefined,
        attempt,
        userAgent: String(req.headers['user-agent'] ?? ''),
        byPlugin: String(req.headers['user-agent'] ?? '').includes(`app/${PLUGIN_APP_ID}`),
        status: 0,
      };
      calls.push(call);
      if (opts.intercept?.(call, req, res)) return;
      const upstream = request(
        { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          const parts: Buffer[] = [];
          up.on('data', (c: Buffer) => parts.push(c));
          up.on('end', () => {
            const reply: UpstreamReply = { status: up.statusCode ?? 502, headers: up.headers, body: Buffer.concat(parts) };
            const replaced = opts.rewrite?.(call, reply);
            const status = replaced?.status ?? reply.status;
            const out = replaced ? Buffer.from(replaced.body) : reply.body;
            call.status = status;
            res.writeHead(status, { ...reply.headers, 'content-length': String(out.length) });
            res.end(out);
          });
        },
      );
      upstream.on('error', () => res.destroy());
      res.on('close', () => upstream.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Runs `body` against a started scenario and always closes it. */
export async function withScenario<T>(name: string, body: (run: ScenarioRun) => Promise<T>, opts: StartOptions = {}): Promise<T> {
  const run = await startScenario(name, opts);
  try {
    return await body(run);
  } finally {
    await run.close();
  }
}
