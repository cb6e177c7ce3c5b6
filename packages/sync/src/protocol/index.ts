export * from './version';
export * from './limits';
export * from './schemas';
export * from './meta';
