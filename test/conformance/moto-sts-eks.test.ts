/**
 * awsClients, getSdkIdentity, describeCluster and findClusterByEndpoint against a real STS/EKS wire
 * implementation (moto_server), with static test credentials in an isolated env (not process.env).
 * Token replay is not tested here: moto routes a GET without an Authorization header to S3, so it
 * cannot answer a presigned GetCallerIdentity (the unit tests and the emulator cover replay).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasMoto, startMoto, type Moto } from '../helpers/moto.js';
import { awsClients, resetAwsClients } from '../../src/facts/aws/clients.js';
import { getSdkIdentity } from '../../src/facts/aws-identity.js';
import { describeCluster, endpointMatches, findClusterByEndpoint } from '../../src/facts/eks-cluster.js';

const moto = hasMoto('moto-sts-eks conformance');

const REGION = 'us-west-2';
/** moto's default account. */
const ACCOUNT = '123456789012';
const CLUSTER = 'prod';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/team/deployer`;

describe.skipIf(!moto)('AWS facts against moto_server', () => {
  let server: Moto | undefined;
  let endpoint: string;
  let env: NodeJS.ProcessEnv;
  let clusterEndpoint: string;

  beforeAll(async () => {
    server = await startMoto();
    endpoint = server.endpoint;
    // An isolated env: nothing from the developer's shell, metadata services off.
    env = {
      HOME: '/nonexistent-eksdoctor-home',
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLETESTKEY01',
      AWS_SECRET_ACCESS_KEY: 'testing-secret-testing-secret-testing00',
      AWS_ENDPOINT_URL: endpoint,
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    // Test setup only: the product never writes to EKS.
    const admin = new EKSClient({ region: REGION, endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const created = await admin.send(
      new CreateClusterCommand({
        name: CLUSTER,
        version: '1.31',
        roleArn: `arn:aws:iam::${ACCOUNT}:role/eks-cluster`,
        resourcesVpcConfig: { subnetIds: ['subnet-1', 'subnet-2'], endpointPublicAccess: true, endpointPrivateAccess: false },
      }),
    );
    // One cluster only: moto gives every cluster of a process the same endpoint host.
    clusterEndpoint = created.cluster?.endpoint ?? '';
  });

  afterAll(async () => {
    resetAwsClients(env);
    await server?.stop();
  });

  it('GetCallerIdentity through the env-key credentials and AWS_ENDPOINT_URL of the given env', async () => {
    const clients = awsClients({ region: REGION, env });
    expect(clients.endpoints).toEqual({ sts: endpoint, eks: endpoint, logs: endpoint });
    const id = await getSdkIdentity(clients);
    expect(id).toMatchObject({ ok: true, accountId: ACCOUNT, source: { source: 'env' } });
    if (id.ok) expect(id.arn).toMatch(/^arn:aws:(iam|sts)::123456789012:/);
    // One client set per (region, profile, role) for the env.
    expect(awsClients({ region: REGION, env })).toBe(clients);
  });

  it('AssumeRole (exec --role-arn) then GetCallerIdentity: an assumed-role session canonicalized to the role', async () => {
    const clients = awsClients({ region: REGION, env, roleArn: ROLE });
    const id = await getSdkIdentity(clients);
    expect(id).toMatchObject({ ok: true, accountId: ACCOUNT, source: { source: 'env', assumedRoleArn: ROLE } });
    if (!id.ok) return;
    expect(id.arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/deployer/EKSGetTokenAuth`);
    // aws-iam-authenticator pkg/arn: the session ARN carries no path, so neither does the canonical role.
    expect(id.principalArn).toBe(`arn:aws:iam::${ACCOUNT}:role/deployer`);
  });

  it('web identity from env (IRSA-style), through the same STS endpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eksdoctor-webid-'));
    writeFileSync(join(dir, 'token'), 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln');
    const webEnv = {
      HOME: dir,
      AWS_WEB_IDENTITY_TOKEN_FILE: join(dir, 'token'),
      AWS_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/irsa`,
      AWS_ROLE_SESSION_NAME: 'pod',
      AWS_ENDPOINT_URL: endpoint,
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    const id = await getSdkIdentity(awsClients({ region: REGION, env: webEnv }));
    resetAwsClients(webEnv);
    expect(id).toMatchObject({ ok: true, principalArn: `arn:aws:iam::${ACCOUNT}:role/irsa`, source: { source: 'web-identity' } });
  });

  it('a profile with role_arn + source_profile assumes the role through the same STS endpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eksdoctor-roleprofile-'));
    writeFileSync(join(dir, 'credentials'), '[base]\naws_access_key_id = AKIAEXAMPLEBASE00001\naws_secret_access_key = base-secret\n');
    writeFileSync(join(dir, 'config'), `[profile admin]\nrole_arn = arn:aws:iam::${ACCOUNT}:role/admin\nsource_profile = base\nrole_session_name = alice\n`);
    const profEnv = { HOME: dir, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_PROFILE: 'admin', AWS_ENDPOINT_URL: endpoint, AWS_EC2_METADATA_DISABLED: 'true' };
    const id = await getSdkIdentity(awsClients({ region: REGION, env: profEnv }));
    resetAwsClients(profEnv);
    expect(id).toMatchObject({
      ok: true,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/admin/alice`,
      principalArn: `arn:aws:iam::${ACCOUNT}:role/admin`,
      source: { source: 'profile', profile: 'admin', profileAssumesRole: true },
    });
  });

  it('an explicit profile that does not exist is profile-not-found, not a fallback to env keys', async () => {
    const id = await getSdkIdentity(awsClients({ region: REGION, env, profile: 'nope' }));
    expect(id).toMatchObject({ ok: false, problem: 'profile-not-found', profile: 'nope' });
  });

  it('no credentials at all', async () => {
    const bare = { HOME: '/nonexistent-eksdoctor-home', AWS_ENDPOINT_URL: endpoint, AWS_EC2_METADATA_DISABLED: 'true' };
    const id = await getSdkIdentity(awsClients({ region: REGION, env: bare }));
    expect(id).toMatchObject({ ok: false, problem: 'no-credentials', code: 'CredentialsProviderError' });
    if (!id.ok) expect(id.message).toContain('Could not load credentials from any providers');
  });

  it('describeCluster reads the cluster as EKS describes it', async () => {
    const r = await describeCluster(awsClients({ region: REGION, env }).eks, CLUSTER);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.cluster).toMatchObject({ name: CLUSTER, status: 'ACTIVE', version: '1.31', endpointPublicAccess: true, endpointPrivateAccess: false });
    expect(r.cluster.arn).toBe(`arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${CLUSTER}`);
    expect(r.cluster.endpoint).toBe(clusterEndpoint);
    expect(Array.isArray(r.cluster.enabledLogTypes)).toBe(true);
  });

  it('describeCluster of a missing name is not-found', async () => {
    const r = await describeCluster(awsClients({ region: REGION, env }).eks, 'no-such-cluster');
    expect(r).toMatchObject({ ok: false, problem: 'not-found', code: 'ResourceNotFoundException', status: 404 });
  });

  it('findClusterByEndpoint finds the cluster whose endpoint is the server, case-insensitively', async () => {
    const eks = awsClients({ region: REGION, env }).eks;
    const server = clusterEndpoint.replace(/^https:\/\/([^/]+)/, (_, h: string) => `https://${h.toUpperCase()}`);
    expect(endpointMatches(server, clusterEndpoint)).toBe(true);
    const r = await findClusterByEndpoint(eks, server);
    expect(r).toMatchObject({ ok: true, cluster: { name: CLUSTER } });
    const none = await findClusterByEndpoint(eks, 'https://0123456789ABCDEF.gr7.us-west-2.eks.amazonaws.com');
    expect(none).toMatchObject({ ok: true, unchecked: [] });
    if (none.ok) expect(none.cluster).toBeUndefined();
  });
});
