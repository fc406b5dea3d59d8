import {
  CallError,
  CallSignalling,
  VideoCall,
  frameEncryptionSupport,
  type CallRing,
  type CounselClient,
  type LiveSession,
  type VideoCallEvent,
} from '@counsel/client-sdk/browser';
import { EncryptionWorkerFailed } from './call-errors.ts';
import { openLocalMedia, setTrackEnabled, stopMedia, type MediaProblem } from './media.ts';

/**
 * Everything about video calls for one signed-in session, outside any component: the chat page's
 * controls, the incoming-call banner and the call view all read the same state, and a call keeps
 * running while the person moves between screens.
 *
 * The SDK does the work (signalling, mediasoup, frame encryption in a worker); this class only
 * orders the steps a person takes: check the camera (preview), call or answer, then talk.
 */

export type CallPhase =
  /** This browser cannot encrypt frames, so there is no call at all (fail closed). */
  | 'unsupported'
  /** Camera and microphone check before calling or answering. */
  | 'preview'
  /** Caller: ringing the others and entering the media room. */
  | 'starting'
  /** Caller: in the room, nobody has answered yet. */
  | 'ringing'
  /** Someone answered (or we did); waiting for the other side's media. */
  | 'connecting'
  | 'connected'
  | 'ended'
  /** Starting or answering failed; `error` says why. */
  | 'failed';

/** Why a call ended, as far as this side can tell. */
export type EndReason = 'declined' | 'left' | 'ended' | 'you-left' | 'answered-elsewhere' | 'gone' | 'other';

export interface RemoteVideo {
  userId: string;
  /** null while someone is in the call without sending media (yet). */
  stream: MediaStream | null;
  /** Bumped whenever a track is added or removed, so the <video> picks the change up. */
  version: number;
}

export interface CallView {
  /** Distinguishes one opening of the view from the next (a component key). */
  serial: number;
  threadId: string;
  /** What the call is about, when the opener knew it (the counsellor's thread page). */
  about: { topicName: string; agencyName: string; seekerId: string } | null;
  role: 'caller' | 'callee';
  callId: string | null;
  /** Who called (the counsellor); null until the caller's own call exists. */
  callerId: string | null;
  group: boolean;
  phase: CallPhase;
  local: MediaStream | null;
  mediaLoading: boolean;
  mediaProblem: MediaProblem | null;
  micMuted: boolean;
  cameraOff: boolean;
  remotes: RemoteVideo[];
  endReason: EndReason | null;
  /** The failure of starting/answering, or a problem during the call (the call goes on). */
  error: unknown;
}

export interface CallsState {
  /** Calls ringing for us that are still going on (this device has not answered or declined them). */
  rings: CallRing[];
  /** The one call view of this tab, or null. */
  view: CallView | null;
}

type Listener = (state: CallsState) => void;

/** The SDK's frame-encryption worker, served by the web build from our own origin (CSP: worker-src 'self'). */
const workerUrl = () => new URL('/e2ee-worker.js', location.origin);

/** Worker messages that mean no frame can be encrypted or decrypted at all (client-sdk/src/video/e2ee*.ts). */
function isFatalWorkerError(message: string): boolean {
  return message.startsWith('worker error') || message.startsWith('libsodium failed');
}

/** The server's `call.ended` reasons that we explain; others (server-closed…) read as a lost connection. */
function endReason(reason: string): EndReason {
  return reason === 'declined' || reason === 'left' || reason === 'ended' ? reason : 'other';
}

export class CallManager {
  readonly #client: CounselClient;
  readonly #live: LiveSession;
  readonly #signalling: CallSignalling;
  readonly #listeners = new Set<Listener>();
  #state: CallsState = { rings: [], view: null };
  #call: VideoCall | null = null;
  #detachCall: (() => void) | null = null;
  /** Increases with every view, so a slow step of an abandoned view cannot touch the next one. */
  #viewToken = 0;
  /**
   * Recently ended calls and why. A call can end while `VideoCall.start` is still sending the
   * first media key (the seeker declined at once), before we know its id or listen to it.
   */
  readonly #ended = new Map<string, string>();
  #endedCount = 0;
  #lastEndReason = '';
  readonly #unsubscribe: Array<() => void> = [];
  /** The camera of the current view; a quick "Call now" waits for it, so the call is not sent without it. */
  #media: Promise<void> = Promise.resolve();

  constructor(client: CounselClient, live: LiveSession) {
    this.#client = client;
    this.#live = live;
    this.#signalling = new CallSignalling(live.connection);
    // onRing (not a plain event listener) also keeps the media keys that arrive before we answer.
    this.#unsubscribe.push(VideoCall.onRing(this.#signalling, (ring) => this.#onRing(ring)));
    this.#unsubscribe.push(
      this.#signalling.onEvent((event) => {
        if (event.type === 'call.ended') this.#onEnded(event.callId, event.reason);
        else if (event.type === 'call.accepted') this.#onAccepted(event.callId, event.userId);
        else if (event.type === 'call.declined' && event.userId === this.#client.userId) this.#dropRing(event.callId);
      }),
    );
  }

  get state(): CallsState {
    return this.#state;
  }

  get userId(): string {
    return this.#client.userId;
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  // -- what a person does --

  /** Counsellor: opens the call view with a camera preview; {@link call} then rings. */
  openCaller(thread: { id: string; topicName: string; agencyName: string; seekerId: string }): void {
    if (this.#state.view) return;
    const about = { topicName: thread.topicName, agencyName: thread.agencyName, seekerId: thread.seekerId };
    this.#openView({ threadId: thread.id, about, role: 'caller', callId: null, callerId: this.userId, group: false });
  }

  /** Callee: opens the call view for a ring with a camera preview; {@link join} then answers. */
  async openCallee(callId: string): Promise<void> {
    const ring = this.#state.rings.find((candidate) => candidate.callId === callId);
    if (!ring) return;
    // Answering a second call ends the first: the person chose to, on a button that says so.
    if (this.#state.view) await this.close();
    this.#openView({ threadId: ring.threadId, about: null, role: 'callee', callId, callerId: ring.callerId, group: ring.participants.length > 2 });
  }

  /** Caller: rings the thread's seeker (and the invitees of a group session), then enters the room. */
  async call(invitees: string[] = []): Promise<void> {
    const view = this.#state.view;
    if (!view || view.role !== 'caller' || view.phase !== 'preview') return;
    const token = this.#viewToken;
    const endedBefore = this.#endedCount;
    this.#patch({ phase: 'starting', error: null, group: invitees.length > 0 });
    try {
      await this.#live.ready();
      const call = await VideoCall.start(this.#client, this.#signalling, view.threadId, {
        workerUrl: workerUrl(),
        ...(invitees.length > 0 ? { invitees } : {}),
      });
      if (token !== this.#viewToken) return void (await call.end());
      const endedMeanwhile = this.#ended.get(call.callId);
      if (endedMeanwhile !== undefined) return this.#finish(endReason(endedMeanwhile));
      this.#attach(call);
      this.#patch({ callId: call.callId });
      await this.#enterRoom(call, token);
      if (token === this.#viewToken && this.#state.view?.phase === 'starting') this.#patch({ phase: 'ringing' });
    } catch (error) {
      // Refused because the call is already over: it ended while starting (declined at once).
      const endedSince = this.#endedCount > endedBefore;
      if (error instanceof CallError && error.code === 'CALL_NOT_FOUND' && endedSince && token === this.#viewToken) {
        return this.#finish(endReason(this.#lastEndReason));
      }
      this.#failed(token, error);
    }
  }

  /** Caller, after a failure: back to the preview, to call again. */
  retry(): void {
    const view = this.#state.view;
    if (!view || view.role !== 'caller' || view.phase !== 'failed') return;
    // The same serial: the panel stays mounted (and remembers where focus returns to).
    this.#openView({ threadId: view.threadId, about: view.about, role: 'caller', callId: null, callerId: this.userId, group: false }, view.serial);
  }

  /** Callee: answers the ring and enters the room. */
  async join(): Promise<void> {
    const view = this.#state.view;
    const ring = this.#state.rings.find((candidate) => candidate.callId === view?.callId);
    if (!view || view.role !== 'callee' || view.phase !== 'preview') return;
    if (!ring) return this.#finish('gone');
    const token = this.#viewToken;
    this.#patch({ phase: 'connecting', error: null });
    try {
      await this.#live.ready();
      const call = await VideoCall.answer(this.#client, this.#signalling, ring, { workerUrl: workerUrl() });
      if (token !== this.#viewToken) return void (await call.leave());
      this.#attach(call);
      this.#dropRing(ring.callId);
      await this.#enterRoom(call, token);
      if (token !== this.#viewToken) return;
      // The caller entered the room when calling: we are with them now, pictures or not.
      if (!this.#state.view?.remotes.some((remote) => remote.userId === ring.callerId)) this.#setRemote(ring.callerId, null);
      this.#patch({ phase: 'connected' });
    } catch (error) {
      if (error instanceof CallError && error.code === 'CALL_NOT_FOUND') return this.#finish('gone');
      this.#failed(token, error);
    }
  }

  async decline(callId: string): Promise<void> {
    this.#dropRing(callId);
    if (this.#state.view?.callId === callId) this.#closeView();
    await this.#signalling.decline(callId).catch(() => {
      // Already over, or the connection is down: the ring is gone for us either way.
    });
  }

  setMicMuted(muted: boolean): void {
    setTrackEnabled(this.#state.view?.local ?? null, 'audio', !muted);
    void this.#call?.mute('audio', muted);
    this.#patch({ micMuted: muted });
  }

  setCameraOff(off: boolean): void {
    setTrackEnabled(this.#state.view?.local ?? null, 'video', !off);
    void this.#call?.mute('video', off);
    this.#patch({ cameraOff: off });
  }

  /**
   * Leaves the call. The caller ends it for everyone: the caller hands out the media keys, so a
   * group session cannot go on safely without them. A 1:1 call ends when either side leaves.
   */
  async leave(): Promise<void> {
    const call = this.#call;
    this.#finish('you-left');
    if (!call) return;
    await (call.isCaller ? call.end() : call.leave());
  }

  /** Closes the view; a call still running is left first. */
  async close(): Promise<void> {
    const view = this.#state.view;
    if (!view) return;
    if (view.phase !== 'ended' && view.phase !== 'failed' && view.phase !== 'preview' && view.phase !== 'unsupported') {
      await this.leave();
    }
    this.#closeView();
  }

  /** Signing out: no call, no open camera. */
  #dispose(): void {
    void this.leave();
    this.#closeView();
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#listeners.clear();
  }

  static #managers = new WeakMap<LiveSession, CallManager>();

  /** One manager per live connection: the SDK's call signalling must exist once per connection. */
  static for(client: CounselClient, live: LiveSession): CallManager {
    let manager = CallManager.#managers.get(live);
    if (!manager) {
      manager = new CallManager(client, live);
      CallManager.#managers.set(live, manager);
    }
    return manager;
  }

  /** Ends what the connection's manager holds (the session ended); a later `for` makes a new one. */
  static release(live: LiveSession): void {
    const manager = CallManager.#managers.get(live);
    if (manager) manager.#dispose();
    CallManager.#managers.delete(live);
  }

  // -- steps --

  #openView(start: Pick<CallView, 'threadId' | 'about' | 'role' | 'callId' | 'callerId' | 'group'>, serial?: number): void {
    const token = ++this.#viewToken;
    const supported = frameEncryptionSupport() !== null;
    this.#set({
      ...this.#state,
      view: {
        ...start,
        serial: serial ?? token,
        phase: supported ? 'preview' : 'unsupported',
        local: null,
        mediaLoading: supported,
        mediaProblem: null,
        micMuted: false,
        cameraOff: false,
        remotes: [],
        endReason: null,
        error: null,
      },
    });
    this.#media = Promise.resolve();
    if (!supported) return;
    this.#media = openLocalMedia().then(({ stream, problem }) => {
      if (token !== this.#viewToken) return stopMedia(stream);
      this.#patch({ local: stream, mediaProblem: problem, mediaLoading: false });
    });
  }

  async #enterRoom(call: VideoCall, token: number): Promise<void> {
    await Promise.all([call.join(), this.#media]);
    const view = this.#state.view;
    if (token !== this.#viewToken || !view) return;
    if (view.local) await call.publish(view.local);
    // Muting in the preview carries over: a paused producer sends nothing.
    if (view.micMuted) await call.mute('audio', true);
    if (view.cameraOff) await call.mute('video', true);
  }

  #attach(call: VideoCall): void {
    this.#detachCall?.();
    this.#call = call;
    const unsubscribe = call.on((event) => this.#onCallEvent(call, event));
    // The SDK only records a frame-encryption worker that failed (e.g. its script did not load):
    // frames are then dropped, never sent in the clear, and the picture stays black. Say why.
    const watch = setInterval(() => {
      if (this.#call !== call || !this.#state.view) return;
      if (call.frameErrors.some(isFatalWorkerError) && !(this.#state.view.error instanceof EncryptionWorkerFailed)) {
        this.#patch({ error: new EncryptionWorkerFailed() });
      }
    }, 2_000);
    this.#detachCall = () => {
      clearInterval(watch);
      unsubscribe();
    };
  }

  #onCallEvent(call: VideoCall, event: VideoCallEvent): void {
    if (call !== this.#call || !this.#state.view) return;
    switch (event.type) {
      case 'remote-stream':
        this.#setRemote(event.userId, event.stream);
        this.#patch({ phase: 'connected' });
        return;
      case 'remote-track-ended': {
        // Still in the call until 'peer-left', only without (some of) their media.
        const stream = call.remoteStreams.get(event.userId);
        if (!this.#state.view.remotes.some((remote) => remote.userId === event.userId)) return; // gone already
        this.#setRemote(event.userId, stream && stream.getTracks().length > 0 ? stream : null);
        return;
      }
      case 'peer-joined':
        if (event.userId === this.userId) return;
        // In the room: their picture follows (or not, when they have no camera).
        if (!this.#state.view.remotes.some((remote) => remote.userId === event.userId)) this.#setRemote(event.userId, null);
        if (this.#state.view.phase === 'ringing' || this.#state.view.phase === 'connecting') this.#patch({ phase: 'connected' });
        return;
      case 'peer-left':
        this.#removeRemote(event.userId);
        return;
      case 'ended':
        this.#finish(endReason(event.reason));
        return;
      case 'error':
        // The call goes on (a frame that does not decrypt is dropped, never shown); say so.
        this.#patch({ error: event.error });
        return;
      default:
        return;
    }
  }

  #setRemote(userId: string, stream: MediaStream | null): void {
    const remotes = this.#state.view?.remotes ?? [];
    const existing = remotes.find((remote) => remote.userId === userId);
    const next = existing
      ? remotes.map((remote) => (remote.userId === userId ? { userId, stream, version: remote.version + 1 } : remote))
      : [...remotes, { userId, stream, version: 0 }];
    this.#patch({ remotes: next });
  }

  #removeRemote(userId: string): void {
    const remotes = this.#state.view?.remotes ?? [];
    if (remotes.some((remote) => remote.userId === userId)) {
      this.#patch({ remotes: remotes.filter((remote) => remote.userId !== userId) });
    }
  }

  #failed(token: number, error: unknown): void {
    if (token !== this.#viewToken) return;
    const call = this.#call;
    this.#detachCall?.();
    this.#detachCall = null;
    this.#call = null;
    // A half-entered call (e.g. publishing failed) is not left hanging for the others.
    if (call) void (call.isCaller ? call.end() : call.leave());
    // The camera goes off with the failure; "Try again" starts over with a fresh preview.
    this.#viewToken += 1;
    stopMedia(this.#state.view?.local ?? null);
    this.#patch({ phase: 'failed', error, remotes: [], local: null, mediaLoading: false });
  }

  /** The call is over: camera off, media closed, the view says so until it is closed. */
  #finish(reason: EndReason): void {
    const view = this.#state.view;
    this.#detachCall?.();
    this.#detachCall = null;
    this.#call = null;
    if (!view || view.phase === 'ended') return;
    // Steps still under way (a start or answer) see the new token and undo themselves.
    this.#viewToken += 1;
    stopMedia(view.local);
    this.#patch({ phase: 'ended', endReason: reason, local: null, remotes: [], mediaLoading: false });
  }

  #closeView(): void {
    const view = this.#state.view;
    if (!view) return;
    this.#viewToken += 1;
    stopMedia(view.local);
    this.#set({ ...this.#state, view: null });
  }

  // -- signalling events --

  #onRing(ring: CallRing): void {
    if (this.#state.rings.some((known) => known.callId === ring.callId)) return;
    this.#set({ ...this.#state, rings: [...this.#state.rings, ring] });
  }

  #onEnded(callId: string, reason: string): void {
    this.#ended.set(callId, reason);
    this.#endedCount += 1;
    this.#lastEndReason = reason;
    if (this.#ended.size > 20) this.#ended.delete(this.#ended.keys().next().value as string);
    this.#dropRing(callId);
    const view = this.#state.view;
    // A ring that ends while its preview is open (the caller hung up): the VideoCall does not exist yet.
    if (view?.callId === callId && !this.#call && view.phase !== 'failed') {
      this.#finish(endReason(reason));
    }
  }

  #onAccepted(callId: string, userId: string): void {
    const view = this.#state.view;
    if (userId === this.userId) {
      // Our own answer echoes back to us too; only a ring still in its preview was answered elsewhere.
      if (view?.callId === callId && view.phase === 'preview') this.#finish('answered-elsewhere');
      this.#dropRing(callId);
      return;
    }
    if (view?.callId === callId && view.phase === 'ringing') this.#patch({ phase: 'connecting' });
  }

  #dropRing(callId: string): void {
    if (!this.#state.rings.some((ring) => ring.callId === callId)) return;
    this.#set({ ...this.#state, rings: this.#state.rings.filter((ring) => ring.callId !== callId) });
  }

  #patch(patch: Partial<CallView>): void {
    const view = this.#state.view;
    if (view) this.#set({ ...this.#state, view: { ...view, ...patch } });
  }

  #set(state: CallsState): void {
    this.#state = state;
    for (const listener of this.#listeners) listener(state);
  }
}
