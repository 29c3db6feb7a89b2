/* hub_sync — pushing a gateway's events and delivery states to its hub and
 * taking in the hub notices addressed to it (domain/hub_sync.h). */
#include "domain/hub_sync.h"
#include "db/hub_web.h"
#include "db/store_health.h"

#include "base/log.h"
#include "base/util.h"
#include "db/store_sync.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int push_events(struct store *st, struct hub *h, int64_t now, int64_t *count, char *err, size_t errlen)
{
	int64_t pos;
	if (hub_position(h, "events", &pos) != HUB_OK) {
		snprintf(err, errlen, "%s", hub_errmsg(h));
		return EXIT_RUNTIME;
	}
	struct hub_event *ev = xcalloc(HUB_SYNC_BATCH, sizeof *ev);
	int rc = EXIT_OK;
	for (;;) {
		size_t n = 0;
		if (store_sync_events(st, pos, HUB_SYNC_BATCH, ev, &n) != STORE_OK) {
			snprintf(err, errlen, "%s", store_errmsg(st));
			rc = EXIT_RUNTIME;
			break;
		}
		if (n == 0)
			break;
		int hrc = hub_push_events(h, ev, n, now);
		int64_t last = ev[n - 1].id;
		store_sync_events_free(ev, n);
		if (hrc != HUB_OK) {
			snprintf(err, errlen, "%s", hub_errmsg(h));
			rc = EXIT_RUNTIME;
			break;
		}
		pos = last;
		*count += (int64_t)n;
		if (store_sync_acked(st, "events", pos, now) != STORE_OK) {
			snprintf(err, errlen, "%s", store_errmsg(st));
			rc = EXIT_RUNTIME;
			break;
		}
		if (n < HUB_SYNC_BATCH)
			break;
	}
	free(ev);
	/* nothing new is an acknowledgement too: `loa status` tells a hub
	 * that answers from one that does not */
	if (rc == EXIT_OK && store_sync_acked(st, "events", pos, now) != STORE_OK) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		rc = EXIT_RUNTIME;
	}
	return rc;
}

/* Pushes deliveries of `stream`: "deliveries" (new ones, by id) or
 * "changes" (later changes, by rev). */
static int push_deliveries(struct store *st, struct hub *h, const char *stream, int64_t now, int64_t *count,
			   char *err, size_t errlen)
{
	int by_rev = strcmp(stream, "changes") == 0;
	int64_t pos;
	if (hub_position(h, stream, &pos) != HUB_OK) {
		snprintf(err, errlen, "%s", hub_errmsg(h));
		return EXIT_RUNTIME;
	}
	struct hub_delivery *d = xcalloc(HUB_SYNC_BATCH, sizeof *d);
	int rc = EXIT_OK;
	for (;;) {
		size_t n = 0;
		int src = by_rev ? store_sync_changes(st, pos, HUB_SYNC_BATCH, d, &n)
				 : store_sync_deliveries(st, pos, HUB_SYNC_BATCH, d, &n);
		if (src != STORE_OK) {
			snprintf(err, errlen, "%s", store_errmsg(st));
			rc = EXIT_RUNTIME;
			break;
		}
		if (n == 0)
			break;
		int64_t last = by_rev ? d[n - 1].rev : d[n - 1].id;
		int hrc = hub_push_deliveries(h, d, n, stream, last, now);
		store_sync_deliveries_free(d, n);
		if (hrc != HUB_OK) {
			snprintf(err, errlen, "%s", hub_errmsg(h));
			rc = EXIT_RUNTIME;
			break;
		}
		pos = last;
		*count += (int64_t)n;
		if (store_sync_acked(st, stream, pos, now) != STORE_OK) {
			snprintf(err, errlen, "%s", store_errmsg(st));
			rc = EXIT_RUNTIME;
			break;
		}
		if (n < HUB_SYNC_BATCH)
			break;
	}
	free(d);
	if (rc == EXIT_OK && store_sync_acked(st, stream, pos, now) != STORE_OK) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		rc = EXIT_RUNTIME;
	}
	return rc;
}

/* Everything local the hub does not have yet: events, new deliveries, then
 * changes (a change the hub gets before its delivery is an insert too). */
static int push_all(struct store *st, struct hub *h, int64_t now, struct hub_sync_stats *out, char *err,
		    size_t errlen)
{
	int rc = push_events(st, h, now, &out->events, err, errlen);
	if (rc == EXIT_OK)
		rc = push_deliveries(st, h, "deliveries", now, &out->deliveries, err, errlen);
	if (rc == EXIT_OK)
		rc = push_deliveries(st, h, "changes", now, &out->deliveries, err, errlen);
	return rc;
}

/* The hub notices are read whole first (a page of them), then taken in one
 * by one: no hub result stays open while SQLite writes. */
struct pending {
	int64_t id, due_at;
	char *text;
	int channels, urgent;
};
struct pending_list {
	struct pending *v;
	size_t n, cap;
};

static int collect(const struct hub_notice *n, void *arg)
{
	struct pending_list *l = arg;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	struct pending *p = &l->v[l->n++];
	p->id = n->id;
	p->due_at = n->due_at;
	p->text = xstrdup(n->text);
	p->channels = n->channels;
	p->urgent = n->urgent;
	return 0;
}

/* Takes hub notice p in: EXIT_OK (taken in or refused, receipt sent),
 * EXIT_RUNTIME (try again next time). */
static int take_in(struct store *st, struct hub *h, const struct hub_sync_cfg *cfg, const struct pending *p,
		   int64_t now, struct hub_sync_stats *out, char *err, size_t errlen)
{
	int64_t local = 0;
	int rc = store_sync_hub_notice(st, p->id, &local);
	if (rc != STORE_OK && rc != STORE_NOTFOUND) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		return EXIT_RUNTIME;
	}
	char note[256] = "";
	if (rc == STORE_NOTFOUND) {
		/* New here: planned and created as `loa notice send` would. */
		char src[32], why[256];
		store_sync_hub_source(p->id, src, sizeof src);
		struct notice_plan plan;
		int64_t due = p->due_at > now ? p->due_at : 0;
		int prc = notice_plan(st, &cfg->notice, p->text, "all", p->channels, p->urgent, due, src, &plan, why,
				      sizeof why);
		if (prc == EXIT_OK) {
			/* An urgent hub notice (a storm) may go past the daily SMS
			 * budget, as `loa notice send --urgent --over-budget`. */
			plan.req.budget_override = p->urgent;
			prc = notice_create(st, &plan, &local, why, sizeof why);
			if (prc == EXIT_OK)
				out->notices++;
		}
		notice_plan_free(&plan);
		if (prc == EXIT_RUNTIME) {
			snprintf(err, errlen, "hub notice %lld: %s", (long long)p->id, why);
			return EXIT_RUNTIME;
		}
		if (prc != EXIT_OK) {
			/* Refused by this gateway's rules: the hub is told why,
			 * once; nothing is created here. */
			snprintf(note, sizeof note, "%s", why);
			local = 0;
			out->refused++;
		}
	}
	struct notice_reach reach = { 0 };
	if (local && store_notice_reach(st, local, "", &reach) != STORE_OK) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		return EXIT_RUNTIME;
	}
	if (hub_receipt(h, p->id, local, reach.households, note, now) != HUB_OK) {
		snprintf(err, errlen, "%s", hub_errmsg(h));
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

static int pull_notices(struct store *st, struct hub *h, const struct hub_sync_cfg *cfg, int64_t now,
			struct hub_sync_stats *out, char *err, size_t errlen)
{
	struct pending_list l = { 0 };
	int rc = EXIT_OK;
	if (hub_notice_pending(h, now - HUB_NOTICE_MAX_AGE_S, 100, collect, &l) != HUB_OK) {
		snprintf(err, errlen, "%s", hub_errmsg(h));
		rc = EXIT_RUNTIME;
	}
	for (size_t i = 0; i < l.n && rc == EXIT_OK; i++)
		rc = take_in(st, h, cfg, &l.v[i], now, out, err, errlen);
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i].text);
	free(l.v);
	return rc;
}

struct cancel_walk {
	struct store *st;
	int64_t now;
	int cancelled;
	char *err;
	size_t errlen;
};

/* One local notice whose hub notice was cancelled: cancelled here as `loa
 * notice cancel` would (queued deliveries stop, in-flight ones finish and
 * are logged), once: a notice no longer active is left alone. */
static int cancel_one(int64_t hub_id, int64_t local_id, void *arg)
{
	struct cancel_walk *w = arg;
	struct notice n;
	int rc = store_notice_get(w->st, local_id, &n);
	if (rc == STORE_NOTFOUND)
		return 0;
	if (rc != STORE_OK) {
		snprintf(w->err, w->errlen, "%s", store_errmsg(w->st));
		return -1;
	}
	int active = strcmp(n.state, "active") == 0;
	store_notice_clear(&n);
	if (!active)
		return 0;
	char by[40];
	snprintf(by, sizeof by, "the hub (hub notice %lld)", (long long)hub_id);
	int count = 0;
	if (store_notice_cancel(w->st, local_id, by, &count, w->now) != STORE_OK) {
		snprintf(w->err, w->errlen, "%s", store_errmsg(w->st));
		return -1;
	}
	LOG_I("hub", "notice %lld cancelled by the hub (hub notice %lld): %d pending deliveries cancelled",
	      (long long)local_id, (long long)hub_id, count);
	w->cancelled++;
	return 0;
}

static int pull_cancels(struct store *st, struct hub *h, int64_t now, struct hub_sync_stats *out, char *err,
			size_t errlen)
{
	struct cancel_walk w = { st, now, 0, err, errlen };
	err[0] = '\0';
	int rc = hub_notice_cancelled(h, now - HUB_CANCEL_MAX_AGE_S, cancel_one, &w);
	out->cancelled = w.cancelled;
	if (rc == HUB_OK)
		return EXIT_OK;
	if (!err[0])
		snprintf(err, errlen, "%s", hub_errmsg(h));
	return EXIT_RUNTIME;
}

struct hh_list {
	struct hub_household *v;
	size_t n, cap;
};

static char *dup_or_empty(const char *s)
{
	return xstrdup(s ? s : "");
}

static int collect_household(const struct hub_household *hh, void *arg)
{
	struct hh_list *l = arg;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 256;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = (struct hub_household){ hh->id, dup_or_empty(hh->name), dup_or_empty(hh->phone),
					       dup_or_empty(hh->address), dup_or_empty(hh->groups), hh->active };
	return 0;
}

/* The opt-in household list (hub migration 2): the whole list with
 * `list`, else any list sent before removed (privacy: counts only). */
static int push_household_list(struct store *st, struct hub *h, const struct hub_sync_cfg *cfg, int64_t now,
			       char *err, size_t errlen)
{
	if (!cfg->household_list) {
		int removed = 0;
		if (hub_drop_household_list(h, &removed) != HUB_OK) {
			snprintf(err, errlen, "%s", hub_errmsg(h));
			return EXIT_RUNTIME;
		}
		return EXIT_OK;
	}
	struct hh_list l = { NULL, 0, 0 };
	int rc = EXIT_OK;
	if (store_sync_household_list(st, collect_household, &l) != STORE_OK) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		rc = EXIT_RUNTIME;
	} else if (hub_push_household_list(h, l.v, l.n, now) != HUB_OK) {
		snprintf(err, errlen, "%s", hub_errmsg(h));
		rc = EXIT_RUNTIME;
	}
	for (size_t i = 0; i < l.n; i++) {
		free((char *)l.v[i].name);
		free((char *)l.v[i].phone);
		free((char *)l.v[i].address);
		free((char *)l.v[i].groups);
	}
	free(l.v);
	return rc;
}

/* ---- the gateway's health (hub migration 3) ---- */

struct health_acc {
	struct hub_health hh;
	int64_t now;
	char detail[240];
};

static int health_modem(const struct modem_health *m, void *arg)
{
	struct health_acc *a = arg;
	a->hh.modems_total++;
	int paused = m->paused_until > a->now;
	if (!strcmp(m->state, "ready") && !paused) {
		a->hh.modems_ready++;
	} else {
		size_t n = strlen(a->detail);
		snprintf(a->detail + n, sizeof a->detail - n, "%s%s: %s", n ? "; " : "", m->name,
			 paused ? "paused" : *m->state ? m->state : "unknown");
	}
	if (m->balance >= 0 && (a->hh.balance_min < 0 || m->balance < a->hh.balance_min)) {
		a->hh.balance_min = m->balance;
		a->hh.balance_at = m->balance_at;
	}
	return 0;
}

/* What `loa status` says of the daemon and the modems, in one row. */
static int push_health(struct store *st, struct hub *h, int64_t now, char *err, size_t errlen)
{
	struct health_acc a;
	memset(&a, 0, sizeof a);
	a.now = now;
	a.hh.balance_min = -1;
	struct daemon_health dh;
	if (store_health_daemon(st, &dh) != STORE_OK || store_modem_each(st, now, health_modem, &a) != STORE_OK) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		return EXIT_RUNTIME;
	}
	if (dh.known) {
		a.hh.heartbeat_at = dh.heartbeat_at;
		a.hh.stopped_at = dh.stopped_at;
	}
	a.hh.detail = a.detail;
	if (hub_health_push(h, &a.hh, now) != HUB_OK) {
		snprintf(err, errlen, "%s", hub_errmsg(h));
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

int hub_sync_once(struct store *st, struct hub *h, const struct hub_sync_cfg *cfg, int64_t now,
		  struct hub_sync_stats *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	char me[40];
	int rc = hub_me(h, me, sizeof me);
	if (rc != HUB_OK) {
		snprintf(err, errlen, "%s", hub_errmsg(h));
		return rc == HUB_NOTFOUND ? EXIT_USAGE : EXIT_RUNTIME;
	}
	if (strcmp(me, cfg->gateway_id) != 0) {
		snprintf(err, errlen, "[hub] gateway_id is %s but [hub] credentials are gateway %s's", cfg->gateway_id,
			 me);
		return EXIT_USAGE;
	}
	if ((rc = push_all(st, h, now, out, err, errlen)) != EXIT_OK)
		return rc;
	int households = 0;
	if (store_sync_households(st, &households) != STORE_OK) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		return EXIT_RUNTIME;
	}
	if (hub_push_households(h, households, now) != HUB_OK) {
		snprintf(err, errlen, "%s", hub_errmsg(h));
		return EXIT_RUNTIME;
	}
	if ((rc = push_household_list(st, h, cfg, now, err, errlen)) != EXIT_OK)
		return rc;
	if ((rc = pull_notices(st, h, cfg, now, out, err, errlen)) != EXIT_OK)
		return rc;
	if ((rc = pull_cancels(st, h, now, out, err, errlen)) != EXIT_OK)
		return rc;
	/* What was just taken in or cancelled (its events, its deliveries)
	 * goes up now rather than at the next sync. */
	if (out->notices || out->cancelled)
		rc = push_all(st, h, now, out, err, errlen);
	if (rc == EXIT_OK)
		rc = push_health(st, h, now, err, errlen);
	return rc;
}

int hub_sync_stale(int64_t acked_at, int64_t started_at, int64_t now, int sync_s, int64_t *since_out)
{
	int64_t since = acked_at > started_at ? acked_at : started_at;
	if (since_out)
		*since_out = since;
	return now - since > (int64_t)HUB_STALE_SYNCS * sync_s;
}
