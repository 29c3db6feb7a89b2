/* hub_schema — the hub's numbered PostgreSQL migrations (db/hub_store.c
 * applies them; `loa hub init`).  Migration N moves loa_hub_version N-1 to
 * N, each in its own transaction (PostgreSQL's DDL is transactional), so an
 * interrupted upgrade leaves the hub at the last whole step.  Never edit a
 * released migration: append a new one.  Constant SQL only: nothing from
 * outside is ever pasted in (values go through PQexecParams).
 *
 * DESIGN (see also /work/notes or docs: the hub)
 *   Who is who.  Each gateway logs in as its own role `loa_gw_<id>`, a
 *   member of the NOLOGIN role `loa_gateway`, which holds every grant a
 *   gateway has; `loa_hub_me()` maps current_user to the gateway's id
 *   (NULL for anyone else).  The hub's own role (the one `loa hub init` ran
 *   as) owns the tables, so row-level security does not apply to it: it
 *   reads everything for the reports and writes the notices.
 *   Row-level security, policies TO loa_gateway:
 *     gateways, gateway_group_members: its own row(s), read only;
 *     hub_notice_to: the addresses that name it (all, itself, a group it is in);
 *     hub_notices: those with such an address, read only;
 *     hub_events, hub_receipts: read and insert its own rows only (events
 *       are append-only for everyone: a trigger refuses UPDATE and DELETE);
 *     hub_deliveries, hub_households, hub_sync: read, insert, update its own.
 *   Idempotency.  Every row a gateway pushes is keyed by (gateway_id, the
 *   gateway's own id): events by the local events.id (append-only there
 *   too), deliveries by the local deliveries.id, receipts by the hub
 *   notice id.  Events go in with ON CONFLICT DO NOTHING, so a replay after
 *   a crash or a lost link changes nothing; a delivery's state is a
 *   snapshot that changes, so it goes in with ON CONFLICT DO UPDATE ...
 *   WHERE the stored rev is older (rev: the gateway's change sequence), so a
 *   replayed or late older snapshot never overwrites a newer one.
 *   Positions.  hub_sync holds, per gateway and stream ('events': local
 *   event ids; 'deliveries': local delivery ids, new deliveries; 'changes':
 *   the revs of later changes to them), the highest the hub has committed, updated
 *   in the same transaction as the rows: the gateway asks the hub for it
 *   before pushing, so a crash on either side between the two can neither
 *   lose nor duplicate anything.
 *   Households: counts only (hub_households), unless the gateway opts in to
 *   the list (migration 2, hub_household_list).
 *   Health (migration 3, hub_gateway_health): one row per gateway, its own
 *   to write; the NOLOGIN role loa_hub_web reads everything and adds hub
 *   notices (`loa web --hub` logged in as a member of it); migration 4 lets
 *   it cancel one (its state from active to cancelled, nothing else). */
#ifndef LOA_HUB_SCHEMA_H
#define LOA_HUB_SCHEMA_H

/* The id rule for gateways and gateway groups (also the role name's tail). */
#define HUB_ID_RE "^[a-z0-9][a-z0-9_-]{0,31}$"

static const char *const hub_migrations[] = {
	/* 1: gateways and their groups, hub notices and their addresses, the
	 *    gateways' receipts, events, delivery states, household counts and
	 *    sync positions; the gateway role and its row-level security. */
	"DO $$ BEGIN"
	"  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'loa_gateway') THEN"
	"    CREATE ROLE loa_gateway NOLOGIN;"
	"  END IF;"
	" END $$;"
	"CREATE TABLE gateways ("
	"  id text PRIMARY KEY CHECK (id ~ '" HUB_ID_RE "'),"
	"  role name NOT NULL UNIQUE,"
	"  name text NOT NULL DEFAULT '',"
	"  created_at bigint NOT NULL);"
	"CREATE TABLE gateway_groups ("
	"  id text PRIMARY KEY CHECK (id ~ '" HUB_ID_RE "'),"
	"  name text NOT NULL DEFAULT '');"
	"CREATE TABLE gateway_group_members ("
	"  group_id text NOT NULL REFERENCES gateway_groups(id) ON DELETE CASCADE,"
	"  gateway_id text NOT NULL REFERENCES gateways(id) ON DELETE CASCADE,"
	"  PRIMARY KEY (group_id, gateway_id));"
	"CREATE INDEX gateway_group_members_g ON gateway_group_members(gateway_id);"
	"CREATE TABLE hub_notices ("
	"  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	"  text text NOT NULL,"
	"  channels integer NOT NULL CHECK (channels BETWEEN 1 AND 3),"
	"  urgent boolean NOT NULL DEFAULT false,"
	"  source text NOT NULL,"
	"  state text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'cancelled')),"
	"  created_at bigint NOT NULL,"
	"  due_at bigint NOT NULL);"
	/* to: 'all' (target ''), 'gateway' or 'group' (target its id). */
	"CREATE TABLE hub_notice_to ("
	"  notice_id bigint NOT NULL REFERENCES hub_notices(id) ON DELETE CASCADE,"
	"  kind text NOT NULL CHECK (kind IN ('all', 'gateway', 'group')),"
	"  target text NOT NULL DEFAULT '',"
	"  CHECK ((kind = 'all') = (target = '')),"
	"  PRIMARY KEY (notice_id, kind, target));"
	"CREATE INDEX hub_notice_to_target ON hub_notice_to(kind, target);"
	/* A gateway took a hub notice in: its local notice and the households
	 * it reaches there; or refused it (local_notice_id NULL, why in note:
	 * text too long for its limit, no household to reach...). */
	"CREATE TABLE hub_receipts ("
	"  gateway_id text NOT NULL REFERENCES gateways(id),"
	"  notice_id bigint NOT NULL REFERENCES hub_notices(id),"
	"  local_notice_id bigint,"
	"  households integer NOT NULL DEFAULT 0,"
	"  note text NOT NULL DEFAULT '',"
	"  accepted_at bigint NOT NULL,"
	"  PRIMARY KEY (gateway_id, notice_id));"
	"CREATE TABLE hub_events ("
	"  gateway_id text NOT NULL REFERENCES gateways(id),"
	"  id bigint NOT NULL,"
	"  at bigint NOT NULL,"
	"  kind text NOT NULL,"
	"  notice_id bigint,"
	"  delivery_id bigint,"
	"  household_id bigint,"
	"  modem text,"
	"  detail text NOT NULL DEFAULT '',"
	"  PRIMARY KEY (gateway_id, id));"
	"CREATE FUNCTION loa_hub_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
	" BEGIN RAISE EXCEPTION 'hub events are append-only'; END $$;"
	"CREATE TRIGGER hub_events_append_only BEFORE UPDATE OR DELETE ON hub_events"
	"  FOR EACH ROW EXECUTE FUNCTION loa_hub_append_only();"
	"CREATE TABLE hub_deliveries ("
	"  gateway_id text NOT NULL REFERENCES gateways(id),"
	"  id bigint NOT NULL,"
	"  notice_id bigint NOT NULL,"
	"  household_id bigint NOT NULL,"
	"  channel text NOT NULL,"
	"  state text NOT NULL,"
	"  attempts integer NOT NULL DEFAULT 0,"
	"  updated_at bigint NOT NULL,"
	"  rev bigint NOT NULL,"
	"  PRIMARY KEY (gateway_id, id));"
	"CREATE INDEX hub_deliveries_notice ON hub_deliveries(gateway_id, notice_id);"
	"CREATE TABLE hub_households ("
	"  gateway_id text PRIMARY KEY REFERENCES gateways(id),"
	"  households integer NOT NULL,"
	"  updated_at bigint NOT NULL);"
	"CREATE TABLE hub_sync ("
	"  gateway_id text NOT NULL REFERENCES gateways(id),"
	"  stream text NOT NULL CHECK (stream IN ('events', 'deliveries', 'changes')),"
	"  position bigint NOT NULL,"
	"  synced_at bigint NOT NULL,"
	"  PRIMARY KEY (gateway_id, stream));"
	/* Which gateway the session is: NULL for the hub's own role.  Policies
	 * and statements call it as (SELECT loa_hub_me()), an init plan run
	 * once per statement, not once per row. */
	"CREATE FUNCTION loa_hub_me() RETURNS text LANGUAGE sql STABLE"
	"  AS $$ SELECT id FROM gateways WHERE role = current_user $$;"
	/* `loa hub gateway add`: the role (its password given as a SCRAM
	 * verifier computed by libpq, so the password itself never reaches the
	 * server) and the row, in the caller's transaction.  format(%I, %L)
	 * quotes the name and the verifier. */
	"CREATE FUNCTION loa_hub_gateway_add(gw text, verifier text, gname text, now bigint)"
	"  RETURNS name LANGUAGE plpgsql AS $$"
	" DECLARE r name := 'loa_gw_' || gw;"
	" BEGIN"
	"  IF gw IS NULL OR gw !~ '" HUB_ID_RE "' THEN"
	"    RAISE EXCEPTION 'bad gateway id' USING ERRCODE = '22023';"
	"  END IF;"
	"  INSERT INTO gateways(id, role, name, created_at) VALUES (gw, r, gname, now);"
	"  EXECUTE format('CREATE ROLE %I LOGIN INHERIT PASSWORD %L IN ROLE loa_gateway', r, verifier);"
	"  RETURN r;"
	" END $$;"
	"REVOKE ALL ON FUNCTION loa_hub_gateway_add(text, text, text, bigint) FROM PUBLIC;"
	"GRANT SELECT ON gateways, gateway_group_members, hub_notices, hub_notice_to TO loa_gateway;"
	"GRANT SELECT, INSERT ON hub_events, hub_receipts TO loa_gateway;"
	"GRANT SELECT, INSERT, UPDATE ON hub_deliveries, hub_households, hub_sync TO loa_gateway;"
	"ALTER TABLE gateways ENABLE ROW LEVEL SECURITY;"
	"ALTER TABLE gateway_groups ENABLE ROW LEVEL SECURITY;"
	"ALTER TABLE gateway_group_members ENABLE ROW LEVEL SECURITY;"
	"ALTER TABLE hub_notices ENABLE ROW LEVEL SECURITY;"
	"ALTER TABLE hub_notice_to ENABLE ROW LEVEL SECURITY;"
	"ALTER TABLE hub_receipts ENABLE ROW LEVEL SECURITY;"
	"ALTER TABLE hub_events ENABLE ROW LEVEL SECURITY;"
	"ALTER TABLE hub_deliveries ENABLE ROW LEVEL SECURITY;"
	"ALTER TABLE hub_households ENABLE ROW LEVEL SECURITY;"
	"ALTER TABLE hub_sync ENABLE ROW LEVEL SECURITY;"
	"CREATE POLICY self ON gateways FOR SELECT TO loa_gateway USING (role = current_user);"
	"CREATE POLICY self ON gateway_group_members FOR SELECT TO loa_gateway"
	"  USING (gateway_id = (SELECT loa_hub_me()));"
	"CREATE POLICY addressed ON hub_notice_to FOR SELECT TO loa_gateway"
	"  USING (kind = 'all' OR (kind = 'gateway' AND target = (SELECT loa_hub_me()))"
	"   OR (kind = 'group' AND EXISTS (SELECT 1 FROM gateway_group_members m"
	"       WHERE m.group_id = hub_notice_to.target AND m.gateway_id = (SELECT loa_hub_me()))));"
	"CREATE POLICY addressed ON hub_notices FOR SELECT TO loa_gateway"
	"  USING (EXISTS (SELECT 1 FROM hub_notice_to t WHERE t.notice_id = hub_notices.id));"
	"CREATE POLICY own_read ON hub_events FOR SELECT TO loa_gateway USING (gateway_id = (SELECT loa_hub_me()));"
	"CREATE POLICY own_insert ON hub_events FOR INSERT TO loa_gateway WITH CHECK (gateway_id = (SELECT loa_hub_me()));"
	"CREATE POLICY own_read ON hub_receipts FOR SELECT TO loa_gateway USING (gateway_id = (SELECT loa_hub_me()));"
	"CREATE POLICY own_insert ON hub_receipts FOR INSERT TO loa_gateway"
	"  WITH CHECK (gateway_id = (SELECT loa_hub_me())"
	"   AND EXISTS (SELECT 1 FROM hub_notices n WHERE n.id = hub_receipts.notice_id));"
	"CREATE POLICY own ON hub_deliveries FOR ALL TO loa_gateway"
	"  USING (gateway_id = (SELECT loa_hub_me())) WITH CHECK (gateway_id = (SELECT loa_hub_me()));"
	"CREATE POLICY own ON hub_households FOR ALL TO loa_gateway"
	"  USING (gateway_id = (SELECT loa_hub_me())) WITH CHECK (gateway_id = (SELECT loa_hub_me()));"
	"CREATE POLICY own ON hub_sync FOR ALL TO loa_gateway"
	"  USING (gateway_id = (SELECT loa_hub_me())) WITH CHECK (gateway_id = (SELECT loa_hub_me()));",
	/* 2: the opt-in household list (issue 18, privacy: counts only by
	 *    default).  A gateway with [hub] households = list sends, at each
	 *    sync, the name, phone, address and groups of every household it
	 *    has (active or not: a notice's deliveries may name one removed
	 *    since), replacing its previous list in one transaction, so `loa
	 *    hub report ID --unreached` can name the households to visit; one
	 *    with counts (the default) sends none, and its rows are removed at
	 *    its next sync.  Row-level security as hub_deliveries, plus DELETE
	 *    of its own rows (the replacement). */
	"CREATE TABLE hub_household_list ("
	"  gateway_id text NOT NULL REFERENCES gateways(id),"
	"  household_id bigint NOT NULL,"
	"  name text NOT NULL,"
	"  phone text NOT NULL DEFAULT '',"
	"  address text NOT NULL DEFAULT '',"
	"  groups text NOT NULL DEFAULT '',"
	"  active boolean NOT NULL DEFAULT true,"
	"  updated_at bigint NOT NULL,"
	"  PRIMARY KEY (gateway_id, household_id));"
	"GRANT SELECT, INSERT, UPDATE, DELETE ON hub_household_list TO loa_gateway;"
	"ALTER TABLE hub_household_list ENABLE ROW LEVEL SECURITY;"
	"CREATE POLICY own ON hub_household_list FOR ALL TO loa_gateway"
	"  USING (gateway_id = (SELECT loa_hub_me())) WITH CHECK (gateway_id = (SELECT loa_hub_me()));",
	/* 3: each gateway's health for `loa web --hub` (issue 18): at the end
	 *    of every successful sync a gateway writes its one row: when (at),
	 *    its daemon's last heartbeat and stop (0: never ran / running),
	 *    its modems (total, ready and not paused), the lowest balance a
	 *    modem reported and when (NULL: none known), and a short detail
	 *    (the modems not ready).  Row-level security as hub_households.
	 *    And the role `loa_hub_web` (NOLOGIN): what `loa web --hub` needs
	 *    when it logs in as a role of its own rather than as the hub's
	 *    owner: read everything, add hub notices; nothing else.  Grant it
	 *    to a login role (GRANT loa_hub_web TO ...) to use it. */
	"CREATE TABLE hub_gateway_health ("
	"  gateway_id text PRIMARY KEY REFERENCES gateways(id),"
	"  at bigint NOT NULL,"
	"  heartbeat_at bigint NOT NULL DEFAULT 0,"
	"  stopped_at bigint NOT NULL DEFAULT 0,"
	"  modems_total integer NOT NULL DEFAULT 0,"
	"  modems_ready integer NOT NULL DEFAULT 0,"
	"  balance_min_dong bigint,"
	"  balance_at bigint,"
	"  detail text NOT NULL DEFAULT '');"
	"GRANT SELECT, INSERT, UPDATE ON hub_gateway_health TO loa_gateway;"
	"ALTER TABLE hub_gateway_health ENABLE ROW LEVEL SECURITY;"
	"CREATE POLICY own ON hub_gateway_health FOR ALL TO loa_gateway"
	"  USING (gateway_id = (SELECT loa_hub_me())) WITH CHECK (gateway_id = (SELECT loa_hub_me()));"
	"DO $$ BEGIN"
	"  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'loa_hub_web') THEN"
	"    CREATE ROLE loa_hub_web NOLOGIN;"
	"  END IF;"
	" END $$;"
	"GRANT SELECT ON gateways, gateway_groups, gateway_group_members, hub_notices, hub_notice_to, hub_receipts,"
	"  hub_events, hub_deliveries, hub_households, hub_sync, hub_household_list, hub_gateway_health TO loa_hub_web;"
	"GRANT INSERT ON hub_notices, hub_notice_to TO loa_hub_web;"
	"GRANT SELECT ON loa_hub_version TO loa_hub_web;"
	"CREATE POLICY web_read ON gateways FOR SELECT TO loa_hub_web USING (true);"
	"CREATE POLICY web_read ON gateway_groups FOR SELECT TO loa_hub_web USING (true);"
	"CREATE POLICY web_read ON gateway_group_members FOR SELECT TO loa_hub_web USING (true);"
	"CREATE POLICY web_read ON hub_notices FOR SELECT TO loa_hub_web USING (true);"
	"CREATE POLICY web_add ON hub_notices FOR INSERT TO loa_hub_web WITH CHECK (true);"
	"CREATE POLICY web_read ON hub_notice_to FOR SELECT TO loa_hub_web USING (true);"
	"CREATE POLICY web_add ON hub_notice_to FOR INSERT TO loa_hub_web WITH CHECK (true);"
	"CREATE POLICY web_read ON hub_receipts FOR SELECT TO loa_hub_web USING (true);"
	"CREATE POLICY web_read ON hub_events FOR SELECT TO loa_hub_web USING (true);"
	"CREATE POLICY web_read ON hub_deliveries FOR SELECT TO loa_hub_web USING (true);"
	"CREATE POLICY web_read ON hub_households FOR SELECT TO loa_hub_web USING (true);"
	"CREATE POLICY web_read ON hub_sync FOR SELECT TO loa_hub_web USING (true);"
	"CREATE POLICY web_read ON hub_household_list FOR SELECT TO loa_hub_web USING (true);"
	"CREATE POLICY web_read ON hub_gateway_health FOR SELECT TO loa_hub_web USING (true);",

	/* 4: the hub's web page may cancel a hub notice (`loa hub notice
	 *    cancel` from the page): its state, from active to cancelled, and
	 *    nothing else of it. */
	"GRANT UPDATE (state) ON hub_notices TO loa_hub_web;"
	"CREATE POLICY web_cancel ON hub_notices FOR UPDATE TO loa_hub_web"
	"  USING (state = 'active') WITH CHECK (state = 'cancelled');",
};

#endif
