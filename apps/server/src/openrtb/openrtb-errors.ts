import { AppError } from '@adplatform/domain';

const PATH = /^(?:Request )?(request(?:\.[A-Za-z0-9_]+|\[\d+\])*|imp\[\d+\](?:\.[A-Za-z0-9_]+|\[\d+\])*)/;

/** The JSON path a validation message names (its first path token), for the problem's `errors[0].path`. */
export function pathOfMessage(message: string): string {
  if (message.startsWith('No more than one of request.site')) return 'request.site';
  const match = PATH.exec(message);
  if (!match?.[1]) return 'request';
  return match[1].startsWith('imp[') ? `request.${match[1]}` : match[1];
}

/** A malformed bid request: 400, `Invalid request: <message>` as Prebid Server words it, the path in `errors`. */
export function invalidBidRequest(message: string): AppError {
  return new AppError('VALIDATION_FAILED', `Invalid request: ${message}`, { issues: [{ path: pathOfMessage(message), message }] });
}
