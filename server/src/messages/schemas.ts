import type { Static } from '@sinclair/typebox';
import type * as contract from '../../../client-sdk/src/contract/messages.ts';

/** Wire schemas of this domain live in the SDK's contract; the server names the types it uses. */
export * from '../../../client-sdk/src/contract/messages.ts';

export type NewMessageInput = Static<typeof contract.NewMessageBody>;
export type MessageViewType = Static<typeof contract.MessageView>;
export type HistoryInput = Static<typeof contract.HistoryQuery>;
