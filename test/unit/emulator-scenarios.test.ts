import { mkdtempSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCENARIO, listScenarios, loadScenario, SCENARIO_DIR, ScenarioError, validateScenario } from '../../packages/eks-emulator/src/scenarios.js';

const files = readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.yaml'));

describe('scenario fixtures', () => {
  it('has at least 20 scenarios, including the default', () => {
    expect(files.length).toBeGreaterThanOrEqual(20);
    expect(files).toContain(`${DEFAULT_SCENARIO}.yaml`);
  });

  it.each(files)('%s loads, validates and is self-consistent', (file) => {
    const s = loadScenario(join(SCENARIO_DIR, file));
    expect(s.name).toBe(file.replace(/\.yaml$/, ''));
    expect(s.description.length).toBeGreaterThan(10);
    expect(s.account).toBe('111122223333');
    for (const p of s.principals) {
      expect(p.accessKeyId).toHaveLength(20);
      expect(p.secretAccessKey).toHaveLength(40);
      expect(p.accessKeyId).toMatch(/EXAMPLE/); // obviously fake
    }
    // A root cause makes the run fail (a lint error alone may too: role-in-map-users).
    if (s.expect.rootCauses.length > 0) expect(s.expect.exitCode).toBe(1);
    if (s.expect.kubectl !== 'ok') expect(s.expect.rootCauses.length).toBeGreaterThan(0);
  });

  it('lists every scenario with its description', () => {
    const listed = listScenarios();
    expect(listed.map((s) => s.name).sort()).toEqual(files.map((f) => f.replace(/\.yaml$/, '')).sort());
    expect(listed.find((s) => s.name === 'classic')?.description).toMatch(/instance role/);
  });

  it('loads by bare name', () => {
    expect(loadScenario('healthy-api').cluster.authenticationMode).toBe('API');
  });
});

describe('scenario errors', () => {
  it('names the known scenarios when the name is unknown', () => {
    expect(() => loadScenario('no-such-scenario')).toThrow(/unknown scenario "no-such-scenario"; known scenarios: .*classic/);
  });

  it('reports a missing file path', () => {
    expect(() => loadScenario('/nonexistent/x.yaml')).toThrow(ScenarioError);
  });

  it('reports invalid YAML with the file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scn-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'description: [unclosed\n');
    expect(() => loadScenario(file)).toThrow(/bad\.yaml: invalid YAML/);
  });

  it('collects every structural and cross-reference problem at once', () => {
    const doc = {
      description: 'x',
      account: '12345',
      region: 'us-west-2',
      principals: [{ name: 'a', arn: 'arn:aws:sts::111122223333:assumed-role/r/s', accessKeyId: 'AKIA123', secretAccessKey: 'short' }],
      local: { profiles: { default: 'nobody' } },
      cluster: { name: 'c', authenticationMode: 'OPEN', creator: 'ghost', logging: ['authn'] },
      faults: [{ service: 'ec2', kind: 'boom' }],
      deny: ['StartQuery'],
      expect: { exitCode: 7, rootCauses: ['Not A Rule'], kubectl: 'ok' },
    };
    let message = '';
    try {
      validateScenario(doc, 'inline', 'inline-test');
    } catch (e) {
      message = (e as Error).message;
    }
    for (const fragment of [
      'account: must be 12 digits',
      'principals[0].arn',
      'principals[0].accessKeyId',
      'principals[0].secretAccessKey: must be 40 characters',
      'local.profiles.default: "nobody" is not a principal name',
      'cluster.authenticationMode',
      'cluster.creator: "ghost"',
      'cluster.logging: "authn"',
      'faults[0].service',
      'faults[0].kind',
      'deny: "StartQuery"',
      'expect.exitCode',
      'expect: "Not A Rule"',
    ]) {
      expect(message).toContain(fragment);
    }
  });

  it('requires a session token for temporary (ASIA) keys', () => {
    const s = loadScenario('classic');
    const doc = { ...s, principals: [{ ...s.principals[1]!, sessionToken: undefined }] };
    expect(() => validateScenario(JSON.parse(JSON.stringify(doc)), 'inline', 'x')).toThrow(/sessionToken: required/);
  });
});
