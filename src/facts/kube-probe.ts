/**
 * Can this machine reach the Kubernetes API server at all, the way kubectl reaches it: DNS → TCP →
 * (proxy) → TLS verified against the kubeconfig's CA and name → an anonymous `GET /version`. Each
 * failure names its stage and a precise problem, so a private-only endpoint (TCP never completes), a
 * server that never finishes the TLS handshake, a stale CA and a wrong hostname read differently.
 */
import { performance } from 'node:perf_hooks';
import { USER_AGENT } from '../shared/version.js';
import type { ConnectInfo, PeerCertificate, StageTimes, TlsSettings } from './net/connect.js';
import type { NetProblem, NetStage } from './net/failure.js';
import { HttpClient } from './net/http.js';

export interface ProbeOptions {
  tls?: TlsSettings;
  proxyUrl?: string;
  env?: NodeJS.ProcessEnv;
  /** Bound for the whole probe. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** `GET /version` (k8s.io/apimachinery pkg/version.Info). */
export interface KubeVersionInfo {
  gitVersion: string;
  major?: string;
  minor?: string;
  platform?: string;
}

export interface ProbeSuccess extends ConnectInfo {
  ok: true;
  elapsedMs: number;
  /** The `/version` answer's HTTP status: 200, or 401/403 when anonymous requests are refused (still reachable). */
  httpStatus: number;
  version?: KubeVersionInfo;
}

export interface ProbeFailure {
  ok: false;
  stage: NetStage;
  problem: NetProblem;
  code?: string;
  message: string;
  elapsedMs: number;
  stages: StageTimes;
  addresses?: string[];
  address?: string;
  proxy?: string;
  certificate?: PeerCertificate;
}

export type ProbeResult = ProbeSuccess | ProbeFailure;

/** The largest `/version` body read; the real one is ~300 bytes. */
const VERSION_BODY_LIMIT = 64 * 1024;

/**
 * Kubernetes' default ClusterRoleBinding system:public-info-viewer lets system:unauthenticated GET
 * /version (kubernetes.io RBAC "Default roles"); a server that limits anonymous auth to health
 * endpoints (KEP-4633) answers 401 here, which still proves DNS, TCP, TLS and HTTP work, so any HTTP
 * status counts as reachable. Never throws.
 */
export async function probeEndpoint(server: string, opts: ProbeOptions): Promise<ProbeResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const client = new HttpClient({ server, tls: opts.tls, env: opts.env, proxyUrl: opts.proxyUrl, headers: { Accept: 'application/json', 'User-Agent': USER_AGENT }, maxResponseBytes: VERSION_BODY_LIMIT });
  try {
    const r = await client.request({ method: 'GET', path: '/version', timeoutMs: opts.timeoutMs, signal: opts.signal, retry: false });
    const info: ConnectInfo = r.connection ?? { stages: {} };
    if (!r.ok) return { ok: false, stage: r.stage, problem: r.problem, ...(r.code && { code: r.code }), message: r.message, elapsedMs: elapsed(), ...info };
    const version = r.status === 200 ? parseVersion(r.body) : undefined;
    return { ok: true, ...info, elapsedMs: elapsed(), httpStatus: r.status, ...(version && { version }) };
  } finally {
    client.close();
  }
}

export function parseVersion(body: string): KubeVersionInfo | undefined {
  try {
    const v = JSON.parse(body) as Record<string, unknown>;
    if (!v || typeof v !== 'object' || typeof v.gitVersion !== 'string') return undefined;
    const out: KubeVersionInfo = { gitVersion: v.gitVersion };
    for (const k of ['major', 'minor', 'platform'] as const) if (typeof v[k] === 'string') out[k] = v[k] as string;
    return out;
  } catch {
    return undefined;
  }
}
