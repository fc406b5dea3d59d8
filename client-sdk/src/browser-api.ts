/** The browser SDK's public values, listed once; `browser.ts` exports them and puts them on `window`. */
export { CounselClient } from './client.ts';
export { CryptoError, CryptoFailure } from './crypto/failures.ts';
export { safetyNumber, identityFingerprint } from './crypto/safety-number.ts';
export { MemoryPinStore } from './key-pins.ts';
export { LiveSession } from './live-session.ts';
export { ApiError } from './transport/http.ts';
export { RealtimeConnection } from './transport/realtime.ts';
export { VideoCall } from './video/call.ts';
export { FrameCrypto, frameEncryptionSupport, requireFrameEncryption, workerUrlFromSource } from './video/e2ee.ts';
export { CallError, CallSignalling } from './video/signalling.ts';
