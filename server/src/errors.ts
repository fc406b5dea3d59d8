/**
 * The one error catalogue. Every stable code lives here, grouped by domain.
 * Codes are part of the API: a retired code is never reused.
 */

/** An error with an HTTP status and a stable machine-readable code. */
export class AppError extends Error {
  readonly code: string;
  readonly statusCode: number;
  constructor(code: string, statusCode: number, message: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.statusCode = statusCode;
  }
}

/** Factory for one catalogue entry; `%s` in the template is filled from the arguments in order. */
export type ErrorFactory = ((...args: string[]) => AppError) & { code: string; statusCode: number };

function createError(code: string, statusCode: number, template: string): ErrorFactory {
  const factory = (...args: string[]): AppError => {
    let i = 0;
    const message = template.replace(/%s/g, () => args[i++] ?? '');
    return new AppError(code, statusCode, message);
  };
  return Object.assign(factory, { code, statusCode });
}

export const Errors = {
  // -- generic --
  VALIDATION_FAILED: createError('VALIDATION_FAILED', 400, 'Request is invalid: %s'),
  NOT_FOUND: createError('NOT_FOUND', 404, 'Route not found'),
  RATE_LIMITED: createError('RATE_LIMITED', 429, 'Too many requests, retry in %s'),
  PAYLOAD_TOO_LARGE: createError('PAYLOAD_TOO_LARGE', 413, 'Request body is too large'),
  UNSUPPORTED_MEDIA_TYPE: createError('UNSUPPORTED_MEDIA_TYPE', 415, 'Content type is not supported'),
  DATABASE_UNAVAILABLE: createError('DATABASE_UNAVAILABLE', 503, 'The database is unavailable, retry later'),
  BAD_REQUEST: createError('BAD_REQUEST', 400, 'The request is malformed: %s'),
  REQUEST_TIMEOUT: createError('REQUEST_TIMEOUT', 408, 'The request was not received in time'),
  ALREADY_EXISTS: createError('ALREADY_EXISTS', 409, 'This already exists'),
  URL_TOO_LONG: createError('URL_TOO_LONG', 414, 'A path segment is too long'),
  HEADERS_TOO_LARGE: createError('HEADERS_TOO_LARGE', 431, 'The request headers are too large'),
  NOT_READY: createError('NOT_READY', 503, 'This instance is not ready: %s'),

  // -- accounts --
  AUTH_REQUIRED: createError('AUTH_REQUIRED', 401, 'A valid bearer token is required'),
  AUTH_INVALID_CREDENTIALS: createError('AUTH_INVALID_CREDENTIALS', 401, 'Username or password is wrong'),
  FORBIDDEN_ROLE: createError('FORBIDDEN_ROLE', 403, 'This action needs the %s role'),
  USERNAME_TAKEN: createError('USERNAME_TAKEN', 409, 'The username is already taken'),
  TOPIC_NAME_TAKEN: createError('TOPIC_NAME_TAKEN', 409, 'A topic with this name exists'),
  ACTIVATION_CODE_INVALID: createError('ACTIVATION_CODE_INVALID', 404, 'The activation code is unknown or already used'),
  LINK_CODE_INVALID: createError('LINK_CODE_INVALID', 404, 'The registration link is unknown'),
  ACCOUNT_NOT_DELETABLE: createError('ACCOUNT_NOT_DELETABLE', 409, 'Only seekers delete their own account; staff accounts are removed by an admin'),
  USER_NOT_FOUND: createError('USER_NOT_FOUND', 404, 'User not found'),
  RESUME_CODE_INVALID: createError('RESUME_CODE_INVALID', 401, 'The resume code is wrong or no longer valid'),
  RESUME_CODE_ANONYMOUS_ONLY: createError(
    'RESUME_CODE_ANONYMOUS_ONLY',
    403,
    'Only anonymous seekers use resume codes; registered accounts log in with their password',
  ),
  RESUME_CODE_CONFLICT: createError('RESUME_CODE_CONFLICT', 409, 'This resume code cannot be used; create another one'),
  SESSION_NOT_FOUND: createError('SESSION_NOT_FOUND', 404, 'No such session of yours'),

  // -- agencies --
  TOPIC_NOT_FOUND: createError('TOPIC_NOT_FOUND', 404, 'Topic not found'),
  AGENCY_NOT_FOUND: createError('AGENCY_NOT_FOUND', 404, 'Agency not found'),
  AGENCY_NOT_SERVING_TOPIC: createError('AGENCY_NOT_SERVING_TOPIC', 409, 'The agency does not serve this topic'),
  AGENCY_HAS_NO_COUNSELLORS: createError('AGENCY_HAS_NO_COUNSELLORS', 409, 'The agency has no active counsellor yet'),
  POSTCODE_RANGE_INVALID: createError('POSTCODE_RANGE_INVALID', 400, 'Postcode range start must not be after its end'),
  MEMBERSHIP_EXISTS: createError('MEMBERSHIP_EXISTS', 409, 'The counsellor is already a member of this agency'),
  MEMBERSHIP_NOT_FOUND: createError('MEMBERSHIP_NOT_FOUND', 404, 'The counsellor is not a member of this agency'),
  NOT_A_COUNSELLOR: createError('NOT_A_COUNSELLOR', 409, 'Only counsellors can be agency members'),

  // -- threads --
  THREAD_NOT_FOUND: createError('THREAD_NOT_FOUND', 404, 'Thread not found'),
  THREAD_ALREADY_CLAIMED: createError('THREAD_ALREADY_CLAIMED', 409, 'The enquiry was already claimed by another counsellor'),
  THREAD_ID_TAKEN: createError('THREAD_ID_TAKEN', 409, 'This thread id is taken; create the thread with a new random id'),
  THREAD_READERS_CHANGED: createError('THREAD_READERS_CHANGED', 409, 'Key envelopes must address exactly the current readers: %s'),
  THREAD_EPOCH_CONFLICT: createError('THREAD_EPOCH_CONFLICT', 409, 'Epoch %s is not the next epoch of this thread'),
  THREAD_REKEY_REQUIRED: createError('THREAD_REKEY_REQUIRED', 409, 'The readership changed; start a new key epoch before sending'),
  THREAD_STATUS_CONFLICT: createError('THREAD_STATUS_CONFLICT', 409, 'The thread cannot go from %s to %s'),
  THREAD_WRITE_FORBIDDEN: createError('THREAD_WRITE_FORBIDDEN', 403, 'Claim the enquiry before writing to it'),
  ENVELOPE_EPOCH_UNKNOWN: createError('ENVELOPE_EPOCH_UNKNOWN', 409, 'Epoch %s does not exist in this thread'),

  // -- messages --
  MESSAGE_EPOCH_STALE: createError('MESSAGE_EPOCH_STALE', 409, 'The message uses epoch %s but the thread is at epoch %s'),
  MESSAGE_DUPLICATE_ID: createError('MESSAGE_DUPLICATE_ID', 409, 'This client message id was already used for a different message'),

  // -- notifications --
  NOTIFICATION_NOT_FOUND: createError('NOTIFICATION_NOT_FOUND', 404, 'Notification not found'),

  // -- video --
  VIDEO_UNAVAILABLE: createError('VIDEO_UNAVAILABLE', 503, 'Video is not available on this server (no SFU worker)'),
  CALL_NOT_FOUND: createError('CALL_NOT_FOUND', 404, 'Call not found'),
  CALL_FORBIDDEN: createError('CALL_FORBIDDEN', 403, 'Only the counsellor of the thread starts calls and distributes their keys'),
  CALL_INVITEE_NOT_ALLOWED: createError('CALL_INVITEE_NOT_ALLOWED', 403, 'Invitees must be your own clients or colleagues of the agency'),
  CALL_NOT_JOINED: createError('CALL_NOT_JOINED', 409, 'Join the call before sending media requests'),

  // -- realtime (WebSocket error frames) --
  WS_FRAME_INVALID: createError('WS_FRAME_INVALID', 400, 'Frame is invalid: %s'),
  WS_AUTH_TIMEOUT: createError('WS_AUTH_TIMEOUT', 401, 'Send an auth frame first'),
  WS_RATE_LIMITED: createError('WS_RATE_LIMITED', 429, 'Too many frames: frames are dropped; send the next in %s ms'),
  WS_TOO_MANY_CONNECTIONS: createError('WS_TOO_MANY_CONNECTIONS', 429, 'Too many open connections for this account (at most %s)'),
  WS_WATCH_LIMIT: createError('WS_WATCH_LIMIT', 429, 'A connection watches at most %s agencies'),
  WS_SLOW_CONSUMER: createError('WS_SLOW_CONSUMER', 408, 'The connection did not read what was sent to it'),
} as const;

export type ErrorCode = keyof typeof Errors;
