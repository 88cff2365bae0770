/* extract.h — from a syntax tree to facts; joining facts into drivers. */
#ifndef EXTRACT_H
#define EXTRACT_H

#include "teardown.h"
#include "util/strset.h"

/* What the driver core does with a callback field (drivers.tbl's roles). */
typedef enum {
	ROLE_PROBE,       /* binds the driver */
	ROLE_REMOVE,      /* undoes probe at unbind (usb: disconnect) */
	ROLE_SHUTDOWN,
	ROLE_PM,          /* power management: an ops struct or legacy suspend/resume */
	ROLE_ERR_HANDLER, /* PCI error recovery ops */
	ROLE_OTHER,       /* anything else the bus calls (sriov_configure, pre_reset) */
	ROLE_PREPARE,     /* an MSI domain's msi_prepare: makes per-device state */
	ROLE_TEARDOWN,    /* its msi_teardown: undoes what prepare made */
	ROLE_COUNT
} CallbackRole;

struct Bus {
	const char *name;        /* "pci" */
	const char *struct_name; /* "pci_driver" */
	const char **fields;     /* callback field paths: "probe", "driver.pm" */
	CallbackRole *roles;     /* each field's role */
	int nfields;
	bool binds_positive;     /* a probe returning > 0 binds too (PCI) */
};

/* The tables of data/drivers.tbl, loaded once. */
enum { MAX_BUSES = 32 };
typedef struct {
	Bus *buses;
	int nbuses;
	StrSet by_struct; /* struct name -> Bus* */
	size_t struct_suffix; /* length of the ending the struct names share ("_driver") */
	bool *own_search;     /* per bus: its name does not end so, and is searched for alone */
	StrSet registers; /* registration function -> (argument index + 1) */
} BusTable;

int bus_table_load(BusTable *t);

/* The coding conventions of data/conventions: what kernel helpers that are
 * not resource APIs do to values.  Kinds from CONV_BUILTIN on change what
 * the engine knows of memory, so a driver function calling one is worth
 * replaying. */
typedef enum {
	CONV_NONE,
	CONV_ERROR_CODE,   /* returns a negative errno (argument ARG's value, made one) */
	CONV_ERROR_TEST,   /* IS_ERR(x): x is an ERR_PTR (FLAG: or NULL) */
	CONV_TRANSPARENT,  /* has the value of its argument: unlikely(x) */
	CONV_RETURNS,      /* returns argument ARG: ERR_PTR(e) */
	CONV_CONSTANT,     /* with constant arguments, a constant: BIT(3) */
	CONV_COUNT,        /* a count fixed by its argument's type, >= 1: ARRAY_SIZE(a) */
	CONV_BUILTIN,
	CONV_STORE = CONV_BUILTIN, /* *(ARG->PATH) = argument VALUE: pci_set_drvdata */
	CONV_LOAD,         /* returns ARG->PATH: pci_get_drvdata */
	CONV_MEMBER,       /* returns &ARG->PATH: netdev_priv */
	CONV_CONTAINER,    /* returns the object whose member PATH argument ARG is */
	CONV_BIT_SET,      /* set bit NR (argument ARG) of *(argument VALUE) */
	CONV_BIT_CLEAR,
	CONV_BIT_TEST,
	CONV_BIT_TEST_SET,
	CONV_BIT_TEST_CLEAR,
	CONV_KINDS
} ConvKind;

typedef struct {
	ConvKind kind;
	int arg;          /* the argument it reads (object, pointer or bit number) */
	int value;        /* STORE: the argument stored; BIT_*: the address argument */
	bool or_null;     /* ERROR_TEST: IS_ERR_OR_NULL */
	const char *path; /* STORE, LOAD, MEMBER: dotted fields; CONTAINER: the member,
			     or "@N" for the text of argument N (container_of) */
} Convention;

typedef struct {
	StrSet names; /* name -> Convention* */
} Conventions;

int conventions_load(Conventions *c);
ConvKind convention_of(const Conventions *c, const char *name);
const Convention *convention_get(const Conventions *c, const char *name);
const Bus *bus_by_struct(const BusTable *t, const char *name, size_t len);
/* Argument index of the driver struct in a registration call, or -1. */
int bus_register_arg(const BusTable *t, const char *fn);
/* Is FIELD (a dotted path) a callback field of BUS? */
bool bus_has_field(const Bus *bus, const char *field);
/* Has BUS a callback field of ROLE? */
bool bus_has_role(const Bus *bus, CallbackRole role);

struct TSTree;
/* Look up the grammar's node kinds; call once before the workers start. */
void extract_init(void);
/* Extract the facts of one parsed file into F (whose path, rel, bytes and
 * arena are set by the caller) from its NTREES syntax trees: the whole file,
 * or one per parsed item, in text order.  SRC is the original text: facts
 * quote it, not the masked copy the parser saw. */
void extract_file(FileFacts *f, struct TSTree *const *trees, size_t ntrees, const char *src,
		  const BusTable *buses, const Conventions *conv);

/* Join the drivers of one directory's files: each driver struct initializer
 * with its registration and the definitions of its callbacks, looked up in
 * the same file first and then in the other files of the directory. */
typedef VEC(Driver) DriverVec;
void join_drivers(FileFacts *files, size_t nfiles, DriverVec *out);
void drivers_free(DriverVec *v);
/* D's callback of ROLE that has a definition, NULL if none: of the bus's
 * fields of that role, the first in drivers.tbl's order (probe before
 * probe_new). */
const Callback *driver_callback(const Driver *d, CallbackRole role);
/* The definition NAME resolves to from FILES[HOME], as a callback's does
 * (a static of its own file, else an extern of a sibling), and its file;
 * NULL if the directory has none parsed. */
const Func *join_resolve(const FileFacts *files, size_t nfiles, size_t home, const char *name,
			 const FileFacts **where);

#endif
