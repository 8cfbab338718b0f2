/**
 * Error documents exactly as each protocol returns them, so real clients (AWS CLI, SDK v3, kubectl)
 * parse the code and retry the retryable ones.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

export type ServiceName = 'eks' | 'sts' | 'logs' | 'cloudtrail' | 'iam' | 'kube';

export const STS_XML_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
/** botocore data/iam/2010-05-08/service-2.json metadata.xmlNamespace. */
export const IAM_XML_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';

export function requestId(): string {
  return randomUUID();
}

/** The error code and message each response was answered with, for CloudTrail's errorCode/errorMessage. */
const answeredErrors = new WeakMap<ServerResponse, { code: string; message: string }>();

export function answeredErrorOf(res: ServerResponse): { code: string; message: string } | undefined {
  return answeredErrors.get(res);
}

/** REST-JSON (EKS): code in `x-amzn-ErrorType`, body `{"message": …}` (botocore parsers.RestJSONParser). */
export function writeEksError(res: ServerResponse, status: number, code: string, message: string): void {
  answeredErrors.set(res, { code, message });
  const body = JSON.stringify({ message });
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-errortype': code,
    'x-amzn-requestid': requestId(),
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** Query/XML (STS): `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`. */
export function writeStsError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  type: 'Sender' | 'Receiver' = 'Sender',
): void {
  writeQueryError(res, STS_XML_NAMESPACE, status, code, message, type);
}

/** IAM's Query/XML errors: the same ErrorResponse document in IAM's namespace (`NoSuchEntity`, `AccessDenied`). */
export function writeIamError(res: ServerResponse, status: number, code: string, message: string, type: 'Sender' | 'Receiver' = 'Sender'): void {
  writeQueryError(res, IAM_XML_NAMESPACE, status, code, message, type);
}

function writeQueryError(res: ServerResponse, namespace: string, status: number, code: string, message: string, type: 'Sender' | 'Receiver'): void {
  answeredErrors.set(res, { code, message });
  const id = requestId();
  const body =
    `<ErrorResponse xmlns="${namespace}">\n` +
    `  <Error>\n    <Type>${type}</Type>\n    <Code>${escapeXml(code)}</Code>\n` +
    `    <Message>${escapeXml(message)}</Message>\n  </Error>\n` +
    `  <RequestId>${id}</RequestId>\n</ErrorResponse>\n`;
  res.writeHead(status, {
    'content-type': 'text/xml',
    'x-amzn-requestid': id,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** JSON 1.1 (CloudWatch Logs, CloudTrail): code in `__type` of the body. */
export function writeLogsError(res: ServerResponse, status: number, code: string, message: string): void {
  answeredErrors.set(res, { code, message });
  const body = JSON.stringify({ __type: code, message });
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-requestid': requestId(),
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** A Kubernetes `Status` object (apimachinery metav1.Status). */
export function writeKubeStatus(res: ServerResponse, code: number, reason: string, message: string): void {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
  const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
  if (code === 429) headers['retry-after'] = '1';
  res.writeHead(code, headers);
  res.end(body);
}

/** Throttling and transient server errors, in each service's own shape (all retryable by the SDKs). */
export function writeServiceError(res: ServerResponse, service: ServiceName, kind: 'throttle' | 'unavailable'): void {
  const throttle = kind === 'throttle';
  switch (service) {
    case 'eks':
      return throttle
        ? writeEksError(res, 429, 'ThrottlingException', 'Rate exceeded')
        : writeEksError(res, 503, 'ServiceUnavailableException', 'Service unavailable. Please try again later.');
    case 'sts':
      return throttle
        ? writeStsError(res, 400, 'Throttling', 'Rate exceeded')
        : writeStsError(res, 503, 'ServiceUnavailable', 'Service is unable to handle request.', 'Receiver');
    case 'logs':
      return throttle
        ? writeLogsError(res, 400, 'ThrottlingException', 'Rate exceeded')
        : writeLogsError(res, 503, 'ServiceUnavailableException', 'The service cannot complete the request.');
    case 'cloudtrail':
      // CloudTrail's model has no ServiceUnavailable shape: SDKs retry a 5xx by status alone.
      return throttle ? writeLogsError(res, 400, 'ThrottlingException', 'Rate exceeded') : writeLogsError(res, 503, 'InternalFailure', 'An internal error occurred.');
    case 'iam':
      return throttle
        ? writeIamError(res, 400, 'Throttling', 'Rate exceeded')
        : writeIamError(res, 500, 'ServiceFailure', 'The request processing has failed because of an unknown error, exception or failure.', 'Receiver');
    case 'kube':
      return throttle
        ? writeKubeStatus(res, 429, 'TooManyRequests', 'Too many requests, please try again later.')
        : writeKubeStatus(res, 503, 'ServiceUnavailable', 'the server is currently unable to handle the request');
  }
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
