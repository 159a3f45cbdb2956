-- Times are unix milliseconds; 0 means none.
CREATE TABLE IF NOT EXISTS case_seq (
	shop TEXT PRIMARY KEY,
	next INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS cases (
	shop         TEXT NOT NULL,
	id           TEXT NOT NULL,
	buyer        TEXT NOT NULL,
	buyer_name   TEXT NOT NULL DEFAULT '',
	intent       TEXT NOT NULL,
	order_id     TEXT NOT NULL DEFAULT '',
	reason       TEXT NOT NULL DEFAULT '',
	amount_fen   INTEGER NOT NULL DEFAULT 0,
	state        TEXT NOT NULL,
	deadline     INTEGER NOT NULL DEFAULT 0,
	platform     TEXT NOT NULL DEFAULT '',
	platform_ref TEXT NOT NULL DEFAULT '',
	note         TEXT NOT NULL DEFAULT '',
	opened_at    INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL,
	PRIMARY KEY (shop, id)
);

-- One buyer + order + intent has at most one live case.
CREATE UNIQUE INDEX IF NOT EXISTS cases_live ON cases (shop, buyer, order_id, intent)
	WHERE state IN ('open', 'waiting_merchant', 'waiting_buyer');
CREATE INDEX IF NOT EXISTS cases_buyer ON cases (shop, buyer, state);
CREATE INDEX IF NOT EXISTS cases_deadline ON cases (state, deadline);
CREATE INDEX IF NOT EXISTS cases_ref ON cases (shop, platform_ref);
CREATE INDEX IF NOT EXISTS cases_order ON cases (shop, order_id);

CREATE TABLE IF NOT EXISTS events (
	id      INTEGER PRIMARY KEY,
	shop    TEXT NOT NULL,
	case_id TEXT NOT NULL,
	kind    TEXT NOT NULL,
	actor   TEXT NOT NULL,
	text    TEXT NOT NULL,
	at      INTEGER NOT NULL,
	FOREIGN KEY (shop, case_id) REFERENCES cases (shop, id)
);
CREATE INDEX IF NOT EXISTS events_case ON events (shop, case_id, id);

CREATE TABLE IF NOT EXISTS alerts (
	id         INTEGER PRIMARY KEY,
	shop       TEXT NOT NULL,
	case_id    TEXT NOT NULL,
	kind       TEXT NOT NULL,
	due_at     INTEGER NOT NULL,
	state      TEXT NOT NULL,
	attempts   INTEGER NOT NULL DEFAULT 0,
	repeat     INTEGER NOT NULL DEFAULT 0,
	sent_at    INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	FOREIGN KEY (shop, case_id) REFERENCES cases (shop, id)
);
CREATE INDEX IF NOT EXISTS alerts_due ON alerts (state, due_at);
CREATE INDEX IF NOT EXISTS alerts_case ON alerts (shop, case_id);

CREATE TABLE IF NOT EXISTS replies (
	id         INTEGER PRIMARY KEY,
	shop       TEXT NOT NULL,
	recipient  TEXT NOT NULL,
	text       TEXT NOT NULL,
	state      TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	sent_at    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS replies_pending ON replies (state, id);

CREATE TABLE IF NOT EXISTS jobs (
	id         INTEGER PRIMARY KEY,
	shop       TEXT NOT NULL,
	case_id    TEXT NOT NULL,
	kind       TEXT NOT NULL,
	payload    TEXT NOT NULL DEFAULT '',
	due_at     INTEGER NOT NULL,
	state      TEXT NOT NULL,
	attempts   INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (state, due_at);

-- A buyer handed over to a person: the bot stays silent until the merchant releases.
CREATE TABLE IF NOT EXISTS handoffs (
	shop    TEXT NOT NULL,
	buyer   TEXT NOT NULL,
	case_id TEXT NOT NULL,
	at      INTEGER NOT NULL,
	PRIMARY KEY (shop, buyer)
);

-- Channel message ids already handled, so a redelivered message is handled once.
CREATE TABLE IF NOT EXISTS seen_messages (
	shop   TEXT NOT NULL,
	msg_id TEXT NOT NULL,
	at     INTEGER NOT NULL,
	PRIMARY KEY (shop, msg_id)
);

-- One row per alert and sink: an alert goes to each sink once, and a sink that keeps
-- failing hands the alert on to the next one.
CREATE TABLE IF NOT EXISTS deliveries (
	alert_id   INTEGER NOT NULL,
	sink       TEXT NOT NULL,
	state      TEXT NOT NULL,
	attempts   INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	at         INTEGER NOT NULL,
	PRIMARY KEY (alert_id, sink)
);
