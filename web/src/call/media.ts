/**
 * The camera and microphone for a call. A call is still worth joining without them (the person
 * sees and hears the others), so a failure is reported as a problem, not thrown.
 */

export type MediaProblem =
  /** The person (or the browser's settings) refused access. */
  | 'denied'
  /** No camera was found or it is in use; we fell back to the microphone alone. */
  | 'no-camera'
  /** Neither camera nor microphone could be opened. */
  | 'unavailable';

export interface LocalMedia {
  stream: MediaStream | null;
  problem: MediaProblem | null;
}

// Small enough for a counselling call on a weak line; the SFU forwards it as is.
const VIDEO: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 24 } };

function refused(error: unknown): boolean {
  return error instanceof DOMException && (error.name === 'NotAllowedError' || error.name === 'SecurityError');
}

export async function openLocalMedia(): Promise<LocalMedia> {
  if (!navigator.mediaDevices?.getUserMedia) return { stream: null, problem: 'unavailable' };
  try {
    return { stream: await navigator.mediaDevices.getUserMedia({ video: VIDEO, audio: true }), problem: null };
  } catch (error) {
    if (refused(error)) return { stream: null, problem: 'denied' };
  }
  try {
    return { stream: await navigator.mediaDevices.getUserMedia({ audio: true }), problem: 'no-camera' };
  } catch (error) {
    return { stream: null, problem: refused(error) ? 'denied' : 'unavailable' };
  }
}

/** Turns the camera light off: tracks of a finished or abandoned preview must not stay open. */
export function stopMedia(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

/** A disabled track sends silence/black even before the producer is paused, and the preview shows it. */
export function setTrackEnabled(stream: MediaStream | null, kind: 'audio' | 'video', enabled: boolean): void {
  for (const track of stream?.getTracks() ?? []) if (track.kind === kind) track.enabled = enabled;
}
