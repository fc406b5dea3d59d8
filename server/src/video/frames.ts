/** Call signalling frames are part of the SDK's wire contract (`client-sdk/src/contract/video.ts`). */
export { CallKeyEnvelope, VideoClientFrames, VideoServerFrames } from '../../../client-sdk/src/contract/video.ts';
