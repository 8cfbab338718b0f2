/**
 * Where the emulator's files are. From source (tests, tsx): packages/eks-emulator/src → ../scenarios
 * and the repository's bin/. Bundled into eksdoctor's dist/*.mjs (every chunk sits in dist/): the
 * build copies the scenarios to dist/scenarios and the launcher is the package's bin/.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

declare const EKS_EMULATOR_BUNDLED: boolean | undefined;

const here = dirname(fileURLToPath(import.meta.url));
const bundled = typeof EKS_EMULATOR_BUNDLED !== 'undefined' && EKS_EMULATOR_BUNDLED;

export const SCENARIO_DIR = bundled ? join(here, 'scenarios') : resolve(here, '..', 'scenarios');

/** bin/eksdoctor-aws: the `aws eks get-token` look-alike, so the demo needs no AWS CLI. */
export const BUILTIN_GET_TOKEN = bundled ? resolve(here, '..', 'bin', 'eksdoctor-aws') : resolve(here, '..', '..', '..', 'bin', 'eksdoctor-aws');
