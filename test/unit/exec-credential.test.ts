/**
 * The exec plugin run as kubectl runs it (client-go plugin/pkg/client/auth/exec/exec.go), with small
 * real scripts as plugins, and the token replayed to a local STS the way the authenticator replays it
 * (aws-iam-authenticator pkg/token/token.go Verify).
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExecCredential, pluginEnvironment, runExecPlugin } from '../../src/facts/exec-credential.js';
import { parseStsAnswer, replayEndpointFromEnv, replayTokenIdentity } from '../../src/facts/token-replay.js';
import { presignEksToken } from '../../src/facts/eks-token-presign.js';
import { verifyPresignedUrl } from '../helpers/sts-verify.js';
import type { ExecConfig } from '../../src/facts/kubeconfig.js';
import { endedAfter } from '../helpers/timing.js';

const BETA = 'client.authentication.k8s.io/v1beta1';
const ALPHA = 'client.authentication.k8s.io/v1alpha1';
const FAKE_TOKEN = 'k8s-aws-v1.aHR0cHM6Ly9zdHMudXMtd2VzdC0yLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXRDYWxsZXJJZGVudGl0eQ';
const FAKE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

const dir = mkdtempSync(join(tmpdir(), 'eksdoctor-exec-'));
const kubeconfigFile = join(dir, 'kube', 'config');
mkdirSync(join(dir, 'kube', 'bin'), { recursive: true });

function plugin(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const credential = (apiVersion: string, status: string) => `{"kind":"ExecCredential","apiVersion":"${apiVersion}","spec":{},"status":${status}}`;

const good = plugin(
  'good',
  // Echo what kubectl passes (exec info, exec env) to stderr, then answer like `aws eks get-token`.
  `echo "info=$KUBERNETES_EXEC_INFO profile=$AWS_PROFILE shell=$SHELL_VAR" >&2\ncat <<'EOF'\n${credential(BETA, `{"expirationTimestamp":"2026-11-25T20:00:00Z","token":"${FAKE_TOKEN}"}`)}\nEOF`,
);
const alpha = plugin('alpha', `cat <<'EOF'\n${credential(ALPHA, `{"token":"${FAKE_TOKEN}"}`)}\nEOF`);
const failing = plugin(
  'failing',
  `echo "An error occurred (ExpiredToken): aws_secret_access_key=${FAKE_SECRET} token ${FAKE_TOKEN}" >&2\nexit 1`,
);
const hanging = plugin('hanging', 'exec sleep 30');
const garbage = plugin('garbage', `echo "not json, but a token: ${FAKE_TOKEN}"`);
const noStatus = plugin('nostatus', `echo '{"kind":"ExecCredential","apiVersion":"${BETA}"}'`);
const readsStdin = plugin('stdin', `cat >/dev/null\ncat <<'EOF'\n${credential(BETA, `{"token":"${FAKE_TOKEN}"}`)}\nEOF`);
writeFileSync(join(dir, 'kube', 'bin', 'rel'), `#!/bin/sh\ncat <<'EOF'\n${credential(BETA, `{"token":"${FAKE_TOKEN}"}`)}\nEOF\n`);
chmodSync(join(dir, 'kube', 'bin', 'rel'), 0o755);

const exec = (command: string, extra: Partial<ExecConfig> = {}): ExecConfig => ({ apiVersion: BETA, command, args: [], env: [], ...extra });
const run = (e: ExecConfig, timeoutMs = 5000, env: NodeJS.ProcessEnv = { PATH: process.env.PATH, SHELL_VAR: 'from-run-env' }) =>
  runExecPlugin(e, { kubeconfigFile, env, timeoutMs });

describe('runExecPlugin', () => {
  it('returns the token of a v1beta1 ExecCredential; passes run env + exec env and KUBERNETES_EXEC_INFO', async () => {
    const r = await run(exec(good, { env: [{ name: 'AWS_PROFILE', value: 'dev' }] }));
    expect(r).toMatchObject({ ok: true, token: FAKE_TOKEN, apiVersion: BETA, expirationTimestamp: '2026-11-25T20:00:00Z', command: good });
    if (!r.ok) return;
    // client-go encodes ExecCredential{spec: {interactive}} with the configured apiVersion.
    expect(r.stderr).toContain(`info={"kind":"ExecCredential","apiVersion":"${BETA}","spec":{"interactive":false}}`);
    expect(r.stderr).toContain('profile=dev shell=from-run-env');
  });

  it('sends the cluster in KUBERNETES_EXEC_INFO when provideClusterInfo is set', async () => {
    const r = await runExecPlugin(exec(good, { provideClusterInfo: true }), {
      kubeconfigFile,
      env: { PATH: process.env.PATH },
      timeoutMs: 5000,
      cluster: { server: 'https://ABC.gr7.us-west-2.eks.amazonaws.com', caData: 'LS0tLS1C\nRUdJTg==' },
    });
    expect(r.ok && r.stderr).toContain('"spec":{"cluster":{"server":"https://ABC.gr7.us-west-2.eks.amazonaws.com","certificate-authority-data":"LS0tLS1CRUdJTg=="},"interactive":false}');
  });

  it('reports v1alpha1 answered to a v1beta1 config in client-go’s words', async () => {
    const r = await run(exec(alpha));
    expect(r).toMatchObject({
      ok: false,
      problem: 'api-version-mismatch',
      configured: BETA,
      returned: ALPHA,
      message: `exec plugin is configured to use API version ${BETA}, plugin returned version ${ALPHA}`,
    });
  });

  it('a failing plugin: exit code and stderr, with the secret and the token redacted', async () => {
    const r = await run(exec(failing));
    expect(r).toMatchObject({ ok: false, problem: 'exit', exitCode: 1 });
    if (r.ok) return;
    expect(r.message).toContain(`exec: executable ${failing} failed with exit code 1`);
    expect(r.message).toContain('An error occurred (ExpiredToken)');
    expect(JSON.stringify(r)).not.toContain(FAKE_SECRET);
    expect(JSON.stringify(r)).not.toContain(FAKE_TOKEN);
    expect(r.stderr).toContain('…');
  });

  it('a hanging plugin times out within the bound', async () => {
    const { result: r, lateMs } = await endedAfter(300, () => run(exec(hanging), 300));
    expect(r).toMatchObject({ ok: false, problem: 'timeout' });
    expect(lateMs, 'ms after a 300 ms timer started beside it').toBeLessThan(2700);
  });

  it('stdin is closed: a plugin that reads it does not hang', async () => {
    expect(await run(exec(readsStdin), 3000)).toMatchObject({ ok: true, token: FAKE_TOKEN });
  });

  it('garbage on stdout is bad-output, and the message does not quote it', async () => {
    const r = await run(exec(garbage));
    expect(r).toMatchObject({ ok: false, problem: 'bad-output' });
    expect(JSON.stringify(r)).not.toContain('aHR0cHM6');
  });

  it('an ExecCredential without status', async () => {
    expect(await run(exec(noStatus))).toMatchObject({ ok: false, problem: 'bad-output', message: "exec plugin didn't return a status field", returned: BETA });
  });

  it('a command not on PATH is not-found, in kubectl’s words', async () => {
    expect(await run(exec('aws-eksdoctor-missing-cli'))).toEqual({ ok: false, problem: 'not-found', message: 'exec: executable aws-eksdoctor-missing-cli not found', configured: BETA });
  });

  it('a relative command resolves against the kubeconfig’s directory', async () => {
    expect(await run(exec('./bin/rel'))).toMatchObject({ ok: true, command: join(dir, 'kube', 'bin', 'rel') });
  });

  it('an aborted signal stops the plugin', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const r = await runExecPlugin(exec(hanging), { kubeconfigFile, env: { PATH: process.env.PATH }, timeoutMs: 10_000, signal: ac.signal });
    expect(r).toMatchObject({ ok: false, problem: 'timeout' });
  });
});

describe('pluginEnvironment', () => {
  it('is the run env overlaid with the exec env', () => {
    expect(pluginEnvironment({ PATH: '/bin', AWS_PROFILE: 'shell' }, { env: [{ name: 'AWS_PROFILE', value: 'dev' }, { name: 'X', value: '' }] })).toEqual({ PATH: '/bin', AWS_PROFILE: 'dev', X: '' });
  });
});

describe('parseExecCredential', () => {
  it.each([
    ['', 'decoding stdout: the plugin wrote nothing'],
    ['[]', 'decoding stdout: the output is not an ExecCredential JSON object'],
    [`{"apiVersion":"${BETA}"}`, "decoding stdout: Object 'Kind' is missing"],
    ['{"kind":"ExecCredential"}', "decoding stdout: Object 'apiVersion' is missing"],
    [credential(BETA, '{}'), "exec plugin didn't return a token or cert/key pair"],
    [credential(BETA, '{"clientCertificateData":"x"}'), 'exec plugin returned only certificate or key, not both'],
  ])('%s', (stdout, message) => {
    expect(parseExecCredential(stdout)).toMatchObject({ ok: false, message });
  });

  it('accepts v1 and a cert/key pair', () => {
    expect(parseExecCredential(credential('client.authentication.k8s.io/v1', '{"clientCertificateData":"c","clientKeyData":"k"}'))).toEqual({
      ok: true,
      apiVersion: 'client.authentication.k8s.io/v1',
      token: '',
      clientCertificateData: 'c',
      clientKeyData: 'k',
    });
  });
});

// ---------------------------------------------------------------------------------------------

const SECRET = 'replay-test-secret-key-0000000000000000';
const KEY = 'AKIAREPLAYTEST000001';
const CLUSTER = 'prod';

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
}

describe('replayTokenIdentity against a local STS', () => {
  let server: Server;
  let endpoint: string;
  const seen: Seen[] = [];
  let mode: 'json' | 'xml' | 'invalid-key' | 'hang' = 'json';

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      if (mode === 'hang') return; // accept, never answer
      if (mode === 'invalid-key') {
        res.writeHead(403, { 'content-type': 'text/xml' });
        res.end('<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error></ErrorResponse>');
        return;
      }
      // Verify the SigV4 signature exactly as STS would, with the Host and x-k8s-aws-id received.
      const url = `https://${req.headers.host}${req.url}`;
      const key = new URL(url).searchParams.get('X-Amz-Credential')?.split('/')[0];
      const v = verifyPresignedUrl(url, { host: String(req.headers.host), 'x-k8s-aws-id': req.headers['x-k8s-aws-id'] as string | undefined }, key === KEY ? SECRET : undefined);
      if (!v.ok) {
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ Error: { Code: v.code, Message: v.message, Type: 'Sender' }, RequestId: 'r' }));
        return;
      }
      if (mode === 'xml') {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::111122223333:user/alice</Arn><UserId>AIDAEXAMPLE</UserId><Account>111122223333</Account></GetCallerIdentityResult></GetCallerIdentityResponse>');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ GetCallerIdentityResponse: { GetCallerIdentityResult: { Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/alice', UserId: 'AIDAEXAMPLE' }, ResponseMetadata: { RequestId: 'r' } } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const token = (clusterName = CLUSTER, now?: Date) => presignEksToken({ credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, region: 'us-west-2', clusterName, now });

  it('sends path+query to the endpoint with the token’s Host, x-k8s-aws-id and Accept: application/json', async () => {
    mode = 'json';
    seen.length = 0;
    const t = await token();
    const r = await replayTokenIdentity(t, { clusterName: CLUSTER, stsEndpoint: endpoint, timeoutMs: 3000 });
    expect(r).toEqual({ ok: true, arn: 'arn:aws:iam::111122223333:user/alice', accountId: '111122223333', userId: 'AIDAEXAMPLE', status: 200 });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers.host).toBe('sts.us-west-2.amazonaws.com');
    expect(seen[0]!.headers['x-k8s-aws-id']).toBe(CLUSTER);
    expect(seen[0]!.headers.accept).toBe('application/json');
    const url = Buffer.from(t.slice('k8s-aws-v1.'.length), 'base64url').toString();
    expect(seen[0]!.url).toBe(url.slice('https://sts.us-west-2.amazonaws.com'.length));
  });

  it('reads an XML answer too', async () => {
    mode = 'xml';
    expect(await replayTokenIdentity(await token(), { clusterName: CLUSTER, stsEndpoint: endpoint, timeoutMs: 3000 })).toMatchObject({ ok: true, arn: 'arn:aws:iam::111122223333:user/alice' });
  });

  it('a token made for another cluster name fails with SignatureDoesNotMatch', async () => {
    mode = 'json';
    const r = await replayTokenIdentity(await token('staging'), { clusterName: CLUSTER, stsEndpoint: endpoint, timeoutMs: 3000 });
    expect(r).toMatchObject({ ok: false, problem: 'signature-mismatch', status: 403, code: 'SignatureDoesNotMatch' });
    if (!r.ok) expect(r.message).toMatch(/^sts getCallerIdentity failed: error from AWS \(expected 200, got 403\) SignatureDoesNotMatch/);
  });

  it('an unknown access key is invalid-key', async () => {
    mode = 'invalid-key';
    expect(await replayTokenIdentity(await token(), { clusterName: CLUSTER, stsEndpoint: endpoint, timeoutMs: 3000 })).toMatchObject({ ok: false, problem: 'invalid-key', status: 403, code: 'InvalidClientTokenId' });
  });

  it('a token older than 15 minutes is expired before any request', async () => {
    seen.length = 0;
    const old = await token(CLUSTER, new Date(Date.now() - 16 * 60_000));
    const r = await replayTokenIdentity(old, { clusterName: CLUSTER, stsEndpoint: endpoint, timeoutMs: 3000 });
    expect(r).toMatchObject({ ok: false, problem: 'expired' });
    if (!r.ok) expect(r.message).toContain('X-Amz-Date parameter is expired (15 minute expiration)');
    expect(seen).toHaveLength(0);
  });

  it('a malformed token', async () => {
    expect(await replayTokenIdentity('k8s-aws-v1.%%%', { clusterName: CLUSTER, stsEndpoint: endpoint, timeoutMs: 3000 })).toMatchObject({ ok: false, problem: 'malformed' });
    expect(await replayTokenIdentity('not-a-token', { clusterName: CLUSTER, stsEndpoint: endpoint, timeoutMs: 3000 })).toMatchObject({ ok: false, problem: 'malformed' });
  });

  it('a server that never answers is unreachable within the bound', async () => {
    mode = 'hang';
    const t = await token();
    const { result: r, lateMs } = await endedAfter(300, () => replayTokenIdentity(t, { clusterName: CLUSTER, stsEndpoint: endpoint, timeoutMs: 300 }));
    expect(r).toMatchObject({ ok: false, problem: 'unreachable' });
    expect(lateMs, 'ms after a 300 ms timer started beside it').toBeLessThan(2700);
  });

  it('a refused connection is unreachable', async () => {
    expect(await replayTokenIdentity(await token(), { clusterName: CLUSTER, stsEndpoint: 'http://127.0.0.1:9', timeoutMs: 3000 })).toMatchObject({ ok: false, problem: 'unreachable' });
  });
});

describe('parseStsAnswer and the replay endpoint', () => {
  it('STS "Signature expired" is expired, ExpiredToken is expired, 5xx is unreachable', () => {
    expect(parseStsAnswer(403, 'text/xml', '<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>Signature expired: 20261125T190000Z is now earlier than 20261125T191500Z (20261125T193000Z - 15 min.)</Message></Error></ErrorResponse>')).toMatchObject({ problem: 'expired' });
    expect(parseStsAnswer(403, 'application/json', '{"Error":{"Code":"ExpiredToken","Message":"The security token included in the request is expired"}}')).toMatchObject({ problem: 'expired', code: 'ExpiredToken' });
    expect(parseStsAnswer(503, 'text/plain', 'Service Unavailable')).toMatchObject({ problem: 'unreachable', status: 503 });
  });

  it('redacts what an error body echoes', () => {
    const r = parseStsAnswer(403, 'text/xml', '<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>canonical: X-Amz-Security-Token=FQoGZXIvYXdzEXAMPLESESSIONTOKEN&amp;X-Amz-Signature=abc</Message></Error></ErrorResponse>');
    expect(JSON.stringify(r)).not.toContain('FQoGZXIvYXdzEXAMPLESESSIONTOKEN');
  });

  it('AWS_ENDPOINT_URL_STS beats AWS_ENDPOINT_URL; none means the token’s own host', () => {
    expect(replayEndpointFromEnv({ AWS_ENDPOINT_URL: 'http://a', AWS_ENDPOINT_URL_STS: 'http://b' })).toBe('http://b');
    expect(replayEndpointFromEnv({ AWS_ENDPOINT_URL: 'http://a' })).toBe('http://a');
    expect(replayEndpointFromEnv({})).toBeUndefined();
  });
});
