import type { NotificationKind } from './table.ts';

/** What a notification e-mail may be built from: ids and names, never message content. */
export interface MailFacts {
  kind: NotificationKind;
  threadId: string | null;
  topicName: string | null;
  agencyName: string | null;
}

export interface MailOptions {
  publicUrl: string;
  /** Name the topic and the agency (MAIL_INCLUDE_TOPIC); off by default. */
  includeTopic: boolean;
}

const HEADLINES: Record<NotificationKind, string> = {
  'enquiry.new': 'New enquiry',
  'message.new': 'New message',
  'thread.assigned': 'New client assigned to you',
};

/**
 * Subject and body of a notification e-mail. By default they say only what happened and where
 * to read it: the topic and the agency's name would tell every mail server on the way what the
 * seeker's trouble is (an agency's name often names its specialism). Content is never included.
 */
export function composeMail(facts: MailFacts, options: MailOptions): { subject: string; text: string } {
  const headline = HEADLINES[facts.kind];
  const link = `Open: ${options.publicUrl}/threads/${facts.threadId ?? ''}`;
  const footer = ['', 'Messages are end-to-end encrypted; read them in the app.'];
  if (!options.includeTopic) return { subject: headline, text: [headline, link, ...footer].join('\n') };
  return {
    subject: `${headline}: ${facts.topicName ?? ''} (${facts.agencyName ?? ''})`,
    text: [headline, `Topic: ${facts.topicName ?? '-'}`, `Agency: ${facts.agencyName ?? '-'}`, link, ...footer].join('\n'),
  };
}
