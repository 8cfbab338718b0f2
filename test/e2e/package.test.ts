/**
 * The installable package (issue 17 §1): `npm pack` makes a tarball that installs with no registry and
 * no install scripts and runs from anywhere. The tarball is installed into a temporary prefix and run
 * from a directory outside the repository, with a PATH that holds none of it: what a user gets.
 */
import { spawn } from 'node:child_process';
import { builtinModules } from 'node:module';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as esbuild from 'esbuild';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

interface Run { code: number | null; stdout: string; stderr: string }

function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string; version: string; license: string; files: string[]; engines: { node: string }; scripts: Record<string, string>;
  dependencies?: Record<string, string>; bin: Record<string, string>; repository: { url: string }; homepage: string; bugs: { url: string };
};
const classic = yaml.load(readFileSync(join(ROOT, 'packages', 'eks-emulator', 'scenarios', 'classic.yaml'), 'utf8')) as { expect: { exitCode: number; rootCauses: string[] } };
// Only node itself (for `#!/usr/bin/env node`) and the basic tools: no directory of the repository.
const nodeDir = dirname(process.execPath);
const npm = join(nodeDir, 'npm');

describe('the npm package', () => {
  let work: string;
  let tarball: string;
  let prefix: string;
  /** A user's shell: the installed prefix's bin, node, the system; HOME and cwd in a temp directory. */
  let userEnv: NodeJS.ProcessEnv;
  let outside: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'eksdoctor-package-'));
    const packed = await run(npm, ['pack', '--pack-destination', work, '--json'], { cwd: ROOT, env: { ...process.env, npm_config_update_notifier: 'false' } });
    expect(packed.code, packed.stderr).toBe(0);
    const [{ filename }] = JSON.parse(packed.stdout) as { filename: string }[];
    tarball = join(work, filename.replace(/^.*\//, ''));
    outside = join(work, 'home');
    mkdirSync(outside);
    // The tarball is handed over like a release download: a copy in a directory of its own.
    copyFileSync(tarball, join(outside, `${pkg.name}-${pkg.version}.tgz`));
    prefix = join(work, 'prefix');
    userEnv = {
      PATH: [join(prefix, 'bin'), nodeDir, '/usr/bin', '/bin'].join(':'),
      HOME: outside,
      NO_COLOR: '1',
      npm_config_cache: join(work, 'npm-cache'),
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
      // Nothing may be fetched: a dependency the tarball failed to bundle would fail the install here.
      npm_config_offline: 'true',
      npm_config_registry: 'http://127.0.0.1:9/',
    };
    const installed = await run(npm, ['install', '-g', '--prefix', prefix, `./${pkg.name}-${pkg.version}.tgz`], { cwd: outside, env: userEnv });
    expect(installed.code, installed.stderr).toBe(0);
  }, 120_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('has no install scripts, no runtime dependencies, a license, engines and links', () => {
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare', 'prepack', 'postpack', 'prepublish']) expect(pkg.scripts[hook], hook).toBeUndefined();
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(pkg.license).toBe('Apache-2.0');
    const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
    expect(license).toMatch(/Apache License\s+Version 2\.0, January 2004/);
    expect(license).toMatch(/END OF TERMS AND CONDITIONS/);
    expect(pkg.engines.node).toBe('>=20');
    expect(pkg.repository.url).toContain('github.com/eksdoctor/eksdoctor');
    expect(pkg.homepage).toContain('github.com/eksdoctor/eksdoctor');
    expect(pkg.bugs.url).toBe('https://github.com/eksdoctor/eksdoctor/issues');
  });

  it('ships only what runs: the launchers, the bundles and their maps, the scenarios, LICENSE and README', async () => {
    const listed = await run('tar', ['-tzf', tarball], { cwd: work, env: process.env });
    const files = listed.stdout.trim().split('\n').map((f) => f.replace(/^package\//, ''));
    const unexpected = files.filter((f) => !/^(bin\/eksdoctor(-aws)?|dist\/[\w-]+\.mjs(\.map)?|dist\/scenarios\/[\w-]+\.yaml|LICENSE|README\.md|package\.json)$/.test(f));
    expect(unexpected).toEqual([]);
    for (const f of ['bin/eksdoctor', 'bin/eksdoctor-aws', 'dist/eksdoctor.mjs', 'dist/eksdoctor-aws.mjs', 'LICENSE']) expect(files).toContain(f);
    // `eksdoctor demo` loads its scenarios from dist/scenarios (tools/build.mjs copies them): every one ships.
    const scenarios = readdirSync(join(ROOT, 'packages', 'eks-emulator', 'scenarios')).filter((f) => f.endsWith('.yaml'));
    expect(scenarios.length).toBeGreaterThan(10);
    for (const s of scenarios) expect(files).toContain(`dist/scenarios/${s}`);
    // Every chunk the bundle has is in the tarball (a chunk left out would fail only the command that loads it).
    for (const f of readdirSync(join(ROOT, 'dist')).filter((f) => f.endsWith('.mjs'))) expect(files).toContain(`dist/${f}`);
  });

  it('the bundles import nothing but Node built-ins (parsed by esbuild, following every chunk)', async () => {
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    for (const entry of ['eksdoctor.mjs', 'eksdoctor-aws.mjs']) {
      const result = await esbuild.build({
        entryPoints: [join(ROOT, 'dist', entry)], bundle: true, write: false, metafile: true, platform: 'node', format: 'esm', packages: 'external', logLevel: 'silent',
      });
      const external = Object.values(result.metafile.inputs).flatMap((i) => i.imports.filter((x) => x.external).map((x) => x.path));
      expect(external.length).toBeGreaterThan(0);
      expect(external.filter((p) => !builtins.has(p)), entry).toEqual([]);
    }
  });

  it('installs as a copy, not a link into the repository', () => {
    const installed = realpathSync(join(prefix, 'lib', 'node_modules', pkg.name));
    expect(installed.startsWith(ROOT)).toBe(false);
    expect(realpathSync(join(prefix, 'bin', 'eksdoctor'))).toBe(join(installed, 'bin', 'eksdoctor'));
    expect(existsSync(join(installed, 'node_modules'))).toBe(false);
    expect(userEnv.PATH!.split(':').some((p) => p.startsWith(ROOT))).toBe(false);
  });

  it('eksdoctor --version from outside the repository', async () => {
    const r = await run('eksdoctor', ['--version'], { cwd: outside, env: userEnv });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('eksdoctor demo: the classic scenario with its expected exit code', async () => {
    const r = await run('eksdoctor', ['demo'], { cwd: outside, env: userEnv });
    expect(r.code, r.stderr).toBe(classic.expect.exitCode);
    expect(r.stdout).toMatch(/^FAIL {2}Root cause: .*eks-ci-runner is not mapped/);
    expect(r.stderr).toMatch(/^demo: classic/);
  }, 60_000);

  it('eksdoctor demo --output json: one report with the classic root causes', async () => {
    const r = await run('eksdoctor', ['demo', '--output', 'json'], { cwd: outside, env: userEnv });
    expect(r.code, r.stderr).toBe(classic.expect.exitCode);
    const report = JSON.parse(r.stdout) as { tool: { version: string }; rootCauses: string[] };
    expect(report.tool.version).toBe(pkg.version);
    expect(report.rootCauses).toEqual(classic.expect.rootCauses);
  }, 60_000);

  it('npx --package ./eksdoctor-X.tgz eksdoctor --version, offline', async () => {
    // npx installs a local tarball into its cache without the registry (checked here: the registry is unreachable).
    const r = await run(join(nodeDir, 'npx'), ['--yes', '--package', `./${pkg.name}-${pkg.version}.tgz`, 'eksdoctor', '--version'], {
      cwd: outside, env: { ...userEnv, PATH: [nodeDir, '/usr/bin', '/bin'].join(':'), npm_config_cache: join(work, 'npx-cache') },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  }, 120_000);

  it('the README says how to install it, as tested here', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.split(/^## /m).find((s) => s.startsWith('Install\n'));
    expect(section).toBeDefined();
    expect(section).toContain(`npm install -g ./${pkg.name}-${pkg.version}.tgz`);
    expect(section).toContain(`npx --package ./${pkg.name}-${pkg.version}.tgz eksdoctor demo`);
    expect(section).toContain('npm pack');
    expect(section).toContain('npm link');
  });
});
