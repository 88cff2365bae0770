/*
 * join.c — from the facts of one directory to its drivers.
 *
 * A driver is a struct initializer (`struct pci_driver foo = {...}`) joined
 * with the registration that names it and with the definitions of the
 * functions its callback fields name.  Kernel drivers split across files:
 * the struct in main.c, probe in core.c.  C linkage decides where a name
 * resolves: a static function of the struct's own file first, then an
 * external (non-static) definition in a sibling file of the directory.
 *
 * The directory is teardown's unit of work for exactly this reason: all the
 * facts a join needs are in memory together, and nothing else is.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract/extract.h"

static const Func *find_in_file(const FileFacts *f, const char *name, bool want_extern)
{
	for (uint32_t i = 0; i < f->nfuncs; i++)
		if (!strcmp(f->funcs[i].name, name) && (!want_extern || !f->funcs[i].is_static))
			return &f->funcs[i];
	return NULL;
}

static const Registration *find_registration(FileFacts *files, size_t nfiles, size_t home,
					     const char *var)
{
	for (size_t k = 0; k < nfiles; k++) {
		const FileFacts *f = &files[(home + k) % nfiles]; /* own file first */
		for (uint32_t i = 0; i < f->nregs; i++)
			if (!strcmp(f->regs[i].var, var))
				return &f->regs[i];
	}
	return NULL;
}

const Func *join_resolve(const FileFacts *files, size_t nfiles, size_t home, const char *name,
			 const FileFacts **where)
{
	const Func *fn = find_in_file(&files[home], name, false);
	if (fn) {
		*where = &files[home];
		return fn;
	}
	for (size_t k = 0; k < nfiles; k++) {
		if (k == home)
			continue;
		fn = find_in_file(&files[k], name, true);
		if (fn) {
			*where = &files[k];
			return fn;
		}
	}
	return NULL;
}

static void resolve(Callback *cb, FileFacts *files, size_t nfiles, size_t home)
{
	cb->func = join_resolve(files, nfiles, home, cb->name, &cb->file);
}

void join_drivers(FileFacts *files, size_t nfiles, DriverVec *out)
{
	for (size_t h = 0; h < nfiles; h++) {
		FileFacts *f = &files[h];
		for (uint32_t d = 0; d < f->ndefs; d++) {
			const DriverDef *def = &f->defs[d];
			Driver drv = {
				.bus = def->bus,
				.name = def->var,
				.file = f,
				.def = def,
				.reg = find_registration(files, nfiles, h, def->var),
				.callbacks = xcalloc(def->nfields ? def->nfields : 1, sizeof(Callback)),
			};
			for (uint32_t i = 0; i < def->nfields; i++) {
				const DriverField *df = &def->fields[i];
				if (!df->ident)
					continue;
				Callback *cb = &drv.callbacks[drv.ncallbacks++];
				*cb = (Callback){ .field = df->field, .name = df->ident, .pos = df->pos };
				resolve(cb, files, nfiles, h);
			}
			VEC_PUSH(out, drv);
		}
	}
}

const Callback *driver_callback(const Driver *d, CallbackRole role)
{
	const Bus *b = d->bus;
	for (int f = 0; f < b->nfields; f++)
		if (b->roles[f] == role)
			for (uint32_t i = 0; i < d->ncallbacks; i++)
				if (d->callbacks[i].func && !strcmp(d->callbacks[i].field, b->fields[f]))
					return &d->callbacks[i];
	return NULL;
}

void drivers_free(DriverVec *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i].callbacks);
	VEC_FREE(v);
}
