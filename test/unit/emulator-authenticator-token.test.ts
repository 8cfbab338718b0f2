/**
 * Token verification as the emulator does it (pkg/token/token.go Verify, then STS's check of the
 * replayed presigned URL), the STS hosts each partition accepts, Outposts' cluster ID, and the
 * logrus lines the authenticator writes.
 */
import { describe, expect, it } from 'vitest';
import { logrusLine } from '../../packages/eks-emulator/src/authenticator/logrus-text.js';
import { verifyTokenFormat, type VerifierSettings } from '../../packages/eks-emulator/src/authenticator/token-format.js';
import { presignGetCallerIdentity, stsEndpointFor, tokenOf } from '../../packages/eks-emulator/src/get-token/presign.js';
import { EksAuthenticator } from '../../packages/eks-emulator/src/kube/authenticate.js';
import { verifyPresignedSignature } from '../../packages/eks-emulator/src/presigned-signature.js';
import type { Scenario } from '../../packages/eks-emulator/src/scenario.js';
import { EmulatorState, fakeUniqueId } from '../../packages/eks-emulator/src/state.js';

const A = '444455556666';
const KEY = 'AKIAEXAMPLETOKEN0001';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYTOKEN00001';
const NOW = new Date('2026-11-25T03:00:00Z');
const credentials = { accessKeyId: KEY, secretAccessKey: SECRET };

const presign = (opts: { host?: string; region?: string; k8sAwsId?: string; at?: Date; protocol?: 'https:' | 'http:' } = {}) =>
  presignGetCallerIdentity({
    credentials,
    endpoint: opts.host ? { protocol: opts.protocol ?? 'https:', host: opts.host, signingRegion: opts.region ?? 'us-west-2' } : stsEndpointFor(opts.region ?? 'us-west-2', {}),
    k8sAwsId: opts.k8sAwsId ?? 'prod',
    now: opts.at ?? NOW,
  });

const settings = (over: Partial<VerifierSettings> = {}): VerifierSettings => ({ partition: 'aws', region: 'us-west-2', now: NOW, ownStsHosts: new Set(), ...over });
const formatError = (token: string, over: Partial<VerifierSettings> = {}) => {
  const r = verifyTokenFormat(token, settings(over));
  return r.ok ? undefined : r.error;
};
const tokenFor = (url: string) => tokenOf(url);
const P = 'input token was not properly formatted: ';

describe('token format (pkg/token/token.go Verify)', () => {
  it('accepts what aws eks get-token makes', async () => {
    const r = verifyTokenFormat(tokenFor(await presign()), settings());
    expect(r).toMatchObject({ ok: true, request: { host: 'sts.us-west-2.amazonaws.com', stsRegion: 'us-west-2', accessKeyId: KEY } });
  });

  it('words each rejection as token.go does', async () => {
    const good = new URL(await presign());
    const withQuery = (edit: (q: URLSearchParams) => void, base = good) => {
      const u = new URL(base.href);
      edit(u.searchParams);
      return tokenFor(u.href);
    };
    expect(formatError('k8s-aws-v1.' + 'A'.repeat(4090))).toBe(P + 'token is too large');
    expect(formatError('eyJhbGciOi.x.y')).toBe(P + 'token is missing expected "k8s-aws-v1." prefix');
    expect(formatError('k8s-aws-v1.aHR0cHM6Ly9=')).toBe(P + 'illegal base64 data at input byte 11');
    expect(formatError(tokenFor(good.href.replace('https:', 'http:')))).toBe(P + 'unexpected scheme "http" in pre-signed URL');
    expect(formatError(tokenFor(good.href.replace('/?', '/x?')))).toBe(P + 'unexpected path in pre-signed URL');
    expect(formatError(tokenFor(good.href + '&x-amz-date=20261125T030000Z'))).toMatch(/^input token was not properly formatted: duplicate query parameter found: "(X-Amz-Date|x-amz-date)"$/);
    expect(formatError(withQuery((q) => q.set('Extra', '1')))).toBe(P + 'non-whitelisted query parameter "Extra"');
    expect(formatError(tokenFor(good.href + '&Version=2011-06-15'))).toBe(P + 'query parameter with multiple values not supported');
    expect(formatError(withQuery((q) => q.set('Action', 'AssumeRole')))).toBe(P + 'unexpected action parameter in pre-signed URL');
    expect(formatError(withQuery((q) => q.set('X-Amz-SignedHeaders', 'host')))).toBe(P + 'client did not sign the x-k8s-aws-id header in the pre-signed URL');
    expect(formatError(withQuery((q) => q.set('X-Amz-Expires', '901')))).toBe(P + 'invalid X-Amz-Expires parameter in pre-signed URL: 901');
    expect(formatError(withQuery((q) => q.delete('X-Amz-Date')))).toBe(P + 'X-Amz-Date parameter must be present in pre-signed URL');
    expect(formatError(withQuery((q) => q.set('X-Amz-Date', '2026-11-25')))).toBe(
      P + 'error parsing X-Amz-Date parameter 2026-11-25 into format 20060102T150405Z: parsing time "2026-11-25" as "20060102T150405Z": cannot parse "-11-25" as "01"',
    );
    expect(formatError(tokenFor(good.href.replace(/;/g, '%3B') + '&a;b'))).toBe(P + 'malformed query parameter');
  });

  it('ignores X-Amz-Expires=60: the token is good for 15 minutes after X-Amz-Date', async () => {
    const token = tokenFor(await presign({ at: new Date(NOW.getTime() - 14 * 60_000) }));
    expect(formatError(token)).toBeUndefined();
    expect(formatError(tokenFor(await presign({ at: new Date(NOW.getTime() - 16 * 60_000) })))).toBe(P + 'X-Amz-Date parameter is expired (15 minute expiration) 2026-11-25 02:44:00 +0000 UTC');
  });
});

describe('STS hosts per partition (token.go verifyHost; pkg/endpoints)', () => {
  const host = async (h: string, over: Partial<VerifierSettings> = {}) => formatError(tokenFor(await presign({ host: h })), over);

  it('accepts the regional, FIPS, dual-stack and global hosts of the commercial partition, and regions the SDK does not know yet', async () => {
    for (const h of ['sts.us-west-2.amazonaws.com', 'sts.eu-west-1.amazonaws.com', 'sts-fips.us-east-1.amazonaws.com', 'sts.us-west-2.api.aws', 'sts.amazonaws.com', 'sts.xx-future-1.amazonaws.com']) {
      expect(await host(h), h).toBeUndefined();
    }
  });

  it('refuses hosts of other partitions and hosts that are not STS', async () => {
    expect(await host('sts.cn-north-1.amazonaws.com.cn')).toBe(P + 'partition {aws} does not support hostname sts.cn-north-1.amazonaws.com.cn');
    expect(await host('sts.us-west-2.amazonaws.com.evil.example')).toBe(P + 'unexpected hostname "sts.us-west-2.amazonaws.com.evil.example" in pre-signed URL');
    expect(await host('127.0.0.1:4566')).toBe(P + 'unexpected hostname "127.0.0.1:4566" in pre-signed URL');
    expect(await host('sts.us-west-2.amazonaws.com:443')).toBe(P + 'unexpected hostname "sts.us-west-2.amazonaws.com:443" in pre-signed URL');
    expect(await host('localhost')).toBe(P + 'could not parse region for pre-signed URL localhost, invalid host format: localhost');
  });

  it('accepts China hosts only in aws-cn, and no global endpoint there', async () => {
    const cn = { partition: 'aws-cn', region: 'cn-north-1' };
    expect(await host('sts.cn-north-1.amazonaws.com.cn', cn)).toBeUndefined();
    expect(await host('sts.cn-northwest-1.amazonaws.com.cn', cn)).toBeUndefined();
    expect(await host('sts.us-west-2.amazonaws.com', cn)).toBe(P + 'partition {aws-cn} does not support hostname sts.us-west-2.amazonaws.com');
    expect(await host('sts.amazonaws.com', cn)).toBe(P + 'global endpoint unsupported in partition aws-cn');
  });

  it('accepts GovCloud hosts (the same amazonaws.com domain) in aws-us-gov', async () => {
    const gov = { partition: 'aws-us-gov', region: 'us-gov-west-1' };
    expect(await host('sts.us-gov-west-1.amazonaws.com', gov)).toBeUndefined();
    expect(await host('sts.us-gov-east-1.amazonaws.com', gov)).toBeUndefined();
    expect(await host('sts.amazonaws.com', gov)).toBe(P + 'global endpoint unsupported in partition aws-us-gov');
  });

  it("accepts the emulator's own STS endpoint, over plain http too, and no other loopback address", async () => {
    const own = { ownStsHosts: new Set(['127.0.0.1:4566']) };
    expect(await host('127.0.0.1:4566', own)).toBeUndefined();
    expect(formatError(tokenFor(await presign({ host: '127.0.0.1:4566', protocol: 'http:' })), own)).toBeUndefined();
    expect(await host('127.0.0.1:4567', own)).toBe(P + 'unexpected hostname "127.0.0.1:4567" in pre-signed URL');
  });

  it('lists localhost and 127.0.0.1 of the same port as one endpoint', () => {
    const state = new EmulatorState(scenario({}));
    state.addStsEndpoint('http://127.0.0.1:4566');
    expect([...state.stsEndpoints].sort()).toEqual(['127.0.0.1:4566', 'localhost:4566']);
  });
});

describe("STS's check of the presigned URL (SigV4 with node:crypto)", () => {
  const check = async (over: { headers?: Record<string, string>; secret?: string; now?: Date; endpointRegion?: string } = {}) => {
    const u = new URL(await presign());
    return verifyPresignedSignature({
      method: 'GET',
      path: '/',
      rawQuery: u.search.slice(1),
      headers: over.headers ?? { host: u.host, 'x-k8s-aws-id': 'prod' },
      secretAccessKey: over.secret ?? SECRET,
      endpointRegion: over.endpointRegion,
      now: over.now ?? NOW,
    });
  };

  it('accepts the request as signed, and refuses another cluster name, another host or another secret', async () => {
    expect(await check()).toEqual({ ok: true });
    expect(await check({ headers: { host: 'sts.us-west-2.amazonaws.com', 'x-k8s-aws-id': 'staging' } })).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    expect(await check({ headers: { host: 'sts.us-west-2.amazonaws.com' } })).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    expect(await check({ headers: { host: 'sts.eu-west-1.amazonaws.com', 'x-k8s-aws-id': 'prod' } })).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    expect(await check({ secret: 'x'.repeat(40) })).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
  });

  it('wants the credential scoped to the endpoint region and the request no older than 15 minutes', async () => {
    expect(await check({ endpointRegion: 'eu-west-1' })).toEqual({ ok: false, code: 'SignatureDoesNotMatch', message: "Credential should be scoped to a valid region, not 'us-west-2'. " });
    expect(await check({ now: new Date(NOW.getTime() + 16 * 60_000) })).toMatchObject({ ok: false, message: 'Signature expired: 20261125T030000Z is now earlier than 20261125T030100Z (20261125T031600Z - 15 min.)' });
  });
});

function scenario(cluster: Partial<Scenario['cluster']>): Scenario {
  return {
    name: 'unit',
    description: 'unit',
    account: A,
    region: 'us-west-2',
    principals: [{ name: 'admin', arn: `arn:aws:iam::${A}:user/admin`, accessKeyId: KEY, secretAccessKey: SECRET }],
    local: { profiles: {} },
    kubeconfig: {},
    cluster: { name: 'prod', ...cluster },
    awsAuth: { mapUsers: `- userarn: arn:aws:iam::${A}:user/admin\n  username: admin\n  groups: [system:masters]\n` },
    expect: { exitCode: 0, rootCauses: [], kubectl: 'ok' },
  };
}

describe('EksAuthenticator replaying the token to STS', () => {
  const authenticate = (s: Scenario, token: string) => {
    const state = new EmulatorState(s);
    const lines: string[] = [];
    state.appendAuthenticatorLog = (m: string) => void lines.push(m);
    return { result: new EksAuthenticator(state).authenticate(token, '10.0.0.7:51000', NOW), lines };
  };

  it('binds an Outposts token to the cluster ID (aws eks get-token --cluster-id), not to the name', async () => {
    const outposts = scenario({ id: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111' });
    expect(authenticate(outposts, tokenFor(await presign({ k8sAwsId: 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111' }))).result).toMatchObject({ ok: true, user: { username: 'admin' } });
    const byName = authenticate(outposts, tokenFor(await presign({ k8sAwsId: 'prod' })));
    expect(byName.result).toMatchObject({ ok: false, error: expect.stringMatching(/^sts getCallerIdentity failed: error from AWS \(expected 200, got 403\) on us-west-2 endpoint\. Body: .*SignatureDoesNotMatch/) });
  });

  it('logs the STS response, then access granted, as logrus text with sorted keys', async () => {
    const { lines } = authenticate(scenario({}), tokenFor(await presign()));
    const userId = fakeUniqueId('AIDA', `arn:aws:iam::${A}:user/admin`);
    expect(lines).toEqual([
      `time="2026-11-25T03:00:00Z" level=info msg="STS response" accesskeyid=${KEY} accountid=${A} arn="arn:aws:iam::${A}:user/admin" client="10.0.0.7:51000" method=POST path=/authenticate session= stsendpoint=sts.us-west-2.amazonaws.com userid=${userId}`,
      `time="2026-11-25T03:00:00Z" level=info msg="access granted" arn="arn:aws:iam::${A}:user/admin" client="10.0.0.7:51000" groups="[system:masters]" method=POST path=/authenticate stsendpoint=sts.us-west-2.amazonaws.com uid="aws-iam-authenticator:${A}:${userId}" username=admin`,
    ]);
  });

  it('logs a mapping failure with the arn but no stsendpoint, and a token failure with neither', async () => {
    const unmapped = authenticate({ ...scenario({}), awsAuth: {} }, tokenFor(await presign()));
    expect(unmapped.lines.at(-1)).toBe(`time="2026-11-25T03:00:00Z" level=warning msg="access denied" arn="arn:aws:iam::${A}:user/admin" client="10.0.0.7:51000" error="identity is not mapped" method=POST path=/authenticate`);
    const bad = authenticate(scenario({}), 'garbage');
    expect(bad.lines).toEqual([`time="2026-11-25T03:00:00Z" level=warning msg="access denied" client="10.0.0.7:51000" error="input token was not properly formatted: token is missing expected \\"k8s-aws-v1.\\" prefix" method=POST path=/authenticate`]);
  });
});

describe('logrus TextFormatter (sirupsen/logrus text_formatter.go)', () => {
  it('writes [A-Za-z0-9-._/@^+] bare, everything else with %q, an empty value bare and a []string as fmt.Sprint does', () => {
    expect(
      logrusLine({ time: NOW, level: 'info', msg: 'access granted', fields: { z: 'a-b.c_d/e@f^g+h', a: 'x y', q: 'say "hi" \\ \u0001\u00a0é', empty: '', groups: [], two: ['a', 'b:c'] } }),
    ).toBe('time="2026-11-25T03:00:00Z" level=info msg="access granted" a="x y" empty= groups="[]" q="say \\"hi\\" \\\\ \\x01\\u00a0é" two="[a b:c]" z=a-b.c_d/e@f^g+h');
  });
});
