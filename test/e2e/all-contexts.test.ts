import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv as emulatorEnv, loadScenario, materializeHome, startEmulator, type RunningEmulator } from '../../packages/eks-emulator/src/index.js';
import { runCli } from '../helpers/cli.js';

/**
 * A kubeconfig holding several emulator clusters, one per scenario: each context's exec env points the
 * plugin (and eksdoctor, which resolves credentials as the plugin does) at its own emulator and AWS files.
 */
const SCENARIOS = ['healthy-config-map', 'classic', 'healthy-api'] as const;

describe('auth --all-contexts over several emulator clusters', () => {
  const emulators: RunningEmulator[] = [];
  let dir = '';
  let kubeconfig = '';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'eksdoctor-fleet-'));
    const merged = { apiVersion: 'v1', kind: 'Config', clusters: [] as unknown[], contexts: [] as unknown[], users: [] as unknown[], 'current-context': SCENARIOS[0] };
    for (const name of SCENARIOS) {
      const emu = await startEmulator(loadScenario(name));
      emulators.push(emu);
      const home = materializeHome(emu, join(dir, name), { exec: 'builtin' });
      const doc = yaml.load(readFileSync(home.kubeconfigPath, 'utf8')) as any;
      const user = doc.users[0].user;
      const pin = ['AWS_ENDPOINT_URL', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_REGION', 'AWS_EC2_METADATA_DISABLED'];
      user.exec.env = [...(user.exec.env ?? []), ...pin.filter((k) => home.env[k]).map((k) => ({ name: k, value: home.env[k] }))];
      merged.clusters.push({ name, cluster: doc.clusters[0].cluster });
      merged.users.push({ name, user });
      merged.contexts.push({ name, context: { cluster: name, user: name } });
    }
    kubeconfig = join(dir, 'config');
    writeFileSync(kubeconfig, yaml.dump(merged));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(emulators.map((e) => e.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  const env = () => emulatorEnv({ PATH: process.env.PATH, HOME: dir, NO_COLOR: '1' }, {});

  it('checks every context and lets the worst verdict decide the exit code (JSON, SPEC §4)', async () => {
    const r = await runCli(['auth', '--all-contexts', '--kubeconfig', kubeconfig, '-o', 'json', '--timeout', '30s'], env());
    const fleet = JSON.parse(r.stdout);
    expect(r.code).toBe(1);
    expect(Object.keys(fleet).sort()).toEqual(['durationMs', 'reports', 'schemaVersion', 'startedAt', 'verdict']);
    expect(fleet).toMatchObject({ schemaVersion: 1, verdict: 'fail' });
    const byContext = Object.fromEntries(fleet.reports.map((rep: any) => [rep.target.context, rep]));
    expect(Object.keys(byContext).sort()).toEqual([...SCENARIOS].sort());
    expect(byContext['classic'].rootCauses).toEqual(['aws-auth/principal-not-mapped']);
    expect(byContext['healthy-config-map']).toMatchObject({ verdict: 'pass', rootCauses: [] });
    expect(byContext['healthy-api'].identity.principalArn).toBe('arn:aws:iam::111122223333:role/developer');
  });

  it('prints a summary table, then the details of what did not pass (text)', async () => {
    const r = await runCli(['auth', '--all-contexts', '--kubeconfig', kubeconfig, '--timeout', '30s'], env());
    const [head, , ...rows] = r.stdout.split('\n');
    expect(head).toMatch(/^FAIL {2}3 contexts$/);
    expect(rows.slice(0, 3).join('\n')).toMatch(/PASS {2}healthy-config-map/);
    expect(r.stdout).toMatch(/── classic\nFAIL {2}Root cause: arn:aws:iam::111122223333:role\/eks-ci-runner is not mapped/);
    expect(r.stdout).not.toMatch(/── healthy-api/);
  });

  it('opens the Markdown report with a summary table of every context', async () => {
    const r = await runCli(['auth', '--all-contexts', '--kubeconfig', kubeconfig, '-o', 'markdown', '--timeout', '30s'], env());
    expect(r.stdout).toMatch(/\| context \| cluster \| verdict \| summary \|/);
    for (const name of SCENARIOS) expect(r.stdout).toMatch(new RegExp(`\\| ${name} \\| prod \\|`));
  });

  it('--context with --all-contexts is a usage error', async () => {
    const single = await runCli(['auth', '--all-contexts', '--context', 'classic', '--kubeconfig', kubeconfig], env());
    expect(single.code).toBe(2);
    expect(single.stderr).toMatch(/--all-contexts and --context exclude each other/);
  });
});
