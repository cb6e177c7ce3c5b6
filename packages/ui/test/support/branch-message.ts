import type { BranchMessage } from '../../src/types';

/** A finished question with no figures, alone on its branch, with `over` over it. */
export function branchMessage(over: Partial<BranchMessage> & { id: string }): BranchMessage {
  return {
    chatId: 'c',
    parentId: null,
    role: 'user',
    content: over.id,
    status: 'done',
    createdAt: 0,
    completionTokens: null,
    timeToFirstTokenMs: null,
    tokensPerSecond: null,
    stopReason: null,
    siblingIds: [over.id],
    siblingIndex: 0,
    ...over,
  };
}
