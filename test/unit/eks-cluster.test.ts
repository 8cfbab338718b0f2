/**
 * DescribeCluster facts, error classification (errors shaped as the EKS client raises them), the
 * endpoint search, and the kubeconfig comparisons (endpoint, CA).
 */
import { DescribeClusterCommand, EKSClient, ListClustersCommand, type Cluster } from '@aws-sdk/client-eks';
import { beforeAll, describe, expect, it } from 'vitest';
import { createServingCertificates } from '../../packages/eks-emulator/src/kube/tls.js';
import { AssumeRoleError } from '../../src/facts/aws/errors.js';
import { caFingerprints, caMatches, clusterFailure, describeCluster, endpointMatches, findClusterByEndpoint, toClusterInfo } from '../../src/facts/eks-cluster.js';

function sdkError(name: string, status: number | undefined, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, ...(status !== undefined && { $metadata: { httpStatusCode: status } }), ...extra });
}

const CLUSTER: Cluster = {
  name: 'prod',
  arn: 'arn:aws:eks:us-west-2:111122223333:cluster/prod',
  status: 'ACTIVE',
  version: '1.31',
  endpoint: 'https://0123456789ABCDEF0123456789ABCDEF.gr7.us-west-2.eks.amazonaws.com',
  certificateAuthority: { data: 'LS0tLS1CRUdJTi==' },
  accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP', bootstrapClusterCreatorAdminPermissions: true },
  resourcesVpcConfig: { endpointPublicAccess: true, endpointPrivateAccess: true, publicAccessCidrs: ['203.0.113.0/24'] },
  logging: {
    clusterLogging: [
      { types: ['api', 'audit'], enabled: false },
      { types: ['authenticator', 'audit'], enabled: true },
    ],
  },
  createdAt: new Date('2026-01-02T03:04:05Z'),
};

/** A fake EKSClient answering from a table of clusters; counts concurrent DescribeCluster calls. */
function fakeEks(clusters: Cluster[], opts: { pageSize?: number; fail?: Record<string, Error>; listError?: Error } = {}) {
  const stats = { inFlight: 0, maxInFlight: 0, describes: 0, lists: 0 };
  const client = {
    async send(cmd: unknown) {
      if (cmd instanceof ListClustersCommand) {
        stats.lists++;
        if (opts.listError) throw opts.listError;
        const start = Number(cmd.input.nextToken ?? 0);
        const size = opts.pageSize ?? 100;
        const page = clusters.slice(start, start + size).map((c) => c.name!);
        return { clusters: page, nextToken: start + size < clusters.length ? String(start + size) : undefined };
      }
      if (cmd instanceof DescribeClusterCommand) {
        stats.describes++;
        stats.inFlight++;
        stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
        await new Promise((r) => setTimeout(r, 5));
        stats.inFlight--;
        const name = cmd.input.name!;
        if (opts.fail?.[name]) throw opts.fail[name];
        const c = clusters.find((x) => x.name === name);
        if (!c) throw sdkError('ResourceNotFoundException', 404, `No cluster found for name: ${name}.`);
        return { cluster: c };
      }
      throw new Error('unexpected command');
    },
  };
  // A real client's prototype: the SDK's paginators check `instanceof EKSClient`; `send` is the fake.
  return { eks: Object.assign(Object.create(EKSClient.prototype) as EKSClient, client), stats };
}

describe('describeCluster', () => {
  it('maps the cluster to the facts the checks use', async () => {
    const { eks } = fakeEks([CLUSTER]);
    expect(await describeCluster(eks, 'prod')).toEqual({
      ok: true,
      cluster: {
        name: 'prod',
        arn: 'arn:aws:eks:us-west-2:111122223333:cluster/prod',
        status: 'ACTIVE',
        endpoint: CLUSTER.endpoint,
        caData: 'LS0tLS1CRUdJTi==',
        version: '1.31',
        authenticationMode: 'API_AND_CONFIG_MAP',
        bootstrapClusterCreatorAdminPermissions: true,
        endpointPublicAccess: true,
        endpointPrivateAccess: true,
        publicAccessCidrs: ['203.0.113.0/24'],
        enabledLogTypes: ['audit', 'authenticator'],
        createdAt: '2026-01-02T03:04:05.000Z',
      },
    });
  });

  it('an old cluster without accessConfig or logging: CONFIG_MAP, as clusters before access entries are', () => {
    expect(toClusterInfo({ name: 'old' })).toMatchObject({ name: 'old', authenticationMode: 'CONFIG_MAP', publicAccessCidrs: [], enabledLogTypes: [] });
  });

  it('a missing cluster is not-found', async () => {
    const { eks } = fakeEks([CLUSTER]);
    expect(await describeCluster(eks, 'nope')).toMatchObject({ ok: false, problem: 'not-found', code: 'ResourceNotFoundException', status: 404 });
  });

  it.each([
    ['ResourceNotFoundException', sdkError('ResourceNotFoundException', 404, 'No cluster found for name: x.'), 'not-found'],
    ['AccessDeniedException', sdkError('AccessDeniedException', 403, 'User: arn:aws:iam::1:user/a is not authorized to perform: eks:DescribeCluster'), 'denied'],
    ['ExpiredTokenException', sdkError('ExpiredTokenException', 403, 'The security token included in the request is expired'), 'expired'],
    ['SSO expired', Object.assign(new Error('The SSO session associated with this profile has expired. To refresh this SSO session run aws sso login'), { name: 'CredentialsProviderError' }), 'expired'],
    ['no credentials', Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), 'no-credentials'],
    ['UnrecognizedClientException', sdkError('UnrecognizedClientException', 403, 'The security token included in the request is invalid.'), 'credentials-invalid'],
    ['InvalidSignatureException', sdkError('InvalidSignatureException', 403, 'Signature mismatch'), 'credentials-invalid'],
    ['ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'unreachable'],
    ['TimeoutError', Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }), 'unreachable'],
    ['ServerException 500', sdkError('ServerException', 500, 'internal'), 'unreachable'],
    ['ThrottlingException after retries', sdkError('ThrottlingException', 429, 'Rate exceeded'), 'throttled'],
    ['AssumeRole (exec --role-arn) refused', new AssumeRoleError('arn:aws:iam::1:role/r', sdkError('AccessDenied', 403, 'not authorized to perform: sts:AssumeRole')), 'assume-role-failed'],
    ['AssumeRole with expired source credentials', new AssumeRoleError('arn:aws:iam::1:role/r', sdkError('ExpiredToken', 403, 'expired')), 'expired'],
    ['InvalidParameterException', sdkError('InvalidParameterException', 400, 'bad name'), 'other'],
  ])('%s', (_, err, problem) => {
    expect(clusterFailure(err)).toMatchObject({ ok: false, problem });
  });
});

describe('findClusterByEndpoint', () => {
  const many: Cluster[] = Array.from({ length: 23 }, (_, i) => ({
    name: `c${i}`,
    endpoint: `https://${i.toString(16).padStart(32, '0').toUpperCase()}.gr7.us-west-2.eks.amazonaws.com`,
  }));

  it('pages through ListClusters and matches the endpoint host case-insensitively, at most 4 describes at a time', async () => {
    const { eks, stats } = fakeEks(many, { pageSize: 5 });
    const target = many[17]!.endpoint!.toLowerCase() + '/';
    const r = await findClusterByEndpoint(eks, target);
    expect(r).toMatchObject({ ok: true, cluster: { name: 'c17' }, truncated: false, unchecked: [] });
    expect(stats.lists).toBe(5);
    expect(stats.maxInFlight).toBeLessThanOrEqual(4);
    expect(stats.maxInFlight).toBeGreaterThan(1);
  });

  it('no match: ok, no cluster; the failures are listed', async () => {
    const { eks } = fakeEks(many.slice(0, 3), { fail: { c1: sdkError('AccessDeniedException', 403, 'denied') } });
    const r = await findClusterByEndpoint(eks, 'https://ffff.gr7.us-west-2.eks.amazonaws.com');
    expect(r).toEqual({ ok: true, scanned: 3, unchecked: ['c1'], truncated: false });
  });

  it('every describe denied: the answer is denied, not "no cluster"', async () => {
    const denied = sdkError('AccessDeniedException', 403, 'denied');
    const { eks } = fakeEks(many.slice(0, 3), { fail: { c0: denied, c1: denied, c2: denied } });
    expect(await findClusterByEndpoint(eks, many[0]!.endpoint!)).toMatchObject({ ok: false, problem: 'denied' });
  });

  it('ListClusters denied', async () => {
    const { eks } = fakeEks(many, { listError: sdkError('AccessDeniedException', 403, 'not authorized to perform: eks:ListClusters') });
    expect(await findClusterByEndpoint(eks, many[0]!.endpoint!)).toMatchObject({ ok: false, problem: 'denied', code: 'AccessDeniedException' });
  });

  it('no clusters at all', async () => {
    const { eks } = fakeEks([]);
    expect(await findClusterByEndpoint(eks, many[0]!.endpoint!)).toEqual({ ok: true, scanned: 0, unchecked: [], truncated: false });
  });
});

describe('endpointMatches', () => {
  const ep = 'https://0123456789ABCDEF0123456789ABCDEF.gr7.us-west-2.eks.amazonaws.com';
  it.each([
    [ep, ep, true],
    [ep.toLowerCase(), ep, true],
    [`${ep}/`, ep, true],
    [`${ep}:443`, ep, true],
    [ep, 'https://FEDCBA9876543210FEDCBA9876543210.gr7.us-west-2.eks.amazonaws.com', false],
    [ep.replace('us-west-2', 'us-east-1'), ep, false],
    [`${ep}:8443`, ep, false],
    [ep.replace('https:', 'http:'), ep, false],
    ['not a url', ep, false],
    ['', '', false],
  ])('%s vs %s → %s', (a, b, expected) => {
    expect(endpointMatches(a, b)).toBe(expected);
  });
});

describe('caMatches', () => {
  let caPem: string;
  let otherPem: string;
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  beforeAll(async () => {
    const certs = await createServingCertificates();
    caPem = certs.caPem;
    otherPem = certs.certPem;
  });

  it('same certificate, different wrapping, whitespace and line endings', () => {
    const body = caPem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
    const rewrapped = `-----BEGIN CERTIFICATE-----\r\n${body.match(/.{1,76}/g)!.join('\r\n')}\r\n-----END CERTIFICATE-----\r\n\r\n`;
    expect(caMatches(b64(caPem), b64(rewrapped))).toBe(true);
    // base64 of the PEM itself wrapped at 60 columns, as some tools write it.
    expect(caMatches(b64(caPem).match(/.{1,60}/g)!.join('\n'), b64(caPem))).toBe(true);
  });

  it('another certificate does not match', () => {
    expect(caMatches(b64(otherPem), b64(caPem))).toBe(false);
  });

  it('a kubeconfig bundle that contains the cluster CA matches', () => {
    expect(caMatches(b64(otherPem + caPem), b64(caPem))).toBe(true);
    expect(caMatches(b64(caPem), b64(otherPem + caPem))).toBe(false);
  });

  it('garbage or empty on either side is not a match', () => {
    expect(caMatches('not base64 at all', b64(caPem))).toBe(false);
    expect(caMatches(b64(caPem), '')).toBe(false);
    expect(caFingerprints(b64('hello'))).toEqual([]);
  });

  it('fingerprints are stable SHA-256 hex, one per certificate', () => {
    const f = caFingerprints(b64(caPem + otherPem));
    expect(f).toHaveLength(2);
    expect(f[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(caFingerprints(caPem)).toEqual([f[0]]);
  });
});
