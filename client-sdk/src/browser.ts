/**
 * Browser entry of the SDK (bundled by client-sdk/build-browser.mjs into
 * `.cache/browser/counsel-sdk.js`, an ES module that also sets `window.CounselSDK`).
 *
 * Video calls need the frame-encryption worker, bundled separately as
 * `.cache/browser/e2ee-worker.js` (an IIFE). Give its location to the call:
 *
 *     const call = await CounselSDK.VideoCall.start(client, signalling, threadId, {
 *       workerUrl: new URL('/static/e2ee-worker.js', location.href),   // same origin
 *     });
 *
 * or, when the script cannot be served from the page's origin, make a Blob URL from its text:
 * `workerUrl: CounselSDK.workerUrlFromSource(await (await fetch(url)).text())`.
 *
 * In browsers, pass `fetch: fetch.bind(globalThis)` in the client options (the transport calls
 * the function it stores, and an unbound `window.fetch` throws "Illegal invocation").
 */
import { CounselClient } from './client.ts';
import { CryptoError, CryptoFailure } from './crypto/failures.ts';
import { safetyNumber, identityFingerprint } from './crypto/safety-number.ts';
import { MemoryPinStore } from './key-pins.ts';
import { LiveSession } from './live-session.ts';
import { ApiError } from './transport/http.ts';
import { RealtimeConnection } from './transport/realtime.ts';
import { VideoCall } from './video/call.ts';
import { FrameCrypto, frameEncryptionSupport, requireFrameEncryption, workerUrlFromSource } from './video/e2ee.ts';
import { CallError, CallSignalling } from './video/signalling.ts';

export {
  ApiError,
  CallError,
  CallSignalling,
  CounselClient,
  CryptoError,
  CryptoFailure,
  FrameCrypto,
  LiveSession,
  MemoryPinStore,
  RealtimeConnection,
  VideoCall,
  frameEncryptionSupport,
  identityFingerprint,
  requireFrameEncryption,
  safetyNumber,
  workerUrlFromSource,
};
export type { VideoCallEvent, VideoCallOptions, CallRing, InboundVideoStats } from './video/call.ts';
export type { FrameEncryptionMode } from './video/e2ee.ts';
export type { WorkerStats } from './video/e2ee-worker.ts';

/** The whole browser API, also reachable as `window.CounselSDK` for non-module scripts. */
export const CounselSDK = {
  ApiError,
  CallError,
  CallSignalling,
  CounselClient,
  CryptoError,
  CryptoFailure,
  FrameCrypto,
  LiveSession,
  MemoryPinStore,
  RealtimeConnection,
  VideoCall,
  frameEncryptionSupport,
  identityFingerprint,
  requireFrameEncryption,
  safetyNumber,
  workerUrlFromSource,
};

(globalThis as { CounselSDK?: typeof CounselSDK }).CounselSDK = CounselSDK;
