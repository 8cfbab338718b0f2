import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decodeEksToken, redactPresignedUrl } from '../../src/facts/eks-token.js';
import { presignEksToken } from '../../src/facts/eks-token-presign.js';
import { verifyPresignedUrl } from '../helpers/sts-verify.js';

// AWS documentation example keys: not real credentials.
const KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const NOW = new Date('2026-11-25T19:00:00Z');
const creds = { accessKeyId: KEY, secretAccessKey: SECRET };

const wrap = (url: string) => 'k8s-aws-v1.' + Buffer.from(url).toString('base64url');
const validQuery =
  'Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256' +
  `&X-Amz-Credential=${KEY}%2F20261125%2Fus-west-2%2Fsts%2Faws4_request&X-Amz-Date=20261125T190000Z` +
  '&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=abc';

describe('presignEksToken → decodeEksToken', () => {
  it('round-trips the presigned GetCallerIdentity URL', async () => {
    const token = await presignEksToken({ credentials: creds, region: 'us-west-2', clusterName: 'demo', now: NOW });
    expect(token.startsWith('k8s-aws-v1.')).toBe(true);
    expect(token).not.toContain('='); // base64url without padding (token.go RawURLEncoding)
    const d = decodeEksToken(token, { now: NOW });
    if (!d.ok) throw new Error(d.error);
    expect(d.host).toBe('sts.us-west-2.amazonaws.com');
    expect(d.accessKeyId).toBe(KEY);
    expect(d.accessKeyKind).toBe('long-term');
    expect(d.region).toBe('us-west-2');
    expect(d.signedHeaders).toEqual(['host', 'x-k8s-aws-id']);
    expect(d.params).toMatchObject({ Action: 'GetCallerIdentity', Version: '2011-06-15', 'X-Amz-Expires': '60' });
    expect(d.params['X-Amz-Signature']).toBeUndefined();
    expect(d.date.toISOString()).toBe(NOW.toISOString());
    expect(d.expiresAt.getTime() - d.date.getTime()).toBe(15 * 60_000);
    expect(d.hasSessionToken).toBe(false);
    expect(d.length).toBe(token.length);
    expect(d.redactedUrl).toContain('X-Amz-Signature=…');
    expect(verifyPresignedUrl(d.url, { host: d.host, 'x-k8s-aws-id': 'demo' }, SECRET, NOW)).toEqual({ ok: true });
  });

  it('signs a session token into the URL and keeps it out of params', async () => {
    const token = await presignEksToken({
      credentials: { accessKeyId: 'ASIAEXAMPLESESSION01', secretAccessKey: SECRET, sessionToken: 'SECRET/TOKEN+value==' },
      region: 'eu-west-1', clusterName: 'c', stsHost: '127.0.0.1:4566', now: NOW,
    });
    const d = decodeEksToken(token, { now: NOW, configuredEndpoint: 'http://127.0.0.1:4566' });
    if (!d.ok) throw new Error(d.error);
    expect(d.host).toBe('127.0.0.1:4566');
    expect(d.accessKeyKind).toBe('temporary');
    expect(d.hasSessionToken).toBe(true);
    expect(d.params['X-Amz-Security-Token']).toBe('…');
    expect(d.redactedUrl).toContain('X-Amz-Security-Token=…');
    expect(d.redactedUrl).not.toContain('SECRET%2FTOKEN');
    expect(verifyPresignedUrl(d.url, { host: d.host, 'x-k8s-aws-id': 'c' }, SECRET, NOW).ok).toBe(true);
  });
});

describe('decodeEksToken: token.go Verify wording', () => {
  const F = 'input token was not properly formatted: ';
  const cases: [string, string, string][] = [
    ['too long', 'k8s-aws-v1.' + 'A'.repeat(4096), F + 'token is too large'],
    ['missing prefix', 'k8s-aws-v2.abc', F + 'token is missing expected "k8s-aws-v1." prefix'],
    ['bad base64 character', 'k8s-aws-v1.abc$def', F + 'illegal base64 data at input byte 3'],
    ['padded base64', 'k8s-aws-v1.YWI=', F + 'illegal base64 data at input byte 3'],
    ['truncated base64', 'k8s-aws-v1.YWJjZ', F + 'illegal base64 data at input byte 4'],
    ['not a URL', wrap('https://exa mple.com/'), F + 'parse "…": invalid URL'],
    ['http scheme', wrap(`http://sts.us-west-2.amazonaws.com/?${validQuery}`), F + 'unexpected scheme "http" in pre-signed URL'],
    ['two-label host', wrap(`https://evil.com/?${validQuery}`), F + 'could not parse region for pre-signed URL evil.com, invalid host format: evil.com'],
    ['foreign host', wrap(`https://sts.us-west-2.evil.com/?${validQuery}`), F + 'unexpected hostname "sts.us-west-2.evil.com" in pre-signed URL'],
    ['path', wrap(`https://sts.amazonaws.com/x?${validQuery}`), F + 'unexpected path in pre-signed URL'],
    ['bad escape', wrap('https://sts.amazonaws.com/?Action=%zz'), F + 'malformed query parameter'],
    ['case duplicate', wrap(`https://sts.amazonaws.com/?${validQuery}&action=GetCallerIdentity`), F + 'duplicate query parameter found: "action"'],
    ['extra parameter', wrap(`https://sts.amazonaws.com/?${validQuery}&Foo=1`), F + 'non-whitelisted query parameter "Foo"'],
    ['multi-valued', wrap(`https://sts.amazonaws.com/?${validQuery}&Version=2`), F + 'query parameter with multiple values not supported'],
    ['other action', wrap(`https://sts.amazonaws.com/?${validQuery.replace('GetCallerIdentity', 'AssumeRole')}`), F + 'unexpected action parameter in pre-signed URL'],
    ['cluster header unsigned', wrap(`https://sts.amazonaws.com/?${validQuery.replace('host%3Bx-k8s-aws-id', 'host')}`), F + 'client did not sign the x-k8s-aws-id header in the pre-signed URL'],
    ['expires too large', wrap(`https://sts.amazonaws.com/?${validQuery.replace('Expires=60', 'Expires=901')}`), F + 'invalid X-Amz-Expires parameter in pre-signed URL: 901'],
    ['date missing', wrap(`https://sts.amazonaws.com/?${validQuery.replace('&X-Amz-Date=20261125T190000Z', '')}`), F + 'X-Amz-Date parameter must be present in pre-signed URL'],
    ['expired', wrap(`https://sts.amazonaws.com/?${validQuery.replace('T190000Z', 'T184459Z')}`), F + 'X-Amz-Date parameter is expired (15 minute expiration) 2026-11-25 18:44:59 +0000 UTC'],
  ];
  it.each(cases)('%s', (_name, token, error) => {
    const d = decodeEksToken(token, { now: NOW });
    expect(d).toMatchObject({ ok: false, error });
  });

  it('never throws on hostile input', () => {
    for (const t of ['', 'k8s-aws-v1.', 'k8s-aws-v1.' + '\u0000', wrap('%%%'), wrap('https://sts.amazonaws.com/?' + '&'.repeat(100)), 42 as unknown as string]) {
      expect(decodeEksToken(t).ok).toBe(false);
    }
  });

  it('still exposes the fields of a merely expired token', () => {
    const d = decodeEksToken(wrap(`https://sts.amazonaws.com/?${validQuery}`), { now: new Date('2026-11-25T19:15:01Z') });
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.decoded?.accessKeyId).toBe(KEY);
  });

  it('accepts another host (and plain http) only as the STS endpoint the run is configured with (AWS_ENDPOINT_URL[_STS])', () => {
    expect(decodeEksToken(wrap(`http://127.0.0.1:4566/?${validQuery}`), { now: NOW, configuredEndpoint: 'http://127.0.0.1:4566' }).ok).toBe(true);
    expect(decodeEksToken(wrap(`https://127.0.0.1:4566/?${validQuery}`), { now: NOW, configuredEndpoint: 'http://127.0.0.1:4566/' }).ok).toBe(true);
    // Not any loopback host: the one configured.
    expect(decodeEksToken(wrap(`http://127.0.0.1:4567/?${validQuery}`), { now: NOW, configuredEndpoint: 'http://127.0.0.1:4566' })).toMatchObject({ ok: false, error: 'input token was not properly formatted: unexpected scheme "http" in pre-signed URL' });
    expect(decodeEksToken(wrap(`https://127.0.0.1:4566/?${validQuery}`), { now: NOW })).toMatchObject({ ok: false, error: 'input token was not properly formatted: unexpected hostname "127.0.0.1:4566" in pre-signed URL' });
    expect(decodeEksToken(wrap(`http://sts.amazonaws.com/?${validQuery}`), { now: NOW })).toMatchObject({ ok: false, error: 'input token was not properly formatted: unexpected scheme "http" in pre-signed URL' });
  });

  it('accepts the global and regional STS hosts', () => {
    for (const host of ['sts.amazonaws.com', 'sts.eu-central-1.amazonaws.com', 'sts-fips.us-east-1.amazonaws.com', 'sts.cn-north-1.amazonaws.com.cn', 'sts.us-west-2.api.aws']) {
      expect(decodeEksToken(wrap(`https://${host}/?${validQuery}`), { now: NOW }).ok).toBe(true);
    }
  });

  // aws-iam-authenticator pkg/token/token.go verifySTSHostnameFormat: the host's domain must be the cluster's partition's.
  it.each([
    ['sts.cn-north-1.amazonaws.com.cn', 'aws-cn', true],
    ['sts.cn-north-1.amazonaws.com.cn', 'aws', false],
    ['sts.us-west-2.amazonaws.com.cn', 'aws-cn', false],
    ['sts.us-west-2.amazonaws.com.cn', 'aws', false],
    ['sts.amazonaws.com', 'aws', true],
    ['sts.amazonaws.com', 'aws-cn', false],
    ['sts.us-gov-west-1.amazonaws.com', 'aws-us-gov', true],
    ['sts.us-west-2.amazonaws.com', 'aws-us-gov', false],
  ])('STS host %s for a cluster in partition %s: %s', (host, partition, ok) => {
    expect(decodeEksToken(wrap(`https://${host}/?${validQuery}`), { now: NOW, partition }).ok).toBe(ok);
  });
});

describe('presigned tokens, checked by an independent SigV4 verifier as STS checks them', () => {
  it('fail for another secret, another cluster name, another host, and 15 minutes after X-Amz-Date', async () => {
    const token = await presignEksToken({ credentials: creds, region: 'us-west-2', clusterName: 'demo', now: NOW });
    const d = decodeEksToken(token, { now: NOW });
    if (!d.ok) throw new Error(d.error);
    const h = { host: d.host, 'x-k8s-aws-id': 'demo' };
    expect(verifyPresignedUrl(d.url, h, SECRET, NOW)).toEqual({ ok: true });
    expect(verifyPresignedUrl(d.url, h, 'another-secret', NOW)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    expect(verifyPresignedUrl(d.url, { ...h, 'x-k8s-aws-id': 'prod' }, SECRET, NOW)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    expect(verifyPresignedUrl(d.url, { host: 'sts.amazonaws.com', 'x-k8s-aws-id': 'demo' }, SECRET, NOW)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    expect(verifyPresignedUrl(d.url, h, SECRET, new Date(NOW.getTime() + 16 * 60_000))).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch', message: expect.stringMatching(/^Signature expired: 20261125T190000Z/) });
  });

  it('redacts signatures and session tokens', () => {
    expect(redactPresignedUrl('https://h/?X-Amz-Security-Token=abc&X-Amz-Signature=def&A=1')).toBe('https://h/?X-Amz-Security-Token=…&X-Amz-Signature=…&A=1');
  });
});


function awsCliAvailable(): boolean {
  try {
    execFileSync('aws', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!awsCliAvailable())('a token from the real `aws eks get-token`', () => {
  const getToken = (cluster: string): string => {
    const out = execFileSync('aws', ['eks', 'get-token', '--cluster-name', cluster, '--region', 'us-west-2', '--output', 'json'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: '/nonexistent',
        AWS_ACCESS_KEY_ID: KEY,
        AWS_SECRET_ACCESS_KEY: SECRET,
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        AWS_CONFIG_FILE: '/dev/null',
      },
      encoding: 'utf8',
    });
    return (JSON.parse(out) as { status: { token: string } }).status.token;
  };

  it('decodes, verifies with the same secret, and fails for another cluster name', async () => {
    const token = getToken('demo');
    const d = decodeEksToken(token);
    if (!d.ok) throw new Error(d.error);
    expect(d.host).toBe('sts.us-west-2.amazonaws.com');
    expect(d.signedHeaders).toEqual(['host', 'x-k8s-aws-id']);
    const h = { host: d.host, 'x-k8s-aws-id': 'demo' };
    expect(verifyPresignedUrl(d.url, h, SECRET, d.date)).toEqual({ ok: true });
    expect(verifyPresignedUrl(d.url, { ...h, 'x-k8s-aws-id': 'other' }, SECRET, d.date)).toMatchObject({ ok: false, code: 'SignatureDoesNotMatch' });
    // Our presigner, given the same instant, produces the very same token as the CLI.
    expect(await presignEksToken({ credentials: creds, region: 'us-west-2', clusterName: 'demo', now: d.date })).toBe(token);
  });
});
