/*
 * internal.h: the model's state, shared by the files of src/model/.
 *
 * The state is a handful of small arrays, so that model_clone() is a few
 * memcpy()s: the devres list (nodes in insertion order, group markers
 * included), tracked resources, IRQs, IRQ-number-to-vector links, groups,
 * a job stack for releases in progress, and flat structs for the PCI
 * device, the MSI domain and the execution context.  Evidence lives in
 * Transition records (reference counted, immutable once finished) that
 * state items point to; equality ignores them.  (A Transition is the
 * model's record of one event; the report's Step, in teardown.h, is one
 * line of a finding's path.)
 *
 * Each event opens one Transition ("pcim_enable_device(pdev)"), handlers
 * append effects to it ("enabled (enable_cnt 1)"), and findings raised
 * meanwhile are emitted after it is finished, so an observer always sees
 * the transition before the finding it explains.  A Diagnosis is the
 * model's record of one finding (ModelFinding is its public view).
 */
#ifndef TEARDOWN_MODEL_INTERNAL_H
#define TEARDOWN_MODEL_INTERNAL_H

#include <stdarg.h>

#include "model/model.h"

/* --- profiles (profile.c, data/profiles) --- */

typedef enum {
	PCI_DEVRES_SINGLE,      /* 6.1: one pcim_release node holds everything */
	PCI_DEVRES_PER_RESOURCE /* 6.11+: one devres node per resource */
} PciDevres;

typedef enum {
	INTX_RECORD,            /* 6.1: pci_intx records the restore state in pcim_release */
	INTX_HYBRID_ALLOC,      /* 6.11: pci_intx calls pcim_intx (GFP_KERNEL) on managed devices */
	INTX_UNMANAGED          /* 6.12, proposed: plain register write */
} IntxMode;

struct Profile {
	const char *name;
	const char *summary;
	int since_major, since_minor; /* first kernel version it describes; -1: none (proposed) */
	bool is_default;          /* of scans outside a kernel tree, and of traces */
	PciDevres pci_devres;
	IntxMode intx;
	bool intx_restore_latest; /* 6.11 pcim_intx: orig_intx = !enable on every call, not the first state */
	bool msi_hybrid;          /* pcim_msi_release registered implicitly when managed */
	bool msix_context_early;  /* a failing MSI-X attempt still installs the MSI devres nodes */
	bool msi_teardown;        /* MSI domains pair msi_prepare with msi_teardown */
	bool pm_detach_in_cleanup; /* device_unbind_cleanup detaches the PM domain after devres */
	bool devres_before_bus;   /* driver devres released before the bus tears down its state */
	bool hybrid_documented;   /* freeing a pcim_enable_device driver's vectors is documented misuse */
};

/* --- intern pool and evidence (pool.c, step.c) --- */

typedef struct Pool Pool;
Pool *pool_new(void);
Pool *pool_ref(Pool *pool);
void pool_unref(Pool *pool);
const char *intern(Pool *pool, const char *s);
unsigned long pool_next_seq(Pool *pool);

typedef struct Transition {
	int refs;
	unsigned long seq;        /* creation order, for sorting evidence */
	ModelStep pub;
	char *text;
	size_t len, cap;
	int effects;              /* effects appended so far */
} Transition;

typedef struct Diagnosis {
	int refs;
	ModelFinding pub;
	char *message;
	const ModelStep **steps;
	Transition **owned;
} Diagnosis;

Transition *step_ref(Transition *s);
void step_unref(Transition *s);
bool step_same(const Transition *a, const Transition *b);
void diagnosis_unref(Diagnosis *f);

/* --- the state --- */

typedef enum {
	NODE_PCIM_RELEASE,   /* 6.1 pcim_release */
	NODE_PCIM_DISABLE,   /* 6.11+ pcim_disable_device action */
	NODE_MSI_DATA,       /* msi_device_data_release */
	NODE_MSI_RELEASE,    /* pcim_msi_release: the implicit (hybrid) vector free */
	NODE_MSI_VECTORS,    /* proposed: pcim_alloc_irq_vectors' release */
	NODE_INTX_RESTORE,   /* pcim_intx_restore */
	NODE_IRQ,            /* devm_irq_release */
	NODE_RESOURCE,       /* a managed acquire */
	NODE_ACTION,         /* devm_add_action */
	NODE_GROUP_OPEN,
	NODE_GROUP_CLOSE,
} NodeKind;

/*
 * The state's fields are declared by the lists below, each field once with
 * what it counts for, and state.c derives model_equal, model_hash and the
 * evidence reference counts from the same lists, so a field cannot be added
 * without deciding.  Each list is FIELDS(KEY, SAME, EVIDENCE, ASIDE, PART,
 * LIST):
 *
 *   KEY(T, f)       compared by model_equal and mixed into model_hash
 *   SAME(T, f)      compared, not hashed
 *   EVIDENCE(f)     a Transition * (who did it): counted by clone and free,
 *                   never compared
 *   ASIDE(T, f)     none of these: the comment says why
 *   PART(T, f)      a struct with its own list, compared and hashed by it
 *   LIST(T, f, H)   an array (f, nf, capf), compared element by element and
 *                   hashed by H: EACH element's keys, its COUNT, or NONE
 *
 * What the hash leaves out matters beyond speed: the analyzer's visited set
 * (analyze/paths.c) goes by the hash alone, so within one function's replay
 * two states that differ only in SAME fields are replayed once.  Moving a
 * field between KEY and SAME changes findings, not only time.
 */
#define FIELD_DECLARE(T, f) T f;
#define FIELD_DECLARE_EVIDENCE(f) Transition *f;
#define FIELD_DECLARE_LIST(T, f, H) T *f; int n##f, cap##f;
#define STATE_STRUCT(FIELDS) \
	FIELDS(FIELD_DECLARE, FIELD_DECLARE, FIELD_DECLARE_EVIDENCE, FIELD_DECLARE, FIELD_DECLARE, FIELD_DECLARE_LIST)

#define NODE_FIELDS(KEY, SAME, EVIDENCE, ASIDE, PART, LIST)                          \
	KEY(NodeKind, kind)                                                          \
	ASIDE(int, id)              /* insertion number, shown as #id: two paths */  \
				    /* that added different nodes on the way can */  \
				    /* still reach equal lists */                    \
	KEY(int, ref)               /* index into irqs, res or groups */             \
	SAME(const char *, fn)      /* NODE_ACTION */                                \
	SAME(const char *, data)                                                     \
	SAME(bool, intx_disabled)   /* NODE_INTX_RESTORE: the bit to restore */      \
	EVIDENCE(step)              /* where it was added */

typedef struct Node { STATE_STRUCT(NODE_FIELDS) } Node;

typedef enum { RES_LIVE, RES_FREED, RES_WRONGLY_FREED } ResState;

#define RES_FIELDS(KEY, SAME, EVIDENCE, ASIDE, PART, LIST)                           \
	KEY(const char *, sym)                                                       \
	SAME(const SpecEntry *, by)                                                  \
	KEY(ResState, state)                                                         \
	SAME(bool, managed)                                                          \
	SAME(int, binding)          /* binding it was acquired in (0: outside any) */ \
	SAME(bool, owed)            /* a devm action that failed to register would */ \
				    /* have released it (devm-action-leak) */        \
	EVIDENCE(acquired) EVIDENCE(released) EVIDENCE(owed_by)

typedef struct Res { STATE_STRUCT(RES_FIELDS) } Res;

typedef enum { IRQ_LIVE, IRQ_FREED, IRQ_WRONGLY_FREED } IrqState;

#define IRQ_FIELDS(KEY, SAME, EVIDENCE, ASIDE, PART, LIST)                           \
	KEY(const char *, irq)                                                       \
	SAME(const char *, dev_id)                                                   \
	SAME(const SpecEntry *, by)                                                  \
	SAME(int, vector)           /* PCI vector index it sits on, -1 if none */    \
	SAME(bool, managed)                                                          \
	SAME(bool, desc_gone)       /* its vector was freed under it */              \
	SAME(bool, disabled)        /* IRQF_NO_AUTOEN or disable_irq: no handler runs */ \
	KEY(IrqState, state)                                                         \
	SAME(int, binding)                                                           \
	SAME(bool, owed)            /* as Res.owed */                                \
	EVIDENCE(requested) EVIDENCE(freed) EVIDENCE(owed_by)

typedef struct Irq { STATE_STRUCT(IRQ_FIELDS) } Irq;

/* pci_irq_vector(pdev, i) -> sym */
#define LINK_FIELDS(KEY, SAME, EVIDENCE, ASIDE, PART, LIST)                          \
	SAME(const char *, sym)                                                      \
	SAME(int, vector)

typedef struct Link { STATE_STRUCT(LINK_FIELDS) } Link;

#define GROUP_FIELDS(KEY, SAME, EVIDENCE, ASIDE, PART, LIST)                         \
	SAME(const char *, id)                                                       \
	SAME(bool, closed_once)     /* a close marker was ever added */

typedef struct Group { STATE_STRUCT(GROUP_FIELDS) } Group;

/* JOB_FENCE: a callback handed out is running; what lies below waits for it. */
typedef enum { JOB_SCRIPT, JOB_NODE, JOB_CALL, JOB_FENCE } JobKind;

typedef enum {
	BS_TEXT,              /* a bus step with no resource effect, shown as text */
	BS_PM_DETACH,         /* dev_pm_domain_detach */
	BS_RELEASE_BUS_GROUP, /* devres_release_group of the group the bus opened */
	BS_RELEASE_ALL,       /* devres_release_all */
	BS_RELEASE_ALL_DONE,  /* internal: devres_release_all has released everything */
	BS_BINDING_END,       /* internal: the binding is over, check what is left */
	BS_END
} BusStepKind;

typedef struct BusStep {
	BusStepKind kind;
	const char *text;
} BusStep;

/* A job's fields other than its kind are zero unless the kind uses them. */
#define JOB_FIELDS(KEY, SAME, EVIDENCE, ASIDE, PART, LIST)                           \
	SAME(JobKind, kind)                                                          \
	SAME(const BusStep *, script) /* JOB_SCRIPT */                               \
	PART(Node, node)            /* JOB_NODE: unlinked, waiting for its release */ \
	SAME(const char *, fn)      /* JOB_CALL: a driver callback to run now */     \
	SAME(const char *, data)                                                     \
	SAME(bool, unregistered)    /* JOB_CALL: the action of a failed */           \
				    /* devm_add_action, run only to learn what it */  \
				    /* would have released (the model's dry mode) */ \
	ASIDE(ModelOrigin, origin)  /* the event that queued it: evidence */         \
	EVIDENCE(why)               /* JOB_CALL: the transition that queued it */

typedef struct Job { STATE_STRUCT(JOB_FIELDS) } Job;

typedef enum {
	PHASE_UNBOUND,            /* no driver bound */
	PHASE_PROBE,              /* driver probe running */
	PHASE_REMOVE,             /* driver remove running */
	PHASE_TEARDOWN,           /* bus remove / unwind and devres release */
} Phase;

typedef enum { VEC_NONE, VEC_MSI, VEC_MSIX } VecType;

/* The dr_ fields are 6.1's struct pci_devres, meaningful while the
 * pcim_release node exists. */
#define PCI_FIELDS(KEY, SAME, EVIDENCE, ASIDE, PART, LIST)                           \
	KEY(int, enable_cnt)                                                         \
	KEY(bool, is_managed)                                                        \
	KEY(bool, pinned)                                                            \
	KEY(bool, is_msi_managed)                                                    \
	KEY(bool, msi_data)                                                          \
	KEY(VecType, vectors)       /* what is enabled now */                        \
	KEY(int, nvec)                                                               \
	KEY(bool, intx_disabled)    /* PCI_COMMAND_INTX_DISABLE */                   \
	SAME(bool, intx_at_bind)    /* the bit when the binding started */           \
	SAME(bool, intx_by_driver)  /* the driver called pci_intx on a managed device */ \
	SAME(bool, freed_explicitly) /* the driver freed its vectors this binding */ \
	ASIDE(bool, pinned_binding) /* pcim_pin_device was called this binding: */   \
				    /* within a binding it follows from pinned or */ \
				    /* dr_pinned, which count; only traces (which */ \
				    /* never merge states) see a second binding */   \
	KEY(bool, dr_enabled)                                                        \
	SAME(bool, dr_pinned)                                                        \
	SAME(bool, dr_restore_intx)                                                  \
	SAME(bool, dr_orig_intx)                                                     \
	EVIDENCE(managed_by) EVIDENCE(vectors_by) EVIDENCE(freed_by)                 \
	EVIDENCE(intx_by) EVIDENCE(disabled_by)

typedef struct PciState { STATE_STRUCT(PCI_FIELDS) } PciState;

typedef enum { DOMAIN_NONE, DOMAIN_LIVE, DOMAIN_DESTROYED } DomainState;

#define DOMAIN_FIELDS(KEY, SAME, EVIDENCE, ASIDE, PART, LIST)                        \
	SAME(bool, per_device)      /* the parent creates per-device state in msi_prepare */ \
	KEY(DomainState, state)                                                      \
	SAME(bool, shared)          /* ITS: prepared twice, never freed */           \
	EVIDENCE(prepared) EVIDENCE(destroyed)

typedef struct MsiDomain { STATE_STRUCT(DOMAIN_FIELDS) } MsiDomain;

#define MODEL_FIELDS(KEY, SAME, EVIDENCE, ASIDE, PART, LIST)                         \
	/* model_hash's last answer: the analyzer asks for it at every node of */    \
	/* a replay, and most nodes call nothing.  Every entry point that */         \
	/* changes the state clears it (model_changed). */                           \
	ASIDE(unsigned long, hash)                                                   \
	ASIDE(bool, hash_ok)                                                         \
	/* model_similar_hash's, asked of every outcome a function returns */      \
	ASIDE(unsigned long, similar_hash)                                           \
	ASIDE(bool, similar_ok)                                                      \
	ASIDE(const Spec *, spec)   /* one per analysis, shared by clones */         \
	SAME(const Profile *, profile)                                               \
	ASIDE(int, profile_index)   /* in the spec's profile list: follows from profile */ \
	SAME(ModelBus, bus)                                                          \
	ASIDE(Pool *, pool)         /* shared by clones, counted by clone and free */ \
	ASIDE(ModelObserver, observer) /* who hears of transitions, not state */     \
	KEY(Phase, phase)                                                            \
	KEY(int, binding)           /* bindings so far; the current one while bound */ \
	ASIDE(int, next_node_id)    /* numbering (Node.id); anonymous group names */ \
				    /* made from it are compared where they are kept */ \
	SAME(int, releasing_all)    /* devres_release_all in progress */             \
	KEY(int, atomic)            /* lock depth */                                 \
	SAME(int, handler)          /* hard IRQ handler depth */                     \
	KEY(bool, dry)              /* replaying an unregistered action: releases */ \
				    /* only mark what they would release as owed, */  \
				    /* nothing else happens (a key: summaries of a */ \
				    /* dry replay are not a real one's) */           \
	EVIDENCE(atomic_by)                                                          \
	EVIDENCE(dry_by)            /* the failed devm_add_action */                 \
	PART(PciState, pci)                                                          \
	PART(MsiDomain, domain)                                                      \
	LIST(Node, nodes, EACH)                                                      \
	LIST(Res, res, EACH)                                                         \
	LIST(Irq, irqs, EACH)                                                        \
	LIST(Link, links, NONE)                                                      \
	LIST(Group, groups, NONE)                                                    \
	LIST(Job, jobs, COUNT)                                                       \
	/* The history: evidence of what happened, never compared.  Between */      \
	/* events cur and pending are empty; model_clone starts a clone without */   \
	/* them and copies findings, taking a reference on each. */                  \
	ASIDE(Transition *, cur)    /* the transition being built */                 \
	ASIDE(Diagnosis **, pending) /* findings raised during cur */                \
	ASIDE(int, npending) ASIDE(int, cappending)                                  \
	ASIDE(Diagnosis **, findings)                                                \
	ASIDE(int, nfindings) ASIDE(int, capfindings)                                \
	ASIDE(int, nwarnings)

struct Model { STATE_STRUCT(MODEL_FIELDS) };

/* A new element at the end of the model's array ARR (a LIST, or pending and
 * findings): a pointer to it, uninitialised. */
#define PUSH(m, arr) (grow((void **)&(m)->arr, &(m)->cap##arr, (m)->n##arr + 1, sizeof *(m)->arr), &(m)->arr[(m)->n##arr++])
void grow(void **arr, int *cap, int need, size_t size);

/* step.c: building transitions and raising findings */
void step_begin(Model *m, const ModelOrigin *origin, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void step_begin_text(Model *m, const ModelOrigin *origin, char *text, size_t len, size_t cap);
void step_effect(Model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void step_end(Model *m);
/* evidence: steps that led here (NULL entries are skipped); the current step is added last. */
void finding_raise(Model *m, Severity severity, ModelRule rule, Transition *const *evidence,
		   int nevidence, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
#define EVIDENCE(...) ((Transition *const[]){ __VA_ARGS__ }), \
	(int)(sizeof((Transition *const[]){ __VA_ARGS__ }) / sizeof(Transition *))
#define NO_EVIDENCE NULL, 0

/* devres.c: the device's devres list */
Node *devres_add(Model *m, NodeKind kind, int ref);
int devres_find(const Model *m, NodeKind kind, int ref);  /* newest; -1 */
int devres_find_action(const Model *m, const char *fn, const char *data);
Node devres_unlink(Model *m, int index);
void devres_release_range(Model *m, int first, int end, const ModelOrigin *origin);
void devres_release_all(Model *m, const ModelOrigin *origin);
int devres_find_group(const Model *m, const char *id); /* index of the open marker; -1 */
const char *node_name(const Model *m, const Node *n, char *buf, int len);
void devres_group_call(Model *m, const SpecEntry *e, const char *const *args, int nargs,
		       const char *result, ModelOutcome outcome, const ModelOrigin *origin);
void devres_action_call(Model *m, const SpecEntry *e, const char *const *args, int nargs,
			ModelOutcome outcome, const ModelOrigin *origin);

/* owed.c: what a failed devm_add_action leaves the driver to release */
void action_unregistered(Model *m, const char *fn, const char *data, const ModelOrigin *origin);
void dry_begin(Model *m, Transition *why);
void dry_end(Model *m);
void owe_res(Model *m, Res *r);
void owe_irq(Model *m, Irq *q);
/* R or Q, owed and still live, can no longer be released: WHEN says why. */
void owed_res_leak(Model *m, const Res *r, const char *when);
void owed_irq_leak(Model *m, const Irq *q, const char *when);
/* release.c: running the job stack, node release effects */
void job_push_node(Model *m, const Node *node, const ModelOrigin *origin);
void job_push_call(Model *m, const char *fn, const char *data, const ModelOrigin *origin);
void job_push_script(Model *m, const BusStep *script, const ModelOrigin *origin);
bool jobs_run(Model *m, ModelCallback *callback);

/* bus.c: per-bus probe, unwind and unbind sequences */
const BusStep *bus_script(const Model *m, bool probe_failed);
void bus_run_step(Model *m, const BusStep *step, const ModelOrigin *origin);

/* pci.c */
void pci_enable_call(Model *m, const SpecEntry *e, ModelOutcome outcome);
void pci_disable_call(Model *m);
void pci_pin_call(Model *m);
void pci_disable_device_now(Model *m, const char *who);
void intx_set(Model *m, bool enable, bool from_msi);
void intx_call(Model *m, const SpecEntry *e, const char *enable);
void pci_release_node(Model *m, const Node *n);

/* msi.c */
void vec_alloc_call(Model *m, const SpecEntry *e, const char *const *args, int nargs,
		    const char *result, ModelOutcome outcome);
void vec_free_call(Model *m, const SpecEntry *e);
void vec_query_call(Model *m);
void irq_vector_call(Model *m, const char *index, const char *result, ModelOutcome outcome);
int link_vector(const Model *m, const char *sym);
enum { VECTOR_NAMED = 1 << 20 }; /* vector numbers of indices that are not numbers */
int vector_number(const char *index);
/* "3", or "?" for an index that is not a number. */
const char *vector_label(int vector, char buf[16]);
void msi_release_node(Model *m, const Node *n);
void domain_after_free(Model *m);

/* irq.c */
void irq_request_call(Model *m, const SpecEntry *e, const char *const *args, int nargs,
		      ModelOutcome outcome);
void irq_free_call(Model *m, const SpecEntry *e, const char *const *args, int nargs);
void irq_enable_call(Model *m, const SpecEntry *e, const char *const *args, int nargs, bool enable);
void irq_release_node(Model *m, const Node *n);
void irq_vectors_freed(Model *m, const char *who);
/* SYM's memory is freed now (a release with the spec's `frees`; an
 * unregistration leaves the object whole): a devm IRQ that still has it
 * as dev_id can run into freed memory. */
void irq_check_dev_id_freed(Model *m, const char *sym);

/* resource.c */
void acquire_call(Model *m, const SpecEntry *e, const char *const *args, int nargs,
		  const char *result, const ModelOrigin *origin, ModelOutcome outcome);
void release_call(Model *m, const SpecEntry *e, const char *const *args, int nargs);
void resource_release_node(Model *m, const Node *n);

/* context.c */
void context_check_sleep(Model *m, const SpecEntry *e, const char *const *args, int nargs);
/* WHAT may sleep: a finding of RULE in atomic context, with WHY (what made
 * the call allocate: the managed enable) as evidence if not NULL. */
void context_sleeping_alloc(Model *m, const char *what, ModelRule rule, Transition *why);
void context_lock(Model *m, const SpecEntry *e, const char *const *args, int nargs);
void context_unlock(Model *m);
bool context_atomic(const Model *m);

/* call.c: argument helpers */
const char *arg(const SpecEntry *e, SpecArg role, const char *const *args, int nargs);
bool is_null(const char *sym);

/* The state is about to change: forget its cached hash. */
static inline void model_changed(Model *m)
{
	m->hash_ok = m->similar_ok = false;
}

#endif
