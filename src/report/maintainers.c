/*
 * maintainers.c — who is told of a finding: MAINTAINERS, as get_maintainer.pl reads it.
 *
 * A finding is only useful to the people who can act on it, and the kernel
 * says who they are in the tree's MAINTAINERS file.  Each section is a
 * title and `X:<tab>value` lines; a file belongs to a section when one of
 * its F: patterns matches it and none of its X: patterns does, or when an
 * N: regular expression matches its path.  The people are the section's
 * M: (with the role its S: status gives) and R: lines, the lists its L:
 * lines (those marked subscribers-only left out).  This file follows the
 * reading of scripts/get_maintainer.pl run with --nogit --nogit-fallback
 * on a file:
 *
 *   - an F: or X: pattern is a glob matched at the start of the path: `*`
 *     is any text, `?` any character, `[...]` a class.  A pattern that
 *     ends in `/`, or names a directory of the tree, matches everything
 *     under it; any other must also have as many `/` as the path, so
 *     `net/foo*` matches net/foo.c but not net/foo/x.c;
 *   - sections are taken from the most specific match down (the number of
 *     `/` in the pattern, one more when it does not end in `/`), and an
 *     address given by two sections is given once, by the first;
 *   - K: keywords are matched against a patch, and against a file's text
 *     only with --keywords-in-file (off by default): a file's people do
 *     not depend on them here either;
 *   - Linus Torvalds, listed as the maintainer of THE REST, is left out
 *     unless asked for (--git-chief-penguins), as get_maintainer does.
 *
 * Most F: patterns are plain text and are compared as text; only the few
 * with glob characters, and the N: expressions, are compiled (POSIX
 * extended regular expressions, which the N: lines of the tree are
 * written in).  The table is read once per scan and shared read-only by
 * the workers.
 */
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "report/report.h"
#include "util/strset.h"

/* The maintainer get_maintainer.pl leaves out by default. */
static const char chief_penguin[] = "torvalds@linux-foundation.org";

typedef struct {
	char type;      /* F, X, N, M, R, L, S, ... */
	char *value;
	char *pattern;  /* F, X: the glob as get_maintainer rewrites it (a dir gains its '/') */
	bool literal;   /* F, X: no glob character: compared as text */
	bool compiled;  /* F, X with glob characters, and N: RE holds it */
	regex_t re;
} Line;

typedef struct {
	char *title;
	Line *lines;
	size_t nlines;
	const char *status; /* S: */
} Section;

struct Maintainers {
	Section *sections;
	size_t nsections;
	/* .mailmap: by `Name <address>` as get_maintainer formats it, or by
	 * address alone, the name and the address to print instead */
	StrSet mail_names, mail_addresses;
};

static size_t slashes(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '/';
	return n;
}

/* The glob of an F: or X: line, with a '/' added when it names a
 * directory of the tree at ROOT; compiled when it is not plain text. */
static void prepare_pattern(Line *l, const char *root)
{
	size_t n = strlen(l->value);
	l->pattern = xmalloc(n + 2);
	memcpy(l->pattern, l->value, n + 1);
	l->literal = !strpbrk(l->value, "*?[");
	char path[4096];
	struct stat st;
	snprintf(path, sizeof path, "%s/%s", root, l->value);
	if (l->literal && n && l->value[n - 1] != '/' && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		strcpy(l->pattern + n, "/");
	if (l->literal)
		return;
	/* glob -> extended regular expression, anchored at the start */
	char *re = xmalloc(2 * n + 2), *o = re;
	*o++ = '^';
	for (const char *p = l->pattern; *p; p++) {
		if (*p == '*')
			*o++ = '.', *o++ = '*';
		else if (*p == '?')
			*o++ = '.';
		else if (strchr(".+(){}|^$\\", *p))
			*o++ = '\\', *o++ = *p;
		else
			*o++ = *p;
	}
	*o = '\0';
	l->compiled = regcomp(&l->re, re, REG_EXTENDED | REG_NOSUB) == 0;
	free(re);
}

static void add_line(Section *s, char type, const char *value, const char *root)
{
	s->lines = xrealloc(s->lines, (s->nlines + 1) * sizeof *s->lines);
	Line *l = &s->lines[s->nlines++];
	*l = (Line){ .type = type, .value = xstrdup(value) };
	if (type == 'F' || type == 'X')
		prepare_pattern(l, root);
	else if (type == 'N')
		l->compiled = regcomp(&l->re, value, REG_EXTENDED | REG_NOSUB) == 0;
	else if (type == 'S')
		s->status = l->value;
}

static void parse_contact(const char *who, char *name, size_t nsize, char *addr, size_t asize);
static char *format_person(const char *name, const char *raw_addr);

static void map_set(StrSet *map, const char *key, const char *value)
{
	char *old = strset_get(map, key, strlen(key), NULL);
	free(old);
	strset_set(map, key, xstrdup(value));
}

/* One line of .mailmap, trimmed, in one of git's four forms:
 *   Name <a>            a is printed with Name
 *   <a> <b>             b is printed as a
 *   Name <a> <b>        b is printed as Name <a>
 *   Name <a> Other <b>  Other <b> is printed as Name <a> */
static void mailmap_line(Maintainers *m, char *l)
{
	char *lt[2] = { strchr(l, '<'), NULL }, *gt[2] = { lt[0] ? strchr(lt[0], '>') : NULL, NULL };
	if (!gt[0])
		return;
	lt[1] = strchr(gt[0], '<');
	gt[1] = lt[1] ? strchr(lt[1], '>') : NULL;
	char name[256], addr[256], fmt[600];
	*gt[0] = '\0';
	const char *real_addr = lt[0] + 1;
	snprintf(fmt, sizeof fmt, "%.*s<%s>", (int)(lt[0] - l), l, real_addr);
	parse_contact(fmt, name, sizeof name, addr, sizeof addr); /* the name, unquoted */
	if (!gt[1]) { /* Name <a> */
		if (*name)
			map_set(&m->mail_names, real_addr, name);
		return;
	}
	*gt[1] = '\0';
	const char *wrong = lt[1] + 1;
	char *other = gt[0] + 1;
	*lt[1] = '\0';
	while (isspace((unsigned char)*other))
		other++;
	for (size_t n = strlen(other); n && isspace((unsigned char)other[n - 1]);)
		other[--n] = '\0';
	if (*other) { /* Name <a> Other <b> */
		char *who = format_person(other, wrong);
		snprintf(fmt, sizeof fmt, "%s", who);
		free(who);
		wrong = fmt;
	}
	if (*name)
		map_set(&m->mail_names, wrong, name);
	map_set(&m->mail_addresses, wrong, real_addr);
}

static void read_mailmap(Maintainers *m, const char *root)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/.mailmap", root);
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	while (f && getline(&line, &cap, f) >= 0) {
		line[strcspn(line, "#\r\n")] = '\0';
		mailmap_line(m, line);
	}
	free(line);
	if (f)
		fclose(f);
}

Maintainers *maintainers_load(const char *root)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/MAINTAINERS", root);
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	Maintainers *m = xcalloc(1, sizeof *m);
	char *line = NULL, *title = NULL;
	size_t cap = 0;
	Section *cur = NULL;
	for (ssize_t len; (len = getline(&line, &cap, f)) >= 0;) {
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ' ||
			       line[len - 1] == '\t'))
			line[--len] = '\0';
		if (isupper((unsigned char)line[0]) && line[1] == ':') {
			const char *v = line + 2;
			while (*v == ' ' || *v == '\t')
				v++;
			if (!cur) { /* the first value after a title opens its section */
				m->sections = xrealloc(m->sections, (m->nsections + 1) * sizeof *m->sections);
				cur = &m->sections[m->nsections++];
				*cur = (Section){ .title = title ? title : xstrdup("") };
				title = NULL;
			}
			add_line(cur, line[0], v, root);
		} else if (len && line[0] != '#' && !isspace((unsigned char)line[0])) {
			free(title); /* a title; the text before the first section is prose */
			title = xstrdup(line);
			cur = NULL;
		}
	}
	free(title);
	free(line);
	fclose(f);
	read_mailmap(m, root);
	return m;
}

static void map_free(StrSet *map)
{
	for (size_t i = 0; i < map->cap; i++)
		free(strset_value_at(map, i));
	strset_free(map);
}

void maintainers_free(Maintainers *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nsections; i++) {
		Section *s = &m->sections[i];
		for (size_t k = 0; k < s->nlines; k++) {
			if (s->lines[k].compiled)
				regfree(&s->lines[k].re);
			free(s->lines[k].value);
			free(s->lines[k].pattern);
		}
		free(s->lines);
		free(s->title);
	}
	free(m->sections);
	map_free(&m->mail_names);
	map_free(&m->mail_addresses);
	free(m);
}

/* Does glob line L match FILE, as get_maintainer's file_match_pattern? */
static bool glob_matches(const Line *l, const char *file)
{
	const char *p = l->pattern;
	bool hit = l->literal ? !strncmp(file, p, strlen(p)) : l->compiled && !regexec(&l->re, file, 0, NULL, 0);
	if (!hit)
		return false;
	size_t n = strlen(p);
	return (n && p[n - 1] == '/') || slashes(file) == slashes(p);
}

/* How specific F: line L is: the depth get_maintainer sorts sections by. */
static int depth(const Line *l)
{
	const char *p = l->pattern;
	size_t n = strlen(p);
	if (p[0] == '*')
		return -1;
	return (int)slashes(p) + (n && p[n - 1] != '/');
}

/* The depth at which section S claims FILE, or -2 when it does not. */
static int claims(const Section *s, const char *file)
{
	for (size_t k = 0; k < s->nlines; k++)
		if (s->lines[k].type == 'X' && glob_matches(&s->lines[k], file))
			return -2;
	int best = -2;
	for (size_t k = 0; k < s->nlines; k++) {
		const Line *l = &s->lines[k];
		int d = -2;
		if (l->type == 'F' && glob_matches(l, file))
			d = depth(l);
		else if (l->type == 'N' && l->compiled && !regexec(&l->re, file, 0, NULL, 0))
			d = 0;
		if (d > best)
			best = d;
	}
	return best;
}

/* The role get_maintainer gives an M: line, by the section's status. */
static const char *role(const Section *s)
{
	static const char *const roles[][2] = {
		{ "supported", "supporter" },         { "maintained", "maintainer" },
		{ "odd fixes", "odd fixer" },         { "orphan", "orphan minder" },
		{ "obsolete", "obsolete minder" },    { "buried alive in reporters", "chief penguin" },
	};
	for (size_t i = 0; s->status && i < sizeof roles / sizeof *roles; i++)
		if (!strncasecmp(s->status, roles[i][0], strlen(roles[i][0])))
			return roles[i][1];
	return "maintainer";
}

/* The name and address of "Name <addr>", "\"Name\" <addr>" or "addr
 * more text", into NAME (empty when there is none) and ADDR (lower case). */
static void parse_contact(const char *who, char *name, size_t nsize, char *addr, size_t asize)
{
	const char *lt = strchr(who, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	size_t n = lt && gt ? (size_t)(gt - lt - 1) : strcspn(who, " \t");
	snprintf(addr, asize, "%.*s", (int)n, lt && gt ? lt + 1 : who);
	for (char *c = addr; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	const char *end = lt && gt ? lt : who;
	while (end > who && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end > who && *who == '"' && end[-1] == '"' && end - who >= 2)
		who++, end--;
	snprintf(name, nsize, "%.*s", (int)(end - who), who);
}

/* A person as get_maintainer prints one: the name quoted when it holds
 * anything but ASCII letters, digits, '_', '-' and spaces. */
static char *format_person(const char *name, const char *raw_addr)
{
	bool quote = false;
	for (const unsigned char *c = (const unsigned char *)name; *c; c++)
		quote |= !(isalnum(*c) && *c < 0x80) && !strchr("_- ", *c);
	size_t n = strlen(name) + strlen(raw_addr) + 6;
	char *s = xmalloc(n);
	if (!*name)
		snprintf(s, n, "%s", raw_addr);
	else
		snprintf(s, n, quote ? "\"%s\" <%s>" : "%s <%s>", name, raw_addr);
	return s;
}

/* What .mailmap says NAME <RAW> is printed as: into NAME and RAW. */
static void mailmap(const Maintainers *m, char *name, size_t nsize, char *raw, size_t rsize)
{
	char *who = format_person(name, raw);
	const StrSet *maps[2] = { &m->mail_names, &m->mail_addresses };
	const char *key = who;
	if (!strset_get(maps[0], who, strlen(who), NULL) && !strset_get(maps[1], who, strlen(who), NULL))
		key = raw; /* not known by name and address: by address alone */
	const char *real_name = strset_get(maps[0], key, strlen(key), NULL);
	const char *real_addr = strset_get(maps[1], key, strlen(key), NULL);
	if (real_name)
		snprintf(name, nsize, "%s", real_name);
	if (real_addr)
		snprintf(raw, rsize, "%s", real_addr);
	free(who);
}

/* Add the contact WHO (an M:, R: or L: value) unless its address, or a
 * person's name, was given already: by a more specific section. */
static void add_contact(const Maintainers *m, ContactVec *out, const char *who, bool list, const char *kind,
			const char *section)
{
	char name[256], addr[256], raw[256];
	parse_contact(who, name, sizeof name, addr, sizeof addr);
	if (list)
		name[0] = '\0';
	/* the address as written, for printing */
	const char *lt = strchr(who, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	size_t n = lt && gt ? (size_t)(gt - lt - 1) : strcspn(who, " \t");
	snprintf(raw, sizeof raw, "%.*s", (int)n, lt && gt ? lt + 1 : who);
	if (!list) {
		mailmap(m, name, sizeof name, raw, sizeof raw);
		snprintf(addr, sizeof addr, "%s", raw);
		for (char *c = addr; *c; c++)
			*c = (char)tolower((unsigned char)*c);
	}
	for (size_t i = 0; i < out->n; i++)
		if (!strcmp(out->v[i].address, addr) || (*name && out->v[i].name && !strcasecmp(out->v[i].name, name)))
			return;
	Contact c = { .who = format_person(name, raw), .address = xstrdup(addr),
		      .name = *name ? xstrdup(name) : NULL, .list = list };
	/* get_maintainer cuts a section's name longer than 50 characters to
	 * 47, without the spaces it then ends in, and adds "..." */
	size_t sl = strlen(section), keep = sl;
	if (sl > 50)
		for (keep = 47; keep && isspace((unsigned char)section[keep - 1]);)
			keep--;
	size_t rn = strlen(kind) + keep + 6;
	c.role = xmalloc(rn);
	snprintf(c.role, rn, "%s%s%.*s%s", kind, *section ? ":" : "", (int)keep, section, sl > 50 ? "..." : "");
	VEC_PUSH(out, c);
}

typedef struct {
	const Section *s;
	int depth;
} Claim;

static int deepest_first(const void *a, const void *b)
{
	const Claim *x = a, *y = b;
	return (y->depth > x->depth) - (y->depth < x->depth);
}

void maintainers_of(const Maintainers *m, const char *file, ContactVec *out)
{
	Claim *claims_v = xcalloc(m->nsections ? m->nsections : 1, sizeof *claims_v);
	size_t n = 0;
	for (size_t i = 0; i < m->nsections; i++) {
		int d = claims(&m->sections[i], file);
		if (d > -2)
			claims_v[n++] = (Claim){ &m->sections[i], d };
	}
	qsort(claims_v, n, sizeof *claims_v, deepest_first);
	char name[256], addr[256];
	for (size_t i = 0; i < n; i++) {
		const Section *s = claims_v[i].s;
		/* THE REST names no list role: its list is just "open list" */
		const char *list_section = strcmp(s->title, "THE REST") ? s->title : "";
		for (size_t k = 0; k < s->nlines; k++) {
			const Line *l = &s->lines[k];
			parse_contact(l->value, name, sizeof name, addr, sizeof addr);
			if (l->type == 'M' && strcmp(addr, chief_penguin))
				add_contact(m, out, l->value, false, role(s), s->title);
			else if (l->type == 'R')
				add_contact(m, out, l->value, false, "reviewer", s->title);
			else if (l->type == 'L' && !strstr(l->value, "subscribers-only"))
				add_contact(m, out, l->value, true, strstr(l->value, "moderated") ? "moderated list" : "open list",
					    list_section);
		}
	}
	free(claims_v);
}

void contacts_free(ContactVec *v)
{
	for (size_t i = 0; i < v->n; i++) {
		free(v->v[i].who);
		free(v->v[i].address);
		free(v->v[i].role);
		free(v->v[i].name);
	}
	VEC_FREE(v);
}
