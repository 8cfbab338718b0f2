import { redactText } from '../shared/redact.js';
import { VERSION } from '../shared/version.js';
import { EXIT, UsageError } from './errors.js';

/** The one error boundary: every way out of the CLI becomes an exit code of SPEC §3, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  // `--version` alone needs no command tree: answered as commander would, before commander (124 KB) loads.
  if (argv.length === 3 && (argv[2] === '--version' || argv[2] === '-V')) {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const [{ CommanderError }, { buildProgram }] = await Promise.all([import('commander'), import('./program.js')]);
  let code: number = EXIT.ok;
  const program = buildProgram((c) => (code = c));
  program.exitOverride();
  for (const sub of program.commands) sub.exitOverride();
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`eksdoctor: ${err.message}\n`);
      return EXIT.usage;
    }
    // An exception's message can quote a request (a token, a signature): redact it like the report.
    process.stderr.write(`eksdoctor: internal error: ${redactText(err instanceof Error ? err.message : String(err))}\n`);
    if (process.env.EKSDOCTOR_DEBUG) process.stderr.write(`${redactText(err instanceof Error ? (err.stack ?? '') : '')}\n`);
    return EXIT.internal;
  }
}

// Exit explicitly, so a hung socket or exec plugin cannot keep the process past its --timeout; but
// first let stdout and stderr drain: a pipe whose reader is slow takes writes asynchronously.
const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => (stream.writableLength === 0 ? resolve() : stream.write('', () => resolve())));
const exitWith = (code: number) => Promise.all([flushed(process.stdout), flushed(process.stderr)]).then(() => process.exit(code));
main(process.argv).then(exitWith, () => exitWith(EXIT.internal));
