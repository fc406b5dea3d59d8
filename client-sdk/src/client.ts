import type {
  AgencySummary,
  EnvelopeInput,
  HistoryPage,
  IntakeView,
  LinkView,
  LoginResponse,
  Me,
  Membership,
  MessageView,
  PreloginResponse,
  ResumeResponse,
  SessionResponse,
  ThreadDetail,
  ThreadMembers,
  ThreadSummary,
  Topic,
} from './api-types.ts';
import { newAccountSecrets } from './account-secrets.ts';
import { linkUrl, PublicDirectory } from './directory.ts';
import { PlainCalls } from './plain-calls.ts';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.ts';
import { deriveResumeKeys, newResumeCode, resumeBackupLabel } from './crypto/resume-code.ts';
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
import { derivePasswordKeys, type KdfProfile } from './crypto/password.ts';
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
  /** Retries of idempotent sends after network failures and 502/503/504 (backoff with full jitter). */
  retry?: Partial<RetryPolicy>;
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

/** Tries of a send whose epoch moved on meanwhile (each try re-encrypts for the new epoch). */
const MAX_SEND_ATTEMPTS = 4;

/**
 * The typed client of the counselling server. All cryptography happens here: the server
 * receives only public keys, sealed envelopes, ciphertext and signatures.
 */
export class CounselClient extends PlainCalls {
  readonly #http: HttpTransport;
  readonly #identity: Identity;
  readonly #peers: PeerKeyBook;
  /** threadId → epoch → key */
  readonly #epochKeys = new Map<string, Map<number, Uint8Array>>();
  /** The last known epoch state per thread, so a send needs no extra round trip (409s refresh it). */
  readonly #epochState = new Map<string, { currentEpoch: number; rekeyRequired: boolean; peers: string[] }>();
  readonly #retry: RetryPolicy;
  /** The public lookups (topics, agencies, links, presence); no token goes with them. */
  readonly directory: PublicDirectory;
  #me: Me;

  private constructor(http: HttpTransport, identity: Identity, me: Me, options: ClientOptions) {
    super(http);
    this.#http = http;
    this.#identity = identity;
    this.#me = me;
    this.#peers = new PeerKeyBook(options.pins ?? new MemoryPinStore());
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.directory = new PublicDirectory(options.baseUrl, options.fetch);
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
    return new CounselClient(http, identity, session.user, options);
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
    return new CounselClient(http, identity, session.user, options);
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
    return new CounselClient(http, identity, session.user, options);
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
    return new CounselClient(http, identity, session.user, options);
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
    return new CounselClient(http, identity, me, options);
  }

  /**
   * An anonymous seeker comes back on another device with the code from {@link createResumeCode}.
   * The server answers a wrong code with `ApiError(401, 'RESUME_CODE_INVALID')`; the identity is
   * unwrapped here and must match the account's public keys.
   */
  static async resumeWithCode(options: ClientOptions & { code: string }): Promise<CounselClient> {
    const http = new HttpTransport(options.baseUrl, options.fetch);
    const keys = deriveResumeKeys(options.code);
    const session = await http.request<ResumeResponse>('POST', '/v1/auth/resume', {
      body: { lookupId: toB64(keys.lookupId), authKey: toB64(keys.authKey) },
    });
    const identity = unwrapIdentity(
      { nonce: fromB64(session.keyBackup.nonce), ciphertext: fromB64(session.keyBackup.ciphertext) },
      keys.wrapKey,
      resumeBackupLabel(session.user.id),
    );
    if (
      session.user.signPublicKey !== toB64(identity.signPublicKey) ||
      session.user.boxPublicKey !== toB64(identity.boxPublicKey)
    ) {
      throw new CryptoError(CryptoFailure.IDENTITY_KEY_CHANGED, 'The server returned a different identity for this account');
    }
    http.token = session.token;
    return new CounselClient(http, identity, session.user, options);
  }

  /**
   * Anonymous seekers only: makes a new resume code (125 random bits, five groups of five
   * base32 characters) and returns it to show the user once. Only values derived from it reach
   * the server, with the identity wrapped by a key the server never sees. Replaces any earlier code.
   */
  async createResumeCode(): Promise<string> {
    const code = newResumeCode();
    const keys = deriveResumeKeys(code);
    const backup = wrapIdentity(this.#identity, keys.wrapKey, resumeBackupLabel(this.userId));
    await this.#http.request('PUT', '/v1/me/resume-code', {
      body: {
        lookupId: toB64(keys.lookupId),
        authKey: toB64(keys.authKey),
        keyBackup: { nonce: toB64(backup.nonce), ciphertext: toB64(backup.ciphertext) },
      },
    });
    return code;
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

  // -- finding help (the public directory) --

  listTopics(): Promise<Topic[]> {
    return this.directory.listTopics();
  }

  findAgencies(topicId: string, postcode: string): Promise<AgencySummary[]> {
    return this.directory.findAgencies(topicId, postcode);
  }

  resolveLink(code: string): Promise<LinkView> {
    return this.directory.resolveLink(code);
  }

  presence(agencyId: string): Promise<number> {
    return this.directory.presence(agencyId);
  }

  // -- links a counsellor hands out --

  /** `<origin>/l/<personal code>`: seekers who register through it are assigned to this counsellor. */
  personalLinkUrl(agencyId?: string, origin?: string): string {
    return linkUrl(origin ?? this.#origin(), this.#membership(agencyId).personalCode);
  }

  /** `<origin>/l/<agency code>`: seekers who use it land in the agency's first-enquiries inbox. */
  agencyLinkUrl(agencyId?: string, origin?: string): string {
    return linkUrl(origin ?? this.#origin(), this.#membership(agencyId).agencyLinkCode);
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
    // Not GET /threads/:id: a claimed case is 404 there (or a logged team-view read); this answers 409 once claimed.
    const summary =
      typeof thread === 'string' ? await this.#http.request<ThreadSummary>('GET', `/v1/threads/${thread}/claim`) : thread;
    const seeker = { userId: summary.seekerId, signPublicKey: summary.seekerSignPublicKey, boxPublicKey: summary.seekerBoxPublicKey };
    const readers: PeerKeys[] = [seeker, this.#selfKeys()];
    if (summary.isTeam) {
      const team = await this.agencyCounsellorKeys(summary.agencyId);
      readers.push(...team.filter((member) => member.userId !== this.userId));
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

  /** Makes a closed or archived case active again (the same people may do it as may close it). */
  async reopenThread(threadId: string): Promise<ThreadDetail> {
    return this.#http.request<ThreadDetail>('POST', `/v1/threads/${threadId}/status`, { body: { status: 'active' } });
  }

  /** Everyone in the thread with their keys (pinned on the way) and display names; `isReader` marks current readers. */
  threadMembers(threadId: string): Promise<ThreadMembers['members']> {
    return this.#members(threadId);
  }

  // -- messages --

  /**
   * Encrypts, signs and sends. Fails closed: without a verified key for every step nothing is
   * sent. A re-key requested by the server is done first; retries reuse the client message id,
   * so the server stores the message once. Network failures and 502/503/504 are retried with
   * the identical request after a backoff with full jitter (`ClientOptions.retry`).
   */
  async sendMessage(threadId: string, text: string, options: { clientMessageId?: string } = {}): Promise<MessageView> {
    const clientMessageId = options.clientMessageId ?? crypto.randomUUID();
    const known = this.#epochState.get(threadId);
    let detail = known && this.#keysOf(threadId).has(known.currentEpoch) ? known : await this.getThread(threadId);
    for (let attempt = 1; ; attempt++) {
      if (detail.rekeyRequired) detail = await this.rotateEpoch(threadId);
      this.#refuseUnverifiedPeers(this.#epochState.get(threadId)?.peers ?? []);
      const epochKey = this.#keysOf(threadId).get(detail.currentEpoch);
      if (!epochKey) throw new CryptoError(CryptoFailure.UNKNOWN_EPOCH, 'No key for the current epoch; nothing was sent');
      const context = { threadId, epoch: detail.currentEpoch, senderId: this.userId, clientMessageId };
      const encrypted = encryptMessage(encodeBody(text), context, epochKey, this.#identity.signSecretKey);
      const body = {
        clientMessageId,
        epoch: detail.currentEpoch,
        nonce: toB64(encrypted.nonce),
        ciphertext: toB64(encrypted.ciphertext),
        signature: toB64(encrypted.signature),
      };
      try {
        // The same bytes each time: a send that arrived but whose answer was lost is found by the server, not stored twice.
        return await withRetry(
          () => this.#http.request<MessageView>('POST', `/v1/threads/${threadId}/messages`, { body }),
          this.#retry,
        );
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

  /**
   * Every message of a thread after `afterSeq` (default: from the start), oldest first, decrypted,
   * fetched page by page (`pageSize`, default 100, at most 500) as the caller iterates.
   */
  async *messages(
    threadId: string,
    options: { afterSeq?: number; pageSize?: number } = {},
  ): AsyncIterableIterator<DecryptedMessage> {
    const limit = options.pageSize ?? 100;
    let cursor = options.afterSeq ?? 0;
    for (;;) {
      const page = await this.history(threadId, { afterSeq: cursor, limit });
      yield* page.messages;
      const last = page.messages.at(-1);
      if (!last || page.messages.length < limit || last.seq >= page.lastSeq) return;
      cursor = last.seq;
    }
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

  // -- internals --

  #remember<T extends { id: string; currentEpoch: number; rekeyRequired: boolean; seekerId: string; counsellorId: string | null }>(
    detail: T,
  ): T {
    const peers = [detail.seekerId, detail.counsellorId].filter((id): id is string => id !== null && id !== this.userId);
    this.#epochState.set(detail.id, { currentEpoch: detail.currentEpoch, rekeyRequired: detail.rekeyRequired, peers });
    return detail;
  }

  /** Fail closed: nothing goes into a conversation whose peer's key changed until the user accepts the new key. */
  #refuseUnverifiedPeers(peers: string[]): void {
    const changed = new Set(this.#peers.changedUsers());
    const unverified = peers.find((userId) => changed.has(userId));
    if (unverified) {
      throw new CryptoError(CryptoFailure.IDENTITY_KEY_CHANGED, `The identity key of ${unverified} changed and is not accepted yet; nothing was sent`);
    }
  }

  #origin(): string {
    return new URL(this.#http.baseUrl).origin;
  }

  /** The membership in `agencyId`, or the first one; counsellors only. */
  #membership(agencyId: string | undefined): Membership {
    const membership = agencyId
      ? this.#me.memberships.find((candidate) => candidate.agencyId === agencyId)
      : this.#me.memberships[0];
    if (!membership) throw new Error(agencyId ? `Not a member of agency ${agencyId}` : 'Not a member of any agency');
    return membership;
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
