import nodemailer, { type Transporter } from 'nodemailer';
import type { SmtpConfig } from '../config.ts';
import type { ServiceContext } from '../context.ts';
import { claimPendingEmails, setEmailStatus } from './repository.ts';

const BATCH = 20;
const MAX_ATTEMPTS = 5;

const SUBJECTS: Record<string, string> = {
  'enquiry.new': 'New enquiry',
  'message.new': 'New message',
  'thread.assigned': 'New client assigned to you',
};

/**
 * Drains the notification outbox by SMTP. E-mails name topic and agency and link to the thread;
 * they never carry message content. Off when SMTP is not configured.
 */
export class Mailer {
  readonly #ctx: ServiceContext;
  readonly #transport: Transporter;
  #running: Promise<void> | null = null;
  #again = false;
  #closed = false;

  constructor(ctx: ServiceContext, smtp: SmtpConfig) {
    this.#ctx = ctx;
    this.#transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
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
    for (;;) {
      const sent = await this.#ctx.db.transaction().execute(async (trx) => {
        const batch = await claimPendingEmails(trx, BATCH);
        for (const item of batch) {
          const attempts = item.emailAttempts + 1;
          try {
            await this.#transport.sendMail({
              from: this.#ctx.config.smtp?.from,
              to: item.email as string,
              subject: `${SUBJECTS[item.kind] ?? 'Notification'}: ${item.topicName ?? ''} (${item.agencyName ?? ''})`,
              text: [
                SUBJECTS[item.kind] ?? 'Notification',
                `Topic: ${item.topicName ?? '-'}`,
                `Agency: ${item.agencyName ?? '-'}`,
                `Open: ${this.#ctx.config.publicUrl}/threads/${item.threadId ?? ''}`,
                '',
                'Messages are end-to-end encrypted; read them in the app.',
              ].join('\n'),
            });
            await setEmailStatus(trx, item.id, 'sent', attempts);
          } catch (error) {
            this.#ctx.log.warn({ err: error, notificationId: item.id }, 'mailer | send failed');
            await setEmailStatus(trx, item.id, attempts >= MAX_ATTEMPTS ? 'failed' : 'pending', attempts);
          }
        }
        return batch.length;
      });
      if (sent < BATCH) return;
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#running;
    this.#transport.close();
  }
}
