import type { Check, RunOptions } from '../checks/types.js';
import { clusterCheck } from './cluster/cluster.js';
import { endpointCheck } from './cluster/endpoint.js';
import { awsIdentityCheck } from './identity/aws-identity.js';
import { identityCheck } from './identity/identity.js';
import { tokenCheck } from './identity/token.js';
import { auditLogCheck } from './history/audit-log.js';
import { cloudTrailCheck } from './history/cloudtrail.js';
import { iamCheck } from './history/iam.js';
import { execPluginCheck, kubeconfigCheck } from './kubeconfig/index.js';
import { kubeAuthCheck } from './kube/kube-auth.js';
import { rbacCheck } from './kube/rbac.js';
import { logsCheck } from './logs/logs.js';
import { accessEntriesCheck } from './mapping/access-entries.js';
import { awsAuthCheck } from './mapping/aws-auth.js';
import { mappingCheck } from './mapping/mapping.js';

const OFFLINE: Check[] = [kubeconfigCheck, execPluginCheck];
const LIVE: Check[] = [
  awsIdentityCheck,
  tokenCheck,
  clusterCheck,
  identityCheck,
  endpointCheck,
  kubeAuthCheck,
  accessEntriesCheck,
  awsAuthCheck,
  rbacCheck,
  logsCheck,
  cloudTrailCheck,
  auditLogCheck,
  iamCheck,
  mappingCheck,
];

/** The checks of an `auth` run, in access-path order (the report lists them in this order). */
export function selectChecks(options: RunOptions): Check[] {
  if (!options.offline) return [...OFFLINE, ...LIVE];
  return options.awsAuthFile ? [...OFFLINE, awsAuthCheck] : OFFLINE;
}

/** Every check, for the catalog invariants. */
export const ALL_CHECKS: readonly Check[] = [...OFFLINE, ...LIVE];
