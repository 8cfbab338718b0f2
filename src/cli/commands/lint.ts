import { lintFiles } from '../../diagnose/lint.js';
import { emitReport, useColor, type OutputTarget } from '../output.js';
import { VERSION } from '../../shared/version.js';
import { exitCodeOf, parseFailOn, withOutputs } from './auth.js';

export async function lintCommand(files: string[], flags: { output?: OutputTarget[]; failOn: string; color: boolean }): Promise<number> {
  const report = await lintFiles(files, VERSION);
  const failOn = parseFailOn(flags.failOn);
  const written = await emitReport(report, flags.output, { color: useColor(!flags.color, process.env, Boolean(process.stdout.isTTY)), command: 'lint', failOn, env: process.env });
  return withOutputs(exitCodeOf(report, failOn, []), written);
}
