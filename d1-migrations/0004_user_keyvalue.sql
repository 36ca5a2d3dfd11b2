-- Studio's per-user settings (`/users/me/keyvalue`): sort orders, recent
-- searches, inspector widths. `value` is the JSON Studio stored, as text.
CREATE TABLE user_keyvalue (
    user_id    TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);
