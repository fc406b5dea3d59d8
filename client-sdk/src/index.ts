/** Public surface of the client SDK. */
export { CounselClient, type ClientOptions, type DecryptedMessage, type SavedSession } from './client.ts';
export { ApiError } from './transport/http.ts';
export { CryptoError, CryptoFailure } from './crypto/failures.ts';
export { MemoryPinStore, type KeyPinStore } from './key-pins.ts';
export { safetyNumber, identityFingerprint } from './crypto/safety-number.ts';
export type * from './api-types.ts';
export { LiveSession } from './live-session.ts';
export { RealtimeConnection, type RealtimeEvent, type WebSocketConstructor } from './transport/realtime.ts';
