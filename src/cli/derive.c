/*
 * derive.c — `teardown spec derive TREE`: the devres API, read from the kernel.
 *
 * data/api.spec is written by hand, and each managed line is checked by
 * reading the kernel: which release its devres node runs, and which
 * unmanaged call that release makes.  This command does the reading for a
 * whole tree.  It walks TREE as a scan does, keeps the files that define a
 * managed function (found by splitting each file into items, without a
 * parse), parses those whole with the scan's parser and extractor, reads
 * the function-like #defines of managed names as functions of their
 * parameters (parsed the same way, on the lines they stand on), and hands
 * the facts to extract/devm.c, which classifies each definition.
 *
 * stdout is api.spec syntax, one line per managed API a driver can call
 * (defined in a header, or not static), each with a comment that says
 * where it is defined, what it wraps, and whether data/api.spec has it;
 * then, as comments, what could not be classified and why.  The counts go
 * to stderr.  A derived line is a proposal: its wrong= names calls that
 * the spec may not have yet (the spec refuses a wrong= release it does not
 * know), and the spec's special events (irq-request, action-add) are
 * shown as plain acquires.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "extract/devm.h"
#include "scan.h"
#include "util/clex.h"

static const char derive_usage[] =
	"usage: teardown spec derive [--new] TREE\n"
	"\n"
	"Read TREE's managed (devm_, dmam_, pcim_) function definitions: the devres\n"
	"node or action each registers and what its release calls. Print one\n"
	"data/api.spec line per API (--new: only those data/api.spec lacks), then\n"
	"what could not be classified and why; the counts on stderr.\n";

/* Calls a release function makes that undo nothing a driver acquired, with
 * the spec's own calls, locks and unlocks (mutex_lock, spin_lock). */
static const char *const not_undo[] = {
	"dev_dbg", "dev_err", "dev_name", "dev_warn", "dev_info", "dev_notice", "dev_WARN", "dev_WARN_ONCE",
	"pr_debug", "pr_err", "pr_warn", "pr_info", "pr_notice", "might_sleep", "lockdep_assert_held",
	"lockdep_assert_held_write", "lockdep_assert_held_read", "mutex_unlock", "down_write", "up_write",
	"down_read", "up_read", NULL,
};

static void not_undo_set(const Spec *spec, StrSet *out)
{
	for (int i = 0; not_undo[i]; i++)
		strset_add(out, not_undo[i], (void *)1);
	int n;
	const char *const *names = spec_names(spec, &n);
	for (int i = 0; i < n; i++) {
		SpecEvent ev = spec_lookup(spec, names[i])->event;
		if (ev == EV_CALL || ev == EV_LOCK || ev == EV_UNLOCK)
			strset_add(out, names[i], (void *)1);
	}
}

typedef struct {
	const Tables *t;
	Parser *parser;
	VEC(FileFacts) facts;
	VEC(bool) macros;
	VEC(char *) texts; /* the sources the facts quote */
	size_t files, read_failed, parse_failed;
} Reading;

/* Does S have a function definition with a managed name? */
static bool defines_managed(const char *s, size_t n)
{
	ItemVec items = { 0 };
	NameVec names = { 0 };
	bool any = false;
	if (split_items(s, n, &items, &names) == 0)
		for (size_t i = 0; i < items.n && !any; i++)
			for (uint32_t k = 0; items.v[i].is_func && k < items.v[i].nnames && !any; k++) {
				const Name *nm = &names.v[items.v[i].first_name + k];
				any = devm_name(s + nm->start, nm->len);
			}
	VEC_FREE(&items);
	VEC_FREE(&names);
	return any;
}

/* The function-like #defines of managed names in S, each rewritten as
 * `void NAME(void *P, ...) { BODY; }` on the line where it stands (the
 * body's continuations joined, comments and # operators blanked), with
 * the lines between them empty: a text that parses, whose facts have the
 * macros' own line numbers.  NULL when S has none. */
static char *macros_as_functions(const char *s, size_t n, size_t *len)
{
	VEC(char) out = { 0 };
	bool any = false;
	for (size_t i = 0, bol = 1; i < n; i++) {
		if (s[i] == '\n') {
			VEC_PUSH(&out, '\n');
			bol = 1;
			continue;
		}
		if (!bol || s[i] != '#') {
			bol = bol && (s[i] == ' ' || s[i] == '\t');
			continue;
		}
		size_t end = lex_skip_directive(s, i, n), k = i + 1;
		while (k < end && (s[k] == ' ' || s[k] == '\t'))
			k++;
		size_t name = k + 6;
		while (name < end && (s[name] == ' ' || s[name] == '\t'))
			name++;
		size_t name_end = name;
		while (name_end < end && lex_ident_char((unsigned char)s[name_end]))
			name_end++;
		bool wanted = end - k > 6 && !memcmp(s + k, "define", 6) && name > k + 6 && name_end < end &&
			      s[name_end] == '(' && devm_name(s + name, name_end - name);
		size_t body = name_end;
		while (wanted && body < end && s[body] != ')')
			body++;
		if (!wanted || body == end) {
			for (; i < end; i++) /* keep the line count */
				if (s[i] == '\n')
					VEC_PUSH(&out, '\n');
			i = end - 1;
			bol = 0;
			continue;
		}
		char head[512];
		int w = snprintf(head, sizeof head, "void %.*s(", (int)(name_end - name), s + name);
		for (size_t p = name_end + 1, first = 1; p < body && w < (int)sizeof head - 64;) {
			while (p < body && (s[p] == ' ' || s[p] == '\t' || s[p] == ',' || s[p] == '\\' || s[p] == '\n'))
				p++;
			size_t q = p;
			while (q < body && s[q] != ',' && s[q] != ' ' && s[q] != '\t' && s[q] != '\\' && s[q] != '\n')
				q++;
			if (q == p)
				break;
			bool dots = q - p == 3 && !memcmp(s + p, "...", 3);
			w += snprintf(head + w, sizeof head - (size_t)w, "%s%s%.*s", first ? "" : ", ", dots ? "" : "void *",
				      (int)(q - p), s + p);
			first = 0;
			p = q;
		}
		w += snprintf(head + w, sizeof head - (size_t)w, ") { ");
		for (int c = 0; c < w && c < (int)sizeof head; c++)
			VEC_PUSH(&out, head[c]);
		int lines = 0;
		for (size_t p = body + 1; p < end; p++) {
			if (lex_starts_literal(s, p, end) && s[p] == '/') {
				size_t q = lex_skip_literal(s, p, end);
				for (; p < q; p++)
					lines += s[p] == '\n';
				VEC_PUSH(&out, ' ');
				p--;
				continue;
			}
			char c = s[p];
			lines += c == '\n';
			VEC_PUSH(&out, c == '\n' || c == '\\' || c == '#' ? ' ' : c);
		}
		for (const char *tail = "; }"; *tail; tail++)
			VEC_PUSH(&out, *tail);
		while (lines--)
			VEC_PUSH(&out, '\n');
		any = true;
		i = end - 1;
		bol = 0;
	}
	if (!any) {
		VEC_FREE(&out);
		return NULL;
	}
	VEC_PUSH(&out, '\0');
	*len = out.n - 1;
	return out.v;
}

static void parse_into(Reading *r, const WalkFile *f, char *text, size_t n, bool macros)
{
	FileFacts ff;
	if (!parse_facts(r->t, r->parser, f->path, f->rel, text, n, &ff)) {
		fprintf(stderr, "teardown: %s: the parser gave up%s\n", f->rel, macros ? " on its macros" : "");
		r->parse_failed++;
		free(text);
		return;
	}
	VEC_PUSH(&r->facts, ff);
	VEC_PUSH(&r->macros, macros);
	VEC_PUSH(&r->texts, text);
}

static void read_file(Reading *r, const WalkFile *f)
{
	size_t n, mn;
	SkipReason why;
	char detail[256];
	r->files++;
	char *src = f->skip ? NULL : read_source(f, READ_LIMIT, &n, &why, detail, sizeof detail);
	if (!src) {
		r->read_failed++;
		return;
	}
	if (!memmem(src, n, "devm_", 5) && !memmem(src, n, "dmam_", 5) && !memmem(src, n, "pcim_", 5)) {
		free(src);
		return;
	}
	char *macros = macros_as_functions(src, n, &mn);
	if (macros)
		parse_into(r, f, macros, mn, true);
	if (defines_managed(src, n))
		parse_into(r, f, src, n, false);
	else
		free(src);
}

/* The spec's release entry of one of DEF's wrong calls with a resource
 * class: the class the derived line borrows. */
static const char *resource_of(const Spec *spec, const DevmDef *def)
{
	for (int i = 0; i < def->nwrong; i++) {
		const SpecEntry *e = spec_lookup(spec, def->wrong[i]);
		if (e && e->resource)
			return e->resource;
	}
	return NULL;
}

static void print_line(FILE *o, const Spec *spec, const DevmDef *def)
{
	bool acquire = def->kind == DEVM_ACQUIRE;
	fprintf(o, "%-32s %s", def->name, acquire ? "acquire" : "release");
	if (def->dev >= 0)
		fprintf(o, " dev=%d", def->dev);
	if (def->res >= 0 && (!acquire || def->returns != RETURNS_POINTER))
		fprintf(o, " res=%d", def->res);
	if (acquire && def->returns == RETURNS_POINTER)
		fprintf(o, " ret=resource%s", def->fails == DEVM_FAILS_ERR    ? " fails=err"
					      : def->fails == DEVM_FAILS_NULL ? " fails=null"
									      : "");
	else if (acquire && def->returns == RETURNS_VALUE)
		fprintf(o, " ret=status");
	fputs(" managed", o);
	const char *res = resource_of(spec, def);
	if (res)
		fprintf(o, " resource=%s", res);
	if (acquire && def->node)
		fprintf(o, " node=%s", def->node);
	for (int i = 0; acquire && i < def->nwrong; i++)
		fprintf(o, "%s%s", i ? "," : " wrong=", def->wrong[i]);
	if (acquire && def->sleeps)
		fputs(" sleeps", o);
	fprintf(o, "  # %s:%u", def->file->rel, def->func->start.line);
	if (def->via)
		fprintf(o, " via %s", def->via);
	if (def->inside)
		fputs("; the release frees only the node", o);
	const SpecEntry *e = spec_lookup(spec, def->name);
	if (e)
		fprintf(o, e->node && def->node && strcmp(e->node, def->node) ? "; in the spec, node=%s" : "; in the spec",
			e->node);
	fputc('\n', o);
}

/* The definition of each name that is shown: the first classified one,
 * else the first; NULL for a callback or a name no driver can call. */
static const DevmDef *shown_def(const DevmVec *v, size_t i, StrSet *seen)
{
	const DevmDef *def = &v->v[i], *best = NULL;
	if (def->helper || strset_get(seen, def->name, strlen(def->name), NULL))
		return NULL;
	strset_add(seen, def->name, (void *)1);
	bool api = false, callback = false;
	for (size_t k = i; k < v->n; k++) {
		const DevmDef *o = &v->v[k];
		if (strcmp(o->name, def->name))
			continue;
		api |= o->api;
		callback |= o->kind == DEVM_CALLBACK;
		if (!best || (best->kind == DEVM_UNKNOWN && o->kind != DEVM_UNKNOWN))
			best = o;
	}
	return api && !callback ? best : NULL;
}

static int derive(const char *tree, bool only_new)
{
	static Tables t; /* lives as long as the process: static, so leak checkers see it */
	if (tables_load(&t) < 0)
		return 2;
	WalkResult w = { 0 };
	if (walk_path(tree, &w) < 0)
		return 2;
	Reading r = { .t = &t, .parser = parser_new(20 * 1000 * 1000) };
	for (size_t d = 0; d < w.dirs.n; d++)
		for (size_t i = 0; i < w.dirs.v[d].nfiles; i++)
			read_file(&r, &w.dirs.v[d].files[i]);
	DevmVec defs = { 0 };
	StrSet quiet = { 0 };
	not_undo_set(t.spec, &quiet);
	devm_derive(r.facts.v, r.macros.v, r.facts.n, &t.conv, &quiet, &defs);
	strset_free(&quiet);
	StrSet seen = { 0 };
	VEC(const DevmDef *) shown = { 0 };
	size_t acquires = 0, releases = 0, in_spec = 0, classified_in_spec = 0;
	for (size_t i = 0; i < defs.n; i++) {
		const DevmDef *def = shown_def(&defs, i, &seen);
		if (!def)
			continue;
		VEC_PUSH(&shown, def);
		bool known = spec_lookup(t.spec, def->name) != NULL;
		in_spec += known;
		acquires += def->kind == DEVM_ACQUIRE;
		releases += def->kind == DEVM_RELEASE;
		classified_in_spec += known && def->kind != DEVM_UNKNOWN;
	}
	for (size_t i = 0; i < shown.n; i++)
		if (shown.v[i]->kind != DEVM_UNKNOWN && !(only_new && spec_lookup(t.spec, shown.v[i]->name)))
			print_line(stdout, t.spec, shown.v[i]);
	size_t unknown = shown.n - acquires - releases;
	printf("\n# not classified (%zu)\n", unknown);
	for (size_t i = 0; i < shown.n; i++) {
		const DevmDef *def = shown.v[i];
		if (def->kind == DEVM_UNKNOWN && !(only_new && spec_lookup(t.spec, def->name)))
			printf("# %s: %s%s%s (%s:%u)\n", def->name, def->why, def->via ? ": " : "",
			       def->via ? def->via : "", def->file->rel, def->func->start.line);
	}
	fprintf(stderr,
		"teardown: spec derive: %zu files read (%zu unreadable), %zu parsed (%zu gave up); "
		"%zu managed APIs defined: %zu classified (%zu acquire, %zu release), %zu not; "
		"data/api.spec has %zu of them (%zu of the classified)\n",
		r.files, r.read_failed, r.facts.n, r.parse_failed, shown.n, acquires + releases, acquires, releases,
		unknown, in_spec, classified_in_spec);
	VEC_FREE(&shown);
	strset_free(&seen);
	VEC_FREE(&defs);
	for (size_t i = 0; i < r.facts.n; i++) {
		arena_free(&r.facts.v[i].arena);
		free(r.texts.v[i]);
	}
	VEC_FREE(&r.facts);
	VEC_FREE(&r.macros);
	VEC_FREE(&r.texts);
	parser_free(r.parser);
	walk_free(&w);
	return flush_stdout(0);
}

int spec_main(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(derive_usage, stdout);
		return flush_stdout(0);
	}
	if (argc < 2 || strcmp(argv[1], "derive"))
		return usage_error("spec", "spec wants a subcommand: derive");
	bool only_new = false;
	const char *tree = NULL;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--new"))
			only_new = true;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(derive_usage, stdout);
			return flush_stdout(0);
		} else if (argv[i][0] == '-')
			return usage_error("spec", "unknown option '%s'", argv[i]);
		else if (tree)
			return usage_error("spec", "spec derive reads one TREE, not '%s' too", argv[i]);
		else
			tree = argv[i];
	}
	if (!tree)
		return usage_error("spec", "spec derive: no TREE given");
	return derive(tree, only_new);
}
