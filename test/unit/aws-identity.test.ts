/**
 * SDK identity: error classification (errors shaped as the SDK raises them: `name`,
 * `$metadata.httpStatusCode`, `message`), the credential chain read from an injected env, and the
 * client cache.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { awsClients, endpointFromEnv, resetAwsClients, type AwsClients } from '../../src/facts/aws/clients.js';
import { ProfileNotFoundError } from '../../src/facts/aws/credentials.js';
import { AssumeRoleError, classifyAwsError } from '../../src/facts/aws/errors.js';
import { getSdkIdentity, identityFailure } from '../../src/facts/aws-identity.js';

/** An error as the SDK deserializes it: a named Error with `$metadata` and `$fault`. */
function sdkError(name: string, status: number | undefined, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { name, ...(status !== undefined && { $metadata: { httpStatusCode: status }, $fault: status >= 500 ? 'server' : 'client' }), ...extra });
}

/** @smithy/core/config CredentialsProviderError / TokenProviderError shape. */
function providerError(message: string, name = 'CredentialsProviderError', tryNextLink = false): Error {
  return Object.assign(new Error(message), { name, tryNextLink });
}

describe('classifyAwsError / identityFailure', () => {
  it.each([
    // aws-sdk-js-v3 credential-provider-node: the end of the default chain.
    ['no credentials', providerError('Could not load credentials from any providers'), 'no-credentials'],
    ['IMDS disabled', providerError('EC2 Instance Metadata Service access disabled', 'CredentialsProviderError', true), 'no-credentials'],
    // credential-provider-sso / token-providers wording.
    ['SSO session expired', providerError('The SSO session associated with this profile has expired. To refresh this SSO session run aws sso login with the corresponding profile.'), 'sso-expired'],
    ['SSO token expired', providerError("Token is expired. To refresh this SSO session run 'aws sso login' with the corresponding profile.", 'TokenProviderError'), 'sso-expired'],
    ['SSO token missing', providerError("The SSO session token associated with profile=dev was not found or is invalid. To refresh this SSO session run 'aws sso login' with the corresponding profile."), 'sso-expired'],
    // STS (awsQuery): unmodeled auth errors keep their bare code as the name.
    ['STS ExpiredToken', sdkError('ExpiredToken', 403, 'The security token included in the request is expired'), 'credentials-expired'],
    ['STS ExpiredTokenException (modeled)', sdkError('ExpiredTokenException', 400, 'Token expired'), 'credentials-expired'],
    ['RequestExpired (clock skew)', sdkError('RequestExpired', 400, 'Request has expired.'), 'credentials-expired'],
    ['InvalidClientTokenId', sdkError('InvalidClientTokenId', 403, 'The security token included in the request is invalid.'), 'credentials-invalid'],
    ['SignatureDoesNotMatch', sdkError('SignatureDoesNotMatch', 403, 'The request signature we calculated does not match the signature you provided.'), 'credentials-invalid'],
    ['EKS UnrecognizedClientException', sdkError('UnrecognizedClientException', 403, 'The security token included in the request is invalid.'), 'credentials-invalid'],
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'unreachable'],
    ['DNS failure', Object.assign(new Error('getaddrinfo ENOTFOUND sts.example.invalid'), { code: 'ENOTFOUND' }), 'unreachable'],
    ['smithy request timeout', Object.assign(new Error('Connection timed out after 3000 ms'), { name: 'TimeoutError' }), 'unreachable'],
    ['aborted by the run timeout', Object.assign(new Error('Request aborted'), { name: 'AbortError' }), 'unreachable'],
    ['STS 503 after retries', sdkError('ServiceUnavailable', 503, 'Service Unavailable'), 'unreachable'],
    ['profile not found', new ProfileNotFoundError('dev', { configFilepath: '/h/.aws/config', filepath: '/h/.aws/credentials' }), 'profile-not-found'],
    ['AccessDenied (an SCP on sts:GetCallerIdentity)', sdkError('AccessDenied', 403, 'User is not authorized to perform: sts:GetCallerIdentity'), 'other'],
    ['throttled after retries', sdkError('Throttling', 400, 'Rate exceeded'), 'other'],
  ])('%s', (_, err, problem) => {
    expect(identityFailure(err, 'dev')).toMatchObject({ ok: false, problem, profile: 'dev' });
  });

  it('keeps the SDK error name and HTTP status', () => {
    expect(identityFailure(sdkError('ExpiredToken', 403, 'expired'))).toEqual({ ok: false, problem: 'credentials-expired', code: 'ExpiredToken', status: 403, message: 'expired' });
  });

  it('AssumeRole denied is assume-role-failed, with the role', () => {
    const err = new AssumeRoleError('arn:aws:iam::111122223333:role/deployer', sdkError('AccessDenied', 403, 'User: arn:aws:iam::111122223333:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/deployer'));
    expect(identityFailure(err)).toMatchObject({ ok: false, problem: 'assume-role-failed', roleArn: 'arn:aws:iam::111122223333:role/deployer', code: 'AccessDenied', status: 403 });
    expect(identityFailure(err).message).toContain('is not authorized to perform: sts:AssumeRole');
  });

  it('AssumeRole with expired source credentials blames the credentials, not the role', () => {
    const err = new AssumeRoleError('arn:aws:iam::111122223333:role/deployer', sdkError('ExpiredToken', 403, 'The security token included in the request is expired'));
    expect(identityFailure(err)).toMatchObject({ problem: 'credentials-expired', roleArn: 'arn:aws:iam::111122223333:role/deployer' });
  });

  it('an empty AggregateError (Node happy-eyeballs) still says what happened', () => {
    const agg = Object.assign(new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:443'), { code: 'ECONNREFUSED' })], ''), { code: 'ECONNREFUSED' });
    const c = classifyAwsError(agg);
    expect(c.kind).toBe('unreachable');
    expect(c.message).toContain('ECONNREFUSED');
  });

  it('redacts secrets that a provider echoes in its message', () => {
    const c = classifyAwsError(providerError('credential_process printed aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY and failed'));
    expect(c.message).not.toContain('wJalrXUtnFEMI');
  });

  it('never throws on odd values', () => {
    for (const v of [undefined, null, 42, 'boom', {}, { name: 7 }]) expect(() => identityFailure(v)).not.toThrow();
  });
});

describe('getSdkIdentity', () => {
  const fake = (send: () => Promise<unknown>, credentials: () => Promise<unknown> = async () => ({ accessKeyId: 'AKIA', secretAccessKey: 's' })): AwsClients =>
    ({ profile: 'dev', sts: { send }, credentials, credentialOrigin: () => ({ source: 'profile', profile: 'dev' }) }) as unknown as AwsClients;

  it('returns the ARN, its canonical principal and the credential source', async () => {
    const id = await getSdkIdentity(fake(async () => ({ Arn: 'arn:aws:sts::111122223333:assumed-role/dev/alice', Account: '111122223333', UserId: 'AROAEXAMPLE:alice' })));
    expect(id).toEqual({
      ok: true,
      arn: 'arn:aws:sts::111122223333:assumed-role/dev/alice',
      principalArn: 'arn:aws:iam::111122223333:role/dev',
      accountId: '111122223333',
      userId: 'AROAEXAMPLE:alice',
      source: { source: 'profile', profile: 'dev' },
    });
  });

  it('stops waiting for a credential provider when the signal aborts', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const stuck = fake(async () => ({}), () => new Promise(() => {}));
    expect(await getSdkIdentity(stuck, { signal: ac.signal })).toMatchObject({ ok: false, problem: 'unreachable', code: 'AbortError' });
  });

  it('classifies a rejected call and a failed credential resolution', async () => {
    expect(await getSdkIdentity(fake(() => Promise.reject(sdkError('InvalidClientTokenId', 403, 'invalid'))))).toMatchObject({ ok: false, problem: 'credentials-invalid', profile: 'dev' });
    const noCreds = fake(async () => ({}), () => Promise.reject(providerError('Could not load credentials from any providers')));
    expect(await getSdkIdentity(noCreds)).toMatchObject({ ok: false, problem: 'no-credentials' });
  });
});

describe('awsClients', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eksdoctor-aws-'));
  const configFile = join(dir, 'config');
  const credentialsFile = join(dir, 'credentials');
  const processScript = join(dir, 'creds.sh');
  writeFileSync(
    credentialsFile,
    '[default]\naws_access_key_id = AKIADEFAULT000000001\naws_secret_access_key = default-secret\n\n[dev]\naws_access_key_id = AKIADEV0000000000001\naws_secret_access_key = dev-secret\n',
  );
  writeFileSync(processScript, '#!/bin/sh\necho \'{"Version": 1, "AccessKeyId": "AKIAPROCESS000000001", "SecretAccessKey": "process-secret"}\'\n');
  chmodSync(processScript, 0o755);
  writeFileSync(
    configFile,
    `[profile proc]\ncredential_process = ${processScript}\n\n[profile sso]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\nregion = us-west-2\n\n[sso-session corp]\nsso_start_url = https://example-eksdoctor-${process.pid}.awsapps.com/start\nsso_region = us-west-2\n\n[profile empty]\nregion = us-west-2\n`,
  );
  const base = { HOME: dir, AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile, AWS_EC2_METADATA_DISABLED: 'true' };
  const envs: NodeJS.ProcessEnv[] = [];
  const clientsFor = (env: NodeJS.ProcessEnv, profile?: string) => {
    envs.push(env);
    return awsClients({ region: 'us-west-2', env, profile });
  };
  afterAll(() => envs.forEach((e) => resetAwsClients(e)));

  it('reads env keys from the given env object, not process.env', async () => {
    const c = clientsFor({ ...base, AWS_ACCESS_KEY_ID: 'AKIAENV0000000000001', AWS_SECRET_ACCESS_KEY: 'env-secret', AWS_SESSION_TOKEN: 'tok' });
    expect(await c.credentials()).toMatchObject({ accessKeyId: 'AKIAENV0000000000001', sessionToken: 'tok' });
    expect(c.credentialOrigin()).toEqual({ source: 'env' });
  });

  it('AWS_PROFILE in env: env keys still win, as in botocore', async () => {
    const c = clientsFor({ ...base, AWS_PROFILE: 'dev', AWS_ACCESS_KEY_ID: 'AKIAENV0000000000001', AWS_SECRET_ACCESS_KEY: 'env-secret' });
    expect((await c.credentials()).accessKeyId).toBe('AKIAENV0000000000001');
    expect(c.profile).toBeUndefined();
  });

  it('an explicit profile (--profile) beats env keys', async () => {
    const c = clientsFor({ ...base, AWS_ACCESS_KEY_ID: 'AKIAENV0000000000001', AWS_SECRET_ACCESS_KEY: 'env-secret' }, 'dev');
    expect((await c.credentials()).accessKeyId).toBe('AKIADEV0000000000001');
    expect(c.credentialOrigin()).toEqual({ source: 'profile', profile: 'dev' });
  });

  it('AWS_PROFILE without env keys, and the default profile', async () => {
    const dev = clientsFor({ ...base, AWS_PROFILE: 'dev' });
    expect((await dev.credentials()).accessKeyId).toBe('AKIADEV0000000000001');
    expect(dev.profile).toBe('dev');
    const def = clientsFor({ ...base });
    expect((await def.credentials()).accessKeyId).toBe('AKIADEFAULT000000001');
    expect(def.credentialOrigin()).toEqual({ source: 'profile', profile: 'default' });
  });

  it('credential_process profiles are recorded as process', async () => {
    const c = clientsFor({ ...base, AWS_PROFILE: 'proc' });
    expect((await c.credentials()).accessKeyId).toBe('AKIAPROCESS000000001');
    expect(c.credentialOrigin()).toEqual({ source: 'process', profile: 'proc' });
  });

  it('an SSO profile without a cached login is sso-expired', async () => {
    const id = await getSdkIdentity(clientsFor({ ...base, AWS_PROFILE: 'sso' }));
    expect(id).toMatchObject({ ok: false, problem: 'sso-expired', profile: 'sso' });
    if (!id.ok) expect(id.message).toMatch(/aws sso login/);
  });

  it('a profile without credentials and nothing else is no-credentials', async () => {
    const id = await getSdkIdentity(clientsFor({ ...base, AWS_PROFILE: 'empty' }));
    expect(id).toMatchObject({ ok: false, problem: 'no-credentials' });
  });

  it('a missing named profile is profile-not-found', async () => {
    const id = await getSdkIdentity(clientsFor({ ...base, AWS_PROFILE: 'nope' }));
    expect(id).toMatchObject({ ok: false, problem: 'profile-not-found', code: 'ProfileNotFoundError' });
  });

  it('caches one client set per configuration: AWS_* env, region, profile, role', () => {
    const env = { ...base, AWS_REGION: 'us-west-2' };
    const a = clientsFor(env);
    expect(awsClients({ region: 'us-west-2', env })).toBe(a);
    // A rebuilt env object with the same AWS settings shares the clients; other variables do not matter.
    expect(awsClients({ region: 'us-west-2', env: { ...env, TERM: 'dumb' } })).toBe(a);
    expect(a.sts).toBe(a.sts);
    expect(awsClients({ region: 'eu-west-1', env })).not.toBe(a);
    expect(awsClients({ region: 'us-west-2', env, roleArn: 'arn:aws:iam::1:role/r' })).not.toBe(a);
    expect(awsClients({ region: 'us-west-2', env, profile: 'dev' })).not.toBe(a);
    expect(awsClients({ region: 'us-west-2', env: { ...env, AWS_PROFILE: 'dev' } })).not.toBe(a);
    resetAwsClients(env);
    expect(awsClients({ region: 'us-west-2', env })).not.toBe(a);
  });

  it('takes endpoints from the env: the service variable beats AWS_ENDPOINT_URL', () => {
    const env = { AWS_ENDPOINT_URL: 'http://127.0.0.1:1', AWS_ENDPOINT_URL_EKS: 'http://127.0.0.1:2' };
    expect(endpointFromEnv(env, 'EKS')).toBe('http://127.0.0.1:2');
    expect(endpointFromEnv(env, 'STS')).toBe('http://127.0.0.1:1');
    expect(endpointFromEnv({ ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }, 'STS')).toBeUndefined();
    expect(clientsFor({ ...base, ...env, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: 'http://127.0.0.1:3' }).endpoints).toEqual({
      sts: 'http://127.0.0.1:1',
      eks: 'http://127.0.0.1:2',
      logs: 'http://127.0.0.1:3',
    });
  });

  it('a refused STS connection is unreachable, quickly', async () => {
    const started = Date.now();
    const id = await getSdkIdentity(clientsFor({ ...base, AWS_PROFILE: 'dev', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' }));
    expect(id).toMatchObject({ ok: false, problem: 'unreachable' });
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
