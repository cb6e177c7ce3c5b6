export { sealChange, openChange, DATA_KEY_BYTES } from './change-cipher';
export type { SealChangeOptions, OpenChangeOptions } from './change-cipher';
export { DEFAULT_ACCOUNT_KDF, deriveAccountKeys } from './account-keys';
export type { AccountKeys } from './account-keys';
export {
  generateDataKey,
  wrapDataKeyWithKey,
  unwrapDataKeyWithKey,
  generateRecoveryKey,
  deriveRecoveryKeys,
} from './key-wrap';
export type { KeyWrapPurpose } from './key-wrap';
export { CryptoError } from './crypto-error';
export type { CryptoErrorCode } from './crypto-error';
export {
  bytesToBase64Url,
  base64UrlToBytes,
  base64UrlDecodedLength,
  utf8ToBytes,
  bytesToUtf8,
} from './encoding';
export { secureRandomBytes } from './random';
export type { RandomBytes } from './random';
