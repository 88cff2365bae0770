/*
 * conventions.c — the kernel idioms the engine reads, from data.
 *
 * Whether `return dev_err_probe(...)` is a failure, whether
 * `if (unlikely(ret))` tests ret, that pci_get_drvdata() in remove returns
 * what pci_set_drvdata() stored in probe, or that set_bit() sets a flag a
 * later test_bit() reads: these are facts about kernel helpers, not about
 * C, and the list grows; so it is a table (data/conventions), one line a
 * helper:
 *
 *   KIND NAME [ARG] [VALUE] [PATH] [or-null]
 *
 * with the arguments each kind takes listed in the file.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract/extract.h"
#include "util/datafile.h"

static const struct {
	const char *name;
	ConvKind kind;
	int fields; /* after KIND NAME: 0 none, 1 ARG, 2 ARG PATH, 3 ARG PATH VALUE, 4 ARG VALUE */
} kinds[] = {
	{ "error-code", CONV_ERROR_CODE, -1 },  { "error-test", CONV_ERROR_TEST, -1 },
	{ "transparent", CONV_TRANSPARENT, 0 }, { "returns", CONV_RETURNS, 1 },
	{ "constant", CONV_CONSTANT, 0 },       { "count", CONV_COUNT, 0 },
	{ "store", CONV_STORE, 3 },
	{ "load", CONV_LOAD, 2 },               { "member", CONV_MEMBER, 2 },
	{ "container", CONV_CONTAINER, 2 },     { "bit-set", CONV_BIT_SET, 4 },
	{ "bit-clear", CONV_BIT_CLEAR, 4 },     { "bit-test", CONV_BIT_TEST, 4 },
	{ "bit-test-set", CONV_BIT_TEST_SET, 4 }, { "bit-test-clear", CONV_BIT_TEST_CLEAR, 4 },
};

static bool index_of(const char *s, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < 0 || v > 31)
		return false;
	*out = (int)v;
	return true;
}

static const char *read_line(const DataLine *l, void *ctx)
{
	if (l->nfields < 2)
		return "expected: KIND NAME [ARGS]";
	size_t k = 0;
	while (k < sizeof kinds / sizeof *kinds && strcmp(l->field[0], kinds[k].name))
		k++;
	if (k == sizeof kinds / sizeof *kinds)
		return "unknown kind (see the list at the top of data/conventions)";
	Convention c = { .kind = kinds[k].kind, .arg = -1, .value = -1 };
	int n = l->nfields - 2;
	const char *const *f = (const char *const *)l->field + 2;
	switch (kinds[k].fields) {
	case -1: /* error-code [ARG], error-test [or-null] */
		if (n > 1)
			return "too many fields";
		if (n && c.kind == CONV_ERROR_TEST) {
			if (strcmp(f[0], "or-null"))
				return "error-test takes only the flag or-null";
			c.or_null = true;
		} else if (n && !index_of(f[0], &c.arg))
			return "ARG is an argument index";
		break;
	case 0:
		if (n)
			return "this kind takes no arguments";
		break;
	case 1:
		if (n != 1 || !index_of(f[0], &c.arg))
			return "expected: KIND NAME ARG";
		break;
	case 2:
		if (n != 2 || !index_of(f[0], &c.arg))
			return "expected: KIND NAME ARG PATH";
		c.path = xstrdup(f[1]);
		break;
	case 3:
		if (n != 3 || !index_of(f[0], &c.arg) || !index_of(f[2], &c.value))
			return "expected: KIND NAME ARG PATH VALUE";
		c.path = xstrdup(f[1]);
		break;
	case 4:
		if (n != 2 || !index_of(f[0], &c.arg) || !index_of(f[1], &c.value))
			return "expected: KIND NAME NR-ARG ADDR-ARG";
		break;
	}
	Convention *p = xmalloc(sizeof *p);
	*p = c;
	strset_add(&((Conventions *)ctx)->names, l->field[1], p);
	return NULL;
}

int conventions_load(Conventions *c)
{
	*c = (Conventions){ 0 };
	return datafile_read("conventions", read_line, c);
}

const Convention *convention_get(const Conventions *c, const char *name)
{
	return strset_get(&c->names, name, strlen(name), NULL);
}

ConvKind convention_of(const Conventions *c, const char *name)
{
	const Convention *p = convention_get(c, name);
	return p ? p->kind : CONV_NONE;
}
