/*
 * conventions.c — the kernel idioms the graph builder reads, from data.
 *
 * Whether `return dev_err_probe(...)` is a failure, or whether
 * `if (unlikely(ret))` tests ret, is a fact about kernel helpers, not
 * about C, and the list grows; so it is a table (data/conventions).
 */
#include <stdint.h>
#include <string.h>

#include "extract/extract.h"
#include "util/datafile.h"

static const char *read_line(const DataLine *l, void *ctx)
{
	static const char *const kinds[] = { [CONV_ERROR_CODE] = "error-code",
					     [CONV_ERROR_TEST] = "error-test",
					     [CONV_TRANSPARENT] = "transparent" };
	if (l->nfields != 2)
		return "expected: KIND NAME";
	for (int k = CONV_ERROR_CODE; k <= CONV_TRANSPARENT; k++)
		if (!strcmp(l->field[0], kinds[k])) {
			strset_add(&((Conventions *)ctx)->names, l->field[1], (void *)(intptr_t)k);
			return NULL;
		}
	return "unknown kind (expected error-code, error-test or transparent)";
}

int conventions_load(Conventions *c)
{
	*c = (Conventions){ 0 };
	return datafile_read("conventions", read_line, c);
}

int convention_of(const Conventions *c, const char *name)
{
	return (int)(intptr_t)strset_get(&c->names, name, strlen(name), NULL);
}
