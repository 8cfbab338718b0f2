import { readFileSync } from 'node:fs';

declare const EKSDOCTOR_VERSION: string | undefined;

/** Injected by the bundler (tools/build.mjs) from package.json, so start-up reads no file; from source, read once. */
export const VERSION: string =
  typeof EKSDOCTOR_VERSION !== 'undefined'
    ? EKSDOCTOR_VERSION
    : (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Sent on every Kubernetes request, as kubectl sends `kubectl/<version>`. */
export const USER_AGENT = `eksdoctor/${VERSION}`;
