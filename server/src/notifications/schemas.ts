import type { Static } from '@sinclair/typebox';
import type * as contract from '../../../client-sdk/src/contract/notifications.ts';

/** Wire schemas of this domain live in the SDK's contract; the server names the types it uses. */
export * from '../../../client-sdk/src/contract/notifications.ts';

export type NotificationViewType = Static<typeof contract.NotificationView>;
