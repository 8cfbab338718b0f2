import { lintFiles } from '../../lint.js';
import { render, parseOutput, useColor } from '../output.js';
import { VERSION } from '../version.js';
import { exitCodeOf, parseFailOn } from './auth.js';

export async function lintCommand(files: string[], flags: { output: string; failOn: string; color: boolean }): Promise<number> {
  const format = parseOutput(flags.output);
  const report = await lintFiles(files, VERSION);
  process.stdout.write(await render(report, format, useColor(!flags.color, process.env, Boolean(process.stdout.isTTY))));
  return exitCodeOf(report, parseFailOn(flags.failOn), []);
}
