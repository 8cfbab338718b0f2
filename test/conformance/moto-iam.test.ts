/**
 * The emulator's IAM GetRole/GetUser answers compared in shape with moto's IAM (a second, independent
 * implementation of the same Query/XML wire format), both read through the real AWS CLI: the fields
 * eksdoctor reads (Path, RoleName/UserName, RoleId/UserId, Arn, CreateDate) exist in both, with the
 * same types and the same path/ARN form, and NoSuchEntity is the same error.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsServer, type AwsServer } from '../../packages/eks-emulator/src/aws-server.js';
import { isolatedEnv, materializeHome } from '../../packages/eks-emulator/src/home.js';
import { loadScenario } from '../../packages/eks-emulator/src/scenarios.js';
import { EmulatorState } from '../../packages/eks-emulator/src/state.js';
import { hasMoto, startMoto, type Moto } from '../helpers/moto.js';
import { has } from './tools.js';

const moto = hasMoto('moto-iam conformance');
const hasAws = has('aws', ['--version']);
if (!hasAws) console.warn('moto-iam conformance skipped: `aws` is not on PATH');

function aws(endpoint: string, env: Record<string, string>, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile('aws', ['--endpoint-url', endpoint, '--output', 'json', ...args], { env: { ...env, AWS_MAX_ATTEMPTS: '1' }, timeout: 60_000 }, (e, stdout, stderr) =>
      resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

/** The shape of a value: its keys and each field's JSON type (timestamps as ISO strings). */
function shape(o: Record<string, unknown>, fields: string[]): Record<string, string> {
  return Object.fromEntries(fields.map((f) => [f, typeof o[f] === 'string' && !Number.isNaN(Date.parse(o[f] as string)) && f.endsWith('Date') ? 'timestamp' : typeof o[f]]));
}

describe.skipIf(!moto || !hasAws)('IAM GetRole/GetUser: emulator vs moto_server', () => {
  let server: Moto | undefined;
  let emu: AwsServer;
  let emuEnv: Record<string, string>;
  let home: string;
  const motoEnv = isolatedEnv(process.env, { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLETESTKEY01', AWS_SECRET_ACCESS_KEY: 'testing-secret-testing-secret-testing00', AWS_DEFAULT_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', HOME: '/nonexistent-eksdoctor-home' });

  beforeAll(async () => {
    server = await startMoto();
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:root' }, Action: 'sts:AssumeRole' }] });
    // Test setup only: moto's IAM gets the same role and user the emulator's scenario has.
    expect((await aws(server.endpoint, motoEnv, ['iam', 'create-role', '--path', '/teams/dev/', '--role-name', 'developer', '--assume-role-policy-document', trust])).code).toBe(0);
    expect((await aws(server.endpoint, motoEnv, ['iam', 'create-user', '--user-name', 'platform-admin'])).code).toBe(0);
    const state = new EmulatorState(loadScenario('role-path-locked-out'));
    emu = await startAwsServer(state, { host: '127.0.0.1', endpoint: () => ({ url: 'https://127.0.0.1:6443', caPem: 'PEM' }) });
    home = mkdtempSync(join(tmpdir(), 'eksdoctor-moto-iam-'));
    emuEnv = isolatedEnv(process.env, materializeHome({ state, awsUrl: emu.url, kubeUrl: 'https://127.0.0.1:6443', caPem: 'PEM' }, home, { exec: 'aws-cli' }).env);
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await emu?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('get-role: the same fields, types, path and ARN form', async () => {
    const fromMoto = JSON.parse((await aws(server!.endpoint, motoEnv, ['iam', 'get-role', '--role-name', 'developer'])).stdout).Role;
    const fromEmu = JSON.parse((await aws(emu.url, emuEnv, ['iam', 'get-role', '--role-name', 'developer'])).stdout).Role;
    const fields = ['Path', 'RoleName', 'RoleId', 'Arn', 'CreateDate', 'MaxSessionDuration', 'AssumeRolePolicyDocument'];
    expect(shape(fromEmu, fields)).toEqual(shape(fromMoto, fields));
    for (const r of [fromMoto, fromEmu]) {
      expect(r.Path).toBe('/teams/dev/');
      expect(r.Arn).toMatch(/^arn:aws:iam::\d{12}:role\/teams\/dev\/developer$/);
      expect(r.RoleId).toMatch(/^AROA/);
    }
  });

  it('get-user: the same fields and types', async () => {
    const fromMoto = JSON.parse((await aws(server!.endpoint, motoEnv, ['iam', 'get-user', '--user-name', 'platform-admin'])).stdout).User;
    const fromEmu = JSON.parse((await aws(emu.url, emuEnv, ['iam', 'get-user', '--user-name', 'platform-admin'])).stdout).User;
    const fields = ['Path', 'UserName', 'UserId', 'Arn', 'CreateDate'];
    expect(shape(fromEmu, fields)).toEqual(shape(fromMoto, fields));
    expect([fromMoto.Path, fromEmu.Path]).toEqual(['/', '/']);
  });

  it('an unknown role: NoSuchEntity from both', async () => {
    const a = await aws(server!.endpoint, motoEnv, ['iam', 'get-role', '--role-name', 'nobody']);
    const b = await aws(emu.url, emuEnv, ['iam', 'get-role', '--role-name', 'nobody']);
    for (const r of [a, b]) expect(r.stderr).toContain('An error occurred (NoSuchEntity) when calling the GetRole operation');
  });
});
