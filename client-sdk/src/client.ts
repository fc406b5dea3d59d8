import type {
  AccessLog,
  AbsenceView,
  AgencyCounsellorKeys,
  AgencyDetail,
  AgencySummary,
  CreateAgencyInput,
  CreateStaffInput,
  EnvelopeInput,
  HistoryPage,
  IntakeView,
  LinkView,
  LoginResponse,
  Me,
  MessageView,
  NotificationView,
  PreloginResponse,
  SessionResponse,
  StaffCreated,
  ThreadDetail,
  ThreadMembers,
  ThreadSummary,
  Topic,
} from './api-types.ts';
import { fromB64, toB64 } from './crypto/encoding.ts';
import { CryptoError, CryptoFailure } from './crypto/failures.ts';
import {
  generateIdentity,
  identityFromSecrets,
  publicIdentity,
  unwrapIdentity,
  wrapIdentity,
  type Identity,
} from './crypto/identity.ts';
import { decryptMessage, encryptMessage } from './crypto/messages.ts';
import { derivePasswordKeys, newKdfParams, type KdfProfile } from './crypto/password.ts';
import { safetyNumber } from './crypto/safety-number.ts';
import { deriveMediaKey, newMediaSalt, openMediaKey, sealMediaKey } from './crypto/media-keys.ts';
import { newEpochKey, openEpochKey, sealEpochKey } from './crypto/thread-keys.ts';
import { MemoryPinStore, type KeyPinStore } from './key-pins.ts';
import { PeerKeyBook, type IdentityChangeListener, type PeerKeys } from './peer-keys.ts';
import { decodeBody, encodeBody } from './plaintext.ts';
import { ApiError, HttpTransport } from './transport/http.ts';
import { RealtimeConnection, type WebSocketConstructor } from './transport/realtime.ts';
import { LiveSession } from './live-session.ts';

export interface ClientOptions {
  baseUrl: string;
  fetch?: typeof fetch;
  /** Where pinned peer keys are kept; in memory by default. */
  pins?: KeyPinStore;
  /** Argon2id cost for new accounts; `minimum` is for tests only. */
  kdfProfile?: KdfProfile;
}

/** A message after decryption; `failure` says why `text` is null. */
export interface DecryptedMessage {
  id: string;
  threadId: string;
  seq: number;
  epoch: number;
  senderId: string | null;
  clientMessageId: string;
  createdAt: string;
  text: string | null;
  failure: CryptoFailure | null;
}

/** What a browser stores to resume an anonymous (or any) session without a password. */
export interface SavedSession {
  token: string;
  signSecretKey: string;
  boxSecretKey: string;
}

const MAX_SEND_ATTEMPTS = 4;

/**
 * A new account's secrets, made in the client: Argon2id split of the password, a fresh identity,
 * and its backup wrapped by the password half that never leaves. `body` is what the server gets.
 */
function newAccountSecrets(username: string, password: string, profile: KdfProfile | undefined) {
  const kdf = newKdfParams(profile);
  const { authKey, wrapKey } = derivePasswordKeys(password, kdf);
  const identity = generateIdentity();
  const backup = wrapIdentity(identity, wrapKey, username);
  return {
    identity,
    body: {
      username,
      authKey: toB64(authKey),
      kdf: { salt: toB64(kdf.salt), opsLimit: kdf.opsLimit, memLimit: kdf.memLimit },
      identity: { signPublicKey: toB64(identity.signPublicKey), boxPublicKey: toB64(identity.boxPublicKey) },
      keyBackup: { nonce: toB64(backup.nonce), ciphertext: toB64(backup.ciphertext) },
    },
  };
}

/**
 * The typed client of the counselling server. All cryptography happens here: the server
 * receives only public keys, sealed envelopes, ciphertext and signatures.
 */
export class CounselClient {
  readonly #http: HttpTransport;
  readonly #identity: Identity;
  readonly #peers: PeerKeyBook;
  /** threadId → epoch → key */
  readonly #epochKeys = new Map<string, Map<number, Uint8Array>>();
  /** The last known epoch state per thread, so a send needs no extra round trip (409s refresh it). */
  readonly #epochState = new Map<string, { currentEpoch: number; rekeyRequired: boolean }>();
  #me: Me;

  private constructor(http: HttpTransport, identity: Identity, me: Me, pins: KeyPinStore) {
    this.#http = http;
    this.#identity = identity;
    this.#me = me;
    this.#peers = new PeerKeyBook(pins);
  }

  // -- sessions --

  /** Registers a seeker. The password is split client-side; the server sees only the auth half. */
  static async register(
    options: ClientOptions & { username: string; password: string; email?: string; linkCode?: string },
  ): Promise<CounselClient> {
    const http = new HttpTransport(options.baseUrl, options.fetch);
    const { identity, body } = newAccountSecrets(options.username, options.password, options.kdfProfile);
    const session = await http.request<SessionResponse>('POST', '/v1/auth/register', {
      body: {
        ...body,
        ...(options.email ? { email: options.email } : {}),
        ...(options.linkCode ? { linkCode: options.linkCode } : {}),
      },
    });
    http.token = session.token;
    return new CounselClient(http, identity, session.user, options.pins ?? new MemoryPinStore());
  }

  /** Staff accounts (created by an admin) choose their password and keys here. */
  static async activate(
    options: ClientOptions & { activationCode: string; username: string; password: string; displayName?: string },
  ): Promise<CounselClient> {
    const http = new HttpTransport(options.baseUrl, options.fetch);
    const { identity, body } = newAccountSecrets(options.username, options.password, options.kdfProfile);
    const session = await http.request<SessionResponse>('POST', '/v1/auth/activate', {
      body: {
        ...body,
        activationCode: options.activationCode,
        ...(options.displayName ? { displayName: options.displayName } : {}),
      },
    });
    http.token = session.token;
    return new CounselClient(http, identity, session.user, options.pins ?? new MemoryPinStore());
  }

  /** Logs in from any client: the private keys come back from the encrypted backup. */
  static async login(options: ClientOptions & { username: string; password: string }): Promise<CounselClient> {
    const http = new HttpTransport(options.baseUrl, options.fetch);
    const pre = await http.request<PreloginResponse>('GET', '/v1/auth/prelogin', { query: { username: options.username } });
    const { authKey, wrapKey } = derivePasswordKeys(options.password, {
      salt: fromB64(pre.kdf.salt),
      opsLimit: pre.kdf.opsLimit,
      memLimit: pre.kdf.memLimit,
    });
    const session = await http.request<LoginResponse>('POST', '/v1/auth/login', {
      body: { username: options.username, authKey: toB64(authKey) },
    });
    const identity = unwrapIdentity(
      { nonce: fromB64(session.keyBackup.nonce), ciphertext: fromB64(session.keyBackup.ciphertext) },
      wrapKey,
      options.username,
    );
    // The server's copy of our public keys must match what the backup proves we hold.
    if (session.user.signPublicKey !== toB64(identity.signPublicKey)) {
      throw new CryptoError(CryptoFailure.IDENTITY_KEY_CHANGED, 'The server returned a different identity for this account');
    }
    http.token = session.token;
    return new CounselClient(http, identity, session.user, options.pins ?? new MemoryPinStore());
  }

  /** An anonymous seeker: the identity lives only in this client (save it with {@link saveSession}). */
  static async startAnonymous(options: ClientOptions & { linkCode?: string }): Promise<CounselClient> {
    const http = new HttpTransport(options.baseUrl, options.fetch);
    const identity = generateIdentity();
    const session = await http.request<SessionResponse>('POST', '/v1/auth/anonymous', {
      body: {
        identity: { signPublicKey: toB64(identity.signPublicKey), boxPublicKey: toB64(identity.boxPublicKey) },
        ...(options.linkCode ? { linkCode: options.linkCode } : {}),
      },
    });
    http.token = session.token;
    return new CounselClient(http, identity, session.user, options.pins ?? new MemoryPinStore());
  }

  /** Resumes a saved session (e.g. an anonymous one after a page reload). */
  static async resume(options: ClientOptions & { session: SavedSession }): Promise<CounselClient> {
    const http = new HttpTransport(options.baseUrl, options.fetch);
    http.token = options.session.token;
    const me = await http.request<Me>('GET', '/v1/me');
    const signSecretKey = fromB64(options.session.signSecretKey);
    const boxSecretKey = fromB64(options.session.boxSecretKey);
    const identity = identityFromSecrets(signSecretKey, boxSecretKey);
    if (me.signPublicKey !== toB64(identity.signPublicKey)) {
      throw new CryptoError(CryptoFailure.IDENTITY_KEY_CHANGED, 'The saved keys do not belong to this account');
    }
    return new CounselClient(http, identity, me, options.pins ?? new MemoryPinStore());
  }

  saveSession(): SavedSession {
    return {
      token: this.#http.token ?? '',
      signSecretKey: toB64(this.#identity.signSecretKey),
      boxSecretKey: toB64(this.#identity.boxSecretKey),
    };
  }

  get me(): Me {
    return this.#me;
  }

  get userId(): string {
    return this.#me.id;
  }

  /** The bearer token, for the WebSocket and for tests; never log it. */
  get token(): string | null {
    return this.#http.token;
  }

  async refreshMe(): Promise<Me> {
    this.#me = await this.#http.request<Me>('GET', '/v1/me');
    return this.#me;
  }

  async logout(): Promise<void> {
    await this.#http.request('POST', '/v1/auth/logout');
    this.#http.token = null;
  }

  /** Deletes the seeker account with every thread and message. */
  async deleteAccount(): Promise<void> {
    await this.#http.request('DELETE', '/v1/me');
    this.#http.token = null;
  }

  // -- finding help --

  async listTopics(): Promise<Topic[]> {
    return (await this.#http.request<{ topics: Topic[] }>('GET', '/v1/topics')).topics;
  }

  async findAgencies(topicId: string, postcode: string): Promise<AgencySummary[]> {
    const result = await this.#http.request<{ agencies: AgencySummary[] }>('GET', '/v1/agencies', {
      query: { topicId, postcode },
    });
    return result.agencies;
  }

  async resolveLink(code: string): Promise<LinkView> {
    return this.#http.request<LinkView>('GET', `/v1/links/${encodeURIComponent(code)}`);
  }

  // -- threads --

  /**
   * Writes a first enquiry (or, after a personal link, a direct message to that counsellor).
   * The first epoch key is sealed to exactly the readers the server names, each pinned first.
   */
  async createEnquiry(input: { topicId: string; agencyId?: string; text: string }): Promise<ThreadDetail> {
    const intake = await this.#http.request<IntakeView>('GET', '/v1/threads/intake', {
      query: { topicId: input.topicId, agencyId: input.agencyId },
    });
    const readers = await this.#trustAll(intake.readers);
    const threadId = crypto.randomUUID();
    const epochKey = newEpochKey();
    const envelopes = this.#seal(threadId, 0, epochKey, readers);
    const clientMessageId = crypto.randomUUID();
    const encrypted = encryptMessage(
      encodeBody(input.text),
      { threadId, epoch: 0, senderId: this.userId, clientMessageId },
      epochKey,
      this.#identity.signSecretKey,
    );
    const detail = await this.#http.request<ThreadDetail>('POST', '/v1/threads', {
      body: {
        id: threadId,
        topicId: input.topicId,
        ...(input.agencyId ? { agencyId: input.agencyId } : {}),
        envelopes,
        firstMessage: {
          clientMessageId,
          nonce: toB64(encrypted.nonce),
          ciphertext: toB64(encrypted.ciphertext),
          signature: toB64(encrypted.signature),
        },
      },
    });
    this.#keysOf(threadId).set(0, epochKey);
    return this.#remember(detail);
  }

  async listThreads(query: { view?: 'enquiries' | 'mine' | 'team'; agencyId?: string; status?: string } = {}) {
    return (await this.#http.request<{ threads: ThreadSummary[] }>('GET', '/v1/threads', { query })).threads;
  }

  /** The agency inboxes ("first enquiries") of a counsellor. */
  listEnquiries(agencyId?: string): Promise<ThreadSummary[]> {
    return this.listThreads({ view: 'enquiries', ...(agencyId ? { agencyId } : {}) });
  }

  /** "My messages": a counsellor's own cases, or a seeker's threads. */
  listMyThreads(): Promise<ThreadSummary[]> {
    return this.listThreads({ view: 'mine' });
  }

  /** Colleagues' cases in team agencies. Opening one is written to the access log. */
  listTeamThreads(): Promise<ThreadSummary[]> {
    return this.listThreads({ view: 'team' });
  }

  async getThread(threadId: string): Promise<ThreadDetail> {
    const detail = await this.#http.request<ThreadDetail>('GET', `/v1/threads/${threadId}`);
    await this.#openEnvelopes(detail);
    return this.#remember(detail);
  }

  /**
   * Claims an enquiry and starts the claimed epoch, sealed to seeker, claimer and (in a team
   * agency) the team. Pass the summary from the inbox listing; a counsellor who lost the race
   * gets ApiError THREAD_ALREADY_CLAIMED (409).
   */
  async claim(thread: ThreadSummary | string): Promise<ThreadDetail> {
    const summary = typeof thread === 'string' ? await this.#http.request<ThreadDetail>('GET', `/v1/threads/${thread}`) : thread;
    const seeker = { userId: summary.seekerId, signPublicKey: summary.seekerSignPublicKey, boxPublicKey: summary.seekerBoxPublicKey };
    const readers: PeerKeys[] = [seeker, this.#selfKeys()];
    if (summary.isTeam) {
      const team = await this.#http.request<AgencyCounsellorKeys>('GET', `/v1/agencies/${summary.agencyId}/counsellor-keys`);
      readers.push(...team.counsellors.filter((member) => member.userId !== this.userId));
    }
    const trusted = await this.#trustAll(readers);
    const epoch = summary.currentEpoch + 1;
    const epochKey = newEpochKey();
    const claimed = await this.#http.request<ThreadDetail>('POST', `/v1/threads/${summary.id}/claim`, {
      body: { envelopes: this.#seal(summary.id, epoch, epochKey, trusted) },
    });
    this.#keysOf(summary.id).set(epoch, epochKey);
    return this.#remember(claimed);
  }

  /** Starts a new epoch for the current readers (done automatically when the server asks). */
  async rotateEpoch(threadId: string): Promise<ThreadDetail> {
    const detail = await this.#http.request<ThreadDetail>('GET', `/v1/threads/${threadId}`);
    const members = await this.#members(threadId);
    const readers = await this.#trustAll(members.filter((member) => member.isReader));
    const epoch = detail.currentEpoch + 1;
    const epochKey = newEpochKey();
    const rotated = await this.#http.request<ThreadDetail>('POST', `/v1/threads/${threadId}/epochs`, {
      body: { epoch, envelopes: this.#seal(threadId, epoch, epochKey, readers) },
    });
    this.#keysOf(threadId).set(epoch, epochKey);
    return this.#remember(rotated);
  }

  /** Shares every epoch key we hold with current readers who may lack it; returns how many were added. */
  async shareHistory(threadId: string): Promise<number> {
    await this.getThread(threadId);
    const members = await this.#members(threadId);
    const readers = await this.#trustAll(members.filter((member) => member.isReader && member.userId !== this.userId));
    const envelopes: Array<EnvelopeInput & { epoch: number }> = [];
    for (const [epoch, key] of this.#keysOf(threadId)) {
      for (const envelope of this.#seal(threadId, epoch, key, readers)) envelopes.push({ ...envelope, epoch });
    }
    if (envelopes.length === 0) return 0;
    const result = await this.#http.request<{ added: number }>('POST', `/v1/threads/${threadId}/envelopes`, {
      body: { envelopes },
    });
    return result.added;
  }

  async closeThread(threadId: string): Promise<ThreadDetail> {
    return this.#http.request<ThreadDetail>('POST', `/v1/threads/${threadId}/status`, { body: { status: 'closed' } });
  }

  async archiveThread(threadId: string): Promise<ThreadDetail> {
    return this.#http.request<ThreadDetail>('POST', `/v1/threads/${threadId}/status`, { body: { status: 'archived' } });
  }

  async threadAccessLog(threadId: string): Promise<AccessLog['entries']> {
    return (await this.#http.request<AccessLog>('GET', `/v1/threads/${threadId}/access-log`)).entries;
  }

  async agencyAccessLog(agencyId: string): Promise<AccessLog['entries']> {
    return (await this.#http.request<AccessLog>('GET', `/v1/agencies/${agencyId}/access-log`)).entries;
  }

  // -- messages --

  /**
   * Encrypts, signs and sends. Fails closed: without a verified key for every step nothing is
   * sent. A re-key requested by the server is done first; retries reuse the client message id,
   * so the server stores the message once.
   */
  async sendMessage(threadId: string, text: string, options: { clientMessageId?: string } = {}): Promise<MessageView> {
    const clientMessageId = options.clientMessageId ?? crypto.randomUUID();
    const known = this.#epochState.get(threadId);
    let detail = known && this.#keysOf(threadId).has(known.currentEpoch) ? known : await this.getThread(threadId);
    for (let attempt = 1; ; attempt++) {
      if (detail.rekeyRequired) detail = await this.rotateEpoch(threadId);
      const epochKey = this.#keysOf(threadId).get(detail.currentEpoch);
      if (!epochKey) throw new CryptoError(CryptoFailure.UNKNOWN_EPOCH, 'No key for the current epoch; nothing was sent');
      const context = { threadId, epoch: detail.currentEpoch, senderId: this.userId, clientMessageId };
      const encrypted = encryptMessage(encodeBody(text), context, epochKey, this.#identity.signSecretKey);
      try {
        return await this.#http.request<MessageView>('POST', `/v1/threads/${threadId}/messages`, {
          body: {
            clientMessageId,
            epoch: detail.currentEpoch,
            nonce: toB64(encrypted.nonce),
            ciphertext: toB64(encrypted.ciphertext),
            signature: toB64(encrypted.signature),
          },
        });
      } catch (error) {
        const retriable =
          error instanceof ApiError &&
          ['THREAD_REKEY_REQUIRED', 'MESSAGE_EPOCH_STALE', 'THREAD_EPOCH_CONFLICT'].includes(error.code);
        if (!retriable || attempt >= MAX_SEND_ATTEMPTS) throw error;
        detail = await this.getThread(threadId);
      }
    }
  }

  /** A page of history, decrypted and signature-checked. Undecryptable entries carry a failure. */
  async history(
    threadId: string,
    page: { afterSeq?: number; beforeSeq?: number; limit?: number } = {},
  ): Promise<{ messages: DecryptedMessage[]; lastSeq: number }> {
    const result = await this.#http.request<HistoryPage>('GET', `/v1/threads/${threadId}/messages`, { query: page });
    return { messages: await this.decryptMessages(threadId, result.messages), lastSeq: result.lastSeq };
  }

  /** Decrypts messages of one thread (from history or from real-time delivery). */
  async decryptMessages(threadId: string, messages: MessageView[]): Promise<DecryptedMessage[]> {
    const keys = this.#keysOf(threadId);
    // A refresh we are refused (e.g. after losing access) just leaves those messages unreadable.
    const refresh = (load: Promise<unknown>) => load.catch((error: unknown) => {
      if (!(error instanceof ApiError)) throw error;
    });
    if (messages.some((message) => !keys.has(message.epoch))) await refresh(this.getThread(threadId));
    const unknownSender = messages.some(
      (message) => message.senderId && message.senderId !== this.userId && !this.#peers.trusted(message.senderId),
    );
    if (unknownSender) await refresh(this.#members(threadId));
    return messages.map((message) => this.#decryptOne(message));
  }

  #decryptOne(message: MessageView): DecryptedMessage {
    const base = {
      id: message.id,
      threadId: message.threadId,
      seq: message.seq,
      epoch: message.epoch,
      senderId: message.senderId,
      clientMessageId: message.clientMessageId,
      createdAt: message.createdAt,
    };
    try {
      const epochKey = this.#keysOf(message.threadId).get(message.epoch);
      if (!epochKey) throw new CryptoError(CryptoFailure.UNKNOWN_EPOCH, `No key for epoch ${message.epoch}`);
      const sender = message.senderId ? this.#identityOf(message.senderId) : null;
      if (!sender || !message.senderId) throw new CryptoError(CryptoFailure.UNKNOWN_SENDER, 'Unknown sender');
      const plaintext = decryptMessage(
        { nonce: fromB64(message.nonce), ciphertext: fromB64(message.ciphertext), signature: fromB64(message.signature) },
        { threadId: message.threadId, epoch: message.epoch, senderId: message.senderId, clientMessageId: message.clientMessageId },
        epochKey,
        sender.signPublicKey,
      );
      return { ...base, text: decodeBody(plaintext).text, failure: null };
    } catch (error) {
      const failure = error instanceof CryptoError ? error.failure : CryptoFailure.DECRYPTION_FAILED;
      return { ...base, text: null, failure };
    }
  }

  // -- key verification --

  /** Reports peers whose identity key changed. */
  onIdentityKeyChanged(listener: IdentityChangeListener): () => void {
    return this.#peers.onChange(listener);
  }

  /** Accepts a peer's new key after the user verified it (e.g. compared safety numbers). */
  acceptIdentityKey(userId: string): Promise<void> {
    return this.#peers.accept(userId);
  }

  /** The 60-digit number both sides compare out of band. */
  safetyNumberWith(userId: string): string {
    const peer = this.#identityOf(userId);
    if (!peer) throw new CryptoError(CryptoFailure.UNKNOWN_SENDER, 'Load a thread with this user first');
    return safetyNumber(publicIdentity(this.#identity), peer);
  }

  // -- absence --

  async setAbsence(message: string, until?: Date): Promise<AbsenceView> {
    return this.#http.request<AbsenceView>('PUT', '/v1/me/absence', {
      body: { message, ...(until ? { until: until.toISOString() } : {}) },
    });
  }

  async clearAbsence(): Promise<void> {
    await this.#http.request('DELETE', '/v1/me/absence');
  }

  // -- administration (admin role) --

  async adminCreateTopic(name: string): Promise<Topic> {
    return this.#http.request<Topic>('POST', '/v1/admin/topics', { body: { name } });
  }

  async adminCreateAgency(input: CreateAgencyInput): Promise<AgencyDetail> {
    return this.#http.request<AgencyDetail>('POST', '/v1/admin/agencies', { body: input });
  }

  async adminCreateStaff(input: CreateStaffInput): Promise<StaffCreated> {
    return this.#http.request<StaffCreated>('POST', '/v1/admin/staff', { body: input });
  }

  async adminAddMember(agencyId: string, userId: string, isAgencyAdmin = false): Promise<void> {
    await this.#http.request('POST', `/v1/admin/agencies/${agencyId}/members`, { body: { userId, isAgencyAdmin } });
  }

  async adminRemoveMember(agencyId: string, userId: string): Promise<void> {
    await this.#http.request('DELETE', `/v1/admin/agencies/${agencyId}/members/${userId}`);
  }

  // -- real time --

  /**
   * Opens the WebSocket. Messages of tracked threads arrive decrypted, exactly once and in
   * order, also across reconnects; `track(threadId, lastSeq)` resumes from a position.
   */
  connectRealtime(options: { WebSocket?: WebSocketConstructor; reconnectDelayMs?: number } = {}): LiveSession {
    const url = new URL('/v1/ws', this.#http.baseUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const connection = new RealtimeConnection({
      url: url.toString(),
      token: this.#http.token ?? '',
      ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
      ...(options.reconnectDelayMs ? { reconnectDelayMs: options.reconnectDelayMs } : {}),
    });
    return new LiveSession(connection, (threadId, messages) => this.decryptMessages(threadId, messages));
  }

  async listNotifications(unreadOnly = false): Promise<NotificationView[]> {
    const result = await this.#http.request<{ notifications: NotificationView[] }>('GET', '/v1/notifications', {
      query: { unreadOnly: unreadOnly ? 'true' : undefined },
    });
    return result.notifications;
  }

  async markNotificationRead(id: string): Promise<void> {
    await this.#http.request('POST', `/v1/notifications/${id}/read`);
  }

  async presence(agencyId: string): Promise<number> {
    return (await this.#http.request<{ online: number }>('GET', `/v1/agencies/${agencyId}/presence`)).online;
  }

  // -- call media keys --

  /**
   * Makes media key generation `generation` of a call on this thread: derived from the thread's
   * current epoch key and a fresh salt, sealed to each participant (pinned first; fails closed).
   */
  async prepareCallKey(
    threadId: string,
    callId: string,
    generation: number,
    participants: PeerKeys[],
  ): Promise<{ mediaKey: Uint8Array; envelopes: EnvelopeInput[] }> {
    const detail = await this.getThread(threadId);
    const epochKey = this.#keysOf(threadId).get(detail.currentEpoch);
    if (!epochKey) throw new CryptoError(CryptoFailure.UNKNOWN_EPOCH, 'No key for the current epoch; the call cannot be encrypted');
    const trusted = await this.#trustAll(participants);
    const mediaKey = deriveMediaKey(epochKey, callId, generation, newMediaSalt());
    const envelopes = trusted.map((participant) => {
      const sealed = sealMediaKey(
        mediaKey,
        { callId, generation, recipientId: participant.userId, creatorId: this.userId },
        fromB64(participant.boxPublicKey),
        this.#identity.signSecretKey,
      );
      return { recipientId: participant.userId, sealedKey: toB64(sealed.sealedKey), signature: toB64(sealed.signature) };
    });
    return { mediaKey, envelopes };
  }

  /** Opens a media key sent by the call's creator; the creator must be a pinned participant. */
  async openCallKey(
    key: { callId: string; generation: number; creatorId: string; sealedKey: string; signature: string },
    creator: PeerKeys,
  ): Promise<Uint8Array> {
    const identity = creator.userId === this.userId ? publicIdentity(this.#identity) : await this.#peers.observe(creator);
    return openMediaKey(
      { sealedKey: fromB64(key.sealedKey), signature: fromB64(key.signature) },
      { callId: key.callId, generation: key.generation, recipientId: this.userId, creatorId: key.creatorId },
      identity.signPublicKey,
      this.#identity.boxPublicKey,
      this.#identity.boxSecretKey,
    );
  }

  /** Raw transport, for callers that need a route the SDK does not wrap yet. */
  get http(): HttpTransport {
    return this.#http;
  }

  // -- internals --

  #remember<T extends { id: string; currentEpoch: number; rekeyRequired: boolean }>(detail: T): T {
    this.#epochState.set(detail.id, { currentEpoch: detail.currentEpoch, rekeyRequired: detail.rekeyRequired });
    return detail;
  }

  #keysOf(threadId: string): Map<number, Uint8Array> {
    let keys = this.#epochKeys.get(threadId);
    if (!keys) {
      keys = new Map();
      this.#epochKeys.set(threadId, keys);
    }
    return keys;
  }

  #selfKeys(): PeerKeys {
    return {
      userId: this.userId,
      signPublicKey: toB64(this.#identity.signPublicKey),
      boxPublicKey: toB64(this.#identity.boxPublicKey),
    };
  }

  #identityOf(userId: string) {
    return userId === this.userId ? publicIdentity(this.#identity) : this.#peers.trusted(userId);
  }

  /** Pins every key; any changed key stops the operation (fail closed). */
  async #trustAll(peers: PeerKeys[]): Promise<PeerKeys[]> {
    for (const peer of peers) {
      if (peer.userId !== this.userId) await this.#peers.observe(peer);
      else if (peer.signPublicKey !== toB64(this.#identity.signPublicKey)) {
        throw new CryptoError(CryptoFailure.IDENTITY_KEY_CHANGED, 'The server lists a different key for us');
      }
    }
    return peers;
  }

  /** Loads the thread's members and pins their keys; a changed key is reported, not trusted. */
  async #members(threadId: string): Promise<ThreadMembers['members']> {
    const { members } = await this.#http.request<ThreadMembers>('GET', `/v1/threads/${threadId}/members`);
    for (const member of members) {
      if (member.userId === this.userId) continue;
      try {
        await this.#peers.observe(member);
      } catch (error) {
        if (!(error instanceof CryptoError)) throw error;
      }
    }
    return members;
  }

  #seal(threadId: string, epoch: number, epochKey: Uint8Array, readers: PeerKeys[]): EnvelopeInput[] {
    return readers.map((reader) => {
      const sealed = sealEpochKey(
        epochKey,
        { threadId, epoch, recipientId: reader.userId, creatorId: this.userId },
        fromB64(reader.boxPublicKey),
        this.#identity.signSecretKey,
      );
      return { recipientId: reader.userId, sealedKey: toB64(sealed.sealedKey), signature: toB64(sealed.signature) };
    });
  }

  /** Opens our envelopes; each must carry a valid signature of a pinned participant. */
  async #openEnvelopes(detail: ThreadDetail): Promise<void> {
    const keys = this.#keysOf(detail.id);
    const pending = detail.envelopes.filter((envelope) => !keys.has(envelope.epoch));
    if (pending.some((envelope) => !this.#identityOf(envelope.creatorId))) await this.#members(detail.id);
    for (const envelope of pending) {
      const creator = this.#identityOf(envelope.creatorId);
      if (!creator) continue;
      try {
        const key = openEpochKey(
          { sealedKey: fromB64(envelope.sealedKey), signature: fromB64(envelope.signature) },
          { threadId: detail.id, epoch: envelope.epoch, recipientId: this.userId, creatorId: envelope.creatorId },
          creator.signPublicKey,
          this.#identity.boxPublicKey,
          this.#identity.boxSecretKey,
        );
        keys.set(envelope.epoch, key);
      } catch (error) {
        // A bad envelope leaves that epoch unreadable; its messages report UNKNOWN_EPOCH.
        if (!(error instanceof CryptoError)) throw error;
      }
    }
  }
}
