/** What a request carried and what the API server answered, kept per response for its audit event. */
import type { ServerResponse } from 'node:http';

const requestObjects = new WeakMap<ServerResponse, unknown>();
const responseObjects = new WeakMap<ServerResponse, unknown>();

export function keepRequestObject(res: ServerResponse, obj: unknown): void {
  requestObjects.set(res, obj);
}

export function keepResponseObject(res: ServerResponse, obj: unknown): void {
  responseObjects.set(res, obj);
}

export function capturedObjectsOf(res: ServerResponse): { requestObject?: unknown; responseObject?: unknown } {
  return { requestObject: requestObjects.get(res), responseObject: responseObjects.get(res) };
}
