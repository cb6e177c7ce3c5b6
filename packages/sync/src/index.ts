export * from './protocol';
export * from './crypto';
export * from './engine';
