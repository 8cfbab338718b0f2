import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.js';

/** `eksdoctor emulator`: serve a scenario until interrupted, and say how to point tools at it. */
export async function emulatorCommand(flags: { scenario?: string; port?: string; dir?: string }): Promise<number> {
  const { DEFAULT_SCENARIO, ScenarioError, loadScenario, materializeHome, startEmulator } = await import('eks-emulator');
  const port = flags.port === undefined ? undefined : Number(flags.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65534)) throw new UsageError(`--port must be a port number (got "${flags.port}")`);
  let scenario;
  try {
    scenario = loadScenario(flags.scenario ?? DEFAULT_SCENARIO);
  } catch (err) {
    if (err instanceof ScenarioError) throw new UsageError(err.message);
    throw err;
  }
  const emulator = await startEmulator(scenario, { awsPort: port, kubePort: port === undefined ? undefined : port + 1 });
  const home = flags.dir ?? join(tmpdir(), `eksdoctor-emulator-${scenario.name}-${process.pid}`);
  mkdirSync(home, { recursive: true });
  const { env, kubeconfigPath } = materializeHome(emulator, home, { exec: 'builtin' });
  const lines = [
    `# eksdoctor emulator: scenario ${scenario.name} — ${scenario.description}`,
    `# AWS (EKS, STS, CloudWatch Logs): ${emulator.awsUrl}   Kubernetes API: ${emulator.kubeUrl}`,
    `# kubeconfig written to ${kubeconfigPath}; paste these lines into a shell, then run eksdoctor auth or kubectl:`,
    // HOME is left out: pasting it would move the user's own home; the paths below are explicit.
    ...Object.entries(env)
      .filter(([k]) => k !== 'HOME')
      .map(([k, v]) => `export ${k}=${JSON.stringify(v)}`),
    '# Ctrl-C stops the emulator.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await emulator.close();
  return 0;
}
