/**
 * The HTTP handler of every AWS client: the SDK's own NodeHttpHandler, with each response body capped.
 * The SDK buffers a whole body before it parses it, so a broken or hostile endpoint answering 1 GiB
 * (or never ending) would take gigabytes and outlast --timeout (SPEC §7: every input bounded).
 */
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { Transform, type Readable } from 'node:stream';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Far above any answer eksdoctor reads (a FilterLogEvents page is ≤ 1 MB; CloudTrail pages of 50 events are a few). */
export const MAX_AWS_RESPONSE_BYTES = 16 * 1024 * 1024;

export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLarge';
}

export function boundedHttpHandler(opts: { httpAgent: HttpAgent; httpsAgent: HttpsAgent; connectionTimeout: number; requestTimeout: number; maxBytes?: number }): NodeHttpHandler {
  return new BoundedHttpHandler(opts, opts.maxBytes ?? MAX_AWS_RESPONSE_BYTES);
}

class BoundedHttpHandler extends NodeHttpHandler {
  constructor(
    opts: ConstructorParameters<typeof NodeHttpHandler>[0],
    private readonly maxBytes: number,
  ) {
    super(opts);
  }

  override async handle(...args: Parameters<NodeHttpHandler['handle']>): ReturnType<NodeHttpHandler['handle']> {
    const out = await super.handle(...args);
    const body = out.response.body as Readable | undefined;
    if (body && typeof body.pipe === 'function') out.response.body = capped(body, this.maxBytes);
    return out;
  }
}

function capped(source: Readable, maxBytes: number): Readable {
  let seen = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > maxBytes) {
        source.destroy(); // stop reading: the rest of the body costs nothing
        done(new ResponseTooLargeError(`the AWS answer exceeded ${maxBytes / 1048576} MiB and was cut off`));
        return;
      }
      done(null, chunk);
    },
  });
  source.on('error', (err) => limit.destroy(err));
  return source.pipe(limit);
}
