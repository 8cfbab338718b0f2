/**
 * Shared state of one running emulator: the scenario, the identities STS knows (scenario principals
 * plus AssumeRole sessions), the CloudWatch Logs store, the request journal and the fault budget.
 * The AWS endpoint and the Kubernetes API server both read and write it.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Scenario, ScenarioFault } from './scenario.js';
import { LogStore } from './logs-store.js';
import { writeServiceError, type ServiceName } from './errors.js';

export interface RecordedRequest {
  service: 'eks' | 'sts' | 'logs' | 'kube';
  operation: string;
  method: string;
  path: string;
  mutating: boolean;
  status: number;
  at: number;
}

export interface IssuedIdentity {
  arn: string;
  userId: string;
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  sessionName?: string;
  expired?: boolean;
  invalid?: boolean;
}

/** Stable fake unique ID (`AIDA…`/`AROA…` + 17 chars) so repeated runs print the same IDs. */
export function fakeUniqueId(prefix: 'AIDA' | 'AROA', arn: string): string {
  const digest = createHash('sha256').update(arn).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let id = prefix;
  for (let i = 0; i < 17; i++) id += alphabet[digest[i]! % 32];
  return id;
}

/** `arn:aws:iam::A:role/path/R` → `R` (session ARNs never carry the path: aws-iam-authenticator pkg/arn). */
export function roleNameOf(roleArn: string): string {
  const resource = roleArn.split(':').slice(5).join(':');
  return resource.split('/').pop() ?? resource;
}

export function isRoleArn(arn: string): boolean {
  return /^arn:aws[\w-]*:iam::\d{12}:role\//.test(arn);
}

export function accountOf(arn: string): string {
  return arn.split(':')[4] ?? '';
}

/** The identity STS reports for a scenario principal: a role principal's keys belong to a session of it. */
export function identityOfPrincipal(p: Scenario['principals'][number], defaultSessionName: string): IssuedIdentity {
  const accountId = accountOf(p.arn);
  if (isRoleArn(p.arn)) {
    const sessionName = p.sessionName ?? defaultSessionName;
    const roleId = p.userId ?? fakeUniqueId('AROA', p.arn);
    return {
      arn: `arn:aws:sts::${accountId}:assumed-role/${roleNameOf(p.arn)}/${sessionName}`,
      userId: `${roleId}:${sessionName}`,
      accountId,
      accessKeyId: p.accessKeyId,
      secretAccessKey: p.secretAccessKey,
      sessionToken: p.sessionToken,
      sessionName,
      expired: p.expired,
      invalid: p.invalid,
    };
  }
  return {
    arn: p.arn,
    userId: p.userId ?? fakeUniqueId('AIDA', p.arn),
    accountId,
    accessKeyId: p.accessKeyId,
    secretAccessKey: p.secretAccessKey,
    sessionToken: p.sessionToken,
    expired: p.expired,
    invalid: p.invalid,
  };
}

export class EmulatorState {
  readonly scenario: Scenario;
  readonly requests: RecordedRequest[] = [];
  readonly logs: LogStore;
  /** Extra latency for every call (benchmarks); applied when no scenario fault matches. */
  latencyMs = 0;
  /**
   * What the scenario's kubeconfig carries that only a running emulator can make (startEmulator fills
   * it): the expired static token (`kubeconfig.staticToken: expired`), another cluster's CA.
   */
  kubeconfigMaterials: { expiredToken?: string; otherCaPem?: string } = {};
  /**
   * Hosts (`host:port`) that serve this emulator's STS, for which its authenticator accepts presigned
   * tokens besides real STS hosts: its own AWS endpoint, and any proxy a test puts in front of it.
   */
  readonly stsEndpoints = new Set<string>();
  private readonly identities = new Map<string, IssuedIdentity>();
  private readonly faults: ScenarioFault[];

  constructor(scenario: Scenario) {
    this.scenario = scenario;
    for (const p of scenario.principals) {
      this.identities.set(p.accessKeyId, identityOfPrincipal(p, `${p.name}-session`));
    }
    this.faults = (scenario.faults ?? []).map((f) => ({ ...f }));
    this.logs = new LogStore(scenario);
  }

  /** Trusts presigned tokens made for this STS endpoint (`http://127.0.0.1:4566` or `host:port`); `localhost` and `127.0.0.1` name the same one. */
  addStsEndpoint(endpoint: string): void {
    const host = endpoint.includes('://') ? new URL(endpoint).host : endpoint;
    this.stsEndpoints.add(host);
    const loopback = /^(127\.0\.0\.1|localhost)(:\d+)?$/.exec(host);
    if (loopback) for (const name of ['127.0.0.1', 'localhost']) this.stsEndpoints.add(`${name}${loopback[2] ?? ''}`);
  }

  /** Scenario principals plus sessions issued by AssumeRole. */
  identityForAccessKey(accessKeyId: string): IssuedIdentity | undefined {
    return this.identities.get(accessKeyId);
  }

  /** Registers an AssumeRole session: fresh ASIA keys bound to `arn:aws:sts::A:assumed-role/R/S`. */
  issueRoleSession(roleArn: string, sessionName: string): IssuedIdentity {
    const accountId = accountOf(roleArn);
    const principal = this.scenario.principals.find((p) => p.arn === roleArn);
    const roleId = principal?.userId ?? fakeUniqueId('AROA', roleArn);
    const identity: IssuedIdentity = {
      arn: `arn:aws:sts::${accountId}:assumed-role/${roleNameOf(roleArn)}/${sessionName}`,
      userId: `${roleId}:${sessionName}`,
      accountId,
      accessKeyId: 'ASIA' + randomBytes(8).toString('hex').toUpperCase(),
      secretAccessKey: randomBytes(30).toString('base64').slice(0, 40),
      sessionToken: 'FwoGZXIvYXdzE' + randomBytes(96).toString('base64'),
      sessionName,
    };
    this.identities.set(identity.accessKeyId, identity);
    return identity;
  }

  record(r: Omit<RecordedRequest, 'at'>): void {
    this.requests.push({ ...r, at: Date.now() });
  }

  /** Appends to log group /aws/eks/<cluster>/cluster (no-op unless the scenario's logging includes 'authenticator'); one fixed stream `authenticator-<32 hex>` per emulator. */
  appendAuthenticatorLog(message: string, timestampMs?: number): void {
    this.logs.appendAuthenticator(message, timestampMs ?? Date.now());
  }

  /** Adds a fault at run time (tests, benchmarks); it is matched before the scenario's own faults. */
  addFault(fault: ScenarioFault): void {
    this.faults.unshift({ ...fault });
  }

  /** The fault configured for this call, consuming one of its `count`. */
  takeFault(service: 'eks' | 'sts' | 'logs' | 'kube', operation: string): ScenarioFault | undefined {
    for (const f of this.faults) {
      if (f.service !== '*' && f.service !== service) continue;
      if (!operationMatches(f.operation, service, operation)) continue;
      if (f.count !== undefined) {
        if (f.count <= 0) continue;
        f.count -= 1;
      }
      return f;
    }
    if (this.latencyMs > 0) return { service, kind: 'latency', ms: this.latencyMs };
    return undefined;
  }
}

/** AWS operations match by name; Kubernetes calls by path prefix. */
function operationMatches(pattern: string | undefined, service: string, operation: string): boolean {
  if (pattern === undefined || pattern === '*') return true;
  return service === 'kube' ? operation.startsWith(pattern) : pattern === operation;
}

/** latency → waits then 'continue'; hang → never answers; throttle/5xx → writes the real error shape for that service. */
export async function applyFault(
  fault: ScenarioFault | undefined,
  res: ServerResponse,
  service: string,
): Promise<'handled' | 'continue'> {
  if (!fault) return 'continue';
  switch (fault.kind) {
    case 'latency':
      await new Promise((resolve) => setTimeout(resolve, fault.ms ?? 100));
      return 'continue';
    case 'hang':
      // Accept the request and never answer: the caller's timeout is what is under test.
      // The socket stays open until the client gives up or the server closes all connections.
      return 'handled';
    case 'throttle':
      writeServiceError(res, service as ServiceName, 'throttle');
      return 'handled';
    case '5xx':
      writeServiceError(res, service as ServiceName, 'unavailable');
      return 'handled';
  }
}
