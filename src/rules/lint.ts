import { DOCS } from './docs.js';
import { rule } from './rule.js';

export const lintRules = {
  'lint/not-recognized': rule({
    severity: 'error',
    title: 'The file is not something eksdoctor lint knows',
    explain:
      'eksdoctor lint checks kubeconfig files, aws-auth ConfigMaps (also inside multi-document files and Lists) and the list that `eksctl get iamidentitymapping -o yaml|json` prints. This file is none of them, or could not be read, so nothing in it was checked: that must not pass.',
    docs: [DOCS.authConfigMap, DOCS.kubeconfigFiles],
    rootCause: true,
    example: { file: 'deploy.yaml', reason: 'its documents are a Deployment and a Service' },
    message: (e: { file: string; reason: string }) => `${e.file} was not linted: ${e.reason}`,
    fix: (e) => ({
      summary: `Give lint the aws-auth ConfigMap or the kubeconfig itself, not ${e.file}; a live cluster's aws-auth can be piped in.`,
      commands: ['kubectl get configmap aws-auth -n kube-system -o yaml | eksdoctor lint -'],
    }),
  }),
};
