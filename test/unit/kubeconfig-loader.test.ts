import { delimiter } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKubeconfig } from '../../src/facts/kubeconfig.js';
import { fixture, writeTemp } from '../helpers/cli.js';

describe('loadKubeconfig', () => {
  it('reads an AWS CLI kubeconfig with its exec plugin', async () => {
    const kc = await loadKubeconfig(fixture('kubeconfig', 'aws-cli-profile-env.yaml'), {});
    const arn = 'arn:aws:eks:us-west-2:111122223333:cluster/prod';
    expect(kc.currentContext).toBe(arn);
    expect(kc.users.get(arn)?.exec).toMatchObject({ command: 'aws', apiVersion: 'client.authentication.k8s.io/v1beta1', env: [{ name: 'AWS_PROFILE', value: 'prod-admin' }] });
    expect(kc.problems).toEqual([]);
  });

  it('merges KUBECONFIG files as kubectl does: first current-context and first definition of a name win', async () => {
    const env = { KUBECONFIG: [fixture('kubeconfig', 'multi', 'a.yaml'), '/does/not/exist', fixture('kubeconfig', 'multi', 'b.yaml')].join(delimiter) };
    const kc = await loadKubeconfig(undefined, env);
    expect(kc.currentContext).toBe('staging'); // from a.yaml, the first file to set one
    expect(kc.contexts.get('staging')?.file).toBe(fixture('kubeconfig', 'multi', 'b.yaml'));
    expect(kc.loaded).toHaveLength(2); // the missing file is skipped silently
    expect(kc.problems).toEqual([]);
  });

  it('keeps the first definition of a duplicated name', async () => {
    const first = writeTemp('a.yaml', 'clusters:\n- name: c\n  cluster:\n    server: https://first\n');
    const second = writeTemp('b.yaml', 'clusters:\n- name: c\n  cluster:\n    server: https://second\n');
    const kc = await loadKubeconfig(undefined, { KUBECONFIG: `${first}${delimiter}${second}` });
    expect(kc.clusters.get('c')?.server).toBe('https://first');
  });

  it.each([
    ['syntax-error.yaml', 6, /bad indentation/],
    ['wrong-types.yaml', 19, /exec.args must be a list of strings/],
  ])('reports %s as invalid at line %i', async (file, line, message) => {
    const kc = await loadKubeconfig(fixture('kubeconfig', file), {});
    expect(kc.problems).toHaveLength(1);
    expect(kc.problems[0]).toMatchObject({ kind: 'invalid', line });
    expect(kc.problems[0]!.kind === 'invalid' && kc.problems[0]!.message).toMatch(message);
  });

  it('reports a missing --kubeconfig as not found', async () => {
    const kc = await loadKubeconfig('/nope/config', {});
    expect(kc.problems).toEqual([{ kind: 'not-found', paths: ['/nope/config'], source: '--kubeconfig' }]);
  });

  it('uses ~/.kube/config from HOME when nothing else is set', async () => {
    const kc = await loadKubeconfig(undefined, { HOME: '/home/nobody' });
    expect(kc.paths).toEqual(['/home/nobody/.kube/config']);
    expect(kc.problems[0]?.kind).toBe('not-found');
  });

  it.each([
    ['binary junk', '\u0000\u0001\u0002binary'],
    ['a list at the top', '- a\n- b\n'],
    ['a scalar at the top', 'just a string\n'],
    ['clusters as a mapping', 'clusters:\n  a: b\n'],
    ['an alias bomb', 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\nusers: *h\n'],
  ])('turns %s into an invalid-file problem, never an exception', async (_, text) => {
    const kc = await loadKubeconfig(writeTemp('config', text), {});
    expect(kc.problems.map((p) => p.kind)).toContain('invalid');
  });

  it('accepts an empty file as an empty config, as kubectl does', async () => {
    const kc = await loadKubeconfig(writeTemp('config', ''), {});
    expect(kc.problems).toEqual([]);
    expect(kc.contexts.size).toBe(0);
  });
});
