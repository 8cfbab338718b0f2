/**
 * Bearer-token authentication the way EKS does it: the aws-iam-authenticator webhook (pkg/server
 * authenticateEndpoint) verifies the `k8s-aws-v1.` token (pkg/token Verify: format checks, then the
 * presigned GetCallerIdentity replayed to STS with the cluster's own `x-k8s-aws-id`), canonicalizes the
 * ARN, maps it (access entries / aws-auth / creator), and logs its `STS response`, `access granted`
 * and `access denied` lines.
 */
import { createHash, randomUUID } from 'node:crypto';
import { parseArn, partitionOfRegion } from '../authenticator/arn.js';
import type { MapStore } from '../authenticator/config-map.js';
import { identityFromStsResponse, type AuthenticatorIdentity } from '../authenticator/identity.js';
import { grantedLine, mappingDeniedLine, stsResponseLine, tokenDeniedLine, type Request } from '../authenticator/log-lines.js';
import { CLUSTER_ID_HEADER, verifyTokenFormat, type PresignedRequest } from '../authenticator/token-format.js';
import type { ScenarioAccessPolicy } from '../scenario.js';
import type { EmulatorState } from '../state.js';
import { answerPresignedCall } from '../sts-presigned.js';
import { awsAuthStoreOf, mapCaller, principalArnOf, type KubeCaller } from './mapping.js';

export interface AuthenticatedUser {
  username: string;
  uid: string;
  /** Mapped groups plus `system:authenticated`. */
  groups: string[];
  /** What the authenticator attaches to the user (pkg/server: TokenReview user.extra). */
  extra: Record<string, string[]>;
  via: 'access-entry' | 'aws-auth' | 'creator';
  accessPolicies: ScenarioAccessPolicy[];
  /** The access entry's principal ARN (authorizer reasons). */
  entryPrincipalArn?: string;
}

export type AuthenticationResult = { ok: true; user: AuthenticatedUser } | { ok: false; error: string };

/** kube-apiserver --authentication-token-webhook-cache-ttl default: results are reused for 2 minutes. */
const CACHE_TTL_MS = 2 * 60 * 1000;
const CACHE_MAX = 1000;

/** Body STS sends for an `accept: application/json` request (token.go puts it in its error). */
function stsErrorBody(code: string, message: string): string {
  return JSON.stringify({ Error: { Code: code, Message: message, Type: 'Sender' }, RequestId: randomUUID() });
}

/**
 * The Kubernetes user a verified AWS identity becomes, under the cluster's configuration as it is now
 * (pkg/server authenticateEndpoint after the mappers): the authenticator and the audit history share it.
 */
export function kubeUserOf(
  state: EmulatorState,
  identity: AuthenticatorIdentity,
  awsAuth: MapStore | undefined,
): { ok: true; user: AuthenticatedUser; mappedGroups: string[] } | { ok: false; error?: string } {
  const caller: KubeCaller = { ...identity, principalArn: principalArnOf(state.scenario, identity.canonicalArn) };
  const mapping = mapCaller(state.scenario, caller, awsAuth, state.startedAt);
  if (!mapping.ok) return mapping;
  // pkg/server: uid is aws-iam-authenticator:<account>:<principal id>.
  const uid = `aws-iam-authenticator:${identity.accountId}:${identity.userId}`;
  return {
    ok: true,
    mappedGroups: mapping.groups,
    user: {
      username: mapping.username,
      uid,
      groups: [...mapping.groups.filter((g) => g !== 'system:authenticated'), 'system:authenticated'],
      extra: extraOf(identity),
      via: mapping.via,
      accessPolicies: mapping.accessPolicies,
      entryPrincipalArn: mapping.entryPrincipalArn,
    },
  };
}

export class EksAuthenticator {
  private readonly cache = new Map<string, { at: number; result: AuthenticationResult }>();
  private awsAuth: MapStore | undefined;

  constructor(private readonly state: EmulatorState) {
    this.awsAuth = awsAuthStoreOf(state.scenario);
    // EKS's authenticator watches aws-auth and the access entries: a change applies to the next request,
    // so neither the parsed ConfigMap nor a cached (API server side) answer may outlive it.
    state.onMappingChange(() => {
      this.awsAuth = awsAuthStoreOf(state.scenario);
      this.cache.clear();
    });
  }

  /** `client` is the remote address the authenticator logs (`client=`). */
  authenticate(token: string, client: string, now: Date = new Date()): AuthenticationResult {
    const key = createHash('sha256').update(token).digest('hex');
    const hit = this.cache.get(key);
    if (hit && now.getTime() - hit.at < CACHE_TTL_MS) return hit.result;
    const result = this.authenticateUncached(token, { time: now, client });
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(key, { at: now.getTime(), result });
    return result;
  }

  private log(line: string, r: Request): void {
    this.state.appendAuthenticatorLog(line, r.time.getTime());
  }

  private authenticateUncached(token: string, r: Request): AuthenticationResult {
    const scenario = this.state.scenario;
    const deny = (error: string): AuthenticationResult => {
      this.log(tokenDeniedLine(r, error), r);
      return { ok: false, error };
    };
    const format = verifyTokenFormat(token, {
      partition: partitionOfRegion(scenario.region),
      region: scenario.region,
      now: r.time,
      ownStsHosts: this.state.stsEndpoints,
    });
    if (!format.ok) return deny(format.error);
    const sts = this.replayToSts(format.request, r.time);
    if (!sts.ok) return deny(sts.error);
    const verified = identityFromStsResponse(sts.result, { accessKeyId: format.request.accessKeyId, stsEndpoint: format.request.host });
    if (!verified.ok) return deny(`sts getCallerIdentity failed: ${verified.error}`);
    const identity = verified.identity;
    this.log(stsResponseLine(r, identity), r);

    const mapped = kubeUserOf(this.state, identity, this.awsAuth);
    if (!mapped.ok) {
      const error = mapped.error ?? scenario.notMappedMessage ?? 'identity is not mapped';
      this.log(mappingDeniedLine(r, identity, error), r);
      return { ok: false, error };
    }
    const { user } = mapped;
    this.log(grantedLine(r, identity, { username: user.username, uid: user.uid, groups: mapped.mappedGroups }), r);
    return { ok: true, user };
  }

  /**
   * token.go Verify's GET of the presigned URL with the cluster's own `x-k8s-aws-id` (its ID on
   * Outposts, else its name) and `accept: application/json`, answered by the emulator's STS.
   */
  private replayToSts(request: PresignedRequest, now: Date): { ok: true; result: { Arn: string; Account: string; UserId: string } } | { ok: false; error: string } {
    const cluster = this.state.scenario.cluster;
    const own = this.state.stsEndpoints.has(request.host);
    const answer = answerPresignedCall(this.state, {
      rawQuery: request.rawQuery,
      headers: { host: request.host, [CLUSTER_ID_HEADER]: cluster.id ?? cluster.name, accept: 'application/json' },
      endpointRegion: own ? undefined : request.stsRegion === 'global' ? 'us-east-1' : request.stsRegion,
      now,
    });
    if (!answer.ok) {
      return {
        ok: false,
        error: `sts getCallerIdentity failed: error from AWS (expected 200, got ${answer.status}) on ${request.stsRegion} endpoint. Body: ${stsErrorBody(answer.code, answer.message)}`,
      };
    }
    const id = answer.identity;
    return { ok: true, result: { Arn: id.arn, Account: id.accountId, UserId: id.userId } };
  }
}

/** pkg/server authenticateEndpoint's userExtra: the keys EKS audit logs show under user.extra. */
function extraOf(id: AuthenticatorIdentity): Record<string, string[]> {
  return {
    accessKeyId: [id.accessKeyId],
    arn: [id.arn],
    canonicalArn: [id.canonicalArn],
    principalId: [id.userId],
    sessionName: [id.sessionName],
    'sigs.k8s.io/aws-iam-authenticator/principalId': [id.userId],
  };
}
