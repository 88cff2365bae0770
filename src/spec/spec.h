/*
 * spec: the data file that tells teardown what each kernel API does.
 *
 * The analyzer knows C; the model knows the kernel's resource state
 * machines; the spec is the dictionary between them.  Each line of
 * data/api.spec names one kernel function and says which model event it
 * is, which argument holds the device, the IRQ, the handler, the dev_id,
 * the resource being released, what its return value means, whether it
 * is the managed (devm) form, whether it may sleep, and, for a managed
 * acquire, which unmanaged release functions are the wrong way to undo
 * it.  Adding an API is an edit to the data file, not to C.
 *
 * An entry can say which semantics profiles have the API
 * (`profiles=proposed`); the loader is given the profiles' names (the
 * model's table, src/model/profile.c, is their one source), so a typo in
 * one is caught at load time with file:line.
 *
 * Lookup is a string set (the analyzer looks up every call in the kernel tree);
 * spec_names() gives the identifier list the scanner's prefilter needs.
 */
#ifndef TEARDOWN_SPEC_H
#define TEARDOWN_SPEC_H

#include <stdbool.h>

/* What a call does to the model.  The managed flag tells devm forms apart. */
typedef enum {
	EV_CALL,          /* no resource effect: only the may-it-sleep check */
	EV_LOCK,          /* enter atomic context (spin_lock family, ...) */
	EV_UNLOCK,        /* leave it */
	EV_PCI_ENABLE,    /* pci_enable_device; managed: pcim_enable_device */
	EV_PCI_DISABLE,   /* pci_disable_device */
	EV_PCI_PIN,       /* pcim_pin_device */
	EV_VEC_ALLOC,     /* MSI/MSI-X vectors; managed: pcim_alloc_irq_vectors */
	EV_VEC_FREE,      /* pci_free_irq_vectors, pci_disable_msi(x) */
	EV_IRQ_VECTOR,    /* pci_irq_vector: the IRQ number of vector i */
	EV_VEC_QUERY,     /* pci_dev_msi_enabled: are MSI or MSI-X vectors enabled now */
	EV_INTX,          /* pci_intx; managed: pcim_intx */
	EV_IRQ_REQUEST,   /* request_irq family; managed: devm_request_irq */
	EV_IRQ_FREE,      /* free_irq; managed: devm_free_irq */
	EV_IRQ_ENABLE,    /* enable_irq: the handler can run again */
	EV_IRQ_DISABLE,   /* disable_irq(_nosync): the handler cannot run until enabled */
	EV_ACQUIRE,       /* kmalloc, ioremap, clk_get, ...; managed: devm_* */
	EV_RELEASE,       /* kfree, iounmap, clk_put, ...; managed: devm_kfree, ... */
	EV_ACTION_ADD,    /* devm_add_action(_or_reset) */
	EV_ACTION_REMOVE, /* devm_remove_action: unlink, do not call */
	EV_ACTION_RELEASE,/* devm_release_action: unlink and call */
	EV_GROUP_OPEN,    /* devres_open_group */
	EV_GROUP_CLOSE,
	EV_GROUP_REMOVE,
	EV_GROUP_RELEASE,
	EV_COUNT
} SpecEvent;

/* Which argument plays which role; -1 when the API has no such argument. */
typedef enum {
	ARG_DEV,      /* struct device * or struct pci_dev * */
	ARG_IRQ,      /* IRQ number */
	ARG_HANDLER,  /* hard IRQ handler */
	ARG_THREAD,   /* threaded handler */
	ARG_DEV_ID,   /* cookie passed to the handler and to free_irq */
	ARG_RES,      /* the resource a release function releases */
	ARG_FLAGS,    /* PCI_IRQ_* flags of pci_alloc_irq_vectors; IRQF_* of an IRQ request */
	ARG_GFP,      /* gfp_t: the call sleeps unless the flags are atomic */
	ARG_INDEX,    /* vector index (pci_irq_vector, pci_request_irq) */
	ARG_ENABLE,   /* pci_intx's enable */
	ARG_FN,       /* devm action callback */
	ARG_DATA,     /* devm action data */
	ARG_ID,       /* devres group id */
	ARG_LOCK,     /* the lock a lock/unlock call takes */
	ARG_MIN,      /* the fewest vectors a count-returning allocation accepts */
	ARG_MAX,      /* the most it asks for */
	ARG_COUNT
} SpecArg;

/* What the return value means. */
typedef enum {
	RET_NONE,     /* void, or not modelled */
	RET_STATUS,   /* 0 on success, negative errno on failure */
	RET_COUNT,    /* number of vectors (> 0), negative errno on failure */
	RET_RESOURCE, /* the resource itself; NULL or ERR_PTR on failure */
	RET_IRQ,      /* an IRQ number, negative errno on failure */
	RET_BOOL      /* nonzero on success (spin_trylock) */
} SpecReturn;

enum {
	SPEC_MANAGED  = 1 << 0, /* devm form: undone by devres at detach */
	SPEC_SLEEPS   = 1 << 1, /* may sleep whatever the arguments */
	SPEC_OR_RESET = 1 << 2, /* devm_add_action_or_reset: run the action if the add fails */
	SPEC_PCI_DEV  = 1 << 3, /* the device argument is a struct pci_dev * */
	SPEC_IRQ_MSI  = 1 << 4, /* vector call restricted to MSI ... */
	SPEC_IRQ_MSIX = 1 << 5, /* ... or to MSI-X (otherwise ARG_FLAGS says) */
	SPEC_PURE     = 1 << 6, /* the same arguments give the same result (pci_irq_vector) */
	SPEC_ZEROED   = 1 << 7, /* the memory it returns is zeroed (kzalloc) */
	SPEC_FREES    = 1 << 8, /* releasing it frees the object's memory (kfree, not an unregister) */
};

/* How a RET_RESOURCE call reports failure. */
typedef enum { FAIL_ANY, FAIL_NULL, FAIL_ERR } SpecFailure;

typedef struct SpecEntry {
	const char *name;
	SpecEvent event;
	signed char arg[ARG_COUNT];
	SpecReturn ret;
	SpecFailure fails;      /* RET_RESOURCE: NULL, an ERR_PTR, or either */
	unsigned flags;
	unsigned profiles;      /* bit i: the spec's profile i has it; all bits: every profile */
	const char *resource;   /* resource class of an acquire/release ("memory", "iomap", ...) */
	const char *node;       /* devres release function a managed acquire registers */
	const char *const *wrong; /* unmanaged releases that must not undo this managed acquire */
	int nwrong;
	int line;               /* line in the spec file, for messages */
} SpecEntry;

typedef struct Spec Spec;

/* Load a spec whose profiles= may name the NPROFILES PROFILES (bit i of
 * SpecEntry.profiles is PROFILES[i]); NULL with a "file:line: message" in
 * err on any malformed line. */
Spec *spec_load(const char *path, const char *const *profiles, int nprofiles, char *err, int errlen);
void spec_free(Spec *spec);

const SpecEntry *spec_lookup(const Spec *spec, const char *name);
/* Does E acquire something devres releases at detach (memory, a mapping,
 * an IRQ...), so that an unmanaged release of it is a double free? */
static inline bool spec_is_managed_acquire(const SpecEntry *e)
{
	return e && (e->flags & SPEC_MANAGED) && (e->event == EV_ACQUIRE || e->event == EV_IRQ_REQUEST);
}
/* Every API name, in file order; *count receives the number. */
const char *const *spec_names(const Spec *spec, int *count);

/* The index of a profile the spec was loaded with, -1 if it was not. */
int spec_profile_index(const Spec *spec, const char *profile);
bool spec_entry_in_profile(const SpecEntry *e, int profile_index);

/* Does this API name a wrong (unmanaged) release for the managed acquire e? */
bool spec_is_wrong_release(const SpecEntry *e, const char *release);


#endif
