/**
 * Shared state of one running emulator: the scenario, the identities STS knows (scenario principals
 * plus AssumeRole sessions), the CloudWatch Logs store, the request journal and the fault budget.
 * The AWS endpoint and the Kubernetes API server both read and write it.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { IamPolicyDocument, Scenario, ScenarioFault, ScenarioPrincipal } from './scenario.js';
import { seedAwsAuthHistory } from './audit-history.js';
import { CloudTrailStore } from './cloudtrail-store.js';
import { LogStore } from './logs-store.js';
import { writeServiceError, type ServiceName } from './errors.js';
import { parsePolicy, type ParsedStatement } from './iam-policy.js';
import { accountOf, fakeUniqueId, identityOfPrincipal, isRoleArn, roleNameOf, type IssuedIdentity } from './state-identity.js';

export { accountOf, fakeUniqueId, identityOfPrincipal, isRoleArn, roleNameOf, type IssuedIdentity } from './state-identity.js';

export type EmulatedService = 'eks' | 'sts' | 'logs' | 'cloudtrail' | 'iam' | 'kube';

export interface RecordedRequest {
  service: EmulatedService;
  operation: string;
  method: string;
  path: string;
  mutating: boolean;
  status: number;
  at: number;
}

/** The scenario principal behind a caller: its own keys, or a session of its role (AssumeRole, a role principal's keys). */
export function principalOfCaller(scenario: Scenario, caller: IssuedIdentity): ScenarioPrincipal | undefined {
  const byKey = scenario.principals.find((p) => p.accessKeyId === caller.accessKeyId);
  if (byKey) return byKey;
  const m = /^arn:aws[\w-]*:sts::(\d{12}):assumed-role\/([^/]+)\//.exec(caller.arn);
  if (!m) return undefined;
  return scenario.principals.find((p) => isRoleArn(p.arn) && accountOf(p.arn) === m[1] && roleNameOf(p.arn) === m[2]);
}

export class EmulatorState {
  readonly scenario: Scenario;
  readonly requests: RecordedRequest[] = [];
  readonly logs: LogStore;
  /** CloudTrail event history of the account (LookupEvents), with the scenario's history already in it. */
  readonly cloudtrail: CloudTrailStore;
  /** "Now" for the scenario's relative times (N days ago), fixed at construction so a run is consistent. */
  readonly startedAt = Date.now();
  /** Principals (IAM ARN or access key) whose AWS calls are evaluated against an IAM policy document. */
  private readonly enforced = new Map<string, ParsedStatement[]>();
  /** Called when aws-auth, access entries or the authentication mode change (the authenticator drops what it cached). */
  private readonly mappingListeners: (() => void)[] = [];
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
    this.logs = new LogStore(scenario, this.startedAt);
    this.cloudtrail = new CloudTrailStore(scenario, this.startedAt);
    for (const p of scenario.principals) if (p.iamPolicy) this.enforcePolicy(p.arn, p.iamPolicy);
    seedAwsAuthHistory(this);
  }

  /**
   * From now on, the AWS calls of this principal (its IAM ARN, a session ARN of its role, or an access
   * key) are allowed only as `policy` allows them; throws when the document cannot be enforced
   * (e.g. it has a Condition, which the evaluator does not evaluate).
   */
  enforcePolicy(principalArnOrAccessKey: string, policy: IamPolicyDocument | unknown): void {
    const parsed = parsePolicy(policy);
    if (!parsed.ok) throw new Error(`enforcePolicy(${principalArnOrAccessKey}): refused: ${parsed.problem}`);
    this.enforced.set(principalArnOrAccessKey, parsed.statements);
  }

  /** The enforced policy that applies to this caller, if any: by key, by session ARN, then by its principal's ARN. */
  enforcedPolicyFor(caller: IssuedIdentity): ParsedStatement[] | undefined {
    return (
      this.enforced.get(caller.accessKeyId) ??
      this.enforced.get(caller.arn) ??
      (() => {
        const p = principalOfCaller(this.scenario, caller);
        return p ? this.enforced.get(p.arn) : undefined;
      })()
    );
  }

  onMappingChange(listener: () => void): void {
    this.mappingListeners.push(listener);
  }

  /** aws-auth, an access entry or the authentication mode changed: the authenticator must see it at once (EKS watches them). */
  mappingChanged(): void {
    for (const l of this.mappingListeners) l();
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
  takeFault(service: EmulatedService, operation: string): ScenarioFault | undefined {
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
