import type { CounselClient, ThreadSummary } from '@counsel/client-sdk/browser';
import { errorCode } from '../ui/errors.ts';

/**
 * Claims an enquiry. Losing the race to a colleague is an expected outcome, not an error:
 * exactly one claim wins and the others get 409 THREAD_ALREADY_CLAIMED.
 */
export async function claimEnquiry(client: CounselClient, thread: ThreadSummary): Promise<'claimed' | 'taken'> {
  try {
    await client.claim(thread);
    return 'claimed';
  } catch (error) {
    if (errorCode(error) === 'THREAD_ALREADY_CLAIMED') return 'taken';
    throw error;
  }
}
