// Builds what ships: one code-split ESM bundle for the CLI (dist/eksdoctor.mjs; `--version`, `rules`
// and `explain` load none of the AWS SDK, whose modules load only in the chunks of the commands that
// call AWS) and one for the built-in token helper (dist/eksdoctor-aws.mjs). Type checking is `tsc --noEmit`.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

rmSync(dist, { recursive: true, force: true });
const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // ESM builds of dependencies first (the AWS SDK ships both); CommonJS ones get a real `require`.
  mainFields: ['module', 'main'],
  banner: { js: "import { createRequire as __eksdoctorRequire } from 'node:module'; const require = __eksdoctorRequire(import.meta.url);" },
  define: { EKSDOCTOR_VERSION: JSON.stringify(version), EKS_EMULATOR_BUNDLED: 'true' },
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: root,
  metafile: true,
};
const cli = await esbuild.build({
  ...common,
  entryPoints: { eksdoctor: 'src/cli/main.ts' },
  splitting: true,
  outdir: dist,
  outExtension: { '.js': '.mjs' },
  // Chunks beside the entry, so every module's import.meta.url has the same directory.
  chunkNames: 'chunk-[hash]',
});
// The token helper is its own small bundle: kubectl runs it for every token, so it must start fast.
// Split too, so what only some tokens need (the SDK's credential chain, STS for --role-arn) stays in
// chunks that load when used instead of being parsed on every run.
const helper = await esbuild.build({
  ...common,
  entryPoints: { 'eksdoctor-aws': 'packages/eks-emulator/src/get-token-cli.ts' },
  splitting: true,
  outdir: dist,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'eksdoctor-aws-[hash]',
});
cpSync(join(root, 'packages', 'eks-emulator', 'scenarios'), join(dist, 'scenarios'), { recursive: true });
if (process.argv.includes('--metafile')) {
  writeFileSync(join(root, '.bench', 'meta-cli.json'), JSON.stringify(cli.metafile));
  writeFileSync(join(root, '.bench', 'meta-helper.json'), JSON.stringify(helper.metafile));
}
