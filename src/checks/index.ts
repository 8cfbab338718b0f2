import type { Check, RunOptions } from '../engine/types.js';
import { execPluginCheck, kubeconfigCheck } from './kubeconfig/index.js';

/** The checks of an `auth` run, in access-path order (the report lists them in this order). */
export function selectChecks(options: RunOptions): Check[] {
  const offline: Check[] = [kubeconfigCheck, execPluginCheck];
  if (options.offline) return offline;
  return offline;
}
