import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * One <video> bound to a MediaStream. `data-state` says whether frames are being shown
 * ("playing": decoded video with a size, "waiting" otherwise), for sighted people through the
 * overlay text and for tests without reaching into WebRTC statistics.
 */
export function VideoTile(props: {
  stream: MediaStream | null;
  /** Changes when tracks were added to or removed from the same stream. */
  version?: number;
  label: string;
  caption: string;
  /** Our own preview: no sound (no echo), mirrored like a mirror. */
  self?: boolean;
  /** Shown over the picture instead of it (e.g. "Your camera is off"). */
  placeholder?: string | null;
  /** Shown until the first frame is on screen. */
  waitingText?: string;
  large?: boolean;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  const [playing, setPlaying] = useState(false);

  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    // A fresh MediaStream per change makes the element take tracks added after the first one.
    video.srcObject = props.stream ? new MediaStream(props.stream.getTracks()) : null;
    setPlaying(false);
    if (props.stream) video.play().catch(() => {});
  }, [props.stream, props.version]);

  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    const update = () => setPlaying(video.videoWidth > 0 && !video.paused);
    const events = ['loadedmetadata', 'resize', 'playing', 'pause', 'emptied'];
    for (const event of events) video.addEventListener(event, update);
    return () => {
      for (const event of events) video.removeEventListener(event, update);
    };
  }, []);

  const overlay = props.placeholder ?? (playing ? null : (props.waitingText ?? null));
  return (
    <figure class={`call-tile${props.large ? ' call-tile-large' : ''}${props.self ? ' call-tile-self' : ''}`}>
      <video
        ref={ref}
        aria-label={props.label}
        data-state={playing ? 'playing' : 'waiting'}
        autoplay
        playsInline
        muted={props.self}
      />
      {overlay && (
        <p class="call-tile-overlay" aria-hidden="true">
          {overlay}
        </p>
      )}
      <figcaption>{props.caption}</figcaption>
    </figure>
  );
}
