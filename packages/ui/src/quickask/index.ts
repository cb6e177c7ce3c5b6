// A separate entry point: the quick-ask window loads only what it needs.
export { QuickAsk, quickQuestion } from './QuickAsk';
export type { QuickContext } from './ContextChip';
