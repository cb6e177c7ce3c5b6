export * from './protocol';
export * from './crypto';
