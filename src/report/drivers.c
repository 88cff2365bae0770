/*
 * drivers.c — one line per driver: what `teardown drivers` prints.
 *
 * The line says where the driver struct is, how it is registered and where
 * each callback it names is defined; `?` marks a name with no function
 * definition in the directory (an ops struct such as driver.pm, or a
 * callback the join could not resolve).  The discovery-recall benchmark
 * reads the JSON form.
 */
#include <string.h>

#include "report/report.h"

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

void driver_print(FILE *f, const Driver *d)
{
	print_escaped(f, d->file->rel);
	fprintf(f, ":%u:%u: %s driver %s", d->def->pos.line, d->def->pos.col, d->bus->name, d->name);
	if (d->reg)
		fprintf(f, " registered by %s", d->reg->how);
	else
		fputs(" not registered here", f);
	for (uint32_t i = 0; i < d->ncallbacks; i++) {
		const Callback *cb = &d->callbacks[i];
		fprintf(f, " %s=%s@", cb->field, cb->name);
		if (cb->func)
			fprintf(f, "%s:%u", base(cb->file->rel), cb->func->start.line);
		else
			fputc('?', f);
	}
	fputc('\n', f);
}

static void print_drivers(const Printer *p, const DriverVec *drivers, const FindingVec *found, FILE *out,
			  json_t *items)
{
	for (size_t i = 0; i < drivers->n; i++) {
		if (items)
			json_array_append_new(items, driver_json(&drivers->v[i]));
		else
			driver_print(out, &drivers->v[i]);
	}
}

const Printer drivers_printer = { .key = "drivers", .every_function = true, .dir = print_drivers };

json_t *driver_json(const Driver *d)
{
	json_t *cbs = json_object();
	for (uint32_t i = 0; i < d->ncallbacks; i++) {
		const Callback *cb = &d->callbacks[i];
		json_t *j = json_object();
		json_object_set_new(j, "name", json_str(cb->name));
		json_object_set_new(j, "definition",
				    cb->func ? pos_json(cb->file->rel, cb->func->start) : json_null());
		json_object_set_new(cbs, cb->field, j);
	}
	json_t *j = json_object();
	json_object_set_new(j, "bus", json_str(d->bus->name));
	json_object_set_new(j, "driver", json_str(d->name));
	json_object_set_new(j, "location", pos_json(d->file->rel, d->def->pos));
	json_object_set_new(j, "registered_by", d->reg ? json_str(d->reg->how) : json_null());
	json_object_set_new(j, "callbacks", cbs);
	return j;
}
