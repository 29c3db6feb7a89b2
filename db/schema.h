/* schema — the numbered migrations.  Migration N moves user_version N-1 to
 * N; each runs in its own transaction.  Never edit a released migration:
 * append a new one.  See store.c for how they are applied. */
#ifndef LOA_SCHEMA_H
#define LOA_SCHEMA_H
#include "db/channel.h" /* CHANNEL_STATES_SQL */

/* A migration that starts with this runs with foreign keys off (it
 * rebuilds a table others refer to); the runner checks them before its
 * commit (store.c). */
#define STORE_MIGRATION_FK_OFF "-- foreign keys off\n"

static const char *const store_migrations[] = {
	/* 1: households, groups, senders, notices, deliveries, attempts, events,
	 *    SMS message references, inbound messages, modem health. */
	"CREATE TABLE households ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  phone TEXT NOT NULL,"
	"  landline INTEGER NOT NULL DEFAULT 0,"
	"  channel INTEGER NOT NULL CHECK (channel BETWEEN 1 AND 3),"
	"  accents INTEGER NOT NULL DEFAULT 1,"
	"  opted_out INTEGER NOT NULL DEFAULT 0,"
	"  note TEXT NOT NULL DEFAULT '',"
	"  active INTEGER NOT NULL DEFAULT 1,"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"CREATE UNIQUE INDEX households_phone ON households(phone) WHERE active = 1;"
	"CREATE TABLE groups ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE COLLATE NOCASE);"
	"CREATE TABLE household_groups ("
	"  household_id INTEGER NOT NULL REFERENCES households(id) ON DELETE CASCADE,"
	"  group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,"
	"  PRIMARY KEY (group_id, household_id)) WITHOUT ROWID;"
	"CREATE INDEX household_groups_h ON household_groups(household_id);"
	"CREATE TABLE senders ("
	"  id INTEGER PRIMARY KEY,"
	"  phone TEXT NOT NULL UNIQUE,"
	"  role TEXT NOT NULL CHECK (role IN ('head','officer')),"
	"  name TEXT NOT NULL,"
	"  groups TEXT NOT NULL DEFAULT '',"
	"  confirm INTEGER NOT NULL DEFAULT 1,"
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE notices ("
	"  id INTEGER PRIMARY KEY,"
	"  text TEXT NOT NULL,"
	"  targets TEXT NOT NULL,"
	"  channels INTEGER NOT NULL,"
	"  urgent INTEGER NOT NULL DEFAULT 0,"
	"  source TEXT NOT NULL,"
	"  audio_path TEXT,"
	"  parts_ucs2 INTEGER NOT NULL,"
	"  parts_gsm7 INTEGER NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active','cancelled')),"
	"  created_at INTEGER NOT NULL,"
	"  due_at INTEGER NOT NULL);"
	"CREATE TABLE deliveries ("
	"  id INTEGER PRIMARY KEY,"
	"  notice_id INTEGER NOT NULL REFERENCES notices(id),"
	"  household_id INTEGER NOT NULL REFERENCES households(id),"
	"  channel TEXT NOT NULL CHECK (channel IN ('sms','voice')),"
	"  state TEXT NOT NULL DEFAULT 'queued',"
	"  encoding TEXT CHECK (encoding IN ('ucs2','gsm7')),"
	"  parts INTEGER NOT NULL DEFAULT 0,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_at INTEGER NOT NULL,"
	"  modem TEXT,"
	"  last_error TEXT NOT NULL DEFAULT '',"
	"  keys TEXT NOT NULL DEFAULT '',"
	"  updated_at INTEGER NOT NULL,"
	"  UNIQUE (notice_id, household_id, channel));"
	"CREATE INDEX deliveries_due ON deliveries(state, channel, next_at);"
	"CREATE INDEX deliveries_household ON deliveries(household_id);"
	/* One row per call attempt or SMS submit: its own timestamps, modem
	 * and cause.  Append-only except for closing the row it opened. */
	"CREATE TABLE attempts ("
	"  id INTEGER PRIMARY KEY,"
	"  delivery_id INTEGER NOT NULL REFERENCES deliveries(id),"
	"  modem TEXT NOT NULL,"
	"  started_at INTEGER NOT NULL,"
	"  answered_at INTEGER,"
	"  ended_at INTEGER,"
	"  outcome TEXT,"
	"  cause TEXT NOT NULL DEFAULT '',"
	"  keys TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX attempts_delivery ON attempts(delivery_id);"
	/* SMS parts handed to a modem: matched to status reports by
	 * (modem, message reference, recipient). */
	"CREATE TABLE sms_refs ("
	"  id INTEGER PRIMARY KEY,"
	"  delivery_id INTEGER NOT NULL REFERENCES deliveries(id),"
	"  modem TEXT NOT NULL,"
	"  part INTEGER NOT NULL,"
	"  parts INTEGER NOT NULL,"
	"  mr INTEGER NOT NULL,"
	"  recipient TEXT NOT NULL,"
	"  sent_at INTEGER NOT NULL,"
	"  report TEXT,"
	"  report_at INTEGER);"
	"CREATE INDEX sms_refs_match ON sms_refs(modem, mr, recipient);"
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  notice_id INTEGER,"
	"  delivery_id INTEGER,"
	"  household_id INTEGER,"
	"  modem TEXT,"
	"  detail TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX events_delivery ON events(delivery_id);"
	"CREATE TRIGGER events_append_only_u BEFORE UPDATE ON events"
	"  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
	"CREATE TRIGGER events_append_only_d BEFORE DELETE ON events"
	"  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
	"CREATE TABLE inbound ("
	"  id INTEGER PRIMARY KEY,"
	"  received_at INTEGER NOT NULL,"
	"  sent_at INTEGER,"
	"  modem TEXT NOT NULL,"
	"  sender TEXT NOT NULL,"
	"  text TEXT NOT NULL,"
	"  parts INTEGER NOT NULL DEFAULT 1,"
	"  decision TEXT NOT NULL DEFAULT '',"
	"  reason TEXT NOT NULL DEFAULT '');"
	"CREATE TABLE modem_status ("
	"  name TEXT PRIMARY KEY,"
	"  updated_at INTEGER NOT NULL,"
	"  state TEXT NOT NULL DEFAULT '',"
	"  registered INTEGER NOT NULL DEFAULT 0,"
	"  signal INTEGER NOT NULL DEFAULT 99,"
	"  operator TEXT NOT NULL DEFAULT '',"
	"  last_error TEXT NOT NULL DEFAULT '');",
	/* 2: SMS sending (db/store_sms.c): the concatenation reference Loa chose
	 *    for a multipart delivery (kept when a send resumes), its persistent
	 *    counter, and indexes for daily part counts, per-delivery parts and
	 *    urgent notices first. */
	"ALTER TABLE deliveries ADD COLUMN sms_ref INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE sms_seq (id INTEGER PRIMARY KEY CHECK (id = 1), next_ref INTEGER NOT NULL);"
	"INSERT INTO sms_seq(id, next_ref) VALUES (1, 1);"
	"CREATE INDEX sms_refs_sent ON sms_refs(sent_at);"
	"CREATE INDEX sms_refs_delivery ON sms_refs(delivery_id);"
	"CREATE INDEX deliveries_notice_due ON deliveries(notice_id, state, channel, next_at);",
	/* 3: short codes (db/store_shortcode.c): stored templates, broadcast
	 *    requests waiting for their one-time code, and the outbox of SMS
	 *    replies to senders (who need not be households).  A household's
	 *    acknowledging reply is recorded on its SMS delivery; a notice can
	 *    be let past the daily budget. */
	"CREATE TABLE templates ("
	"  code TEXT PRIMARY KEY COLLATE NOCASE,"
	"  text TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE pending_broadcasts ("
	"  id INTEGER PRIMARY KEY,"
	"  sender_id INTEGER NOT NULL REFERENCES senders(id) ON DELETE CASCADE,"
	"  code TEXT NOT NULL,"
	"  targets TEXT NOT NULL,"
	"  channels INTEGER NOT NULL,"
	"  urgent INTEGER NOT NULL,"
	"  text TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  wrong INTEGER NOT NULL DEFAULT 0,"
	"  state TEXT NOT NULL DEFAULT 'pending',"
	"  reason TEXT NOT NULL DEFAULT '',"
	"  notice_id INTEGER REFERENCES notices(id));"
	"CREATE INDEX pending_broadcasts_sender ON pending_broadcasts(sender_id, state);"
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  to_phone TEXT NOT NULL,"
	"  text TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  inbound_id INTEGER REFERENCES inbound(id),"
	"  state TEXT NOT NULL DEFAULT 'queued',"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  sent_at INTEGER,"
	"  modem TEXT,"
	"  mr INTEGER,"
	"  error TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX outbox_state ON outbox(state, id);"
	"CREATE INDEX outbox_to ON outbox(to_phone, created_at);"
	"ALTER TABLE deliveries ADD COLUMN acked_at INTEGER;"
	/* a notice a head sent past the daily SMS budget on purpose */
	"ALTER TABLE notices ADD COLUMN budget_override INTEGER NOT NULL DEFAULT 0;",
	/* 4: the officers' web page (db/store_web.c): users with an argon2id
	 *    hash, sessions stored by the hash of their token only, failed-login
	 *    records per user and per address (the rate limiter's state, shared
	 *    by every process serving the page), and an index for "calls
	 *    today". */
	"CREATE TABLE users ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  pwhash TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  last_login_at INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE sessions ("
	"  id INTEGER PRIMARY KEY,"
	"  token_hash TEXT NOT NULL UNIQUE,"
	"  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
	"  address TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL);"
	"CREATE INDEX sessions_user ON sessions(user_id);"
	"CREATE TABLE login_failures ("
	"  key TEXT PRIMARY KEY,"
	"  failures INTEGER NOT NULL,"
	"  last_ms INTEGER NOT NULL,"
	"  until_ms INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX attempts_started ON attempts(started_at);",
	/* 5: a multipart SMS finishes on the modem that started it (phones join
	 *    parts per sender number): deliveries.sms_pin names that modem while
	 *    parts are out; when it is gone for good the message is sent whole
	 *    again elsewhere: its earlier parts are marked superseded and
	 *    deliveries.fragments says the phone may also hold those. */
	"ALTER TABLE deliveries ADD COLUMN sms_pin TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE deliveries ADD COLUMN fragments INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE sms_refs ADD COLUMN superseded INTEGER NOT NULL DEFAULT 0;"
	"UPDATE deliveries SET sms_pin = (SELECT r.modem FROM sms_refs r WHERE r.delivery_id = deliveries.id"
	"  ORDER BY r.id DESC LIMIT 1)"
	" WHERE channel = 'sms' AND state IN ('queued', 'sending') AND parts > 1"
	" AND EXISTS (SELECT 1 FROM sms_refs r WHERE r.delivery_id = deliveries.id);",
	/* 6: parts of inbound multipart SMS wait here, not on the SIM: each is
	 *    deleted from the SIM once stored, so fragments that never complete
	 *    cannot fill the SIM and stop inbound SMS (db/store_sms.c). */
	"CREATE TABLE inbound_parts ("
	"  modem TEXT NOT NULL,"
	"  sender TEXT NOT NULL,"
	"  ref INTEGER NOT NULL,"
	"  parts INTEGER NOT NULL,"
	"  part INTEGER NOT NULL,"
	"  text TEXT NOT NULL,"
	"  sent_at INTEGER,"
	"  received_at INTEGER NOT NULL,"
	"  PRIMARY KEY (modem, sender, ref, parts, part)) WITHOUT ROWID;",
	/* 7: short codes that a forged sender number cannot abuse
	 *    (db/store_shortcode.c): a request waiting for its one-time code may
	 *    be a cancel (pending_broadcasts.action; its notice_id names the
	 *    notice to cancel from the start); every wrong code a sender's
	 *    requests got, with its time (code_failures: the rolling window
	 *    of the lock-out), and the lock-out itself (senders.locked_at, 0 =
	 *    not locked; only `loa sender unlock` clears it); replies counted
	 *    per kind over every recipient (forwards of unknown senders). */
	"ALTER TABLE pending_broadcasts ADD COLUMN action TEXT NOT NULL DEFAULT 'broadcast'"
	"  CHECK (action IN ('broadcast','cancel'));"
	"ALTER TABLE senders ADD COLUMN locked_at INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE code_failures ("
	"  id INTEGER PRIMARY KEY,"
	"  sender_id INTEGER NOT NULL REFERENCES senders(id) ON DELETE CASCADE,"
	"  at INTEGER NOT NULL);"
	"CREATE INDEX code_failures_sender ON code_failures(sender_id, at);"
	"CREATE INDEX outbox_created ON outbox(created_at);",
	/* 8: the schema checks delivery states against the channel table
	 *    (db/channel.c): a state another channel has, or none has, is
	 *    refused on insert and on update, whoever writes it. */
	"CREATE TRIGGER deliveries_state_insert BEFORE INSERT ON deliveries"
	"  WHEN NOT " CHANNEL_STATES_SQL_8("NEW")
	"  BEGIN SELECT RAISE(ABORT, 'delivery state not allowed for its channel'); END;"
	"CREATE TRIGGER deliveries_state_update BEFORE UPDATE OF channel, state ON deliveries"
	"  WHEN NOT " CHANNEL_STATES_SQL_8("NEW")
	"  BEGIN SELECT RAISE(ABORT, 'delivery state not allowed for its channel'); END;",
	/* 9: unattended running (db/store_health.c): a modem paused for its
	 *    SIM's or network's fault (until when, why) and its last balance;
	 *    the daemon's heartbeat (is it running, did it stop cleanly); the
	 *    open problems the admins are told about, each alerted at most once
	 *    per period. */
	"ALTER TABLE modem_status ADD COLUMN paused_until INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE modem_status ADD COLUMN pause_reason TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE modem_status ADD COLUMN error_since INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE modem_status ADD COLUMN balance INTEGER NOT NULL DEFAULT -1;"
	"ALTER TABLE modem_status ADD COLUMN balance_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE modem_status ADD COLUMN balance_text TEXT NOT NULL DEFAULT '';"
	"CREATE TABLE daemon_state ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  pid INTEGER NOT NULL,"
	"  started_at INTEGER NOT NULL,"
	"  heartbeat_at INTEGER NOT NULL,"
	"  stopped_at INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE problems ("
	"  key TEXT PRIMARY KEY,"
	"  since INTEGER NOT NULL,"
	"  text TEXT NOT NULL,"
	"  alerted_at INTEGER NOT NULL DEFAULT 0,"
	"  open INTEGER NOT NULL DEFAULT 1,"
	"  closed_at INTEGER NOT NULL DEFAULT 0);",
	/* 10: resending to the households not reached (db/store_resend.c): a
	 *    request waiting for its one-time code may be a resend ("GUI LAI
	 *    <id>"), which needs pending_broadcasts rebuilt (SQLite cannot change
	 *    migration 7's column CHECK in place; nothing references the table);
	 *    and deliveries.resent_at, when the delivery was last put back in
	 *    the queue by a resend (0: never), so `[sms] expire_h` counts from
	 *    the resend and not from the notice's due time. */
	"CREATE TABLE pending_broadcasts_new ("
	"  id INTEGER PRIMARY KEY,"
	"  sender_id INTEGER NOT NULL REFERENCES senders(id) ON DELETE CASCADE,"
	"  code TEXT NOT NULL,"
	"  targets TEXT NOT NULL,"
	"  channels INTEGER NOT NULL,"
	"  urgent INTEGER NOT NULL,"
	"  text TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  wrong INTEGER NOT NULL DEFAULT 0,"
	"  state TEXT NOT NULL DEFAULT 'pending',"
	"  reason TEXT NOT NULL DEFAULT '',"
	"  notice_id INTEGER REFERENCES notices(id),"
	"  action TEXT NOT NULL DEFAULT 'broadcast' CHECK (action IN ('broadcast','cancel','resend')));"
	"INSERT INTO pending_broadcasts_new(id, sender_id, code, targets, channels, urgent, text, created_at,"
	"  expires_at, wrong, state, reason, notice_id, action)"
	"  SELECT id, sender_id, code, targets, channels, urgent, text, created_at, expires_at, wrong, state,"
	"  reason, notice_id, action FROM pending_broadcasts;"
	"DROP TABLE pending_broadcasts;"
	"ALTER TABLE pending_broadcasts_new RENAME TO pending_broadcasts;"
	"CREATE INDEX pending_broadcasts_sender ON pending_broadcasts(sender_id, state);"
	"ALTER TABLE deliveries ADD COLUMN resent_at INTEGER NOT NULL DEFAULT 0;",
	/* 11: the daemon's clock (db/store_health.c, gateway/drv_time.c): which
	 *    time it uses ('system', 'network', or 'wrong': not to be trusted),
	 *    the network offset it applies (network - system, seconds), the
	 *    system clock when it last said so (the CLI uses the offset only
	 *    while that is recent: a reboot resets a clock without RTC), and
	 *    why, for `loa status`. */
	"ALTER TABLE daemon_state ADD COLUMN clock_source TEXT NOT NULL DEFAULT 'system';"
	"ALTER TABLE daemon_state ADD COLUMN clock_offset_s INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE daemon_state ADD COLUMN clock_system_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE daemon_state ADD COLUMN clock_note TEXT NOT NULL DEFAULT '';",
	/* 12: households as officers keep them.  A household may have a second
	 *    phone (households.phone2, tried after the first) and a phone may be
	 *    shared by several households (the unique index goes); an address
	 *    for the visit list; a group keeps the name people write
	 *    (groups.name, "Xóm Đông Tiến") beside its code (xom-dong-tien).
	 *    A delivery says which of the household's phones it is on
	 *    (deliveries.phone_idx, 0 first, 1 second) and may carry an
	 *    officer's note; and a third channel, 'visit' (state 'informed'):
	 *    an officer told the household in person.  The channel CHECK of
	 *    migration 1 cannot change in place, so deliveries is rebuilt, with
	 *    foreign keys off while it is (STORE_MIGRATION_FK_OFF, store.c), as
	 *    SQLite's ALTER TABLE documentation describes. */
	STORE_MIGRATION_FK_OFF
	"CREATE TABLE deliveries_new ("
	"  id INTEGER PRIMARY KEY,"
	"  notice_id INTEGER NOT NULL REFERENCES notices(id),"
	"  household_id INTEGER NOT NULL REFERENCES households(id),"
	"  channel TEXT NOT NULL CHECK (channel IN ('sms','voice','visit')),"
	"  state TEXT NOT NULL DEFAULT 'queued',"
	"  encoding TEXT CHECK (encoding IN ('ucs2','gsm7')),"
	"  parts INTEGER NOT NULL DEFAULT 0,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_at INTEGER NOT NULL,"
	"  modem TEXT,"
	"  last_error TEXT NOT NULL DEFAULT '',"
	"  keys TEXT NOT NULL DEFAULT '',"
	"  updated_at INTEGER NOT NULL,"
	"  sms_ref INTEGER NOT NULL DEFAULT 0,"
	"  acked_at INTEGER,"
	"  sms_pin TEXT NOT NULL DEFAULT '',"
	"  fragments INTEGER NOT NULL DEFAULT 0,"
	"  resent_at INTEGER NOT NULL DEFAULT 0,"
	"  phone_idx INTEGER NOT NULL DEFAULT 0 CHECK (phone_idx IN (0, 1)),"
	"  note TEXT NOT NULL DEFAULT '',"
	"  UNIQUE (notice_id, household_id, channel));"
	"INSERT INTO deliveries_new(id, notice_id, household_id, channel, state, encoding, parts, attempts, next_at,"
	"  modem, last_error, keys, updated_at, sms_ref, acked_at, sms_pin, fragments, resent_at)"
	"  SELECT id, notice_id, household_id, channel, state, encoding, parts, attempts, next_at, modem,"
	"  last_error, keys, updated_at, sms_ref, acked_at, sms_pin, fragments, resent_at FROM deliveries;"
	"DROP TABLE deliveries;"
	"ALTER TABLE deliveries_new RENAME TO deliveries;"
	"CREATE INDEX deliveries_due ON deliveries(state, channel, next_at);"
	"CREATE INDEX deliveries_household ON deliveries(household_id);"
	"CREATE INDEX deliveries_notice_due ON deliveries(notice_id, state, channel, next_at);"
	"CREATE TRIGGER deliveries_state_insert BEFORE INSERT ON deliveries"
	"  WHEN NOT " CHANNEL_STATES_SQL("NEW")
	"  BEGIN SELECT RAISE(ABORT, 'delivery state not allowed for its channel'); END;"
	"CREATE TRIGGER deliveries_state_update BEFORE UPDATE OF channel, state ON deliveries"
	"  WHEN NOT " CHANNEL_STATES_SQL("NEW")
	"  BEGIN SELECT RAISE(ABORT, 'delivery state not allowed for its channel'); END;"
	"ALTER TABLE households ADD COLUMN phone2 TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE households ADD COLUMN address TEXT NOT NULL DEFAULT '';"
	"DROP INDEX households_phone;"
	"CREATE INDEX households_phone ON households(phone) WHERE active = 1;"
	"CREATE INDEX households_phone2 ON households(phone2) WHERE active = 1 AND phone2 <> '';"
	"ALTER TABLE groups ADD COLUMN name TEXT NOT NULL DEFAULT '';",
	/* 13: the household list a page at a time at 100,000 households: each
	 *    household's name as it sorts (loa_sortkey: accents folded, numbers
	 *    as numbers, registered by store_open before migrating), kept by
	 *    store_household.c on every write, and an index walked in that
	 *    order that also holds the list's filters (active, opted out,
	 *    channel), so a page in the middle skips index entries instead of
	 *    sorting, or reading, every household per request. */
	"ALTER TABLE households ADD COLUMN sortkey TEXT NOT NULL DEFAULT '';"
	"UPDATE households SET sortkey = loa_sortkey(name);"
	"CREATE INDEX households_sort ON households(sortkey, id, active, opted_out, channel);",
	/* 14: call-in (db/store_callin.c).  An attempt is outbound (Loa
	 *    called) or inbound (the household called the gateway and pressed
	 *    1 there); callbacks owed to households whose call ended before it
	 *    was answered (a "flash"): due_at the earliest, by_at the latest
	 *    it should start, and what came of it. */
	"ALTER TABLE attempts ADD COLUMN direction TEXT NOT NULL DEFAULT 'out'"
	"  CHECK (direction IN ('out', 'in'));"
	"CREATE TABLE callbacks ("
	"  id INTEGER PRIMARY KEY,"
	"  household_id INTEGER NOT NULL REFERENCES households(id),"
	"  phone TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  due_at INTEGER NOT NULL,"
	"  by_at INTEGER NOT NULL,"
	"  urgent INTEGER NOT NULL DEFAULT 0,"
	"  state TEXT NOT NULL DEFAULT 'queued'"
	"    CHECK (state IN ('queued', 'calling', 'done', 'failed')),"
	"  modem TEXT NOT NULL DEFAULT '',"
	"  outcome TEXT NOT NULL DEFAULT '',"
	"  keys TEXT NOT NULL DEFAULT '',"
	"  updated_at INTEGER NOT NULL);"
	"CREATE INDEX callbacks_due ON callbacks(state, due_at);"
	"CREATE INDEX callbacks_household ON callbacks(household_id, created_at);",
	/* 15 (issue 17, the head records a notice by phone): a sender's phone PIN, entered by
	 *    DTMF before recording, as an argon2id hash string (base/pwhash.c;
	 *    '' = no PIN, so no recording by phone).  Wrong PINs count in
	 *    code_failures with wrong SMS codes: one rolling window, one
	 *    lock-out (senders.locked_at). */
	"ALTER TABLE senders ADD COLUMN pin_hash TEXT NOT NULL DEFAULT '';",
	/* 16: sync with a hub (issue 18, db/store_sync.c).  The hub gets each
	 *    delivery by id (ids only grow) and then each later change of its
	 *    state or attempts by rev: an update gives the delivery a new rev
	 *    (AUTOINCREMENT: never reused, so revs grow in commit order), one
	 *    row per delivery, and the push sends the deliveries with a rev
	 *    above the hub's position at their current state.  Inserts need no
	 *    trigger (a fan-out writes 100,000 rows at once: a trigger per row
	 *    there cost a third more time).  A hub notice is taken in as a
	 *    local notice with source 'hub:ID', unique, so it is accepted once
	 *    even if two syncs race.  hub_sync: what the hub last acknowledged
	 *    per stream, for `loa status`. */
	"CREATE TABLE hub_delivery_changes ("
	"  rev INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  delivery_id INTEGER NOT NULL UNIQUE);"
	"CREATE TRIGGER deliveries_hub_u AFTER UPDATE OF state, attempts ON deliveries"
	"  WHEN OLD.state IS NOT NEW.state OR OLD.attempts IS NOT NEW.attempts"
	"  BEGIN INSERT OR REPLACE INTO hub_delivery_changes(delivery_id) VALUES (NEW.id); END;"
	"CREATE UNIQUE INDEX notices_hub ON notices(source) WHERE source GLOB 'hub:*';"
	"CREATE TABLE hub_sync ("
	"  stream TEXT PRIMARY KEY CHECK (stream IN ('events', 'deliveries', 'changes')),"
	"  position INTEGER NOT NULL,"
	"  at INTEGER NOT NULL);",
	/* 17: clients of the JSON API on `loa web` (issue 18, db/store_api.c,
	 *    web/web_api.c).  One row per client, by name; the token itself is
	 *    never stored, only its BLAKE2b hash (a random 256-bit token needs
	 *    no slow hash), so a copy of loa.db lets nobody in.  Revoking a
	 *    token deletes its row; the events table keeps who had one. */
	"CREATE TABLE api_tokens ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  token_hash TEXT NOT NULL UNIQUE,"
	"  created_at INTEGER NOT NULL,"
	"  last_used_at INTEGER NOT NULL DEFAULT 0,"
	"  uses INTEGER NOT NULL DEFAULT 0);",
};

#endif
