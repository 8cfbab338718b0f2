/**
 * The cluster as EKS describes it (SPEC §1 step 3) and the comparisons with the kubeconfig.
 * Read-only: DescribeCluster and ListClusters.
 */
import { createHash } from 'node:crypto';
import { DescribeClusterCommand, paginateListClusters, type Cluster, type EKSClient } from '@aws-sdk/client-eks';
import { AssumeRoleError, classifyAwsError } from './aws/errors.js';

export type AuthenticationMode = 'CONFIG_MAP' | 'API_AND_CONFIG_MAP' | 'API';
const AUTHENTICATION_MODES: readonly AuthenticationMode[] = ['CONFIG_MAP', 'API_AND_CONFIG_MAP', 'API'];

export interface EksClusterInfo {
  name: string;
  arn?: string;
  /** `CREATING | ACTIVE | DELETING | FAILED | UPDATING | PENDING`. */
  status?: string;
  endpoint?: string;
  /** Base64 PEM, as `certificateAuthority.data` (the same form `update-kubeconfig` writes). */
  caData?: string;
  version?: string;
  /** EKS omits accessConfig on clusters older than access entries: those are CONFIG_MAP. */
  authenticationMode: AuthenticationMode;
  bootstrapClusterCreatorAdminPermissions?: boolean;
  endpointPublicAccess?: boolean;
  endpointPrivateAccess?: boolean;
  publicAccessCidrs: string[];
  /** Control-plane log types that are enabled (`api`, `audit`, `authenticator`, …). */
  enabledLogTypes: string[];
  createdAt?: string;
}

/**
 * `assume-role-failed`: the clients assume the exec `--role-arn` and that AssumeRole was refused, so EKS was
 * never asked; `throttled`: still throttled after the SDK's retries.
 */
export type ClusterProblem =
  | 'not-found'
  | 'denied'
  | 'expired'
  | 'no-credentials'
  | 'credentials-invalid'
  | 'assume-role-failed'
  | 'throttled'
  | 'unreachable'
  | 'other';

export type ClusterFailure = {
  ok: false;
  problem: ClusterProblem;
  /** Redacted. */
  message: string;
  code: string;
  status?: number;
};

export type DescribeClusterResult = { ok: true; cluster: EksClusterInfo } | ClusterFailure;

/** DescribeCluster; never throws. */
export async function describeCluster(eks: EKSClient, name: string, signal?: AbortSignal): Promise<DescribeClusterResult> {
  try {
    const out = await eks.send(new DescribeClusterCommand({ name }), { abortSignal: signal });
    if (!out.cluster) return { ok: false, problem: 'other', code: 'MalformedResponse', message: 'DescribeCluster returned no cluster' };
    return { ok: true, cluster: toClusterInfo(out.cluster, name) };
  } catch (err) {
    return clusterFailure(err);
  }
}

/** Maps an EKS error to a cluster problem. Exported for tests. */
export function clusterFailure(err: unknown): ClusterFailure {
  const c = classifyAwsError(err);
  const problem: ClusterProblem =
    err instanceof AssumeRoleError && (c.kind === 'denied' || c.kind === 'not-found' || c.kind === 'other') ? 'assume-role-failed'
    : c.kind === 'not-found' ? 'not-found'
    : c.kind === 'denied' ? 'denied'
    : c.kind === 'credentials-expired' || c.kind === 'sso-expired' ? 'expired'
    : c.kind === 'no-credentials' || c.kind === 'profile-not-found' ? 'no-credentials'
    : c.kind === 'credentials-invalid' ? 'credentials-invalid'
    : c.kind === 'throttled' ? 'throttled'
    : c.kind === 'unreachable' ? 'unreachable'
    : 'other';
  return { ok: false, problem, code: c.code, message: c.message, ...(c.status !== undefined && { status: c.status }) };
}

export function toClusterInfo(c: Cluster, fallbackName = ''): EksClusterInfo {
  const vpc = c.resourcesVpcConfig;
  const enabledLogTypes = [...new Set((c.logging?.clusterLogging ?? []).filter((s) => s.enabled).flatMap((s) => s.types ?? []).map(String))].sort();
  return {
    name: c.name ?? fallbackName,
    arn: c.arn,
    status: c.status,
    endpoint: c.endpoint,
    caData: c.certificateAuthority?.data,
    version: c.version,
    authenticationMode: AUTHENTICATION_MODES.find((m) => m === c.accessConfig?.authenticationMode) ?? 'CONFIG_MAP',
    bootstrapClusterCreatorAdminPermissions: c.accessConfig?.bootstrapClusterCreatorAdminPermissions,
    endpointPublicAccess: vpc?.endpointPublicAccess,
    endpointPrivateAccess: vpc?.endpointPrivateAccess,
    publicAccessCidrs: vpc?.publicAccessCidrs ?? [],
    enabledLogTypes,
    ...(c.createdAt && { createdAt: new Date(c.createdAt).toISOString() }),
  };
}

export type FindClusterResult =
  | {
      ok: true;
      /** The cluster whose endpoint is the kubeconfig's server; absent when none matched. */
      cluster?: EksClusterInfo;
      /** How many clusters were looked at. */
      scanned: number;
      /** Clusters that could not be described (denied, gone, …): the answer may be incomplete. */
      unchecked: string[];
      /** The listing stopped at the page bound. */
      truncated: boolean;
    }
  | ClusterFailure;

const DESCRIBE_CONCURRENCY = 4;
const MAX_LIST_PAGES = 10;

/** ListClusters (paginated) + DescribeCluster, at most 4 at a time, until one's endpoint host is the server's; never throws. */
export async function findClusterByEndpoint(
  eks: EKSClient,
  server: string,
  signal?: AbortSignal,
  /** How to describe one cluster; pass a memoized one so a cluster already described is not asked again. */
  describe: (name: string) => Promise<DescribeClusterResult> = (name) => describeCluster(eks, name, signal),
): Promise<FindClusterResult> {
  const names: string[] = [];
  let truncated = false;
  try {
    let pages = 0;
    // stopOnSameToken: a server repeating its token ends the paging, and the list is then truncated.
    for await (const page of paginateListClusters({ client: eks, pageSize: 100, stopOnSameToken: true }, {}, { abortSignal: signal })) {
      names.push(...(page.clusters ?? []));
      truncated = page.nextToken !== undefined;
      if (++pages >= MAX_LIST_PAGES) break;
    }
  } catch (err) {
    return clusterFailure(err);
  }

  let found: EksClusterInfo | undefined;
  const unchecked: string[] = [];
  const failures: ClusterFailure[] = [];
  let next = 0;
  let scanned = 0;
  const worker = async () => {
    while (!found && next < names.length && !signal?.aborted) {
      const name = names[next++]!;
      const r = await describe(name);
      scanned++;
      if (!r.ok) {
        unchecked.push(name);
        failures.push(r);
        continue;
      }
      if (r.cluster.endpoint && endpointMatches(server, r.cluster.endpoint) && !found) found = r.cluster;
    }
  };
  await Promise.all(Array.from({ length: Math.min(DESCRIBE_CONCURRENCY, names.length) }, worker));
  // Every describe failed the same way (e.g. denied): that is the answer, not "no such cluster".
  if (!found && names.length > 0 && failures.length === names.length && failures.every((f) => f.problem === failures[0]!.problem)) {
    return failures[0]!;
  }
  return { ok: true, ...(found && { cluster: found }), scanned, unchecked: unchecked.sort(), truncated };
}

/**
 * Same API server? Host compared case-insensitively, default ports made explicit, a trailing slash
 * ignored. `https://ABC.gr7.us-west-2.eks.amazonaws.com` equals `https://abc.gr7.us-west-2.eks.amazonaws.com:443/`.
 */
export function endpointMatches(kubeconfigServer: string, clusterEndpoint: string): boolean {
  const a = normalizeServer(kubeconfigServer);
  const b = normalizeServer(clusterEndpoint);
  return a !== undefined && a === b;
}

function normalizeServer(s: string): string | undefined {
  try {
    const u = new URL(s.trim());
    const port = u.port || (u.protocol === 'http:' ? '80' : '443');
    return `${u.protocol}//${u.hostname.toLowerCase()}:${port}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return undefined;
  }
}

/**
 * Does the kubeconfig trust the cluster's CA? Both sides are base64 of PEM; the certificates are
 * compared as DER, so whitespace, line wrapping and PEM headers' text do not count. True when every
 * certificate of the cluster is in the kubeconfig's bundle; false when either side holds none.
 */
export function caMatches(kubeconfigCaData: string, clusterCaData: string): boolean {
  const mine = new Set(caFingerprints(kubeconfigCaData));
  const theirs = caFingerprints(clusterCaData);
  return theirs.length > 0 && mine.size > 0 && theirs.every((f) => mine.has(f));
}

/** SHA-256 fingerprints (hex) of the certificates in base64-of-PEM (or base64-of-DER, or plain PEM) CA data. */
export function caFingerprints(caData: string): string[] {
  return certificatesDer(caData).map((der) => createHash('sha256').update(der).digest('hex'));
}

function certificatesDer(caData: string): Buffer[] {
  if (typeof caData !== 'string' || caData.trim() === '') return [];
  const text = caData.includes('-----BEGIN') ? caData : Buffer.from(caData.replace(/\s+/g, ''), 'base64').toString('latin1');
  const blocks = [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
  if (blocks.length > 0) return blocks.map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64')).filter((b) => b.length > 0);
  // Not PEM: maybe DER itself (a SEQUENCE, 0x30).
  const der = Buffer.from(text, 'latin1');
  return der.length > 0 && der[0] === 0x30 ? [der] : [];
}
