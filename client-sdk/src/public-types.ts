/** The SDK's public types, listed once for both entries (`index.ts` for Node, `browser.ts`). */
export type * from './api-types.ts';
export type { ClientOptions, DecryptedMessage, SavedSession } from './client.ts';
export type { KdfProfile } from './crypto/password.ts';
export type { KeyPinStore } from './key-pins.ts';
export type { IdentityChangeListener, PeerKeys } from './peer-keys.ts';
export type { RetryPolicy } from './retry.ts';
export type { AuthFailedEvent, RealtimeEvent, WebSocketConstructor, WebSocketLike } from './transport/realtime.ts';
export type { CallInfo, CallParticipant, ConsumerInfo, JoinInfo, TransportInfo } from './video/signalling.ts';
