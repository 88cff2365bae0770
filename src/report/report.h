/* report.h — every way teardown prints: findings, facts, drivers, summary. */
#ifndef REPORT_H
#define REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "analyze/analyze.h"
#include "extract/extract.h"
#include "teardown.h"
#include "walk/walk.h"

/* Write S for a human: control characters (a newline in a file name) escaped. */
void print_escaped(FILE *f, const char *s);

/* A JSON string for any bytes: invalid UTF-8 is replaced, never dropped. */
json_t *json_str(const char *s);
json_t *pos_json(const char *file, Pos p);

/* The one diagnostic printer: `file:line:col: warning: message [rule]`,
 * then the path of steps, indented. */
void diag_print(FILE *f, const Finding *fd);
/* FD's identity across edits that move it (fingerprint.c): 32 hex digits in OUT. */
const char *finding_fingerprint(const Finding *fd, char out[33]);
json_t *diag_json(const Finding *fd);

/* The facts of one file, as compact text (for tests) or JSON. */
void facts_print(FILE *f, const FileFacts *ff, bool cfg);
json_t *facts_json(const FileFacts *ff);

/* One line (or JSON object) per driver. */
void driver_print(FILE *f, const Driver *d);
json_t *driver_json(const Driver *d);

/* The people and lists of a tree's MAINTAINERS file (maintainers.c). */
typedef struct Maintainers Maintainers;
typedef struct {
	char *who;     /* "Name <address>", or the list's address */
	char *address; /* lower case: what tells two contacts apart */
	char *name;    /* a person's name, NULL for a list: the same name is one person */
	char *role;    /* as get_maintainer.pl says it: "maintainer:SECTION", "open list:SECTION" */
	bool list;     /* a mailing list, not a person */
} Contact;
typedef VEC(Contact) ContactVec;

/* ROOT's MAINTAINERS, or NULL when it has none. */
Maintainers *maintainers_load(const char *root);
void maintainers_free(Maintainers *m);
/* Append the contacts of FILE (relative to the root) to OUT, the most
 * specific section first, each address once. */
void maintainers_of(const Maintainers *m, const char *file, ContactVec *out);
void contacts_free(ContactVec *v);
json_t *contacts_json(const ContactVec *c); /* [{ who, role }] (diag.c) */
/* Who is told: the people ("to: ") and lists ("cc: ") of C on one line
 * after LEAD, with no newline; nothing when C is empty (diag.c). */
void contacts_print(FILE *f, const ContactVec *c, const char *lead);

/* `teardown list`: FOUND (sorted by place) grouped into one line (or JSON
 * object) per driver with findings of rules matching RULE. */
void list_print(FILE *f, json_t *items, const Finding *found, size_t n, const char *rule, const Maintainers *m);

/* list --by-maintainer: the drivers of ITEMS (list_print's, with their
 * contacts) grouped by contact, as text on F, or with SUMMARY as a JSON
 * document { "maintainers": [...] }; takes ITEMS and SUMMARY. */
void list_by_maintainer(FILE *f, json_t *items, json_t *summary);

/* What a command shows of each directory a scan went through.  The
 * pipeline (scan.c) hands it the directory's drivers and, when it asks for
 * them, their findings; it prints them as text on OUT or, when ITEMS is not
 * NULL, appends them to ITEMS as JSON. */
typedef struct Printer Printer;
struct Printer {
	const char *key;     /* the JSON document's array: "findings" or "drivers" */
	bool findings;       /* it shows findings: the drivers are replayed */
	bool every_function; /* it shows where every callback is defined: each
			      * function a driver reaches is parsed, not only
			      * those that reach an API */
	const char *rule;    /* `list`: the rule id or prefix it lists */
	const Maintainers *maintainers; /* of the scanned tree, set by the pipeline, or NULL */
	bool by_maintainer;  /* `list --by-maintainer`: grouped by contact */
	void (*dir)(const Printer *p, const DriverVec *drivers, const FindingVec *found, FILE *out,
		    json_t *items);
};

extern const Printer findings_printer; /* scan: every finding (diag.c) */
extern const Printer drivers_printer;  /* drivers: every driver (drivers.c) */
Printer list_printer(const char *rule); /* list RULE (list.c) */
/* check: each finding as JSON { file, rule, severity, latent, text }, the
 * text gcc-style, for the cache of teardown check (checker.c). */
extern const Printer checker_printer;

/* What a scan covered, counted by the pipeline, for the closing summary. */
typedef struct {
	size_t files_seen, skipped[SKIP_COUNT];
	size_t bytes_parsed;    /* what the parser read: the chosen items */
	size_t bytes_candidate; /* the whole of the files it read them from */
	size_t error_bytes;
	size_t drivers_by_bus[MAX_BUSES];
	size_t findings;
	size_t warnings; /* findings above note: they decide the exit status */
	size_t drivers_partial;
	size_t api_sites[SITE_COUNT]; /* call sites of spec APIs in the parsed items, by fate */
	size_t latent_hidden; /* latent warnings left out (no --latent) */
	size_t notes_hidden;  /* notes left out (no --notes) */
	size_t notices_hidden; /* per-file and per-driver notices left out (-q) */
} ScanCounts;

/* Which findings a scan shows (filter.c): the rules given to --rule (all
 * when none) but not to --no-rule, ids or dash-prefixes of ids. */
enum { MAX_RULE_ARGS = 32 };
typedef struct {
	bool notes, latent;
	const char *only[MAX_RULE_ARGS], *skip[MAX_RULE_ARGS];
	int nonly, nskip;
} FindingFilter;

/* Keep the findings of FOUND (sorted by place) that F shows, one per rule
 * and place (the drivers that share it in its `shared`, strings in ARENA);
 * count what is left out in C. */
void filter_findings(const FindingFilter *f, FindingVec *found, Arena *arena, ScanCounts *c);
/* Does F show a finding of RULE with SEVERITY, latent or not? */
bool filter_shows(const FindingFilter *f, const char *rule, Severity severity, bool latent);

typedef struct {
	double wall, cpu;
	long peak_kib;
	int jobs;
	const char *profile;        /* the semantics profile of the scan */
	const char *profile_from;   /* tree, option or default */
	const char *kernel_version; /* of the tree's Makefile; "" outside a tree */
} RunStats;

void summary_print(FILE *f, const ScanCounts *c, const BusTable *buses, const RunStats *rs);
json_t *summary_json(const ScanCounts *c, const BusTable *buses, const RunStats *rs);

/* The JSON document of a scan, { KEY: ITEMS, "summary": SUMMARY }, on F
 * (whose write errors the caller checks); takes both references. */
void document_print(FILE *f, const char *key, json_t *items, json_t *summary);

/* `teardown impact`: the drivers whose verdict (the set of rules they
 * have findings of) differs between the findings FROM, under profile A,
 * and TO, under B; one line each with the lines of its findings and the
 * driver's contacts in M (the tree's MAINTAINERS, or NULL), then the
 * counts (or one JSON document).  Returns 0. */
int impact_print(FILE *out, const char *a, const char *b, json_t *from, json_t *to, bool json,
		 const Maintainers *m);
/* The findings ITEMS (diag_json's) of a scan of the tree at ROOT as a
 * SARIF 2.1.0 log on F, with the reported RULES and the scan's SUMMARY
 * (sarif.c); takes the references of ITEMS and SUMMARY. */
void sarif_print(FILE *f, json_t *items, const RuleTable *rules, const char *root, json_t *summary);

#endif
