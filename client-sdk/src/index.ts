/**
 * Public surface of the client SDK for Node and any runtime with fetch and WebSocket
 * (`@counsel/client-sdk`). Browsers use `@counsel/client-sdk/browser`, which adds video calls.
 * The wire schemas are at `@counsel/client-sdk/contract`.
 */
export { CounselClient } from './client.ts';
export { PublicDirectory, linkUrl } from './directory.ts';
export { ApiError } from './transport/http.ts';
export { CryptoError, CryptoFailure } from './crypto/failures.ts';
export { RESUME_CODE_BITS, normaliseResumeCode } from './crypto/resume-code.ts';
export { MemoryPinStore } from './key-pins.ts';
export { safetyNumber, identityFingerprint } from './crypto/safety-number.ts';
export { DEFAULT_RETRY, backoffDelay, isTransient } from './retry.ts';
export { LiveSession } from './live-session.ts';
export { RealtimeConnection } from './transport/realtime.ts';
export type * from './public-types.ts';
