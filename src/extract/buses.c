/*
 * buses.c — the driver buses teardown recognises, read from data/drivers.tbl.
 *
 * Which struct types are driver structs, which of their fields are callbacks
 * and what the driver core does with each (its role: the analysis replays
 * probe, then remove), and which macros or functions register them is
 * kernel knowledge that grows with every bus a user cares about, so it is a
 * table, not code.  This file interprets its four record kinds (bus,
 * field, register, binds).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract/extract.h"
#include "util/datafile.h"

static Bus *find_bus(BusTable *t, const char *name)
{
	for (int i = 0; i < t->nbuses; i++)
		if (!strcmp(t->buses[i].name, name))
			return &t->buses[i];
	return NULL;
}

static const char *const role_names[ROLE_COUNT] = {
	[ROLE_PROBE] = "probe", [ROLE_REMOVE] = "remove", [ROLE_SHUTDOWN] = "shutdown",
	[ROLE_PM] = "pm", [ROLE_ERR_HANDLER] = "err_handler", [ROLE_OTHER] = "other",
	[ROLE_PREPARE] = "prepare", [ROLE_TEARDOWN] = "teardown",
};

static const char *read_line(const DataLine *l, void *ctx)
{
	BusTable *t = ctx;
	const char *kind = l->field[0];
	if (!strcmp(kind, "bus")) {
		if (l->nfields != 3)
			return "expected: bus NAME STRUCT";
		if (find_bus(t, l->field[1]))
			return "bus defined twice";
		if (t->nbuses == MAX_BUSES)
			return "too many buses (MAX_BUSES in extract.h)";
		t->buses = xrealloc(t->buses, (t->nbuses + 1) * sizeof *t->buses);
		t->buses[t->nbuses++] = (Bus){ xstrdup(l->field[1]), xstrdup(l->field[2]), NULL, NULL, 0, false };
		return NULL;
	}
	Bus *bus = l->nfields > 1 ? find_bus(t, l->field[1]) : NULL;
	if (!bus)
		return "unknown bus (declare it with a `bus` line first)";
	if (!strcmp(kind, "field")) {
		if (l->nfields != 4)
			return "expected: field BUS PATH ROLE";
		int role = 0;
		while (role < ROLE_COUNT && strcmp(l->field[3], role_names[role]))
			role++;
		if (role == ROLE_COUNT)
			return "ROLE is probe, remove, shutdown, pm, err_handler, other, prepare or teardown";
		if (bus_has_field(bus, l->field[2]))
			return "field listed twice";
		bus->fields = xrealloc(bus->fields, (bus->nfields + 1) * sizeof *bus->fields);
		bus->roles = xrealloc(bus->roles, (bus->nfields + 1) * sizeof *bus->roles);
		bus->roles[bus->nfields] = (CallbackRole)role;
		bus->fields[bus->nfields++] = xstrdup(l->field[2]);
		return NULL;
	}
	if (!strcmp(kind, "register")) {
		char *end;
		long arg = l->nfields == 4 ? strtol(l->field[3], &end, 10) : -1;
		if (l->nfields != 4 || *end || arg < 0 || arg > 16)
			return "expected: register BUS FUNCTION ARG (ARG a small argument index)";
		strset_add(&t->registers, l->field[2], (void *)(intptr_t)(arg + 1));
		return NULL;
	}
	if (!strcmp(kind, "binds")) {
		bool positive = l->nfields == 3 && !strcmp(l->field[2], "nonnegative");
		if (l->nfields != 3 || (!positive && strcmp(l->field[2], "zero")))
			return "expected: binds BUS zero|nonnegative";
		bus->binds_positive = positive;
		return NULL;
	}
	return "unknown record (expected bus, field, register or binds)";
}

int bus_table_load(BusTable *t)
{
	*t = (BusTable){ 0 };
	if (datafile_read("drivers.tbl", read_line, t) < 0)
		return -1;
	/* Indexed after loading: the array moved while it grew. */
	for (int i = 0; i < t->nbuses; i++)
		strset_add(&t->by_struct, t->buses[i].struct_name, &t->buses[i]);
	/* The ending the struct names share, for the prefilter's one search
	 * (scan.c): a name that would cut it below four bytes (an ops struct
	 * among the *_driver structs) is searched for on its own instead. */
	t->own_search = xcalloc(t->nbuses ? t->nbuses : 1, sizeof *t->own_search);
	const char *first = t->nbuses ? t->buses[0].struct_name : "";
	size_t lf = strlen(first);
	t->struct_suffix = lf;
	for (int i = 1; i < t->nbuses; i++) {
		const char *b = t->buses[i].struct_name;
		size_t lb = strlen(b), k = 0;
		while (k < t->struct_suffix && k < lb && first[lf - 1 - k] == b[lb - 1 - k])
			k++;
		if (k < 4 && t->struct_suffix >= 4)
			t->own_search[i] = true;
		else
			t->struct_suffix = k;
	}
	return 0;
}

const Bus *bus_by_struct(const BusTable *t, const char *name, size_t len)
{
	return strset_get(&t->by_struct, name, len, NULL);
}

int bus_register_arg(const BusTable *t, const char *fn)
{
	return (int)(intptr_t)strset_get(&t->registers, fn, strlen(fn), NULL) - 1;
}

bool bus_has_field(const Bus *bus, const char *field)
{
	for (int i = 0; i < bus->nfields; i++)
		if (!strcmp(bus->fields[i], field))
			return true;
	return false;
}

bool bus_has_role(const Bus *bus, CallbackRole role)
{
	for (int i = 0; i < bus->nfields; i++)
		if (bus->roles[i] == role)
			return true;
	return false;
}
