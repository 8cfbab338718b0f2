/**
 * Property-based tests of every parser that reads untrusted input (SPEC §7): kubeconfig YAML, exec plugin
 * command lines, ARNs, aws-auth, EKS tokens and ExecCredential output. Each parser gets ≥ 10,000 generated
 * inputs with a fixed seed, so a failure reproduces. parseAuthenticatorLine has its own never-throws and
 * format → parse round-trip properties in test/unit/authenticator-log.test.ts ("properties"); not repeated here.
 */
import fc from 'fast-check';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { canonicalPrincipalArn, parseArn } from '../../src/facts/arn.js';
import { mapIdentity, parseAwsAuthData, parseAwsAuthManifest, type AwsAuthConfig } from '../../src/facts/aws-auth.js';
import { decodeEksToken } from '../../src/facts/eks-token.js';
import { presignEksToken } from '../../src/facts/eks-token-presign.js';
import { AWS_AUTH_PROBLEM_RULES } from '../../src/checks/mapping/aws-auth.js';
import { parseExecCredential } from '../../src/facts/exec-credential.js';
import { parseStsAnswer } from '../../src/facts/token-replay.js';
import { parseExecPlugin } from '../../src/facts/exec-plugin.js';
import { kubeconfigPaths, mergeKubeconfigs, type Kubeconfig } from '../../src/facts/kubeconfig.js';
import { parseYaml } from '../../src/facts/yaml-file.js';

/** A few hundred generated inputs per property by default; PROPERTY_RUNS=10000 for a long run (fixed seed either way). */
const RUNS = Number(process.env.PROPERTY_RUNS) || 300;
fc.configureGlobal({ seed: 20261125, numRuns: RUNS });

// loadKubeconfig is kubeconfigPaths + readYamlFile (which parses with parseYaml what it read) +
// mergeKubeconfigs; the properties load from memory through the same merge, so 40,000 loads fit the time
// budget and no module is mocked (files share a worker's modules: vitest.config.ts). Reading real files
// (size limits, directories, devices, stdin) is tested through the CLI in test/e2e/hostile-input.test.ts.
function loadKubeconfigText(file: string, text: string): Kubeconfig {
  const { paths, explicit } = kubeconfigPaths(file, {});
  return mergeKubeconfigs(paths, [parseYaml(text)], explicit, {});
}

/** A failed check inside a property: cheaper than expect() in a 10,000-run loop, and fast-check shrinks on it. */
function check(ok: boolean, what: string, detail?: unknown): void {
  if (!ok) throw new Error(`${what}${detail === undefined ? '' : `: ${JSON.stringify(detail)}`}`);
}

// ---------------------------------------------------------------------------------------------
// Shared arbitraries

/** Any UTF-16 code unit, lone surrogates and NUL included: what a hostile file decodes to. */
const anyChar = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const anyString = fc.string({ unit: anyChar, maxLength: 120 });

/** Fragments of YAML syntax, glued at random: anchors, aliases, merges, tags, flow and block markers. */
const yamlToken = fc.constantFrom(
  'apiVersion: v1', 'clusters:', 'contexts:', 'users:', 'current-context: ', 'name: ', 'cluster:', 'context:', 'user:',
  'exec:', 'command: aws', 'args:', 'env:', 'server: ', 'token: ', 'value: ', '- ', '  ', '    ', '\n', '\n- ', '\n  ',
  '&a ', '*a', '&b ', '*b', '<<: ', '<<: *a', '[', ']', '{', '}', ', ', '"', "'", '|', '|-', '>', '? ', ': ', '#', '---', '...',
  '%YAML 1.2', '%TAG ! tag:x:', '!!str ', '!!binary ', '!!int ', '!!map ', '!!seq ', '!!python/object:os.system', '!custom ',
  '\t', '\\', '\\u', 'null', '~', 'true', 'yes', '0x1F', '0o17', '1e400', '.nan', '2020-01-01', '12:30:00', '\u00a0', '\ufeff', '\r', '\u2028', 'é', '😀',
);
const yamlish = fc.oneof(
  fc.array(yamlToken, { maxLength: 40 }).map((t) => t.join('')),
  anyString,
  fc.tuple(fc.array(yamlToken, { maxLength: 20 }), anyString).map(([t, s]) => t.join('') + s),
);

/** JSON-like values, the shapes js-yaml can give back (numbers, strings, booleans, null, lists, mappings). */
const junk = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string({ maxLength: 20 }));
const field = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: junk });
const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);

/** Kubeconfig-shaped documents, each field valid or junk, to reach deep into the structure checks. */
const kubeconfigDoc = (() => {
  const name = field(fc.oneof(word, fc.constant('')));
  const cluster = fc.record(
    { server: field(fc.constant('https://ABC.gr7.us-west-2.eks.amazonaws.com')), 'certificate-authority-data': field(fc.constant('LS0t')), 'certificate-authority': field(word), 'insecure-skip-tls-verify': field(fc.boolean()) },
    { requiredKeys: [] },
  );
  const context = fc.record({ cluster: field(word), user: field(word), namespace: field(word) }, { requiredKeys: [] });
  const envVar = field(fc.record({ name: field(word), value: field(fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean())) }, { requiredKeys: [] }));
  const exec = fc.record(
    {
      apiVersion: field(fc.constantFrom('client.authentication.k8s.io/v1beta1', 'client.authentication.k8s.io/v1alpha1', 'client.authentication.k8s.io/v1')),
      command: field(fc.constantFrom('aws', 'aws-iam-authenticator', '/usr/local/bin/aws', '')),
      args: field(fc.array(field(fc.oneof(fc.constantFrom('eks', 'get-token', '--cluster-name', '--region', '--profile', '--role-arn'), word, fc.integer())), { maxLength: 8 })),
      env: field(fc.array(envVar, { maxLength: 3 })),
      interactiveMode: field(fc.constantFrom('Never', 'IfAvailable')),
      provideClusterInfo: field(fc.boolean()),
    },
    { requiredKeys: [] },
  );
  const user = fc.record({ token: field(fc.string({ maxLength: 10 })), tokenFile: field(word), exec: field(exec) }, { requiredKeys: [] });
  const entries = <T>(inner: string, body: fc.Arbitrary<T>) => field(fc.array(field(fc.record({ name, [inner]: field(body) }, { requiredKeys: [] })), { maxLength: 3 }));
  return fc.record(
    { apiVersion: field(fc.constant('v1')), 'current-context': field(word), clusters: entries('cluster', cluster), contexts: entries('context', context), users: entries('user', user) },
    { requiredKeys: [] },
  );
})();

// ---------------------------------------------------------------------------------------------
// kubeconfig

const isRecord = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown) => v === undefined || v === null || typeof v === 'string';
const isBool = (v: unknown) => v === undefined || v === null || typeof v === 'boolean';

/**
 * Oracle: is this (already YAML-round-tripped) document one client-go would load, field by field, as far as
 * the loader checks types? Only the first definition of a name counts (the loader skips later ones).
 */
function wellTyped(doc: unknown): boolean {
  if (doc === null || doc === undefined) return true;
  if (!isRecord(doc) || !isStr(doc['current-context'])) return false;
  const bodyOk: Record<string, (b: Record<string, any>) => boolean> = {
    cluster: (b) => isStr(b.server) && isStr(b['certificate-authority-data']) && isStr(b['certificate-authority']) && isBool(b['insecure-skip-tls-verify']),
    context: (b) => isStr(b.cluster) && isStr(b.user) && isStr(b.namespace),
    user: (b) => isStr(b.token) && isStr(b.tokenFile) && (b.exec === undefined || b.exec === null || (isRecord(b.exec) && execOk(b.exec))),
  };
  for (const [key, inner] of [['clusters', 'cluster'], ['contexts', 'context'], ['users', 'user']] as const) {
    const list = doc[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) return false;
    const seen = new Set<string>();
    for (const item of list) {
      if (!isRecord(item) || typeof item.name !== 'string' || item.name === '' || !isRecord(item[inner])) return false;
      if (!seen.has(item.name) && !bodyOk[inner]!(item[inner])) return false;
      seen.add(item.name);
    }
  }
  return true;
}

function execOk(e: Record<string, any>): boolean {
  if (typeof e.command !== 'string' || e.command === '') return false;
  const args = e.args ?? [];
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string' && typeof a !== 'number')) return false;
  if (e.env !== undefined && e.env !== null) {
    if (!Array.isArray(e.env)) return false;
    if (e.env.some((v: unknown) => !isRecord(v) || typeof v.name !== 'string' || (typeof v.value === 'object' && v.value !== null))) return false;
  }
  return isStr(e.apiVersion) && isStr(e.interactiveMode) && isBool(e.provideClusterInfo);
}

describe('parseYaml and loadKubeconfig', () => {
  it('parseYaml never throws on YAML-ish text: it parses, or says syntax with a sane line', () => {
    fc.assert(
      fc.property(yamlish, (text) => {
        const r = parseYaml(text);
        if (r.ok) expect(Array.isArray(r.docs)).toBe(true);
        else {
          expect(r.kind).toBe('syntax');
          expect(typeof r.message).toBe('string');
          if (r.line !== undefined) expect(r.line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: RUNS },
    );
  });

  const file = '/virtual/kubeconfig.yaml';
  const load = async (text: string) => ({ file, kc: loadKubeconfigText(file, text) });

  /** What every load must satisfy, whatever the input. */
  function expectSane(file: string, text: string, kc: Kubeconfig): void {
    const lines = text.split(/\r\n?|\n/).length; // js-yaml counts CR as a line break too
    for (const p of kc.problems) {
      check(p.kind === 'invalid' || p.kind === 'not-found', 'kind', p);
      if (p.kind === 'invalid') {
        check(p.file === file && typeof p.message === 'string' && p.message !== '', 'evidence', p);
        const line = p.line;
        if (line !== undefined) check(Number.isInteger(line) && line >= 1 && line <= lines + 1, 'line', p);
      }
    }
    check(kc.problems.length <= 101, 'problems capped');
    for (const c of kc.clusters.values()) check(isStr(c.server) && isStr(c.caData) && typeof c.insecureSkipTlsVerify === 'boolean', 'cluster', c);
    for (const c of kc.contexts.values()) check(typeof c.cluster === 'string' && typeof c.user === 'string' && isStr(c.namespace), 'context', c);
    for (const u of kc.users.values()) {
      check(u.token === undefined || (typeof u.token === 'string' && u.token !== ''), 'token', u);
      if (u.exec) {
        const e = u.exec;
        check(e.command !== '' && e.args.every((a) => typeof a === 'string') && e.env.every((v) => typeof v.name === 'string' && typeof v.value === 'string') && typeof e.provideClusterInfo === 'boolean', 'exec', e);
      }
    }
    // Exactly one outcome: the file loaded, or a problem says why not.
    check(kc.loaded.length === 1 || kc.problems.length > 0, 'loaded or a problem');
  }

  it('loadKubeconfig never throws on YAML-ish text; problems are kubeconfig/invalid with file and line', async () => {
    await fc.assert(
      fc.asyncProperty(yamlish, async (text) => {
        const { file, kc } = await load(text);
        expectSane(file, text, kc);
      }),
      { numRuns: RUNS },
    );
  });

  it('kubeconfig-shaped documents: a problem exactly when some field has the wrong type (model: client-go types)', async () => {
    const outcomes = { clean: 0, problems: 0 };
    await fc.assert(
      fc.asyncProperty(kubeconfigDoc, async (doc) => {
        const text = yaml.dump(doc);
        const seen = yaml.load(text, { json: true }); // what the loader sees after YAML's own typing
        const { file, kc } = await load(text);
        expectSane(file, text, kc);
        check((kc.problems.length === 0) === wellTyped(seen), 'a problem exactly when ill-typed', kc.problems.map((p) => (p.kind === 'invalid' ? p.message : p.kind)));
        outcomes[kc.problems.length === 0 ? 'clean' : 'problems']++;
        if (kc.problems.length === 0 && isRecord(seen)) {
          // every first-defined, named entry is kept, under its name
          for (const [key, map] of [['clusters', kc.clusters], ['contexts', kc.contexts], ['users', kc.users]] as const) {
            const names = new Set(((seen[key] as { name: string }[] | null | undefined) ?? []).map((e) => e.name));
            check(map.size === names.size && [...map.keys()].every((k) => names.has(k)), `${key} kept`, [...map.keys()]);
          }
        }
      }),
      { numRuns: RUNS },
    );
    // both sides of the model are exercised (shrinking may add runs, so only lower bounds)
    expect(outcomes.clean).toBeGreaterThan(RUNS / 20);
    expect(outcomes.problems).toBeGreaterThan(RUNS / 20);
  });

  it('arbitrary JS values dumped to YAML: never a throw, only kubeconfig findings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 5 }), async (value) => {
        const text = yaml.dump(value);
        const { file, kc } = await load(text);
        expectSane(file, text, kc);
      }),
      { numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// exec plugin

describe('parseExecPlugin', () => {
  const flag = fc.constantFrom('--cluster-name', '--cluster-id', '--region', '--role-arn', '--role', '--profile', '-i', '-r', '--output', '-');
  const arg = fc.oneof(flag, word, flag.chain((f) => word.map((w) => `${f}=${w}`)), anyString);
  const command = fc.oneof(fc.constantFrom('aws', '/usr/bin/aws', 'aws.exe', 'eksdoctor-aws', 'aws-iam-authenticator', 'kubelogin', '', '/', 'aws/'), anyString);
  const envVar = fc.record({ name: fc.oneof(fc.constantFrom('AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_REGION', 'AWS_DEFAULT_REGION', '__proto__', 'constructor'), anyString), value: anyString });
  const exec = fc.record({ command, args: fc.array(arg, { maxLength: 12 }), env: fc.array(envVar, { maxLength: 4 }) });

  it('never throws; every field it reports is a string that came from the args or the env', () => {
    fc.assert(
      fc.property(exec, (e) => {
        const intent = parseExecPlugin(e);
        expect(['aws-cli', 'aws-iam-authenticator', 'other']).toContain(intent.kind);
        const sources = new Set([...e.args, ...e.args.map((a) => a.slice(a.indexOf('=') + 1)), ...e.env.map((v) => v.value)]);
        for (const key of ['clusterName', 'region', 'roleArn', 'profile'] as const) {
          if (intent[key] !== undefined) {
            expect(typeof intent[key]).toBe('string');
            expect(sources.has(intent[key]!)).toBe(true);
          }
        }
        if (intent.profile) expect(['args', 'exec-env']).toContain(intent.profileSource);
      }),
      { numRuns: RUNS },
    );
  });

  it('aws eks get-token: the last --flag value wins, and --profile beats AWS_PROFILE (AWS CLI argparse keeps the last)', () => {
    const pair = fc.tuple(fc.constantFrom('--cluster-name', '--region', '--profile', '--role-arn'), word, fc.boolean());
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 6 }), fc.option(word, { nil: undefined }), (pairs, envProfile) => {
        const args = ['eks', 'get-token', ...pairs.flatMap(([f, v, eq]) => (eq ? [`${f}=${v}`] : [f, v]))];
        const intent = parseExecPlugin({ command: 'aws', args, env: envProfile ? [{ name: 'AWS_PROFILE', value: envProfile }] : [] });
        const last = (f: string) => pairs.filter(([g]) => g === f).pop()?.[1];
        expect(intent).toMatchObject({ kind: 'aws-cli', clusterName: last('--cluster-name'), region: last('--region'), roleArn: last('--role-arn') });
        expect(intent.profile).toBe(last('--profile') ?? envProfile);
      }),
      { numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// ARNs

describe('parseArn and canonicalPrincipalArn', () => {
  const seg = fc.stringMatching(/^[A-Za-z0-9+=,.@_-]{1,16}$/);
  const partition = fc.constantFrom('aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-eusc', 'aws-unknown', '');
  const account = fc.oneof(fc.stringMatching(/^\d{12}$/), fc.constant(''), word);
  const resource = fc.oneof(
    fc.tuple(fc.constantFrom('role', 'user'), fc.array(seg, { maxLength: 3 }), seg).map(([k, p, n]) => `${k}/${[...p, n].join('/')}`),
    fc.tuple(fc.array(seg, { minLength: 1, maxLength: 3 }), seg).map(([r, s]) => `assumed-role/${r.join('/')}/${s}`),
    fc.constantFrom('root', 'role/', 'assumed-role/', 'assumed-role//s', 'federated-user/bob', 'role/a:b', 'cluster/prod'),
    anyString,
  );
  const arnish = fc.oneof(
    fc.tuple(partition, fc.constantFrom('iam', 'sts', 'eks', ''), fc.constantFrom('', 'us-east-1'), account, resource).map((p) => `arn:${p.join(':')}`),
    anyString,
    fc.string({ unit: 'binary', maxLength: 3000 }),
  );

  it('never throw; a parsed ARN joins back to its input; canonicalization is idempotent', () => {
    fc.assert(
      fc.property(arnish, (arn) => {
        const p = parseArn(arn);
        if (p) expect(`arn:${p.partition}:${p.service}:${p.region}:${p.accountId}:${p.resource}`).toBe(arn);
        const once = canonicalPrincipalArn(arn);
        expect(typeof once).toBe('string');
        expect(canonicalPrincipalArn(once)).toBe(once);
      }),
      { numRuns: RUNS },
    );
  });

  it('an assumed-role session maps to its role without a path (aws-iam-authenticator pkg/arn); other ARNs are kept', () => {
    const known = fc.constantFrom('aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc');
    fc.assert(
      fc.property(known, fc.stringMatching(/^\d{12}$/), seg, seg, fc.constantFrom('', 'us-east-1'), (part, acct, role, session, region) => {
        const canonical = canonicalPrincipalArn(`arn:${part}:sts:${region}:${acct}:assumed-role/${role}/${session}`);
        expect(canonical).toBe(`arn:${part}:iam::${acct}:role/${role}`);
        expect(parseArn(canonical)).toMatchObject({ kind: 'role', name: role, path: '/', accountId: acct });
        for (const kept of [`arn:${part}:iam::${acct}:role/${role}`, `arn:${part}:iam::${acct}:user/${role}/${session}`, `arn:${part}:iam::${acct}:root`]) {
          expect(canonicalPrincipalArn(kept)).toBe(kept);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// aws-auth

describe('parseAwsAuthData, parseAwsAuthManifest and mapIdentity', () => {
  const isAwsAuthKind = (kind: string) => kind in AWS_AUTH_PROBLEM_RULES;
  const caller = fc.record({
    arn: fc.oneof(fc.constant('arn:aws:sts::111122223333:assumed-role/dev/i-0123456789abcdef0'), fc.constant('arn:aws:iam::111122223333:user/alice'), anyString),
    canonicalArn: fc.oneof(fc.constant(''), fc.constant('arn:aws:iam::111122223333:role/dev'), anyString),
    accountId: fc.oneof(fc.constant('111122223333'), anyString),
    userId: fc.option(fc.oneof(fc.constant('AROAEXAMPLE:i-0123456789abcdef0'), anyString), { nil: undefined }),
    accessKeyId: fc.option(fc.constant('ASIAEXAMPLE'), { nil: undefined }),
  });
  const expectMapped = (config: AwsAuthConfig, c: fc.Arbitrary<unknown> extends never ? never : Parameters<typeof mapIdentity>[1]) => {
    const m = mapIdentity(config, c);
    if (m) {
      expect(['mapRoles', 'mapUsers', 'mapAccounts']).toContain(m.via);
      expect(typeof m.username).toBe('string');
      expect(m.groups.every((g) => typeof g === 'string')).toBe(true);
    }
  };

  it('parseAwsAuthData never throws on YAML-ish sections; every problem is an aws-auth rule; mapIdentity never throws', () => {
    const data = fc.dictionary(fc.oneof(fc.constantFrom('mapRoles', 'mapUsers', 'mapAccounts', 'MapRoles', 'maproles'), word), fc.oneof(yamlish, junk) as fc.Arbitrary<string>, { maxKeys: 4 });
    fc.assert(
      fc.property(data, caller, (d, c) => {
        const config = parseAwsAuthData(d);
        expect(config.problems.every((p) => isAwsAuthKind(p.kind))).toBe(true);
        expect(() => JSON.stringify(config.problems)).not.toThrow();
        expectMapped(config, c);
      }),
      { numRuns: RUNS },
    );
  });

  it('parseAwsAuthManifest never throws on YAML-ish text or on arbitrary values dumped to YAML', () => {
    const text = fc.oneof(
      yamlish,
      fc.jsonValue({ maxDepth: 4 }).map((v) => yaml.dump(v)),
      fc.record({ kind: field(fc.constant('ConfigMap')), metadata: field(fc.record({ name: field(fc.constant('aws-auth')), namespace: field(fc.constant('kube-system')) })), data: field(fc.dictionary(fc.constantFrom('mapRoles', 'mapUsers', 'mapAccounts'), fc.oneof(yamlish, junk))) }, { requiredKeys: [] }).map((v) => yaml.dump(v)),
    );
    fc.assert(
      fc.property(text, caller, (t, c) => {
        const { config, problems } = parseAwsAuthManifest(t, 'aws-auth.yaml');
        expect(problems.every((p) => isAwsAuthKind(p.kind))).toBe(true);
        for (const p of problems) if ('line' in p && p.line !== undefined) expect(p.line).toBeGreaterThanOrEqual(1);
        if (config) expectMapped(config, c);
      }),
      { numRuns: RUNS },
    );
  });

  /** Any text a YAML string can hold and a ConfigMap can carry (NUL is refused as binary by design). */
  const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).filter((s) => !s.includes('\u0000'));
  const mapping = fc.record({ arn: fc.oneof(fc.constant('arn:aws:iam::111122223333:role/admin'), text), username: fc.option(text, { nil: undefined }), groups: fc.array(text, { maxLength: 4 }) });

  it('round trip: mappings rendered to a ConfigMap with js-yaml parse back to the same mappings, accounts included', () => {
    fc.assert(
      fc.property(fc.array(mapping, { maxLength: 4 }), fc.array(mapping, { maxLength: 4 }), fc.array(text, { maxLength: 3 }), (roles, users, accounts) => {
        const entry = (key: string) => (m: { arn: string; username?: string; groups: string[] }) => ({ [key]: m.arn, ...(m.username !== undefined && { username: m.username }), groups: m.groups });
        const data: Record<string, string> = {};
        if (roles.length) data.mapRoles = yaml.dump(roles.map(entry('rolearn')));
        if (users.length) data.mapUsers = yaml.dump(users.map(entry('userarn')));
        if (accounts.length) data.mapAccounts = yaml.dump(accounts);
        const manifest = yaml.dump({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'aws-auth', namespace: 'kube-system' }, data });
        const { config, problems } = parseAwsAuthManifest(manifest, 'aws-auth.yaml');
        expect(problems.filter((p) => p.kind === 'invalid-yaml' || p.kind === 'unknown-key')).toEqual([]);
        const strip = (ms: AwsAuthConfig['roles']) => ms.map(({ arn, username, groups }) => ({ arn, ...(username !== undefined && { username }), groups }));
        expect(strip(config!.roles)).toEqual(roles.map((m) => ({ arn: m.arn, ...(m.username !== undefined && { username: m.username }), groups: m.groups })));
        expect(strip(config!.users)).toEqual(users.map((m) => ({ arn: m.arn, ...(m.username !== undefined && { username: m.username }), groups: m.groups })));
        expect(config!.accounts).toEqual(accounts);
        // parseAwsAuthData on the same data agrees with the manifest reader (line numbers aside)
        const direct = parseAwsAuthData(data);
        expect(strip(direct.roles)).toEqual(strip(config!.roles));
        expect(strip(direct.users)).toEqual(strip(config!.users));
      }),
      { numRuns: RUNS },
    );
  });

  it('mapIdentity finds the last role entry for an ARN in any case, else a user entry; an unmapped caller is undefined', () => {
    const arn = fc.constantFrom('arn:aws:iam::111122223333:role/a', 'arn:aws:iam::111122223333:role/b', 'arn:aws:iam::111122223333:user/a');
    const m = fc.record({ section: fc.constantFrom('mapRoles' as const, 'mapUsers' as const), arn, username: fc.constantFrom('u1', 'u2', 'admin'), groups: fc.array(fc.constantFrom('g1', 'system:masters'), { maxLength: 2 }) });
    fc.assert(
      fc.property(fc.array(m, { maxLength: 6 }), arn, fc.boolean(), fc.boolean(), (entries, subject, upper, accountMapped) => {
        const config: AwsAuthConfig = { roles: entries.filter((e) => e.section === 'mapRoles'), users: entries.filter((e) => e.section === 'mapUsers'), accounts: accountMapped ? ['111122223333'] : [], problems: [] };
        const asked = upper ? subject.toUpperCase() : subject;
        const got = mapIdentity(config, { arn: asked, canonicalArn: asked, accountId: '111122223333' });
        const expected = [...config.roles].reverse().find((e) => e.arn === subject) ?? [...config.users].reverse().find((e) => e.arn === subject);
        if (expected) expect(got).toMatchObject({ via: expected.section, username: expected.username, groups: expected.groups });
        else if (accountMapped) expect(got).toEqual({ via: 'mapAccounts', username: asked, groups: [] });
        else expect(got).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// EKS token

describe('decodeEksToken', () => {
  const FORMAT = 'input token was not properly formatted: ';
  const SECRET = 'SIGNATUREsecret0123456789abcdef';
  const param = fc.constantFrom(
    'Action=GetCallerIdentity', 'Action=AssumeRole', 'Version=2011-06-15', 'X-Amz-Algorithm=AWS4-HMAC-SHA256',
    'X-Amz-Credential=AKIAEXAMPLE%2F20261125%2Fus-east-1%2Fsts%2Faws4_request', 'X-Amz-Date=20261125T190000Z', 'X-Amz-Date=20261399T250000Z',
    'X-Amz-Expires=60', 'X-Amz-Expires=-1', 'X-Amz-Expires=99999999999999999999', 'X-Amz-SignedHeaders=host%3Bx-k8s-aws-id', 'X-Amz-SignedHeaders=host',
    `X-Amz-Signature=${SECRET}`, `X-Amz-Security-Token=${SECRET}`, 'action=GetCallerIdentity', 'Other=1', '%zz', ';', '=', '',
  );
  const url = fc.tuple(
    fc.constantFrom('https://sts.amazonaws.com/', 'https://sts.us-west-2.amazonaws.com/', 'http://127.0.0.1:4566/', 'http://evil.example.com/', 'https://sts.amazonaws.com.evil/', 'https://user@sts.amazonaws.com/', 'ftp://x/', 'https:///', '', '%'),
    fc.array(param, { maxLength: 10 }),
    anyString,
  ).map(([base, params, tail]) => `${base}?${params.join('&')}${tail}`);
  const token = fc.oneof(
    anyString,
    anyString.map((s) => `k8s-aws-v1.${s}`),
    url.map((u) => `k8s-aws-v1.${Buffer.from(u, 'utf8').toString('base64url')}`),
    fc.string({ unit: 'binary', maxLength: 200 }).map((s) => `k8s-aws-v1.${Buffer.from(s, 'utf8').toString('base64url')}`),
    fc.integer({ min: 4000, max: 6000 }).map((n) => `k8s-aws-v1.${'A'.repeat(n)}`),
  );
  const NOW = new Date('2026-11-25T19:05:00Z');

  it('never throws; junk is ok:false with the authenticator’s "input token was not properly formatted" wording; no secret leaks', () => {
    fc.assert(
      fc.property(token, (t) => {
        const d = decodeEksToken(t, { now: NOW });
        if (!d.ok) expect(d.error.startsWith(FORMAT)).toBe(true);
        expect(JSON.stringify(d.ok ? { ...d, url: undefined } : d.error)).not.toContain(SECRET);
        if (d.ok || d.decoded) {
          const f = d.ok ? d : d.decoded!;
          expect(f.redactedUrl).not.toContain(SECRET);
          expect(f.signedHeaders.map((h) => h.toLowerCase())).toContain('x-k8s-aws-id');
          expect(f.expiresAt.getTime() - f.date.getTime()).toBe(15 * 60 * 1000);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('presign → decode round-trips cluster-independent fields (fewer runs: SigV4 in pure JS)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('us-east-1', 'us-west-2', 'eu-central-1', 'cn-north-1'),
        fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/),
        fc.option(fc.string({ minLength: 1, maxLength: 40 }), { nil: undefined }),
        fc.date({ min: new Date('2020-01-01'), max: new Date('2035-01-01'), noInvalidDate: true }),
        async (region, clusterName, sessionToken, now) => {
          const t = await presignEksToken({ credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken }, region, clusterName, now, stsHost: 'sts.amazonaws.com' });
          const d = decodeEksToken(t, { now });
          expect(d.ok).toBe(true);
          if (d.ok) expect([d.accessKeyId, d.region, d.hasSessionToken, Math.floor(now.getTime() / 1000) * 1000]).toEqual(['ASIAEXAMPLE', region, sessionToken !== undefined, d.date.getTime()]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// ExecCredential (exec plugin stdout) and STS answers

describe('parseExecCredential and parseStsAnswer', () => {
  const TOKEN = 'k8s-aws-v1.c2VjcmV0LXRva2Vu';
  const credential = fc.record(
    {
      kind: field(fc.constantFrom('ExecCredential', 'Other', '')),
      apiVersion: field(fc.constantFrom('client.authentication.k8s.io/v1beta1', 'client.authentication.k8s.io/v1')),
      status: field(fc.record({ token: field(fc.constant(TOKEN)), clientCertificateData: field(fc.constant('cert')), clientKeyData: field(fc.constant('key')), expirationTimestamp: field(fc.constant('2026-11-25T19:14:00Z')) }, { requiredKeys: [] })),
    },
    { requiredKeys: [] },
  );
  const stdout = fc.oneof(credential.map((c) => JSON.stringify(c)), fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)), anyString, anyString.map((s) => `${TOKEN}${s}`), credential.map((c) => JSON.stringify(c).slice(0, -1)));

  it('parseExecCredential never throws and never quotes the output (it may hold the token)', () => {
    fc.assert(
      fc.property(stdout, (out) => {
        const r = parseExecCredential(out);
        if (r.ok) {
          expect(typeof r.token).toBe('string');
          expect(r.token !== '' || r.clientCertificateData !== undefined).toBe(true);
        } else {
          expect(typeof r.message).toBe('string');
          expect(r.message).not.toContain(TOKEN);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('parseStsAnswer never throws on any status, content type and body', () => {
    const body = fc.oneof(
      anyString,
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc.constantFrom('<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>x</Message></Error></ErrorResponse>', '{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Arn":"arn:aws:iam::1:user/a","Account":"1"}}}', '<Arn><Arn>', '{"Error":null}'),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999 }), fc.constantFrom('application/json', 'text/xml', '', 'text/html'), body, (status, type, b) => {
        const r = parseStsAnswer(status, type, b);
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) expect(typeof r.message).toBe('string');
      }),
      { numRuns: RUNS },
    );
  });
});
