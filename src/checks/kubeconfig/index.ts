export { kubeconfigCheck } from './load.js';
export { execPluginCheck } from './exec-plugin.js';
