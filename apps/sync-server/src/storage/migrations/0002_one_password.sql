-- Protocol v2, one password never sent (docs/decisions/0313): the device derives the server
-- password and the data key's wrapping key from the password with Argon2id under the account's
-- parameters, kept here; the data key is also wrapped under the recovery key, whose server
-- secret is kept only as a SHA-256.
--
-- A v1 account cannot sign in under v2 (its data key is wrapped under a separate passphrase and
-- its password hash is of the password itself), and none existed outside tests: they go, with
-- their devices, tokens and changes (ON DELETE CASCADE).
DELETE FROM users;

ALTER TABLE users
  ADD COLUMN kdf_time_cost integer NOT NULL,
  ADD COLUMN kdf_memory_kib integer NOT NULL,
  ADD COLUMN kdf_parallelism integer NOT NULL,
  -- Unpadded base64url, drawn by the device at sign-up and at each password change.
  ADD COLUMN kdf_salt text NOT NULL,
  -- The data key wrapped under the recovery key: opaque ciphertext the server cannot open.
  ADD COLUMN recovery_wrapped_data_key text NOT NULL,
  ADD COLUMN recovery_secret_hash bytea NOT NULL;

-- wrapped_data_key now holds the data key wrapped under the password's wrapping key.
