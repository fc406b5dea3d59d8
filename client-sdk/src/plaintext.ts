const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What a message holds once decrypted. Versioned so that attachments can be added later. */
export interface MessageBody {
  v: 1;
  text: string;
}

export function encodeBody(text: string): Uint8Array {
  return encoder.encode(JSON.stringify({ v: 1, text } satisfies MessageBody));
}

export function decodeBody(bytes: Uint8Array): MessageBody {
  const parsed = JSON.parse(decoder.decode(bytes)) as Partial<MessageBody>;
  if (parsed.v !== 1 || typeof parsed.text !== 'string') throw new Error('Unknown message body format');
  return { v: 1, text: parsed.text };
}
