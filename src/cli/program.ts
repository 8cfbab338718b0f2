import { Argument, Command, Option } from 'commander';
import { VERSION } from '../shared/version.js';
import { collectOutput, OUTPUT_FORMATS } from './output.js';

/**
 * The command tree (SPEC §3). Actions import their modules lazily so that `--version` and `rules`
 * start without loading the AWS SDK or the Kubernetes client. Each action resolves to an exit code.
 */
export function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('eksdoctor')
    .description('Tells you exactly why you cannot reach your Amazon EKS cluster, and what to run to fix it.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(`eksdoctor: ${str.replace(/^error: /, '')}`) });

  addAuthOptions(program.command('auth').description('diagnose access to the cluster of the current (or given) kubeconfig context'))
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: current-context)')
    .option('--offline', 'no network: kubeconfig checks only')
    .option('--all-contexts', 'check every EKS context of the kubeconfig, concurrently')
    .action(async (flags) => setExitCode(await (await import('./commands/auth.js')).authCommand(flags)));

  addAuthOptions(
    program
      .command('demo')
      .description('run `auth` against the embedded emulator with a broken scenario (default: classic)')
      .argument('[scenario]', 'scenario name (see --list) or a scenario YAML file')
      .option('--list', 'list the scenarios'),
  ).action(async (scenario: string | undefined, flags) => setExitCode(await (await import('./commands/demo.js')).demoCommand(scenario, flags)));

  program
    .command('emulator')
    .description('serve the embedded EKS/STS/Logs/Kubernetes emulator; prints the environment and kubeconfig to use')
    .option('--scenario <name>', 'scenario name or file (default: classic)')
    .option('--port <n>', 'AWS endpoint port; the Kubernetes API listens on the next one (default: ephemeral)')
    .option('--dir <path>', 'where to write the kubeconfig and AWS config (default: a temp directory)')
    .action(async (flags) => setExitCode(await (await import('./commands/emulator.js')).emulatorCommand(flags)));

  program
    .command('explain')
    .description("the rule's explanation, fix and docs")
    .argument('<rule-id>', 'for example kubeconfig/exec-api-version-removed')
    .action(async (id: string) => setExitCode((await import('./commands/rules.js')).explainCommand(id)));

  program
    .command('rules')
    .description('the whole rule catalog')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (flags) => setExitCode((await import('./commands/rules.js')).rulesCommand(flags)));

  program
    .command('lint')
    .description("offline lint of kubeconfig files and aws-auth ConfigMaps ('-' reads stdin)")
    .argument('<file...>', 'files to lint')
    .addOption(outputOption())
    .addOption(new Option('--fail-on <severity>', 'exit 1 at or above this severity').choices(['error', 'warning']).default('error'))
    .option('--no-color', 'no colour (also NO_COLOR)')
    .action(async (files: string[], flags) => setExitCode(await (await import('./commands/lint.js')).lintCommand(files, flags)));

  program
    .command('policy')
    .description('print the least-privilege IAM policy (JSON) and Kubernetes RBAC (--kubernetes) that `auth` needs; offline')
    .option('--cluster <name>', 'cluster the ARNs name (default: *)')
    .option('--region <region>', 'region the ARNs name (default: *)')
    .option('--account <id>', 'AWS account ID the ARNs name (default: *)')
    .option('--kubernetes', 'print the Kubernetes RBAC manifests (kubectl apply -f -) instead of the IAM policy')
    .option('--kubernetes-group <group>', 'group the RBAC binds (map your principal to it)', 'eksdoctor-readers')
    .addOption(new Option('-o, --output <format>', 'json (default: the IAM policy document), yaml (--kubernetes default) or text (which permission serves which check)').choices(['json', 'yaml', 'text']))
    .action(async (flags) => setExitCode((await import('./commands/policy.js')).policyCommand(flags)));

  program
    .command('completion')
    .description('print the shell completion script for bash, zsh or fish (see the README: Completion)')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .action(async (shell: string) => setExitCode((await import('./commands/completion.js')).completionCommand(shell, program)));

  // The completion scripts call back here for the lists that change (rule IDs, scenarios, kubeconfig contexts).
  program
    .command('__complete', { hidden: true })
    .argument('<list>')
    .argument('[words...]')
    .allowUnknownOption()
    .helpOption(false)
    .action(async (list: string, words: string[]) => setExitCode(await (await import('./commands/completion.js')).completeCommand(list, words)));

  return program;
}

/** The options `auth` and `demo` share (SPEC §3). */
function addAuthOptions(cmd: Command): Command {
  return cmd
    .option('--cluster <name>', 'EKS cluster name (default: from the exec plugin arguments or the endpoint)')
    .option('--region <region>', 'AWS region (default: from the exec plugin, the endpoint, AWS_REGION)')
    .option('--profile <profile>', 'AWS profile for reading the cluster (default: the exec plugin\'s)')
    .option('--principal <arn>', 'evaluate the mappings for this IAM principal instead of your own')
    .option('--since <duration>', 'how far back to read the authenticator logs', '1h')
    .option('--no-logs', 'do not read the authenticator logs')
    .option('--no-history', 'do not read CloudTrail, the Kubernetes audit log or IAM')
    .option('--aws-auth-file <file>', 'lint and match this aws-auth ConfigMap instead of reading it from the cluster')
    .option('--timeout <duration>', 'bound for the whole run', '60s')
    .addOption(outputOption())
    .addOption(new Option('--fail-on <severity>', 'exit 1 at or above this severity').choices(['error', 'warning']).default('error'))
    .option('--no-color', 'no colour (also NO_COLOR)')
    .option('-v, --verbose', 'progress of every check on stderr');
}

/**
 * `-o, --output FORMAT[=FILE]`, repeatable: one format to stdout, the others to files. The choices are
 * kept on the option (help and shell completion read them); the parser accepts `FORMAT=FILE` as well.
 */
function outputOption(): Option {
  // No commander default: the parser collects from `undefined`, and stdoutFormat() supplies `text`.
  return new Option('-o, --output <format[=file]>', 'output format (default: text); repeat as FORMAT=FILE to also write other formats to files')
    .choices(OUTPUT_FORMATS)
    .argParser(collectOutput);
}
