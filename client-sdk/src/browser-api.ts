/** The browser SDK's public values, listed once; `browser.ts` exports them and puts them on `window`. */
export { CounselClient } from './client.ts';
export { PublicDirectory, linkUrl } from './directory.ts';
export { CryptoError, CryptoFailure } from './crypto/failures.ts';
export { RESUME_CODE_BITS, normaliseResumeCode } from './crypto/resume-code.ts';
export { safetyNumber, identityFingerprint } from './crypto/safety-number.ts';
export { MemoryPinStore } from './key-pins.ts';
export { LiveSession } from './live-session.ts';
export { DEFAULT_RETRY, backoffDelay, isTransient } from './retry.ts';
export { ApiError } from './transport/http.ts';
export { RealtimeConnection } from './transport/realtime.ts';
export { VideoCall } from './video/call.ts';
export { FrameCrypto, frameEncryptionSupport, requireFrameEncryption, workerUrlFromSource } from './video/e2ee.ts';
export { CallError, CallSignalling } from './video/signalling.ts';
