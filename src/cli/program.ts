import { Command, Option } from 'commander';
import { VERSION } from './version.js';

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

  program
    .command('auth')
    .description('diagnose access to the cluster of the current (or given) kubeconfig context')
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: current-context)')
    .option('--offline', 'no network: kubeconfig checks only')
    .option('--timeout <duration>', 'bound for the whole run', '60s')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'markdown', 'junit', 'github']).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 at or above this severity').choices(['error', 'warning']).default('error'))
    .option('--no-color', 'no colour (also NO_COLOR)')
    .option('-v, --verbose', 'progress of every check on stderr')
    .action(async (flags) => setExitCode(await (await import('./commands/auth.js')).authCommand(flags)));

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
    .description("offline lint of kubeconfig files ('-' reads stdin)")
    .argument('<file...>', 'files to lint')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'markdown', 'junit', 'github']).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 at or above this severity').choices(['error', 'warning']).default('error'))
    .option('--no-color', 'no colour (also NO_COLOR)')
    .action(async (files: string[], flags) => setExitCode(await (await import('./commands/lint.js')).lintCommand(files, flags)));

  return program;
}
