/**
 * Which suite runs the real kubectl with the real `aws eks get-token` on which scenarios, so that between
 * them every scenario is covered once (the AWS CLI is a Python process per token, kubectl's costliest part).
 */

/**
 * test/conformance/kubectl.test.ts checks, with the AWS CLI as exec plugin, every scenario whose kubectl
 * symptom is one of these (and its exact wording); test/unit/emulator-scenario-symptoms.test.ts runs the AWS
 * CLI on every other scenario, and on one scenario per symptom here, with `kubectl get pods`.
 */
export const AWS_CLI_SYMPTOMS_IN_CONFORMANCE: readonly string[] = ['ok', 'Unauthorized', 'Forbidden'];
