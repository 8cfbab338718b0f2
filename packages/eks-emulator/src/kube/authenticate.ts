/**
 * Bearer-token authentication the way EKS does it: the aws-iam-authenticator webhook verifies the
 * `k8s-aws-v1.` token (pkg/token Verify: format checks, then the presigned GetCallerIdentity
 * replayed to STS with the cluster's own `x-k8s-aws-id`), canonicalizes the ARN, maps it
 * (access entries / aws-auth / creator), and logs `access granted` / `access denied` lines.
 */
import { createHash, randomUUID } from 'node:crypto';
import { canonicalPrincipalArn, parseArn } from '../../../../src/facts/arn.js';
import {
  deniedNotMappedLine,
  deniedTokenLine,
  formatAuthenticatorLine,
  grantedLine,
  stsResponseLine,
} from '../../../../src/facts/authenticator-log.js';
import {
  decodeEksToken,
  isLoopbackHost,
  isStsHostname,
  verifyPresignedGetCallerIdentity,
  type DecodedEksTokenFields,
} from '../../../../src/facts/eks-token.js';
import type { AwsAuthConfig } from '../../../../src/facts/aws-auth/types.js';
import type { ScenarioAccessPolicy } from '../scenario.js';
import type { EmulatorState, IssuedIdentity } from '../state.js';
import { awsAuthConfigOf, mapCaller, type KubeCaller } from './mapping.js';

export interface AuthenticatedUser {
  username: string;
  uid: string;
  /** Mapped groups plus `system:authenticated`. */
  groups: string[];
  /** What the authenticator attaches to the user (EKS audit logs: user.extra). */
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

/** Body STS sends for an `accept: application/json` request (token.go logs it after the status). */
function stsErrorBody(code: string, message: string): string {
  return JSON.stringify({ Error: { Code: code, Message: message, Type: 'Sender' }, RequestId: randomUUID() });
}

export class EksAuthenticator {
  private readonly cache = new Map<string, { at: number; result: AuthenticationResult }>();
  private readonly awsAuth: AwsAuthConfig | undefined;

  constructor(private readonly state: EmulatorState) {
    this.awsAuth = awsAuthConfigOf(state.scenario);
  }

  /** `client` is the remote address the authenticator logs (`client=`). */
  authenticate(token: string, client: string, now: Date = new Date()): AuthenticationResult {
    const key = createHash('sha256').update(token).digest('hex');
    const hit = this.cache.get(key);
    if (hit && now.getTime() - hit.at < CACHE_TTL_MS) return hit.result;
    const result = this.authenticateUncached(token, client, now);
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(key, { at: now.getTime(), result });
    return result;
  }

  private authenticateUncached(token: string, client: string, now: Date): AuthenticationResult {
    const scenario = this.state.scenario;
    const deny = (error: string): AuthenticationResult => {
      this.state.appendAuthenticatorLog(deniedTokenLine({ time: now, client, error }), now.getTime());
      return { ok: false, error };
    };
    const decoded = decodeEksToken(token, { now, acceptHost: (h) => isStsHostname(h) || isLoopbackHost(h) });
    if (!decoded.ok) return deny(decoded.error);

    const sts = this.callSts(decoded, now);
    if (!sts.ok) return deny(sts.error);
    const identity = sts.identity;
    const stsEndpoint = decoded.host;
    const canonicalArn = canonicalPrincipalArn(identity.arn);
    const principalId = identity.userId.split(':')[0]!;
    const sessionName = identity.userId.includes(':') ? identity.userId.split(':')[1]! : '';
    this.state.appendAuthenticatorLog(
      stsResponseLine({
        time: now,
        arn: identity.arn,
        accountId: identity.accountId,
        userId: identity.userId,
        session: sessionName,
        accessKeyId: decoded.accessKeyId,
        client,
        stsEndpoint,
      }),
      now.getTime(),
    );

    const caller: KubeCaller = {
      arn: identity.arn,
      canonicalArn,
      accountId: identity.accountId,
      userId: identity.userId,
      accessKeyId: decoded.accessKeyId,
      sessionName,
      principalArn: this.principalArnOf(canonicalArn),
      ...(/^i-[0-9a-f]{8,17}$/.test(sessionName) ? { ec2PrivateDnsName: privateDnsNameOf(sessionName, scenario.region) } : {}),
    };
    const mapping = mapCaller(scenario, caller, this.awsAuth);
    if (!mapping.ok) {
      if (mapping.error) {
        const line = formatAuthenticatorLine({
          time: now,
          level: 'warning',
          msg: 'access denied',
          fields: { arn: canonicalArn, client, error: mapping.error, method: 'POST', path: '/authenticate', stsendpoint: stsEndpoint },
        });
        this.state.appendAuthenticatorLog(line, now.getTime());
        return { ok: false, error: mapping.error };
      }
      const wording = scenario.notMappedMessage ?? 'identity is not mapped';
      this.state.appendAuthenticatorLog(deniedNotMappedLine({ time: now, arn: canonicalArn, client, wording, stsEndpoint }), now.getTime());
      return { ok: false, error: wording };
    }

    // pkg/server: uid is aws-iam-authenticator:<account>:<principal id>.
    const uid = `aws-iam-authenticator:${identity.accountId}:${principalId}`;
    this.state.appendAuthenticatorLog(
      grantedLine({ time: now, arn: canonicalArn, client, groups: mapping.groups, uid, username: mapping.username, stsEndpoint }),
      now.getTime(),
    );
    return {
      ok: true,
      user: {
        username: mapping.username,
        uid,
        groups: [...mapping.groups.filter((g) => g !== 'system:authenticated'), 'system:authenticated'],
        // Keys as EKS audit logs show them (user.extra).
        extra: {
          accessKeyId: [decoded.accessKeyId],
          arn: [identity.arn],
          canonicalArn: [canonicalArn],
          principalId: [principalId],
          sessionName: [sessionName],
        },
        via: mapping.via,
        accessPolicies: mapping.accessPolicies,
        entryPrincipalArn: mapping.entryPrincipalArn,
      },
    };
  }

  /**
   * What STS answers to the replayed presigned URL: unknown/invalid keys → InvalidClientTokenId,
   * expired session → ExpiredToken, signature (incl. another cluster's x-k8s-aws-id) → SignatureDoesNotMatch.
   */
  private callSts(decoded: DecodedEksTokenFields, now: Date): { ok: true; identity: IssuedIdentity } | { ok: false; error: string } {
    const region = isStsHostname(decoded.host) ? stsRegionOf(decoded.host) : (decoded.region ?? 'us-east-1');
    const fail = (status: number, code: string, message: string) => ({
      ok: false as const,
      // token.go Verify: the status, the STS region label, then STS's body.
      error: `sts getCallerIdentity failed: error from AWS (expected 200, got ${status}) on ${region} endpoint. Body: ${stsErrorBody(code, message)}`,
    });
    const identity = this.state.identityForAccessKey(decoded.accessKeyId);
    if (!identity || identity.invalid) return fail(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    if (identity.expired) return fail(403, 'ExpiredToken', 'The security token included in the request is expired');
    const verdict = verifyPresignedGetCallerIdentity(
      decoded.url,
      { host: decoded.host, 'x-k8s-aws-id': this.state.scenario.cluster.name },
      () => ({ secretAccessKey: identity.secretAccessKey, sessionToken: identity.sessionToken }),
      now,
    );
    if (!verdict.ok) return fail(403, verdict.code, verdict.message);
    return { ok: true, identity };
  }

  /** The IAM principal behind a canonical ARN, with its path when the scenario knows the role. */
  private principalArnOf(canonicalArn: string): string {
    const c = parseArn(canonicalArn);
    if (c?.kind !== 'role') return canonicalArn;
    const known = this.state.scenario.principals.find((p) => {
      const q = parseArn(p.arn);
      return q?.kind === 'role' && q.accountId === c.accountId && q.name.toLowerCase() === c.name.toLowerCase();
    });
    return known?.arn ?? canonicalArn;
  }
}

/** token.go getStsRegion: `global` for sts.amazonaws.com, else the second label. */
function stsRegionOf(host: string): string {
  return host === 'sts.amazonaws.com' ? 'global' : (host.split('.')[1] ?? '');
}

/**
 * What EKS would find with ec2:DescribeInstances for `{{EC2PrivateDNSName}}` (node mappings): a
 * stable `ip-…` name derived from the instance ID, since the emulator has no EC2.
 */
function privateDnsNameOf(instanceId: string, region: string): string {
  const h = createHash('sha256').update(instanceId).digest();
  return `ip-192-168-${h[0]! % 256}-${h[1]! % 256}.${region}.compute.internal`;
}
