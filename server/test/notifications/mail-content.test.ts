import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { composeMail, type MailFacts } from '../../src/notifications/mail-content.ts';
import { retryDelayMs } from '../../src/notifications/mailer.ts';

const facts: MailFacts = {
  kind: 'enquiry.new',
  threadId: '00000000-0000-4000-8000-000000000001',
  topicName: 'Addiction',
  agencyName: 'Caritas Addiction Help',
};

describe('notification e-mail content', () => {
  it('should name neither the topic nor the agency by default', () => {
    for (const kind of ['enquiry.new', 'message.new', 'thread.assigned'] as const) {
      const mail = composeMail({ ...facts, kind }, { publicUrl: 'https://counsel.example', includeTopic: false });
      expect(`${mail.subject}\n${mail.text}`).not.toMatch(/Addiction|Caritas/);
      expect(mail.text).toContain(`https://counsel.example/threads/${facts.threadId}`);
    }
    expect(composeMail(facts, { publicUrl: 'https://x', includeTopic: false }).subject).toBe('New enquiry');
  });

  it('should name them when the operator turns MAIL_INCLUDE_TOPIC on', () => {
    const mail = composeMail(facts, { publicUrl: 'https://x', includeTopic: true });
    expect(mail.subject).toBe('New enquiry: Addiction (Caritas Addiction Help)');
    expect(mail.text).toContain('Topic: Addiction');
  });

  it('should read MAIL_INCLUDE_TOPIC (off by default) and SMTP_TIMEOUT_MS', () => {
    const smtp = { SMTP_HOST: 'mail.example' };
    expect(loadConfig(smtp).smtp).toMatchObject({ includeTopic: false, timeoutMs: 30_000 });
    expect(loadConfig({ ...smtp, MAIL_INCLUDE_TOPIC: 'true', SMTP_TIMEOUT_MS: '5000' }).smtp).toMatchObject({
      includeTopic: true,
      timeoutMs: 5000,
    });
    expect(() => loadConfig({ ...smtp, MAIL_INCLUDE_TOPIC: 'sometimes' })).toThrow(/MAIL_INCLUDE_TOPIC/);
    expect(() => loadConfig({ ...smtp, SMTP_TIMEOUT_MS: '0' })).toThrow(/SMTP_TIMEOUT_MS/);
  });

  it('should back off from a minute, doubling, to at most an hour', () => {
    expect([1, 2, 3, 4, 7, 8].map(retryDelayMs)).toEqual([60_000, 120_000, 240_000, 480_000, 3_600_000, 3_600_000]);
  });
});
