export { SYNC_PROTOCOL_HEADER, SYNC_PROTOCOL_VERSION } from './version';
export { DEFAULT_SYNC_LIMITS } from './limits';
export type { SyncLimitName } from './limits';
export {
  accountParamsInputSchema,
  accountParamsOutputSchema,
  changePasswordInputSchema,
  deleteAccountInputSchema,
  deviceSchema,
  pullInputSchema,
  pushInputSchema,
  recoverySignInInputSchema,
  refreshInputSchema,
  revokeDeviceInputSchema,
  sealedChangeSchema,
  signInInputSchema,
  signUpInputSchema,
} from './schemas';
export type {
  AccountKdf,
  AccountParamsOutput,
  ChangePasswordInput,
  DeleteAccountInput,
  Device,
  PullNowEvent,
  PullOutput,
  PushOutput,
  RecoverySignInInput,
  SealedChange,
  Session,
  SignInInput,
  SignUpInput,
  SyncErrorReason,
} from './schemas';
export { serverInfoSchema } from './meta';
