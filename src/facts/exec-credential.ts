/**
 * Runs the kubeconfig's exec credential plugin the way kubectl does (SPEC §1 step 2: what kubectl
 * sends): client-go plugin/pkg/client/auth/exec/exec.go (refreshCredsLocked, wrapCmdRunErrorLocked).
 */
import { isRecord } from '../shared/records.js';
import { redactText, registerSecret } from '../shared/redact.js';
import { resolveExecutable, runCommand } from './executable.js';
import type { ExecConfig } from './kubeconfig.js';

export interface RunExecPluginOptions {
  /** The kubeconfig file that defines the user: relative commands resolve against its directory (client-go ResolvePaths). */
  kubeconfigFile: string;
  /** The run's environment; the plugin gets it plus the exec `env`, as kubectl passes os.Environ() + env. */
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Sent in KUBERNETES_EXEC_INFO `spec.cluster` when the exec config has `provideClusterInfo: true`. */
  cluster?: { server: string; caData?: string };
}

export type ExecPluginProblem = 'not-found' | 'timeout' | 'exit' | 'bad-output' | 'api-version-mismatch';

export type ExecPluginResult =
  | {
      ok: true;
      /** The bearer token (empty when the plugin answered a certificate). A secret: never evidence, text or logs. */
      token: string;
      /** PEM, when the plugin answered with a client certificate/key pair instead of a token. */
      clientCertificateData?: string;
      clientKeyData?: string;
      /** apiVersion of the returned ExecCredential. */
      apiVersion: string;
      /** `status.expirationTimestamp` as returned (RFC 3339). */
      expirationTimestamp?: string;
      /** The plugin's stderr (e.g. the AWS CLI's deprecation notes), redacted. */
      stderr: string;
      /** Absolute path of the command that ran. */
      command: string;
      durationMs: number;
    }
  | {
      ok: false;
      problem: ExecPluginProblem;
      /** kubectl's wording, followed by the plugin's redacted stderr when there is any. */
      message: string;
      /** Redacted stderr on its own. */
      stderr?: string;
      exitCode?: number;
      /** apiVersion in the kubeconfig. */
      configured?: string;
      /** apiVersion the plugin answered with. */
      returned?: string;
      command?: string;
    };

const EXEC_INFO_ENV = 'KUBERNETES_EXEC_INFO';
const MAX_STDERR_CHARS = 4000;

/**
 * The KUBERNETES_EXEC_INFO value client-go encodes (refreshCredsLocked): TypeMeta (kind, apiVersion) then
 * spec, whose fields are `cluster` (only with provideClusterInfo) then `interactive`
 * (client-go pkg/apis/clientauthentication/v1beta1/types.go ExecCredentialSpec; v1 is the same).
 */
export function execInfo(exec: ExecConfig, cluster?: RunExecPluginOptions['cluster']): string {
  const spec: Record<string, unknown> = {};
  if (exec.provideClusterInfo && cluster) {
    // v1beta1/v1 Cluster: `certificate-authority-data` is []byte, i.e. base64 in JSON, as in the kubeconfig.
    spec.cluster = { server: cluster.server, ...(cluster.caData && { 'certificate-authority-data': cluster.caData.replace(/\s+/g, '') }) };
  }
  // We never attach a terminal: stdin is closed, so the plugin must not prompt.
  spec.interactive = false;
  return JSON.stringify({ kind: 'ExecCredential', apiVersion: exec.apiVersion ?? '', spec });
}

/**
 * The environment the plugin sees: the run's env, then the exec `env` entries (client-go appends them to
 * os.Environ(); Go's exec keeps the last duplicate, so they win). Pass it to `awsClients` too, so the
 * SDK identity resolves as the plugin does.
 */
export function pluginEnvironment(env: NodeJS.ProcessEnv, exec: Pick<ExecConfig, 'env'>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const v of exec.env) out[v.name] = v.value;
  return out;
}

/** Runs the plugin: command resolved as kubectl does, no shell, stdin closed, bounded; never throws. */
export async function runExecPlugin(exec: ExecConfig, opts: RunExecPluginOptions): Promise<ExecPluginResult> {
  const configured = exec.apiVersion;
  const path = resolveExecutable(exec.command, opts.env, opts.kubeconfigFile);
  if (!path) {
    // client-go wrapCmdRunErrorLocked (*exec.Error).
    return { ok: false, problem: 'not-found', message: `exec: executable ${exec.command} not found`, configured };
  }
  const env = { ...pluginEnvironment(opts.env, exec), [EXEC_INFO_ENV]: execInfo(exec, opts.cluster) };

  const started = Date.now();
  const r = await runCommand(path, exec.args, env, opts.timeoutMs, opts.signal);
  const durationMs = Date.now() - started;
  const stderr = cleanStderr(r.stderr);
  const withStderr = (message: string) => (stderr ? `${message}: ${stderr}` : message);
  const fail = (problem: ExecPluginProblem, message: string, extra: Partial<Extract<ExecPluginResult, { ok: false }>> = {}): ExecPluginResult => ({
    ok: false,
    problem,
    message: withStderr(message),
    ...(stderr && { stderr }),
    configured,
    command: path,
    ...extra,
  });

  if (r.timedOut) return fail('timeout', `exec: executable ${exec.command} did not finish within ${opts.timeoutMs} ms`);
  if (r.error && r.code === null) {
    if (/ENOENT|EACCES/.test(r.error)) return fail('not-found', `exec: executable ${exec.command} not found`);
    if (/maxBuffer/i.test(r.error)) return fail('bad-output', 'decoding stdout: the plugin wrote more than 1 MiB');
    return fail('exit', `exec: ${redactText(r.error)}`);
  }
  if (r.code !== 0) {
    return fail('exit', `exec: executable ${exec.command} failed with exit code ${r.code ?? 'unknown (killed by a signal)'}`, r.code !== null ? { exitCode: r.code } : {});
  }

  const parsed = parseExecCredential(r.stdout);
  if (!parsed.ok) return fail('bad-output', parsed.message, parsed.returned ? { returned: parsed.returned } : {});
  if (configured && parsed.apiVersion !== configured) {
    return fail('api-version-mismatch', `exec plugin is configured to use API version ${configured}, plugin returned version ${parsed.apiVersion}`, { returned: parsed.apiVersion });
  }
  registerSecret(parsed.token);
  registerSecret(parsed.clientKeyData);
  return {
    ok: true,
    token: parsed.token,
    ...(parsed.clientCertificateData && { clientCertificateData: parsed.clientCertificateData, clientKeyData: parsed.clientKeyData }),
    apiVersion: parsed.apiVersion,
    ...(parsed.expirationTimestamp && { expirationTimestamp: parsed.expirationTimestamp }),
    stderr,
    command: path,
    durationMs,
  };
}

type ParsedCredential =
  | { ok: true; apiVersion: string; token: string; clientCertificateData?: string; clientKeyData?: string; expirationTimestamp?: string }
  | { ok: false; message: string; returned?: string };

/** Decodes an ExecCredential in client-go's order and wording; messages never quote the output (it may hold the token). */
export function parseExecCredential(stdout: string): ParsedCredential {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch {
    const size = Buffer.byteLength(stdout);
    return { ok: false, message: size === 0 ? 'decoding stdout: the plugin wrote nothing' : `decoding stdout: the output is not an ExecCredential JSON object (${size} bytes)` };
  }
  if (!isRecord(doc)) return { ok: false, message: 'decoding stdout: the output is not an ExecCredential JSON object' };
  const apiVersion = typeof doc.apiVersion === 'string' ? doc.apiVersion : '';
  if (typeof doc.kind !== 'string' || doc.kind === '') return { ok: false, message: "decoding stdout: Object 'Kind' is missing", returned: apiVersion || undefined };
  if (doc.kind !== 'ExecCredential') return { ok: false, message: `decoding stdout: unexpected kind "${doc.kind.slice(0, 80)}"`, returned: apiVersion || undefined };
  if (!apiVersion) return { ok: false, message: "decoding stdout: Object 'apiVersion' is missing" };
  const status = doc.status;
  if (!isRecord(status)) return { ok: false, message: "exec plugin didn't return a status field", returned: apiVersion };
  const token = typeof status.token === 'string' ? status.token : '';
  const cert = typeof status.clientCertificateData === 'string' ? status.clientCertificateData : '';
  const key = typeof status.clientKeyData === 'string' ? status.clientKeyData : '';
  if (!token && !cert && !key) return { ok: false, message: "exec plugin didn't return a token or cert/key pair", returned: apiVersion };
  if (!cert !== !key) return { ok: false, message: 'exec plugin returned only certificate or key, not both', returned: apiVersion };
  const exp = status.expirationTimestamp;
  return {
    ok: true,
    apiVersion,
    token,
    ...(cert && key && { clientCertificateData: cert, clientKeyData: key }),
    ...(typeof exp === 'string' && exp !== '' && { expirationTimestamp: exp }),
  };
}

function cleanStderr(stderr: string): string {
  const text = redactText(stderr).trim();
  return text.length > MAX_STDERR_CHARS ? `${text.slice(0, MAX_STDERR_CHARS)}…` : text;
}


