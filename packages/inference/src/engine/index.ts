export * from './types';
export { describeZodError, EngineError, engineErrorCodeSchema, toEngineError } from './errors';
export type { EngineErrorCode } from './errors';
export type { JsonSchemaNode } from './json-schema';
