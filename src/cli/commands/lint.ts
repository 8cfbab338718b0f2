import { lintFiles } from '../../diagnose/lint.js';
import { parseOutput, renderOutput, useColor, writeOutput } from '../output.js';
import { VERSION } from '../../shared/version.js';
import { exitCodeOf, parseFailOn } from './auth.js';

export async function lintCommand(files: string[], flags: { output: string; failOn: string; color: boolean }): Promise<number> {
  const format = parseOutput(flags.output);
  const report = await lintFiles(files, VERSION);
  const failOn = parseFailOn(flags.failOn);
  writeOutput(await renderOutput(report, format, { color: useColor(!flags.color, process.env, Boolean(process.stdout.isTTY)), command: 'lint', failOn, env: process.env }));
  return exitCodeOf(report, failOn, []);
}
