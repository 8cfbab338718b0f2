/**
 * Shell completion (issue 17 §5): `eksdoctor completion bash|zsh|fish` and the hidden `__complete` it calls
 * back. bash is driven for real (the script sourced, COMP_LINE/COMP_POINT set as readline sets them, the
 * function run, COMPREPLY read); fish through its own `complete -C`; zsh with compsys's builtins stubbed,
 * since driving its line editor needs a terminal. zsh and fish are skipped (with the reason) where absent.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { RULES } from '../../src/rules/index.js';
import { listScenarios } from '../../packages/eks-emulator/src/index.js';
import { BIN, isolatedEnv, runCli } from '../helpers/cli.js';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const work = mkdtempSync(join(tmpdir(), 'eksdoctor-completion-'));
/** The PATH a user has after installing: `eksdoctor` on it (the completion scripts call it back). */
const binDir = join(work, 'bin');
mkdirSync(binDir);
symlinkSync(BIN, join(binDir, 'eksdoctor'));
const ARN_CONTEXT = 'arn:aws:eks:us-west-2:111122223333:cluster/prod';
const kubeconfig = join(work, 'kubeconfig.yaml');
writeFileSync(kubeconfig, `apiVersion: v1
kind: Config
current-context: dev
clusters: [{name: prod, cluster: {server: "https://ABC.gr7.us-west-2.eks.amazonaws.com"}}]
users: [{name: u, user: {token: not-a-secret-for-completion}}]
contexts:
- {name: "${ARN_CONTEXT}", context: {cluster: prod, user: u}}
- {name: dev, context: {cluster: prod, user: u}}
- {name: staging, context: {cluster: prod, user: u}}
`);
const other = join(work, 'other.yaml');
writeFileSync(other, 'apiVersion: v1\nkind: Config\ncontexts:\n- {name: elsewhere, context: {cluster: c, user: u}}\n');
const env = isolatedEnv({ PATH: `${binDir}:${process.env.PATH}`, KUBECONFIG: kubeconfig });

let scripts: Record<'bash' | 'zsh' | 'fish', string>;
beforeAll(async () => {
  const out = await Promise.all((['bash', 'zsh', 'fish'] as const).map((s) => runCli(['completion', s], env)));
  for (const r of out) expect(r.code, r.stderr).toBe(0);
  scripts = { bash: out[0]!.stdout, zsh: out[1]!.stdout, fish: out[2]!.stdout };
  for (const [shell, text] of Object.entries(scripts)) writeFileSync(join(work, `eksdoctor.${shell}`), text);
});

/** What bash offers for `line` (the cursor at its end): the script's function run as readline runs it. */
function bashComplete(lines: string[]): string[][] {
  const script = `source ${join(work, 'eksdoctor.bash')}
t() { COMP_LINE=$1; COMP_POINT=\${#COMP_LINE}; COMP_WORDS=($1); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); _eksdoctor; printf '%s\\n' "\${COMPREPLY[@]}"; printf '\\x1e\\n'; }
${lines.map((l) => `t ${shq(l)}`).join('\n')}`;
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', script], { env, encoding: 'utf8', cwd: work });
  expect(r.stderr).toBe('');
  return r.stdout.split('\x1e\n').slice(0, lines.length).map((block) => block.split('\n').filter((x) => x !== ''));
}
const shq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe('bash', () => {
  it('is valid bash and registers a completion function for eksdoctor', () => {
    expect(spawnSync('bash', ['-n', join(work, 'eksdoctor.bash')]).status).toBe(0);
    const r = spawnSync('bash', ['--norc', '-c', `source ${join(work, 'eksdoctor.bash')}; complete -p eksdoctor`], { env, encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('complete -F _eksdoctor eksdoctor');
  });

  it('completes commands, rule IDs, options, contexts, scenarios, choices and files', () => {
    const [ex, kube, con, contexts, fromOption, arn, equals, outputs, outputFile, scenarios, shells, lint, all] = bashComplete([
      'eksdoctor ex',
      'eksdoctor explain kube/',
      'eksdoctor auth --con',
      'eksdoctor auth --context ',
      `eksdoctor auth --kubeconfig ${other} --context `,
      'eksdoctor auth --context arn:aws:eks:us-west-2:',
      'eksdoctor auth --context=st',
      'eksdoctor auth -o j',
      `eksdoctor lint -o json=${work}/kube`,
      'eksdoctor demo healthy-',
      'eksdoctor completion ',
      `eksdoctor lint ${work}/oth`,
      'eksdoctor ',
    ]);
    expect(ex).toEqual(['explain']);
    expect(kube).toEqual(RULES.filter((r) => r.id.startsWith('kube/')).map((r) => r.id));
    expect(con).toEqual(['--context']);
    expect(contexts).toEqual([ARN_CONTEXT, 'dev', 'staging']);
    expect(fromOption).toEqual(['elsewhere']);
    // bash replaces only what follows the last ':' of the word (COMP_WORDBREAKS), so that is what it gets.
    expect(arn).toEqual(['111122223333:cluster/prod']);
    expect(equals).toEqual(['staging']);
    expect(outputs).toEqual(['json', 'junit']);
    expect(outputFile).toEqual([`${work}/kubeconfig.yaml`]);
    expect(scenarios).toEqual(listScenarios().map((s) => s.name).filter((n) => n.startsWith('healthy-')));
    expect(shells).toEqual(['bash', 'zsh', 'fish']);
    expect(lint).toEqual([other]);
    expect(all).toEqual(expect.arrayContaining(['auth', 'demo', 'emulator', 'explain', 'rules', 'lint', 'policy', 'completion']));
    expect(all).not.toContain('__complete');
  });

  it("offers exactly commander's options for every command (generated from the definitions: no drift)", () => {
    const program = buildProgram(() => {});
    const help = program.createHelp();
    const commands = help.visibleCommands(program).filter((c) => c.name() !== 'help');
    const offered = bashComplete(commands.map((c) => `eksdoctor ${c.name()} --`));
    commands.forEach((c, i) => {
      const expected = help.visibleOptions(c).map((o) => o.long).filter((l): l is string => l !== undefined);
      expect(offered[i], c.name()).toEqual(expected);
    });
  });
});

describe('__complete', () => {
  it('lists contexts (with their cluster), rules and scenarios, value<TAB>description', async () => {
    const contexts = await runCli(['__complete', 'contexts', '--', 'eksdoctor', 'auth', '--context', ''], env);
    expect(contexts.stdout).toBe(`${ARN_CONTEXT}\tprod\ndev\tprod (current)\nstaging\tprod\n`);
    const rules = await runCli(['__complete', 'rules'], env);
    expect(rules.stdout.trim().split('\n').map((l) => l.split('\t')[0])).toEqual(RULES.map((r) => r.id));
    const scenarios = await runCli(['__complete', 'scenarios'], env);
    expect(scenarios.stdout.trim().split('\n').map((l) => l.split('\t')[0])).toEqual(listScenarios().map((s) => s.name));
  });

  it('reads --kubeconfig from the words (also --kubeconfig=, and ~/), else $KUBECONFIG', async () => {
    const home = mkdtempSync(join(tmpdir(), 'eksdoctor-completion-home-'));
    writeFileSync(join(home, 'k.yaml'), 'contexts:\n- {name: in-home, context: {cluster: c, user: u}}\n');
    const e = { ...env, HOME: home };
    expect((await runCli(['__complete', 'contexts', '--', 'eksdoctor', 'auth', `--kubeconfig=${other}`], e)).stdout).toBe('elsewhere\tc\n');
    expect((await runCli(['__complete', 'contexts', '--', 'eksdoctor', 'auth', '--kubeconfig', '~/k.yaml', '--context'], e)).stdout).toBe('in-home\tc\n');
  });

  it.each([
    ['a missing kubeconfig', ['contexts', '--', 'eksdoctor', 'auth', '--kubeconfig', '/nonexistent/kubeconfig']],
    ['a broken kubeconfig', ['contexts', '--', 'eksdoctor', 'auth', '--kubeconfig', join(work, 'eksdoctor.bash')]],
    ['stdin as the kubeconfig', ['contexts', '--', 'eksdoctor', 'lint', '--kubeconfig', '-']],
    ['an unknown list', ['nothing-like-this']],
  ])('never an error: %s lists nothing, exit 0, nothing on stderr', async (_, args) => {
    const r = await runCli(['__complete', ...args], env);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('');
  });

  it('options among the words, with or without --, are only words', async () => {
    for (const args of [['contexts', '--', '--bogus', '--help', '-V'], ['contexts', '--bogus', '--help']]) {
      const r = await runCli(['__complete', ...args], env);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout.split('\n')[0]).toBe(`${ARN_CONTEXT}\tprod`);
    }
  });

  it('is not in the help', async () => {
    const r = await runCli(['--help'], env);
    expect(r.stdout).toContain('completion');
    expect(r.stdout).not.toContain('__complete');
  });

  it('completion with an unknown shell is a usage error', async () => {
    const r = await runCli(['completion', 'powershell'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/value 'powershell' is invalid for argument 'shell'\. Allowed choices are bash, zsh, fish/);
  });
});

describe.skipIf(!has('zsh'))('zsh (skipped when zsh is not installed)', () => {
  it('is valid zsh (zsh -n)', () => {
    const r = spawnSync('zsh', ['-n', join(work, 'eksdoctor.zsh')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('offers the same things, with compsys builtins stubbed to print what they are given', () => {
    const cases = ['eksdoctor ex', 'eksdoctor explain kube/', 'eksdoctor auth --con', 'eksdoctor auth --context ', 'eksdoctor auth -o json=x', 'eksdoctor demo healthy-'];
    const script = `compdef() { : }
_describe() { local arr=\${@[-1]}; print -rl -- "\${(@P)arr}" }
compadd() { [[ $1 == -- ]] && shift; print -rl -- "$@" }
_files() { print -r -- __files__ }
_message() { : }
compset() { return 0 }
source ${join(work, 'eksdoctor.zsh')}
t() { words=(\${=1}); [[ $1 == *" " ]] && words+=(""); CURRENT=\${#words}; PREFIX=\${words[CURRENT]}; _eksdoctor; print -r -- $'\\x1e' }
${cases.map((c) => `t ${shq(c)}`).join('\n')}`;
    const r = spawnSync('zsh', ['-f', '-c', script], { env, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const [ex, kube, con, contexts, file, scenarios] = r.stdout.split('\x1e\n').map((b) => b.split('\n').filter((x) => x !== ''));
    // _describe takes name:description (colons in names escaped); compsys filters by the prefix itself.
    expect(ex).toContain("explain:the rule's explanation, fix and docs");
    expect(kube).toEqual(expect.arrayContaining(RULES.filter((x) => x.id.startsWith('kube/')).map((x) => `${x.id}:${x.title}`)));
    expect(con).toContain('--context:kubeconfig context (default: current-context)');
    expect(contexts).toEqual([`${ARN_CONTEXT.replace(/:/g, '\\:')}:prod`, 'dev:prod (current)', 'staging:prod']);
    expect(file).toEqual(['__files__']);
    expect(scenarios).toEqual(expect.arrayContaining(listScenarios().filter((s) => s.name.startsWith('healthy-')).map((s) => `${s.name}:${s.description}`)));
  });
});

describe.skipIf(!has('fish'))('fish (skipped when fish is not installed)', () => {
  it('is valid fish (fish -n)', () => {
    const r = spawnSync('fish', ['-n', join(work, 'eksdoctor.fish')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it("completes through fish's own `complete -C`", () => {
    const cases = ['eksdoctor ex', 'eksdoctor explain kube/', 'eksdoctor auth --con', 'eksdoctor auth --context ', 'eksdoctor demo healthy-'];
    const script = `source ${join(work, 'eksdoctor.fish')}
${cases.map((c) => `complete -C ${shq(c)}; echo \\x1e`).join('\n')}`;
    const r = spawnSync('fish', ['--no-config', '-c', script], { env: { ...env, XDG_CONFIG_HOME: join(work, 'xdg'), XDG_DATA_HOME: join(work, 'xdg') }, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const [ex, kube, con, contexts, scenarios] = r.stdout.split('\x1e\n').map((b) => b.split('\n').filter((x) => x !== '').map((x) => x.split('\t')[0]));
    expect(ex).toEqual(['explain']);
    expect(kube).toEqual(RULES.filter((x) => x.id.startsWith('kube/')).map((x) => x.id).sort());
    expect(con).toEqual(['--context']);
    expect(contexts).toEqual([ARN_CONTEXT, 'dev', 'staging']);
    expect(scenarios).toEqual(listScenarios().map((s) => s.name).filter((n) => n.startsWith('healthy-')).sort());
  });
});
