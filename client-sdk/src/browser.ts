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
 */
import * as api from './browser-api.ts';

export * from './browser-api.ts';
export type * from './public-types.ts';
export type { VideoCallEvent, VideoCallOptions, CallRing, InboundVideoStats } from './video/call.ts';
export type { FrameEncryptionMode } from './video/e2ee.ts';
export type { WorkerStats } from './video/e2ee-worker.ts';

/** The whole browser API, also reachable as `window.CounselSDK` for non-module scripts. */
export const CounselSDK = api;

(globalThis as { CounselSDK?: typeof CounselSDK }).CounselSDK = CounselSDK;
