/*
 * value.c — symbolic values, and the decision procedure for conditions.
 *
 * A value is a number, a pointer to an object, a named constant the
 * engine cannot fold (an enumerator, a macro), or a symbol: a value the
 * path has not fixed, such as an API's result or a field nobody wrote on
 * this path.  What the path's conditions established about a symbol lives
 * in its Facts:
 *
 *   - an interval [lo, hi] and up to two excluded numbers: after
 *     `nvec = pci_alloc_irq_vectors(pdev, 1, 1, ...)` succeeded, nvec is in
 *     [1, 1], so `if (nvec != 1)` is decided;
 *   - the named constant it equals, or one it differs from:
 *     `priv->mode == MODE_MSI` on one branch, not on the other;
 *   - masks known set or clear, and whether every other bit is known
 *     clear (a field of zeroed memory): `flags |= FLAG_MSI` then
 *     `if (flags & FLAG_MSI)` is decided, and so is a test of another flag
 *     of a kzalloc'd struct nobody set;
 *   - which kinds of pointer it can be: NULL, valid, an ERR_PTR.  A failed
 *     call's result is P_FAILED: whichever test the driver applies
 *     (`!p`, IS_ERR, `ret < 0`) finds the failure, because the driver's
 *     test is how it learns of it.
 *
 * Why this is enough: driver error handling tests results against
 * constants (0, negative, NULL, IS_ERR), tests flags it set itself, and
 * compares loop counters with bounds; relations between two unknowns
 * (`a < b` with neither known) are rare in the paths that acquire and
 * release resources, and there both outcomes are explored, which can only
 * add paths, never remove a real one.  Distinct named constants are taken
 * to be distinct values (enumerators, flags), and a named errno
 * (`-ENOMEM`) to lie in [-4095, -1].
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "analyze/internal.h"

enum { ERRNO_MIN = -4095 };

Val val_int(int64_t n)
{
	return (Val){ .kind = V_INT, .n = n };
}

Val val_sym(Key k)
{
	return (Val){ .kind = V_SYM, .key = k };
}

Val val_obj(Key k)
{
	return (Val){ .kind = V_OBJ, .key = k };
}

bool val_equal(const Val *a, const Val *b)
{
	return a->kind == b->kind && a->flag == b->flag && a->key == b->key && a->n == b->n &&
	       a->name == b->name;
}

uint64_t val_hash(const Val *v)
{
	uint64_t h = key_mix(v->kind * 31u + v->flag, v->key);
	return key_mix(h, (uint64_t)v->n ^ (uint64_t)(uintptr_t)v->name);
}

Facts facts_default(Key k)
{
	return (Facts){ .key = k, .lo = INT64_MIN, .hi = INT64_MAX, .rlo = -2, .rhi = 2, .pclass = P_ANY };
}

bool facts_equal(const Facts *a, const Facts *b)
{
	if (a->key != b->key || a->lo != b->lo || a->hi != b->hi || a->eq != b->eq || a->nen != b->nen ||
	    a->nbits != b->nbits || a->bitset != b->bitset || a->nne != b->nne || a->pclass != b->pclass ||
	    a->closed != b->closed || a->rel != b->rel || a->rlo != b->rlo || a->rhi != b->rhi)
		return false;
	for (int i = 0; i < a->nne; i++)
		if (a->ne[i] != b->ne[i])
			return false;
	for (int i = 0; i < a->nbits; i++)
		if (a->bits[i] != b->bits[i])
			return false;
	return true;
}

bool facts_is_default(const Facts *f)
{
	Facts d = facts_default(f->key);
	return facts_equal(f, &d);
}

uint64_t facts_hash(const Facts *f)
{
	uint64_t h = key_mix(f->key, (uint64_t)f->lo);
	h = key_mix(h, (uint64_t)f->hi ^ ((uint64_t)f->pclass << 56) ^ ((uint64_t)f->bitset << 48) ^
			       ((uint64_t)f->closed << 40));
	h = key_mix(h, (uint64_t)(uintptr_t)f->eq ^ (uint64_t)(uintptr_t)f->nen);
	h = key_mix(h, (uint64_t)(uintptr_t)f->rel ^ (uint64_t)(uint8_t)f->rlo << 8 ^ (uint64_t)(uint8_t)f->rhi);
	for (int i = 0; i < f->nne; i++)
		h = key_mix(h, (uint64_t)f->ne[i]);
	for (int i = 0; i < f->nbits; i++)
		h = key_mix(h, (uint64_t)(uintptr_t)f->bits[i]);
	return h;
}

static bool named_errno(const char *name)
{
	return name && name[0] == '-' && name[1] == 'E' && name[2] >= 'A' && name[2] <= 'Z';
}

static bool ne_has(const Facts *f, int64_t n)
{
	for (int i = 0; i < f->nne; i++)
		if (f->ne[i] == n)
			return true;
	return false;
}

/* Are the facts still satisfiable? */
static bool consistent(const Facts *f)
{
	if (f->lo > f->hi || !f->pclass)
		return false;
	if (f->lo == f->hi && ne_has(f, f->lo))
		return false;
	if (f->lo == f->hi && f->lo == 0 && !(f->pclass & (P_NULL | P_FAILED)))
		return false;
	if (f->eq && f->eq == f->nen)
		return false;
	if (f->rlo > f->rhi)
		return false;
	return true;
}

static bool may_be_zero(const Facts *f)
{
	if (f->pclass == P_FAILED)
		return true; /* `if (!p)` finds the failure */
	if (f->eq && named_errno(f->eq))
		return false;
	for (int i = 0; i < f->nbits; i++)
		if (f->bitset >> i & 1)
			return false;
	return f->lo <= 0 && f->hi >= 0 && !ne_has(f, 0) && (f->pclass & P_NULL);
}

static bool may_be_nonzero(const Facts *f)
{
	if (f->pclass == P_FAILED)
		return false; /* `if (p)` finds the failure too */
	if (f->closed && !(f->bitset & ((1u << f->nbits) - 1)) && !f->eq)
		return false; /* zeroed memory, no bit set since */
	return !(f->lo == 0 && f->hi == 0) && (f->pclass & (P_VALID | P_ERR));
}

static void add_ne(Facts *f, int64_t n)
{
	if (n == f->lo && f->lo < f->hi)
		f->lo++;
	else if (n == f->hi && f->lo < f->hi)
		f->hi--;
	else if (!ne_has(f, n) && f->nne < FACT_NE)
		f->ne[f->nne++] = n;
}

/* ---- truth ---- */

static int bit_known(const Facts *f, const char *mask)
{
	for (int i = 0; i < f->nbits; i++)
		if (f->bits[i] == mask)
			return f->bitset >> i & 1;
	return f->closed ? 0 : -1;
}

static int iserr_truth(const Facts *f, bool or_null)
{
	if (f->pclass == P_FAILED)
		return 1;
	uint8_t bad = or_null ? (P_ERR | P_NULL) : P_ERR;
	if (!(f->pclass & bad) || (or_null ? false : f->lo >= 0))
		return 0;
	if (!(f->pclass & ~bad & P_ANY))
		return 1;
	if (or_null && f->lo == 0 && f->hi == 0)
		return 1;
	return -1;
}

int val_truth(Run *r, const PState *s, const Val *v)
{
	(void)r;
	int t = -1;
	switch ((ValKind)v->kind) {
	case V_INT: return v->n != 0;
	case V_OBJ: case V_FUNC: case V_STR: return 1;
	case V_NAMED: return named_errno(v->name) ? 1 : -1;
	case V_SYM: {
		const Facts *f = facts_get(s, v->key);
		Facts d = facts_default(v->key);
		if (!f)
			f = &d;
		bool z = may_be_zero(f), nz = may_be_nonzero(f);
		return z && nz ? -1 : nz;
	}
	case V_BITS: {
		const Facts *f = facts_get(s, v->key);
		t = f ? bit_known(f, v->name) : -1;
		break;
	}
	case V_ISERR: {
		const Facts *f = facts_get(s, v->key);
		Facts d = facts_default(v->key);
		t = iserr_truth(f ? f : &d, v->flag & 1);
		break;
	}
	}
	if (t >= 0 && (v->flag & 2))
		t = !t;
	return t;
}

bool sym_assume_range(PState *s, Key k, int64_t lo, int64_t hi)
{
	Facts *f = facts_edit(s, k);
	if (lo > f->lo)
		f->lo = lo;
	if (hi < f->hi)
		f->hi = hi;
	return consistent(f);
}

bool sym_assume_pclass(PState *s, Key k, uint8_t pclass)
{
	Facts *f = facts_edit(s, k);
	f->pclass = pclass;
	return consistent(f);
}

static bool assume_zero(PState *s, Key k, bool zero)
{
	const Facts *old = facts_get(s, k);
	Facts d = facts_default(k);
	if (!old)
		old = &d;
	if (zero ? !may_be_zero(old) : !may_be_nonzero(old))
		return false;
	Facts *f = facts_edit(s, k);
	if (zero) {
		f->lo = f->hi = 0;
		f->pclass = P_NULL;
	} else {
		add_ne(f, 0);
		f->pclass = f->pclass == P_FAILED ? P_ERR : f->pclass & ~P_NULL;
	}
	return consistent(f);
}

static bool assume_bit(PState *s, Key k, const char *mask, bool set)
{
	const Facts *old = facts_get(s, k);
	int known = old ? bit_known(old, mask) : -1;
	if (known >= 0)
		return known == set;
	Facts *f = facts_edit(s, k);
	if (f->nbits < FACT_BITS) {
		f->bits[f->nbits] = mask;
		f->bitset = (uint8_t)(f->bitset | (set << f->nbits));
		f->nbits++;
	}
	if (set)
		add_ne(f, 0);
	return consistent(f);
}

static bool assume_iserr(PState *s, Key k, bool or_null, bool truth)
{
	const Facts *old = facts_get(s, k);
	Facts d = facts_default(k);
	int t = iserr_truth(old ? old : &d, or_null);
	if (t >= 0)
		return t == truth;
	Facts *f = facts_edit(s, k);
	if (truth) {
		f->pclass &= or_null ? (P_ERR | P_NULL) : P_ERR;
		if (!or_null) {
			if (f->lo < ERRNO_MIN)
				f->lo = ERRNO_MIN;
			if (f->hi > -1)
				f->hi = -1;
		}
	} else
		f->pclass &= or_null ? P_VALID : (P_VALID | P_NULL);
	return consistent(f);
}

void sym_assume_deref(PState *s, Key k)
{
	const Facts *old = facts_get(s, k);
	if (old && !(old->pclass & P_VALID))
		return; /* a failed call's result gone through: the path is the code's bug, not ours to cut */
	if (assume_zero(s, k, false))
		facts_edit(s, k)->pclass = P_VALID;
}

bool val_assume(Run *r, PState *s, const Val *v, bool truth)
{
	int t = val_truth(r, s, v);
	if (t >= 0)
		return t == truth;
	if (v->flag & 2)
		truth = !truth;
	switch ((ValKind)v->kind) {
	case V_SYM: return assume_zero(s, v->key, !truth);
	case V_BITS: return assume_bit(s, v->key, v->name, truth);
	case V_ISERR: return assume_iserr(s, v->key, v->flag & 1, truth);
	default: return true; /* undecidable and unrecorded: both ways stay possible */
	}
}

/* ---- comparisons ---- */

static ExprOp negate_cmp(ExprOp op)
{
	switch (op) {
	case OP_EQ: return OP_NE;
	case OP_NE: return OP_EQ;
	case OP_LT: return OP_GE;
	case OP_GE: return OP_LT;
	case OP_GT: return OP_LE;
	case OP_LE: return OP_GT;
	default: return op;
	}
}

static ExprOp swap_cmp(ExprOp op)
{
	switch (op) {
	case OP_LT: return OP_GT;
	case OP_GT: return OP_LT;
	case OP_LE: return OP_GE;
	case OP_GE: return OP_LE;
	default: return op;
	}
}

/* The interval a value lies in, as far as the path knows. */
void val_range(const PState *s, const Val *v, int64_t *lo, int64_t *hi)
{
	*lo = INT64_MIN, *hi = INT64_MAX;
	if (v->kind == V_INT)
		*lo = *hi = v->n;
	else if (v->kind == V_NAMED && named_errno(v->name))
		*lo = ERRNO_MIN, *hi = -1;
	else if (v->kind == V_SYM) {
		const Facts *f = facts_get(s, v->key);
		if (f && f->pclass == P_FAILED)
			*lo = ERRNO_MIN, *hi = -1; /* `ret < 0` finds a failed status */
		else if (f)
			*lo = f->lo, *hi = f->hi;
	}
}

static int cmp_ranges(ExprOp op, int64_t alo, int64_t ahi, int64_t blo, int64_t bhi)
{
	switch (op) {
	case OP_LT: return ahi < blo ? 1 : alo >= bhi ? 0 : -1;
	case OP_LE: return ahi <= blo ? 1 : alo > bhi ? 0 : -1;
	case OP_GT: return alo > bhi ? 1 : ahi <= blo ? 0 : -1;
	case OP_GE: return alo >= bhi ? 1 : ahi < blo ? 0 : -1;
	case OP_EQ: return alo == ahi && blo == bhi && alo == blo ? 1 : (ahi < blo || alo > bhi) ? 0 : -1;
	case OP_NE: return alo == ahi && blo == bhi && alo == blo ? 0 : (ahi < blo || alo > bhi) ? 1 : -1;
	default: return -1;
	}
}

int val_compare(Run *r, const PState *s, ExprOp op, const Val *a, const Val *b)
{
	if (a->kind == V_SYM && b->kind == V_SYM && a->key == b->key)
		return op == OP_EQ || op == OP_LE || op == OP_GE;
	if (a->kind == V_NAMED && b->kind == V_NAMED && (op == OP_EQ || op == OP_NE))
		return (a->name == b->name) == (op == OP_EQ);
	/* A comparison with zero is a truth test: pointers and flags have no range. */
	if ((op == OP_EQ || op == OP_NE) && b->kind == V_INT && b->n == 0 && a->kind != V_INT) {
		int t = val_truth(r, s, a);
		return t < 0 ? -1 : (t == 0) == (op == OP_EQ);
	}
	if ((op == OP_EQ || op == OP_NE) && a->kind == V_INT && a->n == 0 && b->kind != V_INT)
		return val_compare(r, s, op, b, a);
	if (a->kind == V_SYM && b->kind == V_NAMED && (op == OP_EQ || op == OP_NE)) {
		const Facts *f = facts_get(s, a->key);
		if (f && f->eq)
			return (f->eq == b->name) == (op == OP_EQ);
		if (f && f->nen == b->name)
			return op == OP_NE;
	}
	if (a->kind == V_SYM && b->kind == V_NAMED) {
		const Facts *f = facts_get(s, a->key);
		if (f && f->rel == b->name) {
			int t = cmp_ranges(op, f->rlo, f->rhi, 0, 0);
			if (t >= 0)
				return t;
		}
	}
	if (a->kind == V_NAMED && b->kind == V_SYM)
		return val_compare(r, s, swap_cmp(op), b, a);
	if ((a->kind == V_OBJ || a->kind == V_FUNC) && b->kind == V_INT && (op == OP_EQ || op == OP_NE))
		return (op == OP_NE) ^ (b->n == 0 ? 0 : -1) ? (op == OP_NE) : -1;
	bool numeric = (a->kind == V_INT || a->kind == V_SYM || a->kind == V_NAMED) &&
		       (b->kind == V_INT || b->kind == V_SYM || b->kind == V_NAMED);
	if (!numeric)
		return -1;
	int64_t alo, ahi, blo, bhi;
	val_range(s, a, &alo, &ahi);
	val_range(s, b, &blo, &bhi);
	int t = cmp_ranges(op, alo, ahi, blo, bhi);
	if (t < 0 && (op == OP_EQ || op == OP_NE)) { /* excluded values */
		const Facts *f = a->kind == V_SYM ? facts_get(s, a->key) : NULL;
		if (f && b->kind == V_INT && ne_has(f, b->n))
			return op == OP_NE;
		f = b->kind == V_SYM ? facts_get(s, b->key) : NULL;
		if (f && a->kind == V_INT && ne_has(f, a->n))
			return op == OP_NE;
	}
	return t;
}

/* Narrow symbol K (A) so that A OP [blo, bhi] holds. */
static bool narrow(PState *s, Key k, ExprOp op, int64_t blo, int64_t bhi)
{
	Facts *f = facts_edit(s, k);
	if (f->pclass == P_FAILED)
		f->pclass = P_ERR, f->lo = ERRNO_MIN, f->hi = -1;
	switch (op) {
	case OP_LT: if (bhi != INT64_MIN && bhi - 1 < f->hi) f->hi = bhi - 1; break;
	case OP_LE: if (bhi < f->hi) f->hi = bhi; break;
	case OP_GT: if (blo != INT64_MAX && blo + 1 > f->lo) f->lo = blo + 1; break;
	case OP_GE: if (blo > f->lo) f->lo = blo; break;
	case OP_EQ:
		if (blo > f->lo)
			f->lo = blo;
		if (bhi < f->hi)
			f->hi = bhi;
		break;
	case OP_NE:
		if (blo == bhi)
			add_ne(f, blo);
		break;
	default: break;
	}
	if (f->lo > 0 || f->hi < 0)
		f->pclass &= ~P_NULL;
	return consistent(f);
}

/* Narrow F's relation so that (symbol - rel) OP 0 holds. */
static void narrow_rel(Facts *f, ExprOp op)
{
	int8_t lo = f->rlo, hi = f->rhi;
	switch (op) {
	case OP_LT: hi = hi > -1 ? -1 : hi; break;
	case OP_LE: hi = hi > 0 ? 0 : hi; break;
	case OP_GT: lo = lo < 1 ? 1 : lo; break;
	case OP_GE: lo = lo < 0 ? 0 : lo; break;
	case OP_EQ: lo = lo < 0 ? 0 : lo, hi = hi > 0 ? 0 : hi; break;
	case OP_NE:
		if (lo == 0)
			lo = 1;
		else if (hi == 0)
			hi = -1;
		break;
	default: break;
	}
	f->rlo = lo, f->rhi = hi;
}

bool val_assume_compare(Run *r, PState *s, ExprOp op, const Val *a, const Val *b, bool truth)
{
	int t = val_compare(r, s, op, a, b);
	if (t >= 0)
		return t == truth;
	if (!truth)
		op = negate_cmp(op);
	if ((op == OP_EQ || op == OP_NE) && b->kind == V_INT && b->n == 0 && a->kind != V_INT)
		return val_assume(r, s, a, op == OP_NE);
	if ((op == OP_EQ || op == OP_NE) && a->kind == V_INT && a->n == 0 && b->kind != V_INT)
		return val_assume(r, s, b, op == OP_NE);
	if (a->kind == V_SYM && b->kind == V_NAMED && (op == OP_EQ || op == OP_NE)) {
		Facts *f = facts_edit(s, a->key);
		if (op == OP_EQ)
			f->eq = b->name;
		else
			f->nen = b->name;
		if (f->rel == b->name || !f->rel) /* the relation to it too */
			f->rel = b->name, narrow_rel(f, op);
		if (op == OP_EQ && named_errno(b->name))
			return narrow(s, a->key, OP_EQ, ERRNO_MIN, -1);
		return consistent(f);
	}
	if (a->kind == V_SYM && b->kind == V_NAMED && !named_errno(b->name)) {
		/* `msix_num > CP500_NUM_MSIX_NO_AXI`: the next test of the same
		 * relation is decided; a relation to another constant replaces it. */
		Facts *f = facts_edit(s, a->key);
		if (f->rel != b->name)
			f->rel = b->name, f->rlo = -2, f->rhi = 2;
		narrow_rel(f, op);
		return consistent(f);
	}
	if (a->kind == V_NAMED && b->kind == V_SYM)
		return val_assume_compare(r, s, swap_cmp(op), b, a, true);
	int64_t alo, ahi, blo, bhi;
	val_range(s, a, &alo, &ahi);
	val_range(s, b, &blo, &bhi);
	bool ok = true;
	if (a->kind == V_SYM)
		ok = narrow(s, a->key, op, blo, bhi);
	if (ok && b->kind == V_SYM)
		ok = narrow(s, b->key, swap_cmp(op), alo, ahi);
	return ok;
}

/* ---- bits ---- */

Val val_with_bits(Run *r, PState *s, const Val *v, const char *mask, bool set)
{
	Key base = v->kind == V_SYM ? v->key : key_of(0x0b175, v->name, (uint64_t)v->n * 2 + v->kind);
	Key k = key_of(base, mask, set);
	Facts *f = facts_edit(s, k);
	const Facts *old = v->kind == V_SYM ? facts_get(s, v->key) : NULL;
	if (old) {
		*f = *old;
		f->key = k;
		f->lo = INT64_MIN, f->hi = INT64_MAX, f->nne = 0, f->eq = f->nen = f->rel = NULL;
		f->rlo = -2, f->rhi = 2;
	} else if (v->kind == V_INT && v->n == 0)
		f->closed = 1;
	int at = -1;
	for (int i = 0; i < f->nbits; i++)
		if (f->bits[i] == mask)
			at = i;
	if (at < 0 && f->nbits < FACT_BITS)
		at = f->nbits++;
	if (at >= 0) {
		f->bits[at] = mask;
		f->bitset = (uint8_t)((f->bitset & ~(1u << at)) | (set << at));
	}
	if (set)
		add_ne(f, 0);
	f->pclass = P_ANY;
	/* A value whose every bit is known is named by them, as the text it
	 * was (`(0|IRQF_SHARED)` handed to request_irq says it is shared). */
	const KeyInfo *ki = v->kind == V_SYM ? key_info(r, v->key) : NULL;
	const char *name = ki ? ki->name : "flags";
	char buf[200];
	if (f->closed) {
		snprintf(buf, sizeof buf, set ? "(%s|%s)" : "(%s&~%s)", ki ? ki->name : "0", mask);
		name = buf;
	}
	key_register(r, k, K_SYM, name, NULL);
	return val_sym(k);
}

bool sym_assume_relation(PState *s, Key k, const char *name, ExprOp op)
{
	Facts *f = facts_edit(s, k);
	if (f->rel != name)
		f->rel = name, f->rlo = -2, f->rhi = 2;
	narrow_rel(f, op);
	return consistent(f);
}

Hull val_hull(Run *r, const PState *a, const Val *va, const PState *b, const Val *vb)
{
	int64_t alo, ahi, blo, bhi;
	val_range(a, va, &alo, &ahi);
	val_range(b, vb, &blo, &bhi);
	return (Hull){ alo < blo ? alo : blo, ahi > bhi ? ahi : bhi,
		       val_truth(r, a, va) == 1 && val_truth(r, b, vb) == 1 };
}

bool sym_assume_hull(Run *r, PState *s, Key k, const Hull *hull)
{
	Val v = val_sym(k);
	if (!sym_assume_range(s, k, hull->lo, hull->hi))
		return false;
	return !hull->nonzero || val_assume(r, s, &v, true);
}
