/**
 * The `--all-contexts` input of SPEC §6: one emulator cluster under N context names. Every context
 * keeps the materialized cluster and user (the same exec plugin, token and endpoint), so each one is
 * a full, independent diagnosis of the same scenario, as N real clusters behind one kubeconfig would be.
 */
import yaml from 'js-yaml';

interface Kubeconfig {
  contexts: { name: string; context: { cluster: string; user: string } }[];
  'current-context'?: string;
  [key: string]: unknown;
}

export function multiContextKubeconfig(singleContextYaml: string, count: number): string {
  const doc = yaml.load(singleContextYaml) as Kubeconfig;
  const base = doc.contexts[0];
  if (!base) throw new Error('the kubeconfig has no context to copy');
  const contexts = Array.from({ length: count }, (_, i) => ({ name: `${base.name}-${String(i + 1).padStart(2, '0')}`, context: { ...base.context } }));
  return yaml.dump({ ...doc, contexts, 'current-context': contexts[0]!.name }, { lineWidth: -1, noRefs: true });
}
