import nodemailer, { type Transporter } from 'nodemailer';
import type { SmtpConfig } from '../config.ts';
import type { ServiceContext } from '../context.ts';
import { composeMail } from './mail-content.ts';
import { claimDueEmail, recordEmailOutcome, type ClaimedEmail, type EmailOutcome } from './repository.ts';

/** Attempts per e-mail; with the back-off below they span about two hours of relay outage. */
export const MAX_ATTEMPTS = 8;
const RETRY_BASE_MS = 60_000;
const RETRY_MAX_MS = 3_600_000;

/** How long to wait before attempt `attempts + 1`: doubling from a minute, at most an hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1), RETRY_MAX_MS);
}

/** How long `close()` lets the e-mail in flight finish before it aborts the send. */
const CLOSE_GRACE_MS = 5_000;

/**
 * Drains the notification outbox by SMTP. Off when SMTP is not configured.
 *
 * No database transaction is open while SMTP talks (PGlite runs one transaction at a time, so a
 * relay that never answers would otherwise stop the whole instance): each e-mail is claimed in
 * one committed statement with a lease, sent, and its outcome recorded in another statement.
 * One e-mail at a time keeps the lease short and exact. A failure ends the drain, so a dead relay
 * costs one attempt per drain; the periodic kick and new notifications start the next one.
 *
 * Delivery is exactly once while instances live; an instance that dies after the relay took a
 * mail but before recording it sends that mail again once the lease runs out (SMTP offers no
 * better than at least once).
 *
 * A claim of our own rather than a job queue: graphile-worker needs a Postgres server it can
 * pool connections to and LISTEN on, which the embedded PGlite (one in-process connection) is
 * not; pg-boss could be handed a query function, but brings its own schema, polling and
 * maintenance loops and is not made for PGlite's one-transaction-at-a-time. The outbox already
 * is a table written in the same transaction as the notification, so a lease column and two
 * statements are all it needs; the periodic sweeps (anonymous expiry) need no queue either.
 */
export class Mailer {
  readonly #ctx: ServiceContext;
  readonly #smtp: SmtpConfig;
  readonly #transport: Transporter;
  /** A send that has not finished by then is aborted (the phase time-outs bound each step). */
  readonly #sendDeadlineMs: number;
  /** Aborts the send in flight when closing takes too long. */
  readonly #closing = new AbortController();
  /** Longer than any send may take, so no other instance takes over a row that is being sent. */
  readonly #leaseMs: number;
  #running: Promise<void> | null = null;
  #again = false;
  #closed = false;

  constructor(ctx: ServiceContext, smtp: SmtpConfig) {
    this.#ctx = ctx;
    this.#smtp = smtp;
    this.#sendDeadlineMs = 3 * smtp.timeoutMs;
    this.#leaseMs = this.#sendDeadlineMs + 30_000;
    this.#transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
      connectionTimeout: smtp.timeoutMs,
      greetingTimeout: smtp.timeoutMs,
      socketTimeout: smtp.timeoutMs,
      dnsTimeout: smtp.timeoutMs,
      // Local relays often use self-signed certificates; STARTTLS is still attempted.
      tls: { rejectUnauthorized: false },
    });
  }

  /** Starts a drain now (coalesced with one already running). */
  kick(): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#drain()
      .catch((error: unknown) => this.#ctx.log.warn({ err: error }, 'mailer | drain failed'))
      .finally(() => {
        this.#running = null;
        if (this.#again) {
          this.#again = false;
          this.kick();
        }
      });
  }

  async #drain(): Promise<void> {
    while (!this.#closed) {
      const claim = await claimDueEmail(this.#ctx.db, this.#leaseMs);
      if (!claim) return;
      if (!(await this.#deliver(claim))) return;
    }
  }

  /** Sends one claimed e-mail and records the outcome; false when the send failed. */
  async #deliver(claim: ClaimedEmail): Promise<boolean> {
    // Past the limit only through claims that never came back (instances that died mid-send).
    if (claim.attempts > MAX_ATTEMPTS) {
      await this.#record(claim, { status: 'failed' });
      return true;
    }
    // The address was removed since the notification was written.
    if (!claim.email) {
      await this.#record(claim, { status: 'none' });
      return true;
    }
    const { publicUrl } = this.#ctx.config;
    const { subject, text } = composeMail(claim, { publicUrl, includeTopic: this.#smtp.includeTopic });
    const signal = AbortSignal.any([AbortSignal.timeout(this.#sendDeadlineMs), this.#closing.signal]);
    try {
      await this.#transport.sendMail({ from: this.#smtp.from, to: claim.email, subject, text, signal });
    } catch (error) {
      // Cut off by a shutdown: another instance (or this one after a restart) tries again at once.
      const retryInMs = this.#closing.signal.aborted ? 0 : retryDelayMs(claim.attempts);
      await this.#record(claim, claim.attempts >= MAX_ATTEMPTS ? { status: 'failed' } : { status: 'pending', retryInMs });
      // The relay's answer may quote the address, so only the codes are logged.
      const { code, responseCode, command } = error as { code?: string; responseCode?: number; command?: string };
      const facts = { notificationId: claim.id, attempt: claim.attempts, code, responseCode, command };
      this.#ctx.log.warn(facts, 'mailer | send failed');
      return false;
    }
    await this.#record(claim, { status: 'sent' });
    return true;
  }

  async #record(claim: ClaimedEmail, outcome: EmailOutcome): Promise<void> {
    if (!(await recordEmailOutcome(this.#ctx.db, claim, outcome))) {
      const facts = { notificationId: claim.id, attempt: claim.attempts };
      this.#ctx.log.warn(facts, 'mailer | lease ran out before the outcome was recorded');
    }
  }

  /**
   * Stops claiming. The e-mail in flight may finish and be recorded; one that is still waiting
   * for the relay after a short grace is aborted and left due for the next instance.
   */
  async close(): Promise<void> {
    this.#closed = true;
    const grace = setTimeout(() => this.#closing.abort(), CLOSE_GRACE_MS);
    await this.#running;
    clearTimeout(grace);
    this.#transport.close();
  }
}
