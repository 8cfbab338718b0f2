/**
 * The embedded emulator (SPEC §8) started for a benchmark row, with every call timed: the emulator's
 * journal (`state.requests`) stamps a call when its answer finishes; wrapping the state's
 * `takeFault` (which both servers call once per request, just before any injected latency) stamps
 * when handling started. Product code is untouched: only this instance's methods are wrapped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolatedEnv, loadScenario, materializeHome } from '../../packages/eks-emulator/src/index.js';
import { startEmulator, type RunningEmulator } from '../../packages/eks-emulator/src/index.js';
import type { RecordedRequest } from '../../packages/eks-emulator/src/state.js';
import type { TimedCall } from './critical-path.js';

export interface BenchCall extends TimedCall {
  service: RecordedRequest['service'];
  operation: string;
  method: string;
  path: string;
  status: number;
  /** The call went through takeFault, so the injected latency applied; false for one refused before it (a bad signature). */
  delayed: boolean;
}

export interface BenchEmulator {
  emu: RunningEmulator;
  /** The isolated environment (HOME, KUBECONFIG, AWS_*) to spawn clients with. */
  env: Record<string, string>;
  kubeconfigPath: string;
  home: string;
  /** Calls completed since the last `reset()`. */
  calls(): BenchCall[];
  reset(): void;
  close(): Promise<void>;
}

export async function startBenchEmulator(scenario: string, opts: { latencyMs?: number; exec?: 'builtin' | 'aws-cli' } = {}): Promise<BenchEmulator> {
  const emu = await startEmulator(loadScenario(scenario), { latencyMs: opts.latencyMs ?? 0 });
  const state = emu.state;
  // Start stamps per key (AWS: operation; Kubernetes: path — the keys each server passes to takeFault).
  let starts = new Map<string, number[]>();
  let journalFrom = 0;
  const takeFault = state.takeFault.bind(state);
  state.takeFault = (service, operation) => {
    const key = `${service} ${operation}`;
    starts.set(key, [...(starts.get(key) ?? []), Date.now()]);
    return takeFault(service, operation);
  };
  const home = mkdtempSync(join(tmpdir(), `eksdoctor-bench-${scenario}-`));
  const { env, kubeconfigPath } = materializeHome(emu, home, { exec: opts.exec ?? 'builtin' });
  return {
    emu,
    env: isolatedEnv(process.env, env),
    kubeconfigPath,
    home,
    calls() {
      const pending = new Map([...starts].map(([k, v]) => [k, [...v]]));
      return state.requests.slice(journalFrom).map((r) => {
        const key = r.service === 'kube' ? `kube ${r.path}` : `${r.service} ${r.operation}`;
        // A call refused before takeFault (e.g. a bad AWS signature) got no latency: it starts when it ends.
        const start = pending.get(key)?.shift();
        return { label: `${r.service} ${r.operation}`, service: r.service, operation: r.operation, method: r.method, path: r.path, status: r.status, start: Math.min(start ?? r.at, r.at), end: r.at, delayed: start !== undefined };
      });
    },
    reset() {
      starts = new Map();
      journalFrom = state.requests.length;
    },
    async close() {
      await emu.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
