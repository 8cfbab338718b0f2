/**
 * `aws [global options] eks get-token [options]` parsed as awscli's argparse parsers do: global
 * options anywhere on the line, `--opt value` or `--opt=value`, a unique prefix of an option's name
 * accepted (update-kubeconfig writes `--role` for `--role-arn`), the LAST of a repeated option kept,
 * an option that needs a value and gets another option is an error.
 */

/** A command-line problem: the AWS CLI v2 exits 252 for these (v1 exits 2 from argparse, 255 for unknown options). */
export class UsageError extends Error {
  readonly exitCode = 252;
}

/** A failure after parsing, with the exit code aws CLI v1 uses for it. */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export interface GetTokenArgs {
  region?: string;
  profile?: string;
  endpointUrl?: string;
  output?: string;
  clusterName?: string;
  clusterId?: string;
  roleArn?: string;
  sessionName?: string;
}

type Key = keyof GetTokenArgs;

const GLOBAL_VALUES: Record<string, Key | null> = {
  '--region': 'region',
  '--profile': 'profile',
  '--endpoint-url': 'endpointUrl',
  '--output': 'output',
  '--query': null,
  '--color': null,
  '--ca-bundle': null,
  '--cli-read-timeout': null,
  '--cli-connect-timeout': null,
};
const GLOBAL_FLAGS = ['--debug', '--no-verify-ssl', '--no-paginate', '--no-sign-request'];
const COMMAND_VALUES: Record<string, Key> = {
  '--cluster-name': 'clusterName',
  '--role-arn': 'roleArn',
  '--session-name': 'sessionName',
  '--cluster-id': 'clusterId',
};

/** argparse's abbreviation rule within one parser: the exact name, else the one option the text begins. */
function resolve(flag: string, names: string[]): string | undefined {
  if (names.includes(flag)) return flag;
  const matches = names.filter((n) => n.startsWith(flag));
  if (matches.length > 1) throw new UsageError(`ambiguous option: ${flag} could match ${matches.join(', ')}`);
  return matches[0];
}

const looksLikeOption = (s: string) => s.startsWith('-') && !/^-\d/.test(s);

export function parseGetTokenArgs(argv: string[]): GetTokenArgs {
  const args: GetTokenArgs = {};
  const positionals: string[] = [];
  const unknown: string[] = [];
  const globalNames = [...Object.keys(GLOBAL_VALUES), ...GLOBAL_FLAGS];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const [flag, inline] = eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const name = resolve(flag, globalNames) ?? resolve(flag, Object.keys(COMMAND_VALUES));
    if (!name) {
      unknown.push(a);
      continue;
    }
    if (GLOBAL_FLAGS.includes(name)) continue;
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || looksLikeOption(next)) throw new UsageError(`argument ${name}: expected one argument`);
      value = next;
      i++;
    }
    if (name === '--query') throw new UsageError('--query is not supported: this stand-in for `aws eks get-token` only writes the whole ExecCredential, which is what kubectl reads');
    const key = GLOBAL_VALUES[name] ?? COMMAND_VALUES[name];
    if (key) args[key] = value; // a repeated option: argparse keeps the last
  }
  if (positionals[0] !== 'eks' || positionals[1] !== 'get-token' || positionals.length !== 2) {
    throw new UsageError('usage: eksdoctor-aws [--region R] [--profile P] eks get-token (--cluster-name NAME | --cluster-id ID) [--role-arn ARN [--session-name S]]');
  }
  if (unknown.length) throw new UsageError(`Unknown options: ${unknown.join(', ')}`);
  if (args.output !== undefined && args.output !== 'json') {
    throw new UsageError(`--output ${args.output} is not supported: this stand-in for \`aws eks get-token\` writes JSON, which is what kubectl reads`);
  }
  // get_token.py _run_main: validate_mutually_exclusive raises (exit 255); neither returns a ValueError, which exits 1.
  if (args.clusterName !== undefined && args.clusterId !== undefined) {
    throw new CommandError('The key "cluster_id" cannot be specified when one of the following keys are also specified: cluster_name', 255);
  }
  if (!args.clusterName && !args.clusterId) throw new CommandError('Either parameter --cluster-name or --cluster-id must be specified.', 1);
  return args;
}
