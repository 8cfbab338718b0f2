/** The isolated HOME (AWS config, credentials, kubeconfig as update-kubeconfig writes it) and the builtin get-token. */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsServer, type AwsServer } from '../../packages/eks-emulator/src/aws-server.js';
import { CommandError, describeFailure, discoverApiVersion, getToken, parseGetTokenArgs, ProfileNotFound, UsageError } from '../../packages/eks-emulator/src/get-token-cli.js';
import { presignGetCallerIdentity, stsEndpointFor } from '../../packages/eks-emulator/src/get-token/presign.js';
import { SharedConfig } from '../../packages/eks-emulator/src/aws-shared-config.js';
import { BUILTIN_GET_TOKEN, isolatedEnv, materializeHome } from '../../packages/eks-emulator/src/home.js';
import { loadScenario } from '../../packages/eks-emulator/src/scenarios.js';
import { EmulatorState } from '../../packages/eks-emulator/src/state.js';
import { decodeEksToken } from '../../src/facts/eks-token.js';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function home(name: string, exec: 'builtin' | 'aws-cli' = 'builtin') {
  const state = new EmulatorState(loadScenario(name));
  const dir = mkdtempSync(join(tmpdir(), 'eksdoctor-home-'));
  dirs.push(dir);
  const out = materializeHome({ state, awsUrl: 'http://127.0.0.1:4566', kubeUrl: 'https://127.0.0.1:6443', caPem: CA }, dir, { exec });
  const kubeconfig = yaml.load(readFileSync(out.kubeconfigPath, 'utf8')) as any;
  return { dir, ...out, kubeconfig, user: kubeconfig.users[0].user };
}

describe('materializeHome', () => {
  it('returns only the isolating environment', () => {
    const h = home('classic');
    expect(h.env).toEqual({
      HOME: h.dir,
      KUBECONFIG: join(h.dir, '.kube', 'config'),
      AWS_CONFIG_FILE: join(h.dir, '.aws', 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(h.dir, '.aws', 'credentials'),
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_REGION: 'us-west-2',
      AWS_DEFAULT_REGION: 'us-west-2',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    expect(statSync(h.env.AWS_SHARED_CREDENTIALS_FILE!).mode & 0o077).toBe(0);
  });

  it('writes profiles with the principals keys and session tokens', () => {
    const h = home('exec-profile-other-principal');
    expect(readFileSync(h.env.AWS_CONFIG_FILE!, 'utf8')).toBe('[default]\nregion = us-west-2\noutput = json\n\n[profile readonly]\nregion = us-west-2\noutput = json\n');
    const creds = readFileSync(h.env.AWS_SHARED_CREDENTIALS_FILE!, 'utf8');
    expect(creds).toContain('[readonly]\naws_access_key_id = AKIAEXAMPLEREADONLY1\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYREADONLY01\n');
    expect(readFileSync(home('classic').env.AWS_SHARED_CREDENTIALS_FILE!, 'utf8')).toContain('aws_session_token = IQoJb3JpZ2luX2Vj');
  });

  it('writes the kubeconfig the way aws eks update-kubeconfig does', () => {
    const h = home('classic', 'aws-cli');
    const arn = 'arn:aws:eks:us-west-2:111122223333:cluster/prod';
    expect(h.kubeconfig).toMatchObject({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': arn,
      clusters: [{ name: arn, cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': Buffer.from(CA).toString('base64') } }],
      contexts: [{ name: arn, context: { cluster: arn, user: arn } }],
    });
    expect(h.user.exec).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      args: ['--region', 'us-west-2', 'eks', 'get-token', '--cluster-name', 'prod', '--output', 'json'],
      command: 'aws',
    });
  });

  it('carries the scenario kubeconfig quirks', () => {
    expect(home('exec-v1alpha1').user.exec.apiVersion).toBe('client.authentication.k8s.io/v1alpha1');
    expect(home('wrong-cluster-name').user.exec.args).toContain('prod-old');
    expect(home('exec-profile-other-principal').user.exec.env).toEqual([{ name: 'AWS_PROFILE', value: 'readonly' }]);
    expect(home('assume-role-denied').user.exec.args.slice(-2)).toEqual(['--role', 'arn:aws:iam::111122223333:role/prod-admin']);
    expect(home('stale-endpoint').kubeconfig.clusters[0].cluster.server).toBe('https://127.0.0.1:1');
    expect(home('exec-command-not-found').user.exec.command).toBe('aws-iam-authenticator');
    expect(home('classic', 'builtin').user.exec.command).toBe(BUILTIN_GET_TOKEN);
    expect(home('sso-access-entry').env.AWS_PROFILE).toBe('sso');
  });

  it('names a local cluster on Outposts by --cluster-id, as update_kubeconfig.py does for a cluster with outpostConfig', () => {
    const scenario = loadScenario('classic');
    scenario.cluster.id = 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111';
    const dir = mkdtempSync(join(tmpdir(), 'eksdoctor-home-'));
    dirs.push(dir);
    const out = materializeHome({ state: new EmulatorState(scenario), awsUrl: 'http://127.0.0.1:4566', kubeUrl: 'https://127.0.0.1:6443', caPem: CA }, dir);
    const exec = (yaml.load(readFileSync(out.kubeconfigPath, 'utf8')) as any).users[0].user.exec;
    expect(exec.args).toEqual(['--region', 'us-west-2', 'eks', 'get-token', '--cluster-id', 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111', '--output', 'json']);
  });

  it('isolatedEnv drops the developer AWS and kube settings', () => {
    const env = isolatedEnv({ PATH: '/bin', AWS_PROFILE: 'mine', AWS_SECRET_ACCESS_KEY: 's', KUBECONFIG: '/mine', AWS_ENDPOINT_URL_EKS: 'x' }, { HOME: '/h' });
    expect(env).toEqual({ PATH: '/bin', HOME: '/h' });
  });
});

describe('builtin get-token', () => {
  it('parses the aws eks get-token arguments as kubeconfigs pass them', () => {
    expect(parseGetTokenArgs(['--region', 'us-west-2', 'eks', 'get-token', '--cluster-name', 'prod', '--output', 'json', '--role', 'arn:r'])).toEqual({
      region: 'us-west-2',
      clusterName: 'prod',
      output: 'json',
      roleArn: 'arn:r',
    });
    expect(parseGetTokenArgs(['eks', 'get-token', '--cluster-name=prod', '--role-arn=arn:r', '--session-name', 'me']).sessionName).toBe('me');
    expect(() => parseGetTokenArgs(['sts', 'get-caller-identity'])).toThrow(UsageError);
    expect(() => parseGetTokenArgs(['eks', 'get-token', '--cluster-name', 'p', '--bogus'])).toThrow(/Unknown options: --bogus/);
  });

  it('keeps the last of a repeated option and takes unique prefixes, as argparse does (aws CLI v1 verified)', () => {
    expect(parseGetTokenArgs(['eks', 'get-token', '--cluster-name', 'a', '--cluster-name', 'b', '--region', 'us-west-2', '--region', 'eu-west-1'])).toMatchObject({ clusterName: 'b', region: 'eu-west-1' });
    expect(parseGetTokenArgs(['--reg', 'us-west-2', 'eks', 'get-token', '--cluster-n', 'a'])).toMatchObject({ region: 'us-west-2', clusterName: 'a' });
    expect(() => parseGetTokenArgs(['eks', 'get-token', '--cluster', 'a'])).toThrow('ambiguous option: --cluster could match --cluster-name, --cluster-id');
    expect(() => parseGetTokenArgs(['eks', 'get-token', '--cluster-name', '--region', 'x'])).toThrow('argument --cluster-name: expected one argument');
  });

  it('fails as get_token.py does without a cluster (exit 1) or with both --cluster-name and --cluster-id (exit 255)', () => {
    const thrown = (argv: string[]) => {
      try {
        parseGetTokenArgs(argv);
      } catch (e) {
        return e as CommandError;
      }
      throw new Error('no error');
    };
    expect(thrown(['eks', 'get-token'])).toMatchObject({ exitCode: 1, message: 'Either parameter --cluster-name or --cluster-id must be specified.' });
    expect(thrown(['eks', 'get-token', '--cluster-name', 'a', '--cluster-id', 'b'])).toMatchObject({
      exitCode: 255,
      message: 'The key "cluster_id" cannot be specified when one of the following keys are also specified: cluster_name',
    });
  });

  it('refuses --query and any --output but json with a one-line usage error (exit 252): kubectl reads the whole ExecCredential', () => {
    for (const extra of [['--query', 'status.token'], ['--output', 'text']]) {
      try {
        parseGetTokenArgs(['eks', 'get-token', '--cluster-name', 'prod', ...extra]);
        throw new Error('accepted');
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        expect((e as UsageError).exitCode).toBe(252);
        expect((e as Error).message).not.toContain('\n');
      }
    }
  });

  it('presigns byte for byte as aws CLI v1 does (a token recorded from aws-cli/1.45.11 with these test keys)', async () => {
    const url = await presignGetCallerIdentity({
      credentials: { accessKeyId: 'AKIAEXAMPLEEXAMPLE01', secretAccessKey: 'secretsecretsecretsecretsecretsecret0000', sessionToken: 'FwoGZXIvYXdzE+/token=' },
      endpoint: stsEndpointFor('us-west-2', {}),
      k8sAwsId: 'prod',
      now: new Date('2026-12-01T21:56:27Z'),
    });
    expect(url).toBe(
      'https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256' +
        '&X-Amz-Credential=AKIAEXAMPLEEXAMPLE01%2F20261201%2Fus-west-2%2Fsts%2Faws4_request&X-Amz-Date=20261201T215627Z&X-Amz-Expires=60' +
        '&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Security-Token=FwoGZXIvYXdzE%2B%2Ftoken%3D' +
        '&X-Amz-Signature=dd90e33f9d1ddea08ef6b4e3e6fefbe4cf5759cd8dc76413e57255c3b4c5b000',
    );
  });

  describe('the region and STS host, as aws CLI v1 picks them (botocore: --region, AWS_DEFAULT_REGION, the profile)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eksdoctor-get-token-'));
    dirs.push(dir);
    const config = join(dir, 'config');
    writeFileSync(config, '[default]\nregion = eu-central-1\n\n[profile a]\nregion = ap-south-1\n\n[profile b]\nregion = sa-east-1\n');
    const base = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE01', AWS_SECRET_ACCESS_KEY: 'secretsecretsecretsecretsecretsecret0000', AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none') };
    const signedFor = async (args: Parameters<typeof getToken>[0], env: Record<string, string>) => {
      const cred = (await getToken(args, { ...base, ...env })) as { status: { token: string } };
      const u = new URL(Buffer.from(cred.status.token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8'));
      return `${u.host} ${u.searchParams.get('X-Amz-Credential')!.split('/')[2]}`;
    };

    it.each([
      ['--region first', { region: 'cn-north-1', clusterName: 'p' }, { AWS_DEFAULT_REGION: 'us-west-2' }, 'sts.cn-north-1.amazonaws.com.cn cn-north-1'],
      ['AWS_DEFAULT_REGION next; AWS_REGION is not read by v1 (v2 reads it first)', { clusterName: 'p' }, { AWS_DEFAULT_REGION: 'us-gov-west-1', AWS_REGION: 'eu-west-1' }, 'sts.us-gov-west-1.amazonaws.com us-gov-west-1'],
      ["then the profile's region", { clusterName: 'p' }, {}, 'sts.eu-central-1.amazonaws.com eu-central-1'],
      ['AWS_DEFAULT_PROFILE before AWS_PROFILE', { clusterName: 'p' }, { AWS_DEFAULT_PROFILE: 'a', AWS_PROFILE: 'b' }, 'sts.ap-south-1.amazonaws.com ap-south-1'],
      ['--endpoint-url overrides the host', { clusterName: 'p', region: 'us-west-2', endpointUrl: 'http://127.0.0.1:4566' }, {}, '127.0.0.1:4566 us-west-2'],
    ])('%s', async (_name, args, env, want) => {
      expect(await signedFor(args, env)).toBe(want);
    });

    it('signs for the global endpoint when no region is set at all', async () => {
      writeFileSync(join(dir, 'empty'), '');
      expect(await signedFor({ clusterName: 'p' }, { AWS_CONFIG_FILE: join(dir, 'empty'), AWS_REGION: 'eu-west-1' })).toBe('sts.amazonaws.com us-east-1');
    });

    it('stops at a profile neither file names', async () => {
      await expect(getToken({ clusterName: 'p', profile: 'nope' }, base)).rejects.toBeInstanceOf(ProfileNotFound);
    });
  });

  it("reads a profile's static keys itself only where botocore and the SDK's chain agree they are the answer", () => {
    const dir = mkdtempSync(join(tmpdir(), 'eksdoctor-static-keys-'));
    dirs.push(dir);
    const config = join(dir, 'config');
    const credentials = join(dir, 'credentials');
    writeFileSync(
      config,
      '[default]\nregion = us-west-2\n\n[profile in-config]\naws_access_key_id = AKIACONFIG\naws_secret_access_key = s3cret\n\n' +
        '[profile role]\nrole_arn = arn:aws:iam::111122223333:role/r\nsource_profile = default\n\n[profile sso]\nsso_session = corp\n\n[profile both]\naws_access_key_id = AKIAIGNORED\naws_secret_access_key = ignored\n',
    );
    writeFileSync(
      credentials,
      '[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = secret\naws_session_token = tok\n\n[sso]\naws_access_key_id = AKIASSO\naws_secret_access_key = x\n\n' +
        '[both]\naws_access_key_id = AKIABOTH\naws_secret_access_key = wins\n\n[comment]\naws_access_key_id = AKIAC\naws_secret_access_key = abc # not part of it for the SDK\n\n[process]\ncredential_process = /bin/false\n',
    );
    const shared = new SharedConfig({ AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials, HOME: dir });
    expect(shared.staticCredentialsOf('default')).toEqual({ accessKeyId: 'AKIADEFAULT', secretAccessKey: 'secret', sessionToken: 'tok' });
    expect(shared.staticCredentialsOf('in-config')).toEqual({ accessKeyId: 'AKIACONFIG', secretAccessKey: 's3cret' });
    // The credentials file wins over the config file (botocore's shared-credentials-file provider runs first).
    expect(shared.staticCredentialsOf('both')).toEqual({ accessKeyId: 'AKIABOTH', secretAccessKey: 'wins' });
    // Left to the full chain: an assumed role, SSO next to keys, credential_process, a value the two parsers read differently, no profile.
    for (const profile of ['role', 'sso', 'process', 'comment', 'absent']) expect(shared.staticCredentialsOf(profile)).toBeUndefined();
  });

  it('takes the apiVersion from KUBERNETES_EXEC_INFO, else v1beta1', () => {
    expect(discoverApiVersion({}).apiVersion).toBe('client.authentication.k8s.io/v1beta1');
    expect(discoverApiVersion({ KUBERNETES_EXEC_INFO: '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"}' }).apiVersion).toBe(
      'client.authentication.k8s.io/v1',
    );
    expect(discoverApiVersion({ KUBERNETES_EXEC_INFO: '{' }).warning).toMatch(/^Error parsing KUBERNETES_EXEC_INFO, defaulting to client.authentication.k8s.io\/v1beta1/);
    expect(discoverApiVersion({ KUBERNETES_EXEC_INFO: '{"apiVersion":"client.authentication.k8s.io/v1alpha1"}' })).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1alpha1',
      warning: "Kubeconfig user entry is using deprecated API version client.authentication.k8s.io/v1alpha1. Run 'aws eks update-kubeconfig' to update.",
    });
  });

  it('words failures as the AWS CLI does', () => {
    const noCreds = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    expect(describeFailure(noCreds)).toBe('Unable to locate credentials. You can configure credentials by running "aws configure".');
    expect(describeFailure(new Error('Region is missing'))).toMatch(/^You must specify a region/);
    expect(describeFailure(new ProfileNotFound('prod-admin'))).toBe('The config profile (prod-admin) could not be found');
    const denied = Object.assign(new Error('User: u is not authorized'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    expect(describeFailure(denied)).toBe('An error occurred (AccessDenied) when calling the AssumeRole operation: User: u is not authorized');
  });

  describe('against the emulator', () => {
    let server: AwsServer;
    let env: Record<string, string>;
    const saved = { ...process.env };
    beforeAll(async () => {
      const scenario = loadScenario('assume-role-denied');
      scenario.principals[0]!.canAssume = ['arn:aws:iam::111122223333:role/prod-admin'];
      const state = new EmulatorState(scenario);
      server = await startAwsServer(state, { host: '127.0.0.1', endpoint: () => ({ url: 'https://127.0.0.1:6443', caPem: CA }) });
      const dir = mkdtempSync(join(tmpdir(), 'eksdoctor-home-'));
      dirs.push(dir);
      env = materializeHome({ state, awsUrl: server.url, kubeUrl: 'https://127.0.0.1:6443', caPem: CA }, dir).env;
      // The SDK's credential chain reads process.env; isolate it for these tests.
      for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
      Object.assign(process.env, env);
    });
    afterAll(async () => {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
      await server.close();
    });

    it('prints an ExecCredential whose token carries the profile identity and expires in 14 minutes', async () => {
      const now = new Date('2026-11-25T03:00:00Z');
      const cred = (await getToken({ clusterName: 'prod' }, process.env, now)) as any;
      expect(cred).toMatchObject({ kind: 'ExecCredential', apiVersion: 'client.authentication.k8s.io/v1beta1', spec: {} });
      expect(cred.status.expirationTimestamp).toBe('2026-11-25T03:14:00Z');
      const decoded = decodeEksToken(cred.status.token, { now, configuredEndpoint: server.url }) as any;
      expect(decoded.ok).toBe(true);
      expect(decoded.accessKeyId).toBe('AKIAEXAMPLEALICE0001');
      expect(decoded.signedHeaders).toEqual(['host', 'x-k8s-aws-id']);
      expect(decoded.host).toBe(new URL(server.url).host); // presigned for the configured STS endpoint
      expect(decoded.region).toBe('us-west-2');
    });

    it('assumes --role-arn through the emulator STS (RoleSessionName EKSGetTokenAuth)', async () => {
      const cred = (await getToken({ clusterName: 'prod', roleArn: 'arn:aws:iam::111122223333:role/prod-admin' })) as any;
      const decoded = decodeEksToken(cred.status.token, { configuredEndpoint: server.url }) as any;
      expect(decoded.accessKeyId).toMatch(/^ASIA/);
      expect(decoded.hasSessionToken).toBe(true);
    });

    it('fails like the AWS CLI when the role may not be assumed', async () => {
      await expect(getToken({ clusterName: 'prod', roleArn: 'arn:aws:iam::111122223333:role/other' })).rejects.toMatchObject({ name: 'AccessDenied' });
    });
  });
});
