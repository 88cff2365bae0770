/*
 * list.c — one line per driver, for a maintainer planning an API change.
 *
 * A cover letter wants "who might explode", not diagnostics: each driver
 * once, where it is, how it is classified (the rules it falls under, short
 * names when a rule prefix was asked for: `list irq-vectors` sorts drivers
 * into hybrid, implicit, leak, live-irq), and the lines that prove it, so a
 * reviewer can open the file at them.
 *
 *   drivers/net/foo/foo_main.c  foo_driver  hybrid  lines 101,120,188,foo_irq.c:40
 *
 * (lines in another file of the directory carry its name).  A driver of
 * two classes (hybrid on some paths, implicit on others) is both: its
 * line says, for each class, how the path of its first finding leaves
 * the driver (probe failure or unbind) and the last decision it took:
 *
 *   ...  implicit+hybrid  lines 3,6,10,17,20  paths: implicit: probe failure
 *   through foo_probe() (6), 10 `ret` is true; hybrid: unbind through
 *   foo_remove() (17), 10 `ret` is false
 *
 * With
 * --by-maintainer the lines are grouped under each maintainer and list of
 * their files (MAINTAINERS, maintainers.c): one block per person to write to.
 */
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

enum { MAX_LINES = 32 };

static const char *short_name(const char *id, const char *rule)
{
	size_t n = strlen(rule);
	return id[n] == '-' ? id + n + 1 : id;
}

/* An evidence line; FILE is NULL when it is the driver's own file. */
typedef struct {
	const char *file;
	uint32_t line;
} Where;

static int by_place(const void *a, const void *b)
{
	const Where *x = a, *y = b;
	int c = strcmp(x->file ? x->file : "", y->file ? y->file : "");
	return c ? c : (x->line > y->line) - (x->line < y->line);
}

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* One driver's line from its JSON object: the text is made from what
 * JSON shows, so the two never differ. */
static void line_print(FILE *f, json_t *j)
{
	const char *file = json_string_value(json_object_get(j, "file"));
	print_escaped(f, file);
	fprintf(f, "  %s  ", json_string_value(json_object_get(j, "driver")));
	size_t k;
	json_t *v;
	json_array_foreach(json_object_get(j, "classification"), k, v)
		fprintf(f, "%s%s", k ? "+" : "", json_string_value(v));
	fputs("  lines ", f);
	json_array_foreach(json_object_get(j, "lines"), k, v) {
		const char *in = json_string_value(json_object_get(v, "file"));
		fputs(k ? "," : "", f);
		if (strcmp(in, file))
			fprintf(f, "%s:", base(in));
		fprintf(f, "%lld", (long long)json_integer_value(json_object_get(v, "line")));
	}
	json_array_foreach(json_object_get(j, "paths"), k, v) {
		fprintf(f, "%s%s: %s", k ? "; " : "  paths: ", json_string_value(json_object_get(v, "class")),
			json_string_value(json_object_get(v, "exit")));
		const char *fn = json_string_value(json_object_get(v, "function"));
		json_t *at = json_object_get(v, "at");
		const char *in = json_string_value(json_object_get(at, "file"));
		fprintf(f, " through %s%s (%s%s%lld)", fn ? fn : "", fn ? "()" : "the driver", strcmp(in, file) ? base(in) : "",
			strcmp(in, file) ? ":" : "", (long long)json_integer_value(json_object_get(at, "line")));
		json_t *d = json_object_get(v, "decision");
		if (d) {
			const char *in = json_string_value(json_object_get(d, "file"));
			fputs(", ", f);
			if (strcmp(in, file))
				fprintf(f, "%s:", base(in));
			fprintf(f, "%lld ", (long long)json_integer_value(json_object_get(d, "line")));
			print_escaped(f, json_string_value(json_object_get(d, "what")));
		}
	}
	fputc('\n', f);
}

/* How FD's path leaves the driver and the last decision it took there
 * (the newest "path:" step), as JSON: { class, exit, decision }. */
static json_t *path_json(const char *class, const Finding *fd)
{
	json_t *j = json_object();
	json_object_set_new(j, "class", json_str(class));
	json_object_set_new(j, "exit", json_str(fd->exit ? fd->exit : "probe"));
	json_object_set_new(j, "at", pos_json(fd->file, fd->pos));
	if (fd->function)
		json_object_set_new(j, "function", json_str(fd->function));
	static const char mark[] = "path: ";
	for (uint32_t s = fd->nsteps; s-- > 0;) {
		const Step *st = &fd->steps[s];
		if (!st->file || strncmp(st->what, mark, sizeof mark - 1))
			continue;
		json_t *d = pos_json(st->file, st->pos);
		json_object_set_new(d, "what", json_str(st->what + sizeof mark - 1));
		json_object_set_new(j, "decision", d);
		break;
	}
	return j;
}

void list_print(FILE *f, json_t *items, const Finding *found, size_t n, const char *rule, const Maintainers *m)
{
	bool *done = xcalloc(n ? n : 1, sizeof *done);
	for (size_t i = 0; i < n; i++) {
		if (done[i] || !rule_matches(found[i].rule, rule))
			continue;
		/* Gather this driver's findings of the rule: classes and lines. */
		const char *classes[16];
		const Finding *first_of[16]; /* each class's first finding */
		int nclasses = 0;
		Where lines[MAX_LINES];
		int nlines = 0;
		const char *file = found[i].driver_file;
		for (size_t k = i; k < n; k++) {
			const Finding *fd = &found[k];
			if (done[k] || strcmp(fd->driver, found[i].driver) || !rule_matches(fd->rule, rule))
				continue;
			done[k] = true;
			const char *c = short_name(fd->rule, rule);
			bool seen = false;
			for (int j = 0; j < nclasses; j++)
				seen |= !strcmp(classes[j], c);
			if (!seen && nclasses < 16) {
				first_of[nclasses] = fd;
				classes[nclasses++] = c;
			}
			for (uint32_t s = 0; s <= fd->nsteps && nlines < MAX_LINES; s++) {
				Where w = s < fd->nsteps ? (Where){ fd->steps[s].file, fd->steps[s].pos.line }
							 : (Where){ fd->file, fd->pos.line };
				if (w.file && !strcmp(w.file, file))
					w.file = NULL;
				bool dup = !w.line;
				for (int j = 0; j < nlines; j++)
					dup |= !by_place(&lines[j], &w);
				if (!dup)
					lines[nlines++] = w;
			}
		}
		qsort(lines, (size_t)nlines, sizeof *lines, by_place);
		json_t *cl = json_array(), *ln = json_array();
		for (int j = 0; j < nclasses; j++)
			json_array_append_new(cl, json_str(classes[j]));
		for (int j = 0; j < nlines; j++)
			json_array_append_new(ln, pos_json(lines[j].file ? lines[j].file : file, (Pos){ lines[j].line, 1 }));
		json_t *j = json_object();
		json_object_set_new(j, "driver", json_str(found[i].driver));
		json_object_set_new(j, "file", json_str(file));
		json_object_set_new(j, "classification", cl);
		json_object_set_new(j, "lines", ln);
		if (nclasses > 1) {
			json_t *paths = json_array();
			for (int c = 0; c < nclasses; c++)
				json_array_append_new(paths, path_json(classes[c], first_of[c]));
			json_object_set_new(j, "paths", paths);
		}
		if (m) {
			ContactVec to = { 0 };
			maintainers_of(m, file, &to);
			json_object_set_new(j, "maintainers", contacts_json(&to));
			contacts_free(&to);
		}
		if (items)
			json_array_append_new(items, j);
		else {
			line_print(f, j);
			json_decref(j);
		}
	}
	free(done);
}

static void print_list(const Printer *p, const DriverVec *drivers, const FindingVec *found, FILE *out,
		       json_t *items)
{
	list_print(out, items, found->v, found->n, p->rule, p->by_maintainer ? p->maintainers : NULL);
}

/* Who gets which drivers: per contact (in the order first met), the
 * drivers of ITEMS whose file it is a contact of. */
void list_by_maintainer(FILE *f, json_t *items, json_t *summary)
{
	json_t *groups = json_array(), *index = json_object();
	size_t i, k;
	json_t *d, *c;
	json_array_foreach(items, i, d) {
		json_array_foreach(json_object_get(d, "maintainers"), k, c) {
			const char *who = json_string_value(json_object_get(c, "who"));
			json_t *g = json_object_get(index, who);
			if (!g) {
				g = json_object();
				json_object_set(g, "who", json_object_get(c, "who"));
				json_object_set(g, "role", json_object_get(c, "role"));
				json_object_set_new(g, "drivers", json_array());
				json_object_set(index, who, g);
				json_array_append_new(groups, g);
			}
			json_t *copy = json_copy(d);
			json_object_del(copy, "maintainers");
			json_array_append_new(json_object_get(g, "drivers"), copy);
		}
	}
	json_decref(index);
	json_decref(items);
	if (summary) {
		document_print(f, "maintainers", groups, summary);
		return;
	}
	json_array_foreach(groups, i, c) {
		fprintf(f, "%s%s (%s)\n", i ? "\n" : "", json_string_value(json_object_get(c, "who")),
			json_string_value(json_object_get(c, "role")));
		json_array_foreach(json_object_get(c, "drivers"), k, d) {
			fputs("  ", f);
			line_print(f, d);
		}
	}
	json_decref(groups);
}

Printer list_printer(const char *rule)
{
	return (Printer){ .key = "drivers", .findings = true, .rule = rule, .dir = print_list };
}
