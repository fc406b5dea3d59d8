import type { ThreadDetail } from '@counsel/client-sdk/browser';
/** Placeholder: being built. */
export function CallControls(_props: { threadId: string; detail: ThreadDetail }) {
  return null;
}
