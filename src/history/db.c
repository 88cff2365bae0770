/*
 * db.c — the history of scans, in one SQLite file.
 *
 * A list that is "continuously updated" must remember what the last scan
 * found.  Each `teardown scan --db FILE` appends one row to `scans` (the
 * tree, its kernel version, the profile, the tool's version, the time)
 * and one row per finding to `findings`, keyed by the finding's
 * fingerprint (report/fingerprint.c), with the finding's whole JSON so a
 * diff can print it as the scan did.
 *
 * Several scans may write to one file at once (CI jobs of several trees):
 * the file is in WAL mode, a writer that finds it locked waits (a busy
 * timeout) instead of failing, and a scan is written in one IMMEDIATE
 * transaction, so a reader sees every finding of a scan or none.  A file
 * that is not a database, a damaged one, or a database of something else
 * (user_version is not ours) is refused with its path and SQLite's word,
 * never written over.
 */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "history/history.h"
#include "teardown.h"

enum { SCHEMA = 1, BUSY_MS = 30000 };

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS scans ("
	" id INTEGER PRIMARY KEY, time TEXT NOT NULL, tree TEXT NOT NULL, kernel_version TEXT NOT NULL,"
	" profile TEXT NOT NULL, tool_version TEXT NOT NULL, nfindings INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS findings ("
	" scan INTEGER NOT NULL REFERENCES scans(id), fingerprint TEXT NOT NULL, rule TEXT NOT NULL,"
	" driver TEXT NOT NULL, file TEXT NOT NULL, line INTEGER NOT NULL, json TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS findings_by_scan ON findings(scan);";

static int fail(sqlite3 *db, const char *path, const char *what)
{
	fprintf(stderr, "teardown: %s: %s: %s\n", path, what, db ? sqlite3_errmsg(db) : "out of memory");
	return -1;
}

static int exec(sqlite3 *db, const char *path, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : fail(db, path, "cannot use the database");
}

/* The schema version of DB: its user_version, or -1 (a damaged file, or
 * not a database: the first read says so). */
static int user_version(sqlite3 *db)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	return v;
}

/* Whether DB holds any table: a database with tables but not our
 * user_version is someone else's. */
static int has_tables(sqlite3 *db)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL) != SQLITE_OK)
		return -1;
	int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	return n;
}

/* Open PATH (creating it when CREATE), check it is a history database,
 * and set it up for concurrent use.  NULL after a message. */
static sqlite3 *open_db(const char *path, bool create)
{
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		fail(db, path, "cannot open the history database");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, BUSY_MS);
	int v = user_version(db), tables = has_tables(db);
	if (v < 0 || tables < 0) {
		fail(db, path, "not a readable history database (damaged, or not SQLite)");
		sqlite3_close(db);
		return NULL;
	}
	if (v != SCHEMA && (tables > 0 || !create)) {
		fprintf(stderr, "teardown: %s: not a teardown history database (schema %d, want %d)\n", path, v,
			SCHEMA);
		sqlite3_close(db);
		return NULL;
	}
	/* WAL lets readers run beside a writer; it is a property of the file,
	 * set once, and asking again is harmless. */
	if (exec(db, path, "PRAGMA journal_mode=WAL") < 0) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

static const char *member(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static int insert_findings(sqlite3 *db, const char *path, long long scan, json_t *findings)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO findings (scan, fingerprint, rule, driver, file, line, json)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return fail(db, path, "cannot store the findings");
	size_t i;
	json_t *f;
	int rc = 0;
	json_array_foreach(findings, i, f) {
		json_t *loc = json_object_get(f, "location");
		char *text = json_dumps(f, JSON_COMPACT | JSON_PRESERVE_ORDER);
		sqlite3_bind_int64(st, 1, scan);
		sqlite3_bind_text(st, 2, member(f, "fingerprint"), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, member(f, "rule"), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, member(f, "driver"), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 5, member(loc, "file"), -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 6, json_integer_value(json_object_get(loc, "line")));
		sqlite3_bind_text(st, 7, text ? text : "{}", -1, SQLITE_TRANSIENT);
		free(text);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = fail(db, path, "cannot store a finding");
			break;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc;
}

long long history_store(const char *path, const ScanMeta *meta, json_t *findings)
{
	sqlite3 *db = open_db(path, true);
	if (!db)
		return -1;
	long long id = -1;
	char when[32];
	time_t now = time(NULL);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	sqlite3_stmt *st = NULL;
	/* IMMEDIATE: take the write lock now (waiting for it), not at the
	 * first insert, where a lock upgrade could fail with SQLITE_BUSY. */
	if (exec(db, path, "BEGIN IMMEDIATE") < 0)
		goto out;
	if (exec(db, path, schema) < 0 || exec(db, path, "PRAGMA user_version = 1") < 0)
		goto rollback;
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO scans (time, tree, kernel_version, profile, tool_version, nfindings)"
			       " VALUES (?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK) {
		fail(db, path, "cannot store the scan");
		goto rollback;
	}
	sqlite3_bind_text(st, 1, when, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, meta->tree, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, meta->kernel_version, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, meta->profile, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, teardown_version, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, (long long)json_array_size(findings));
	if (sqlite3_step(st) != SQLITE_DONE) {
		fail(db, path, "cannot store the scan");
		goto rollback;
	}
	long long scan = sqlite3_last_insert_rowid(db);
	if (insert_findings(db, path, scan, findings) < 0)
		goto rollback;
	if (exec(db, path, "COMMIT") == 0) {
		id = scan;
		goto out;
	}
rollback:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return id;
}

/* The id of scan WHICH: itself when positive, else the latest (0) or the
 * one before it (-1).  -1 when there is none. */
static long long scan_id(sqlite3 *db, long long which)
{
	sqlite3_stmt *st;
	const char *sql = which > 0 ? "SELECT id FROM scans WHERE id = ?"
				    : "SELECT id FROM scans ORDER BY id DESC LIMIT 1 OFFSET ?";
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, which > 0 ? which : -which);
	long long id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return id;
}

int history_load(const char *path, long long which, json_t **out, long long *id)
{
	sqlite3 *db = open_db(path, false);
	if (!db)
		return -1;
	int rc = -1;
	sqlite3_stmt *st = NULL;
	/* One read transaction: the scan and its findings as of one moment. */
	if (exec(db, path, "BEGIN") < 0)
		goto out;
	if ((*id = scan_id(db, which)) < 0) {
		if (which > 0)
			fprintf(stderr, "teardown: %s: no scan %lld\n", path, which);
		else
			fprintf(stderr, "teardown: %s: fewer than two scans stored\n", path);
		goto out;
	}
	if (sqlite3_prepare_v2(db, "SELECT json FROM findings WHERE scan = ? ORDER BY rowid", -1, &st, NULL) !=
	    SQLITE_OK) {
		fail(db, path, "cannot read the findings");
		goto out;
	}
	sqlite3_bind_int64(st, 1, *id);
	*out = json_array();
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *f = json_loads((const char *)sqlite3_column_text(st, 0), 0, NULL);
		if (!f) {
			fprintf(stderr, "teardown: %s: scan %lld holds a damaged finding\n", path, *id);
			break;
		}
		json_array_append_new(*out, f);
	}
	if (step == SQLITE_DONE)
		rc = 0;
	else if (step != SQLITE_ROW)
		fail(db, path, "cannot read the findings");
	if (rc < 0) {
		json_decref(*out);
		*out = NULL;
	}
out:
	sqlite3_finalize(st);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}
