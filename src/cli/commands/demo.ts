import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { stdoutFormat } from '../output.js';
import { authCommand, type AuthFlags } from './auth.js';

/**
 * `eksdoctor demo [scenario]`: the real `auth` pipeline over real HTTP against the embedded emulator,
 * in an isolated HOME, KUBECONFIG and AWS config, so it runs anywhere without touching the user's setup.
 */
export async function demoCommand(scenarioName: string | undefined, flags: AuthFlags & { list?: boolean }): Promise<number> {
  const { DEFAULT_SCENARIO, ScenarioError, isolatedEnv, listScenarios, loadScenario, materializeHome, startEmulator } = await import('eks-emulator');
  if (flags.list) {
    const scenarios = listScenarios();
    const width = Math.max(...scenarios.map((s) => s.name.length));
    process.stdout.write(`${scenarios.map((s) => `${s.name.padEnd(width)}  ${s.description}`).join('\n')}\n`);
    return 0;
  }
  let scenario;
  try {
    scenario = loadScenario(scenarioName ?? DEFAULT_SCENARIO);
  } catch (err) {
    if (err instanceof ScenarioError) throw new UsageError(err.message);
    throw err;
  }
  const emulator = await startEmulator(scenario);
  const home = mkdtempSync(join(tmpdir(), `eksdoctor-demo-${scenario.name}-`));
  try {
    const { env } = materializeHome(emulator, home, { exec: 'builtin' });
    const run = { profile: flags.profile ?? scenario.run?.profile, principal: flags.principal ?? scenario.run?.principal };
    if (stdoutFormat(flags.output) === 'text') {
      const as = [run.profile && `--profile ${run.profile}`, run.principal && `--principal ${run.principal}`].filter(Boolean).join(' ');
      process.stderr.write(`demo: ${scenario.name} — ${scenario.description}${as ? ` (eksdoctor auth ${as})` : ''}\n`);
    }
    return await authCommand({ ...flags, ...run, kubeconfig: undefined, context: undefined }, isolatedEnv(process.env, env));
  } finally {
    await emulator.close();
    rmSync(home, { recursive: true, force: true });
  }
}
