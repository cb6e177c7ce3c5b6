export { sealChange, openChange } from './change-cipher';
export {
  generateDataKey,
  wrapDataKeyWithKey,
  unwrapDataKeyWithKey,
  generateRecoveryKey,
  deriveRecoveryKeys,
} from './key-wrap';
export { CryptoError } from './crypto-error';
export type { CryptoErrorCode } from './crypto-error';
export { base64UrlDecodedLength, utf8ToBytes, bytesToUtf8 } from './encoding';
