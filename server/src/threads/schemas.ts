import type { Static } from '@sinclair/typebox';
import type * as contract from '../../../client-sdk/src/contract/threads.ts';
import type { NewMessageBody } from '../../../client-sdk/src/contract/messages.ts';

/** Wire schemas of this domain live in the SDK's contract; the server names the types it uses. */
export * from '../../../client-sdk/src/contract/threads.ts';

export type EnvelopeInputView = Static<typeof contract.EnvelopeInput>;
export type NewMessageInput = Static<typeof NewMessageBody>;
export type IntakeInput = Static<typeof contract.IntakeQuery>;
export type CreateThreadInput = Static<typeof contract.CreateThreadBody>;
export type ThreadSummaryView = Static<typeof contract.ThreadSummary>;
export type ThreadDetailView = Static<typeof contract.ThreadDetail>;
export type ListThreadsInput = Static<typeof contract.ListThreadsQuery>;
export type ReshareInput = Static<typeof contract.ReshareBody>;
export type ThreadStatusChange = Static<typeof contract.StatusBody>['status'];
