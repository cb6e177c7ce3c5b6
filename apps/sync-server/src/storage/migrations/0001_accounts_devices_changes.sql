-- Accounts, devices, refresh tokens and the ciphertext change log. Times are epoch milliseconds
-- (bigint) so that the server's injected clock is the only source of time.

CREATE TABLE users (
  id uuid PRIMARY KEY,
  email text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  -- The data key wrapped by the user's passphrase: opaque ciphertext the server cannot open.
  wrapped_data_key text NOT NULL,
  created_at bigint NOT NULL
);

CREATE TABLE devices (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL,
  created_at bigint NOT NULL,
  last_seen_at bigint NOT NULL,
  revoked_at bigint
);
CREATE INDEX devices_user_id ON devices (user_id);

-- One device is one refresh-token family: every rotation stays on the device it was issued to.
CREATE TABLE refresh_tokens (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  device_id uuid NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
  token_hash bytea NOT NULL,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  used_at bigint,
  revoked_at bigint
);
CREATE INDEX refresh_tokens_device_id ON refresh_tokens (device_id);

-- The per-user counter row: a push locks it, so sequence numbers are assigned one push at a time.
CREATE TABLE sync_state (
  user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  high_water_mark bigint NOT NULL DEFAULT 0,
  bytes_used bigint NOT NULL DEFAULT 0
);

CREATE TABLE changes (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  id text NOT NULL,
  seq bigint NOT NULL,
  device_id text NOT NULL,
  ciphertext bytea NOT NULL,
  received_at bigint NOT NULL,
  PRIMARY KEY (user_id, id),
  UNIQUE (user_id, seq)
);
