/*
 * eval.c — expressions and calls, evaluated symbolically on a path.
 *
 * Evaluation maps a path state and an expression to the states it can lead
 * to, each with the expression's value there.  Most expressions lead to
 * one (an expression with no call and no short-circuit is evaluated by
 * `pure`, in place); a call to an API forks the path into the worlds where
 * it succeeded and where it failed, when its result is tested; a call to a
 * driver function leads to each of its outcomes; `a ? b : c`, `&&` and
 * `||` fork where their condition is undecided.
 *
 * Memory is C's, as far as the engine can tell without types: `p->f` is
 * the field f of the object p points at, `p->s.f` the field f of the
 * object embedded as s, `a[i]` the element i of an array (embedded, or
 * pointed at when the slot holds a pointer), `*p` the slot p points at.
 * A slot nobody wrote on this path holds its initial value: 0 in zeroed
 * memory, else a symbol named after the slot, the same whenever it is read.
 *
 * Calls, by what the callee is:
 *   - an API of the spec: a model event, with each argument named by the
 *     object or value it is (names.c), the result a fresh object or a
 *     symbol with the API's documented range on each outcome;
 *   - a helper of data/conventions (drvdata, container_of, set_bit, ...):
 *     its effect on memory;
 *   - a function of the directory that reaches the model: executed
 *     (exec.c), its parameters bound to the values of the arguments;
 *   - a pointer the engine can resolve to such a function: the same;
 *   - anything else: no effect, a fresh result.  A driver function it
 *     could not follow or a pointer it could not resolve, given a pointer
 *     argument, is an assumption (the path's warnings become latent).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "analyze/internal.h"

enum { ERRNO_MIN = -4095, MAX_ARGS = 32, ACCESSOR_NODES = 3 };

typedef struct {
	PState st;
	Val v;
} Res;

typedef VEC(Res) Results;

typedef enum { LV_NONE, LV_LOCAL, LV_SLOT } LvKind;

typedef struct {
	uint8_t kind;
	uint16_t idx;       /* LV_LOCAL */
	Key obj;            /* LV_SLOT */
	const char *field;
} Lval;

typedef struct {
	PState st;
	Lval lv;
} LvRes;

typedef VEC(LvRes) LvResults;

static void ev(Run *r, const Frame *fr, int32_t e, PState st, Results *out);
static void lv_ev(Run *r, const Frame *fr, int32_t e, PState st, LvResults *out);
static Val pure(Run *r, const Frame *fr, int32_t e, PState *s);

static const Expr *ex(const Frame *fr, int32_t e)
{
	return &fr->ff->exprs[e];
}

static const char *text_at(const Frame *fr, int32_t e)
{
	return fr->fi->text[e - (int32_t)fr->fn->expr_first];
}

static bool may_fork(const Frame *fr, int32_t e)
{
	return fr->fi->mayfork[e - (int32_t)fr->fn->expr_first];
}

/* The loop iterations of the current frame: part of the identity of what
 * an iteration creates. */
static Key iterations(const PState *s)
{
	Key h = 0x17e4;
	for (uint32_t i = 0; i < s->nloops; i++)
		h += key_mix((uint64_t)s->loops[i].node, s->loops[i].count);
	return h;
}

/* A fresh symbol for what expression E of FR evaluates to on S, named HINT. */
static Val fresh(Run *r, const Frame *fr, const PState *s, int32_t e, const char *hint, uint64_t salt)
{
	Key k = key_of(key_mix(fr->ctx, iterations(s)), NULL, ((uint64_t)e << 8) ^ salt);
	KeyInfo *ki = (KeyInfo *)key_register(r, k, K_SYM, hint, NULL);
	ki->ctx = fr->ctx;
	return val_sym(k);
}

static bool constant(const Val *v)
{
	return v->kind == V_INT || v->kind == V_NAMED;
}

static Val named(Run *r, const char *fmt, const char *a, const char *b, const char *c)
{
	char buf[256];
	snprintf(buf, sizeof buf, fmt, a, b, c);
	return (Val){ .kind = V_NAMED, .name = name_intern(r->da, buf) };
}

/* A macro the directory defines as a number up to this is that number: a
 * loop over it (`i < FOTG210_MAX_NUM_EP`, 5) cannot stop before its first
 * round.  A larger one is mostly a timeout, a size or a register value, and
 * a loop counting it down (`timeout = CPT_MBOX_MSG_TIMEOUT` (2000), minus
 * 10 a round) ends past any round the engine goes: as a name, its exit
 * (the timeout's error return) stays on some path. */
enum { MACRO_VALUE_MAX = 8 };

/* An identifier that reads as a macro or enumerator: no lower-case letter. */
static bool looks_constant(const char *name)
{
	bool letter = false;
	for (const char *p = name; *p; p++) {
		if (islower((unsigned char)*p))
			return false;
		letter |= isupper((unsigned char)*p);
	}
	return letter;
}

/* ---- memory ---- */

static const Key GLOBALS = 0x61ba15;

static Val load(Run *r, const Frame *fr, PState *s, const Lval *lv, int32_t e)
{
	if (lv->kind == LV_LOCAL) {
		const Val *v = local_get(s, lv->idx);
		return v ? *v : fresh(r, fr, s, e, fr->fi->names[lv->idx], 0x10ca1);
	}
	if (lv->kind == LV_SLOT) {
		const KeyInfo *oi = key_info(r, lv->obj);
		if (!oi || oi->kind != K_FRAME)
			r->loaded_field = true;
		const Val *v = slot_get(s, lv->obj, lv->field);
		if (v)
			return *v;
		if (element_may_alias(s, lv->obj, lv->field)) { /* `a[0]` after `a[FIRST] = irq` */
			assume(r, s, "%s: %s%s is taken as none of the elements written at other indices",
			       fr->fn->name, oi ? oi->name : "an array", lv->field);
			return fresh(r, fr, s, e, lv->field, 0xa11a5);
		}
		return slot_initial(r, lv->obj, lv->field);
	}
	return fresh(r, fr, s, e, "?", 0x0);
}

static void store(PState *s, const Lval *lv, Val v)
{
	if (lv->kind == LV_LOCAL)
		local_set(s, lv->idx, v);
	else if (lv->kind == LV_SLOT)
		slot_set(s, lv->obj, lv->field, v);
}

/* The slot a pointer value points at: a field object is its parent's field. */
static Lval pointee(Run *r, const Val *p)
{
	Key o = obj_of(r, p);
	const KeyInfo *ki = key_info(r, o);
	if (ki && ki->kind == K_SUB)
		return (Lval){ .kind = LV_SLOT, .obj = ki->parent, .field = ki->field };
	return (Lval){ .kind = LV_SLOT, .obj = o, .field = name_intern(r->da, "*") };
}

/* The object an lvalue's storage is, as a struct or array (`x.f`, `x[i]`). */
static Key object_at(Run *r, const Lval *lv)
{
	if (lv->kind == LV_SLOT)
		return obj_sub(r, lv->obj, lv->field);
	return key_of(0xbad, NULL, 0);
}

static const char *index_field(Run *r, const PState *s, const Val *i)
{
	char buf[160];
	snprintf(buf, sizeof buf, "[%s]", val_name(r, s, i));
	return name_intern(r->da, buf);
}

/* The lvalue of a name: a local, a heap-resident local, or a global. */
static Lval name_lvalue(Run *r, const Frame *fr, int32_t e)
{
	int32_t li = fr->fi->local[e - (int32_t)fr->fn->expr_first];
	if (li >= 0 && !fr->fi->resident[li])
		return (Lval){ .kind = LV_LOCAL, .idx = (uint16_t)li };
	if (li >= 0)
		return (Lval){ .kind = LV_SLOT, .obj = fr->frame, .field = fr->fi->names[li] };
	return (Lval){ .kind = LV_SLOT, .obj = GLOBALS, .field = text_at(fr, e) };
}

/* The lvalue of E (MEMBER, INDEX, DEREF, NAME) given its base: the value
 * of the operand (BASEV, for `->` and `*`), or its lvalue (BASEL, for `.`
 * and `[]`). */
static Lval lv_from(Run *r, const Frame *fr, int32_t e, PState *s, const Val *basev, const Lval *basel,
		    const Val *index)
{
	const Expr *x = ex(fr, e);
	switch ((ExprKind)x->kind) {
	case EX_NAME:
		return name_lvalue(r, fr, e);
	case EX_MEMBER:
		if (x->arrow) {
			/* A pointer the driver goes through is valid from here
			 * on, neither NULL nor an ERR_PTR (it would have oopsed):
			 * remove()'s `if (!priv)` after probe wrote priv->x is
			 * decided, and so is the caller's IS_ERR(dev) of the dev
			 * that efa_probe_device() got from an unseen allocator,
			 * wrote through and returned. */
			if (basev->kind == V_SYM)
				sym_assume_deref(s, basev->key);
			return (Lval){ .kind = LV_SLOT, .obj = obj_of(r, basev), .field = text_at(fr, e) };
		}
		return (Lval){ .kind = LV_SLOT, .obj = object_at(r, basel), .field = text_at(fr, e) };
	case EX_INDEX: {
		/* A pointer in the slot: the array it points at; else an embedded array. */
		Val held = load(r, fr, s, basel, x->a);
		Key arr = held.kind == V_OBJ ? held.key : object_at(r, basel);
		return (Lval){ .kind = LV_SLOT, .obj = arr, .field = index_field(r, s, index) };
	}
	case EX_DEREF:
		return pointee(r, basev);
	default:
		return (Lval){ .kind = LV_NONE };
	}
}

/* Which operand of E is needed as a value (`->`, `*`) rather than as an lvalue. */
static bool base_by_value(const Expr *x)
{
	return (x->kind == EX_MEMBER && x->arrow) || x->kind == EX_DEREF;
}

static Lval lv_pure(Run *r, const Frame *fr, int32_t e, PState *s)
{
	const Expr *x = ex(fr, e);
	if (x->kind == EX_NAME)
		return name_lvalue(r, fr, e);
	if (x->kind != EX_MEMBER && x->kind != EX_INDEX && x->kind != EX_DEREF)
		return (Lval){ .kind = LV_NONE };
	Val bv = { 0 }, iv = { 0 };
	Lval bl = { 0 };
	if (base_by_value(x))
		bv = pure(r, fr, x->a, s);
	else
		bl = lv_pure(r, fr, x->a, s);
	if (x->kind == EX_INDEX)
		iv = pure(r, fr, x->b, s);
	return lv_from(r, fr, e, s, &bv, &bl, &iv);
}

/* ---- operators ---- */

static Val unary(Run *r, const Frame *fr, const PState *s, int32_t e, ExprOp op, const Val *a)
{
	if (op == OP_NOT) {
		if (a->kind == V_BITS || a->kind == V_ISERR) {
			Val v = *a;
			v.flag ^= 2;
			return v;
		}
		int t = val_truth(r, s, a);
		if (t >= 0)
			return val_int(!t);
		return fresh(r, fr, s, e, "!", 0x4e);
	}
	if (a->kind == V_INT)
		return val_int(op == OP_NEG ? -a->n : ~a->n);
	if (a->kind == V_NAMED)
		return named(r, op == OP_NEG ? "-%s%s%s" : "~%s%s%s", a->name, "", "");
	return fresh(r, fr, s, e, "?", 0x4f);
}

static int64_t fold(ExprOp op, int64_t a, int64_t b, bool *ok)
{
	*ok = true;
	switch (op) {
	case OP_ADD: return (int64_t)((uint64_t)a + (uint64_t)b);
	case OP_SUB: return (int64_t)((uint64_t)a - (uint64_t)b);
	case OP_MUL: return (int64_t)((uint64_t)a * (uint64_t)b);
	case OP_DIV: if (b && !(a == INT64_MIN && b == -1)) return a / b; break;
	case OP_MOD: if (b && !(a == INT64_MIN && b == -1)) return a % b; break;
	case OP_SHL: if (b >= 0 && b < 63) return (int64_t)((uint64_t)a << b); break;
	case OP_SHR: if (b >= 0 && b < 63) return a >> b; break;
	case OP_AND: return a & b;
	case OP_OR: return a | b;
	case OP_XOR: return a ^ b;
	default: break;
	}
	*ok = false;
	return 0;
}

static const char *op_text(ExprOp op)
{
	static const char *const t[] = {
		[OP_ADD] = "+", [OP_SUB] = "-", [OP_MUL] = "*", [OP_DIV] = "/", [OP_MOD] = "%",
		[OP_SHL] = "<<", [OP_SHR] = ">>", [OP_AND] = "&", [OP_OR] = "|", [OP_XOR] = "^",
	};
	return op < sizeof t / sizeof *t && t[op] ? t[op] : "?";
}

static bool is_cmp(ExprOp op)
{
	return op >= OP_EQ && op <= OP_GE;
}

static Val binary(Run *r, const Frame *fr, PState *s, int32_t e, ExprOp op, const Val *a, const Val *b)
{
	if (is_cmp(op)) {
		int t = val_compare(r, s, op, a, b);
		return t >= 0 ? val_int(t) : fresh(r, fr, s, e, "?", 0xc3);
	}
	if (a->kind == V_INT && b->kind == V_INT) {
		bool ok;
		int64_t n = fold(op, a->n, b->n, &ok);
		if (ok)
			return val_int(n);
	}
	/* Flags that start at 0 (zeroed memory, `tp->flags = 0`): `0 | FLAG`
	 * is a value whose every bit is known, so a later `& FLAG` (here or in
	 * remove()) is decided; the fold below would leave it text. */
	const Val *zero = a->kind == V_INT && a->n == 0 ? a : b->kind == V_INT && b->n == 0 ? b : NULL;
	const Val *flag = zero == a ? b : a;
	if (zero && flag->kind == V_NAMED && op == OP_OR)
		return val_with_bits(r, s, zero, val_name(r, s, flag), true);
	if (zero && flag->kind == V_NAMED && op == OP_AND)
		return val_int(0);
	if (constant(a) && constant(b))
		return named(r, "(%s%s%s)", val_name(r, s, a), op_text(op), val_name(r, s, b));
	/* Flags: `flags | FLAG`, `flags & ~FLAG`, `flags & FLAG`. */
	const Val *v = constant(a) ? b : a, *m = constant(a) ? a : b;
	if (constant(m) && (v->kind == V_SYM || v->kind == V_INT)) {
		const char *mask = val_name(r, s, m);
		if (op == OP_OR)
			return val_with_bits(r, s, v, mask, true);
		if (op == OP_AND && mask[0] == '~')
			return val_with_bits(r, s, v, name_intern(r->da, mask + 1), false);
		if (op == OP_AND && v->kind == V_SYM)
			return (Val){ .kind = V_BITS, .key = v->key, .name = mask };
		if (op == OP_AND && v->kind == V_INT && v->n == 0)
			return val_int(0);
	}
	/* `nvec - 1`, `irq + i`: a symbol of its own, its range shifted; the
	 * same base and offset give the same symbol, so `db_count = irq - 1`
	 * then `i < db_count + 1` compares with irq itself. */
	if ((op == OP_ADD || op == OP_SUB) && a->kind == V_SYM && b->kind == V_INT && b->n > -(1 << 30) &&
	    b->n < (1 << 30)) {
		int64_t d = op == OP_ADD ? b->n : -b->n;
		Key base = a->key;
		const KeyInfo *bi = key_info(r, base);
		if (bi && bi->base) {
			d += bi->offset;
			base = bi->base;
			if (!d)
				return val_sym(base);
		}
		Key k = key_of(base, "+", (uint64_t)d);
		const KeyInfo *ai = key_info(r, base);
		char hint[200];
		snprintf(hint, sizeof hint, "%s%+lld", ai ? ai->name : "?", (long long)d);
		KeyInfo *ki = (KeyInfo *)key_register(r, k, K_SYM, hint, NULL);
		ki->ctx = ai ? ai->ctx : 0;
		ki->base = base, ki->offset = d;
		const Facts *f = facts_get(s, base);
		if (f && f->lo > INT64_MIN / 2 && f->hi < INT64_MAX / 2)
			sym_assume_range(s, k, f->lo + d, f->hi + d);
		return val_sym(k);
	}
	return fresh(r, fr, s, e, "?", 0xb1);
}

/* ---- pure evaluation: no call, no short-circuit under E ---- */

static Val assign_value(Run *r, const Frame *fr, PState *s, int32_t e, const Lval *lv, ExprOp op, Val rhs)
{
	if (op != OP_NONE) {
		Val old = load(r, fr, s, lv, e);
		rhs = binary(r, fr, s, e, op, &old, &rhs);
	}
	store(s, lv, rhs);
	return rhs;
}

static Val incdec(Run *r, const Frame *fr, PState *s, int32_t e, const Lval *lv, ExprOp op)
{
	Val old = load(r, fr, s, lv, e), one = val_int(1);
	Val now = binary(r, fr, s, e, op == OP_PREINC || op == OP_POSTINC ? OP_ADD : OP_SUB, &old, &one);
	store(s, lv, now);
	return op == OP_PREINC || op == OP_PREDEC ? now : old;
}

static Val address_of(Run *r, const Frame *fr, int32_t a, PState *s, const Lval *lv)
{
	const Expr *x = ex(fr, a);
	if (x->kind == EX_NAME && fr->fi->local[a - (int32_t)fr->fn->expr_first] < 0) {
		const FileFacts *where;
		if (resolve_function(r->da, fr->ff, text_at(fr, a), &where))
			return (Val){ .kind = V_FUNC, .name = text_at(fr, a) };
	}
	if (lv->kind == LV_SLOT)
		return val_obj(obj_sub(r, lv->obj, lv->field));
	return fresh(r, fr, s, a, "&?", 0xad);
}

static Val name_value(Run *r, const Frame *fr, int32_t e, PState *s)
{
	const char *name = text_at(fr, e);
	if (fr->fi->local[e - (int32_t)fr->fn->expr_first] < 0) {
		const FileFacts *where;
		if (resolve_function(r->da, fr->ff, name, &where))
			return (Val){ .kind = V_FUNC, .name = name };
		int64_t n;
		if (looks_constant(name))
			return constants_get(r->da->constants, name, &n) && n >= 0 && n <= MACRO_VALUE_MAX
				       ? val_int(n)
				       : (Val){ .kind = V_NAMED, .name = name };
	}
	int32_t li = fr->fi->local[e - (int32_t)fr->fn->expr_first];
	if (li >= 0 && fr->fi->array[li]) /* an array stands for its first element's address */
		return val_obj(obj_sub(r, fr->frame, fr->fi->names[li]));
	Lval lv = name_lvalue(r, fr, e);
	return load(r, fr, s, &lv, e);
}

static Val pure(Run *r, const Frame *fr, int32_t e, PState *s)
{
	if (e < 0)
		return fresh(r, fr, s, e, "?", 0x1);
	const Expr *x = ex(fr, e);
	switch ((ExprKind)x->kind) {
	case EX_NUM: return val_int(x->num);
	case EX_STR: return (Val){ .kind = V_STR, .name = text_at(fr, e) };
	case EX_NAME: return name_value(r, fr, e, s);
	case EX_MEMBER: case EX_INDEX: case EX_DEREF: {
		Lval lv = lv_pure(r, fr, e, s);
		return load(r, fr, s, &lv, e);
	}
	case EX_ADDR: {
		const Expr *y = ex(fr, x->a);
		if (y->kind == EX_DEREF)
			return pure(r, fr, y->a, s);
		Lval lv = lv_pure(r, fr, x->a, s);
		return address_of(r, fr, x->a, s, &lv);
	}
	case EX_UNARY: {
		Val a = pure(r, fr, x->a, s);
		return unary(r, fr, s, e, (ExprOp)x->op, &a);
	}
	case EX_BINARY: {
		Val a = pure(r, fr, x->a, s), b = pure(r, fr, x->b, s);
		return binary(r, fr, s, e, (ExprOp)x->op, &a, &b);
	}
	case EX_ASSIGN: {
		Lval lv = lv_pure(r, fr, x->a, s);
		Val v = pure(r, fr, x->b, s);
		return assign_value(r, fr, s, e, &lv, (ExprOp)x->op, v);
	}
	case EX_INCDEC: {
		Lval lv = lv_pure(r, fr, x->a, s);
		return incdec(r, fr, s, e, &lv, (ExprOp)x->op);
	}
	case EX_COMMA:
		pure(r, fr, x->a, s);
		return pure(r, fr, x->b, s);
	default:
		return fresh(r, fr, s, e, "?", 0x2);
	}
}

/* ---- conditions ---- */

static void push(Results *out, PState st, Val v)
{
	Res x = { st, v };
	VEC_PUSH(out, x);
}

static void eval_cond(Run *r, const Frame *fr, int32_t e, PState st, PStates *yes, PStates *no, Results *tmp);

/* Remember the API whose result a condition tests, for the evidence. */
static void note_api(Run *r, const Val *v)
{
	if (v->kind == V_SYM || v->kind == V_ISERR || v->kind == V_BITS) {
		const KeyInfo *ki = key_info(r, v->key);
		if (ki && ki->api)
			r->decided_by = ki;
	}
	if (v->kind == V_BITS)
		r->decided_flag = true;
}

/* Split the states of RS by the truth of their values. */
static void split(Run *r, Results *rs, PStates *yes, PStates *no)
{
	for (size_t i = 0; i < rs->n; i++) {
		PState s = rs->v[i].st;
		Val v = rs->v[i].v;
		note_api(r, &v);
		int t = val_truth(r, &s, &v);
		if (t < 0) {
			PState c = pstate_clone(&s);
			if (val_assume(r, &c, &v, true))
				VEC_PUSH(yes, c);
			else
				pstate_free(&c);
			if (val_assume(r, &s, &v, false))
				VEC_PUSH(no, s);
			else
				pstate_free(&s);
		} else
			VEC_PUSH(t ? yes : no, s);
	}
	rs->n = 0;
}

/* The states where atom E holds (YES) and where it does not (NO). */
static void eval_cond(Run *r, const Frame *fr, int32_t e, PState st, PStates *yes, PStates *no, Results *tmp)
{
	const Expr *x = e >= 0 ? ex(fr, e) : NULL;
	if (x && x->kind == EX_BINARY && is_cmp((ExprOp)x->op)) {
		Results ra = { 0 }, rb = { 0 };
		ev(r, fr, x->a, st, &ra);
		for (size_t i = 0; i < ra.n; i++) {
			Val a = ra.v[i].v;
			rb.n = 0;
			ev(r, fr, x->b, ra.v[i].st, &rb);
			for (size_t k = 0; k < rb.n; k++) {
				PState s = rb.v[k].st;
				Val b = rb.v[k].v;
				note_api(r, &a);
				note_api(r, &b);
				int t = val_compare(r, &s, (ExprOp)x->op, &a, &b);
				if (t >= 0) {
					VEC_PUSH(t ? yes : no, s);
					continue;
				}
				PState c = pstate_clone(&s);
				if (val_assume_compare(r, &c, (ExprOp)x->op, &a, &b, true))
					VEC_PUSH(yes, c);
				else
					pstate_free(&c);
				if (val_assume_compare(r, &s, (ExprOp)x->op, &a, &b, false))
					VEC_PUSH(no, s);
				else
					pstate_free(&s);
			}
		}
		VEC_FREE(&ra);
		VEC_FREE(&rb);
		return;
	}
	tmp->n = 0;
	if (e < 0)
		push(tmp, st, fresh(r, fr, &st, -1, "?", 0x3));
	else
		ev(r, fr, e, st, tmp);
	split(r, tmp, yes, no);
}

/* ---- calls ---- */

/* Argument I's value, NULL beyond the call's arguments. */
static const Val *arg_val(const Val *args, uint32_t nargs, int i)
{
	return i >= 0 && (uint32_t)i < nargs ? &args[i] : NULL;
}

/* Follow the dotted PATH from object O: the slot's object and field. */
static Lval path_slot(Run *r, Key o, const char *path)
{
	char part[128];
	const char *p = path;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		snprintf(part, sizeof part, "%.*s", (int)n, p);
		const char *field = name_intern(r->da, part);
		if (!dot)
			return (Lval){ .kind = LV_SLOT, .obj = o, .field = field };
		o = obj_sub(r, o, field);
		p = dot + 1;
	}
}

/* NAME(ARGS) of constants is a constant, named by its text: BIT(3). */
static bool const_call(Run *r, const PState *s, const char *name, const Val *args, uint32_t nargs, Val *out)
{
	char buf[200];
	int k = snprintf(buf, sizeof buf, "%s(", name);
	for (uint32_t i = 0; i < nargs && k > 0 && (size_t)k < sizeof buf; i++) {
		if (!constant(&args[i]))
			return false;
		k += snprintf(buf + k, sizeof buf - (size_t)k, "%s%s", i ? "," : "", val_name(r, s, &args[i]));
	}
	if (k > 0 && (size_t)k < sizeof buf)
		snprintf(buf + k, sizeof buf - (size_t)k, ")");
	*out = (Val){ .kind = V_NAMED, .name = name_intern(r->da, buf) };
	return true;
}

static const char *bit_name(Run *r, const PState *s, const Val *nr)
{
	return val_name(r, s, nr);
}

/* What a helper of the directory that reaches no API returns (left
 * unparsed: parse/select.c): the same for the same arguments, as the
 * getters such helpers are (`idxd_get_ie(idxd, 0)` in setup and in
 * cleanup is one entry, so the IRQ requested with one is freed with the
 * other). */
static Val helper_result(Run *r, const char *name, const Val *args, uint32_t nargs, const char *hint)
{
	Key k = key_of(0x4e1e, name, 0);
	for (uint32_t i = 0; i < nargs; i++)
		k = key_mix(k, val_hash(&args[i]));
	if (!key_info(r, k)) {
		KeyInfo *ki = (KeyInfo *)key_register(r, k, K_SYM, hint, NULL);
		ki->pure = true;
	}
	return val_sym(k);
}

/* The value of a helper of data/conventions; false if it is not one. */
static bool builtin(Run *r, const Frame *fr, const Call *c, int32_t e, const Val *args, uint32_t nargs,
		    PState *s, Val *out)
{
	const Convention *cv = convention_get(r->cfg->conv, c->callee);
	if (!cv)
		return false;
	const Val *a = arg_val(args, nargs, cv->arg), *b = arg_val(args, nargs, cv->value);
	switch (cv->kind) {
	case CONV_ERROR_CODE:
		if (a && (a->kind == V_NAMED || (a->kind == V_INT && a->n < 0 && a->n >= ERRNO_MIN))) {
			*out = *a;
			return true;
		}
		if (a && a->kind == V_SYM) {
			PState t = pstate_clone(s);
			bool ok = sym_assume_range(&t, a->key, ERRNO_MIN, -1);
			pstate_free(&t);
			if (ok) {
				sym_assume_range(s, a->key, ERRNO_MIN, -1);
				*out = *a;
				return true;
			}
		}
		*out = fresh(r, fr, s, e, "-errno", 0xe0);
		sym_assume_range(s, out->key, ERRNO_MIN, -1);
		return true;
	case CONV_ERROR_TEST:
		if (!(a = arg_val(args, nargs, 0)))
			break;
		if (a->kind == V_OBJ || a->kind == V_FUNC || a->kind == V_STR)
			*out = val_int(0);
		else if (a->kind == V_INT)
			*out = val_int((a->n < 0 && a->n >= ERRNO_MIN) || (cv->or_null && a->n == 0));
		else if (a->kind == V_NAMED)
			*out = val_int(a->name[0] == '-');
		else {
			*out = (Val){ .kind = V_ISERR, .key = a->key, .flag = cv->or_null };
			int t = val_truth(r, s, out);
			if (t >= 0)
				*out = val_int(t);
		}
		return true;
	case CONV_RETURNS:
		if (!a)
			break;
		*out = *a;
		return true;
	case CONV_CONSTANT:
		return const_call(r, s, c->callee, args, nargs, out);
	case CONV_COUNT: {
		/* The length of an array is its declaration's: one symbol per
		 * declared array, named by its last member (`msix` of
		 * `snic->msix`; the engine has no types), so the request loop's
		 * bound is the release loop's in whatever function, and never 0.
		 * A symbol, not a constant, so that a loop's rounds decide it
		 * (`1 < n` false: n is 1 in the next loop too). */
		const char *arr = c->nargs ? c->args[0] : "";
		if (c->argx && c->nargs && ex(fr, c->argx[0])->kind == EX_MEMBER)
			arr = text_at(fr, c->argx[0]);
		char text[160];
		snprintf(text, sizeof text, "%s(%s)", c->callee, c->nargs ? c->args[0] : "");
		Val decl = { .kind = V_NAMED, .name = name_intern(r->da, arr) };
		*out = helper_result(r, c->callee, &decl, 1, text);
		sym_assume_range(s, out->key, 1, INT32_MAX);
		return true;
	}
	case CONV_STORE: {
		if (!a || !b)
			break;
		Lval lv = path_slot(r, obj_of(r, a), cv->path);
		store(s, &lv, *b);
		*out = val_int(0);
		return true;
	}
	case CONV_LOAD: {
		if (!a)
			break;
		Lval lv = path_slot(r, obj_of(r, a), cv->path);
		*out = load(r, fr, s, &lv, e);
		return true;
	}
	case CONV_MEMBER: {
		if (!a)
			break;
		Lval lv = path_slot(r, obj_of(r, a), cv->path);
		*out = val_obj(obj_sub(r, lv.obj, lv.field));
		return true;
	}
	case CONV_CONTAINER: {
		if (!a)
			break;
		const char *member = cv->path;
		if (member[0] == '@') {
			int n = atoi(member + 1);
			if (n < 0 || (uint32_t)n >= c->nargs)
				break;
			member = c->args[n];
		}
		*out = val_obj(obj_container(r, obj_of(r, a), name_intern(r->da, member)));
		return true;
	}
	case CONV_BIT_SET: case CONV_BIT_CLEAR: case CONV_BIT_TEST: case CONV_BIT_TEST_SET:
	case CONV_BIT_TEST_CLEAR: {
		if (!a || !b)
			break;
		const char *mask = bit_name(r, s, a);
		Lval lv = pointee(r, b);
		Val cur = load(r, fr, s, &lv, e);
		Val test = cur.kind == V_SYM ? (Val){ .kind = V_BITS, .key = cur.key, .name = mask }
			 : cur.kind == V_INT && cur.n == 0 ? val_int(0) : fresh(r, fr, s, e, "?", 0xb7);
		if (test.kind == V_BITS) {
			int t = val_truth(r, s, &test);
			if (t >= 0)
				test = val_int(t);
		}
		*out = cv->kind == CONV_BIT_SET || cv->kind == CONV_BIT_CLEAR ? val_int(0) : test;
		if (cv->kind != CONV_BIT_TEST)
			store(s, &lv, val_with_bits(r, s, &cur, mask,
						    cv->kind == CONV_BIT_SET || cv->kind == CONV_BIT_TEST_SET));
		return true;
	}
	default:
		break;
	}
	return false;
}

static bool pointerish(const Val *v)
{
	return v->kind == V_OBJ || v->kind == V_SYM;
}

/* The model's world for OUTCOME of API E: the result's value, and its range. */
static bool api_result(Run *r, const Frame *fr, PState *s, const SpecEntry *e, const Call *c, int32_t ex_i,
		       const Val *args, uint32_t nargs, const char *hint, ModelOutcome o, Key k, Val *res)
{
	if (!key_info(r, k)) {
		/* Named by what it is assigned to, or by the call with the
		 * values of its arguments (a pure call's result is theirs). */
		char buf[200];
		if (!hint) {
			int n = snprintf(buf, sizeof buf, "%s(", c->callee);
			for (uint32_t i = 0; i < nargs && n > 0 && (size_t)n < sizeof buf; i++)
				n += snprintf(buf + n, sizeof buf - (size_t)n, "%s%s", i ? ", " : "",
					      val_name(r, s, &args[i]));
			if (n > 0 && (size_t)n < sizeof buf)
				snprintf(buf + n, sizeof buf - (size_t)n, ")");
		} else
			snprintf(buf, sizeof buf, "%s", hint);
		const char *name = buf;
		char failed[220];
		if (e->ret == RET_RESOURCE) { /* the object gets the name; this is its failure */
			Key obj = key_of(k, "obj", 0);
			KeyInfo *oi = (KeyInfo *)key_register(r, obj, K_OBJ, buf, e->name);
			oi->zeroed = e->flags & SPEC_ZEROED;
			oi->ctx = e->flags & SPEC_PURE ? 0 : fr->ctx;
			snprintf(failed, sizeof failed, "%s (failed)", buf);
			name = failed;
		}
		KeyInfo *ki = (KeyInfo *)key_register(r, k, K_SYM, name, e->name);
		ki->pure = e->flags & SPEC_PURE;
		ki->ctx = ki->pure ? 0 : fr->ctx;
	}
	*res = val_sym(k);
	bool ok = true;
	if (o == MODEL_FAILURE) {
		switch (e->ret) {
		case RET_RESOURCE:
			if (e->fails == FAIL_NULL)
				ok = sym_assume_pclass(s, k, P_NULL) && sym_assume_range(s, k, 0, 0);
			else if (e->fails == FAIL_ERR)
				ok = sym_assume_pclass(s, k, P_ERR) && sym_assume_range(s, k, ERRNO_MIN, -1);
			else
				ok = sym_assume_pclass(s, k, P_FAILED);
			break;
		case RET_BOOL: ok = sym_assume_range(s, k, 0, 0); break;
		default: ok = sym_assume_range(s, k, ERRNO_MIN, -1); break;
		}
		return ok;
	}
	switch (e->ret) {
	case RET_RESOURCE:
		/* Its symbol says the call succeeded: a later test of it agrees. */
		ok = sym_assume_pclass(s, k, P_VALID);
		*res = val_obj(key_of(k, "obj", 0));
		return ok;
	case RET_STATUS: return sym_assume_range(s, k, 0, 0);
	case RET_IRQ: return sym_assume_range(s, k, 1, INT32_MAX);
	case RET_BOOL: return sym_assume_range(s, k, 1, 1);
	case RET_COUNT: {
		/* A count-returning allocation succeeds with a count in [min,
		 * max], and never 0 (pci_alloc_irq_vectors_affinity returns
		 * only nvecs > 0): asked for exactly n, it returns n, so a later
		 * `ret != n` is decided whatever n is. */
		int64_t lo = 1, hi = INT32_MAX;
		const Val *mn = arg_val(args, nargs, e->arg[ARG_MIN]), *mx = arg_val(args, nargs, e->arg[ARG_MAX]);
		if (mn && mx && mn->kind == V_SYM && val_equal(mn, mx)) {
			*res = *mn;
			return sym_assume_range(s, mn->key, 1, INT32_MAX);
		}
		if (mn && mn->kind == V_INT && mn->n > 0)
			lo = mn->n;
		if (mx && mx->kind == V_INT && mx->n >= lo)
			hi = mx->n;
		/* A bound that is a macro: the count is not below it (or not
		 * above it), so `n < MIN_VECS` after success is decided. */
		const Val *named = mn && mn->kind == V_NAMED ? mn : mx && mx->kind == V_NAMED ? mx : NULL;
		if (named)
			sym_assume_relation(s, k, named->name, named == mn ? OP_GE : OP_LE);
		return sym_assume_range(s, k, lo, hi);
	}
	default:
		return true;
	}
	(void)ex_i;
}

/* The function the engine could not see into that made V or the object
 * V lies in (a field of what to_foo(dev) returned), or NULL. */
static const char *opaque_origin(Run *r, const Val *v)
{
	if (v->kind != V_SYM && v->kind != V_OBJ)
		return NULL;
	const KeyInfo *ki = key_info(r, v->key);
	for (int depth = 0; ki && depth < 8; depth++) {
		if (ki->opaque)
			return ki->opaque;
		ki = ki->parent ? key_info(r, ki->parent) : NULL;
	}
	return NULL;
}

/* A release whose object or dev_id came out of a function the engine does
 * not see into may release what the path acquired under another name (the
 * IRQ requested with adev, freed with hdac_to_avs(bus)): the engine cannot
 * tell, so what the path reports from here is assumed. */
static void assume_opaque_release(Run *r, PState *s, const SpecEntry *e, const Val *args, uint32_t nargs,
				  const Call *c)
{
	if (e->event != EV_RELEASE && e->event != EV_IRQ_FREE)
		return;
	const int roles[] = { ARG_RES, ARG_DEV_ID };
	for (size_t k = 0; k < sizeof roles / sizeof *roles; k++) {
		int i = e->arg[roles[k]];
		const char *from = i >= 0 && (uint32_t)i < nargs ? opaque_origin(r, &args[i]) : NULL;
		if (from) {
			assume(r, s, "%s() is not seen into: %s(%s) is assumed to release none of what the path"
			       " holds under other names", from, e->name, c->args[i]);
			return;
		}
	}
}

/* A function the engine does not see into (another directory's, a
 * library's) handed what a live IRQ or resource of the path is named may
 * release it (ptp_qoriq_free(ptp_qoriq) frees the IRQ requested with it):
 * what the path reports from here is assumed. */
static void assume_unseen_use(Run *r, PState *s, const char *fn, const Val *v, const Call *c, uint32_t i)
{
	if (!fn || v->kind != V_OBJ || i >= c->nargs)
		return;
	const char *use = model_live_use(s->m, val_name(r, s, v));
	if (use)
		assume(r, s, "%s() is not seen into: assumed it does not release %s, %s", fn, c->args[i], use);
}

static void exec_api(Run *r, const Frame *fr, const SpecEntry *e, const Call *c, int32_t ex_i, const Val *args,
		     uint32_t nargs, PState st, bool used, const char *hint, Results *out)
{
	coverage_mark(c, r->alone);
	assume_opaque_release(r, &st, e, args, nargs, c);
	const char *ids[MAX_ARGS];
	for (uint32_t i = 0; i < nargs; i++)
		ids[i] = val_name(r, &st, &args[i]);
	ModelOrigin origin = { fr->ff->rel, (int)c->pos.line, fr->fn->name };
	Key k = e->flags & SPEC_PURE ? key_of(0x9e7e, e->name, 0) : key_of(key_mix(fr->ctx, iterations(&st)), NULL,
									(uint64_t)ex_i << 8 | 0xa);
	if (e->flags & SPEC_PURE)
		for (uint32_t i = 0; i < nargs; i++)
			k = key_mix(k, val_hash(&args[i]));
	/* A result the driver ignores is taken to succeed, but for the add of
	 * a devm action: the model knows what its failure leaves behind
	 * (devm-action-leak), tested or not. */
	long long answer;
	bool answered = model_answer(st.m, e, &answer); /* what the model holds decides it: one outcome */
	bool fork = (used || e->event == EV_ACTION_ADD) && e->ret != RET_NONE && !answered;
	for (int w = 0; w < (fork ? 2 : 1); w++) {
		ModelOutcome o = w ? MODEL_FAILURE : MODEL_SUCCESS;
		PState s = w + 1 < (fork ? 2 : 1) ? pstate_clone(&st) : st;
		Val res;
		if (answered)
			res = val_int(answer);
		else if (!api_result(r, fr, &s, e, c, ex_i, args, nargs, hint, o, k, &res)) {
			pstate_free(&s);
			continue;
		}
		/* The model binds what an IRQ number or a resource is to its
		 * name; other results are shown by what they are assigned to. */
		const char *result = e->ret == RET_IRQ || e->ret == RET_RESOURCE ? val_name(r, &s, &res) : hint;
		if (e->event == EV_ACQUIRE && e->arg[ARG_RES] >= 0 && (uint32_t)e->arg[ARG_RES] < nargs)
			result = ids[e->arg[ARG_RES]];
		if (o == MODEL_FAILURE && e->ret == RET_RESOURCE)
			result = NULL;
		r->cur = &s;
		model_call_shown(s.m, c->callee, ids, (const char *const *)c->args, (int)nargs, result, o, &origin);
		if (e->event == EV_IRQ_REQUEST && o == MODEL_SUCCESS)
			exec_handler(r, fr, e, c, args, nargs, &s);
		PStates after = { 0 };
		exec_callbacks(r, fr, s, &after);
		for (size_t i = 0; i < after.n; i++)
			push(out, after.v[i], res);
		VEC_FREE(&after);
	}
}

static void exec_call(Run *r, const Frame *fr, int32_t e, PState st, Results *out)
{
	const Expr *x = ex(fr, e);
	const Call *c = &fr->ff->calls[x->call];
	uint32_t nargs = c->nargs < MAX_ARGS ? c->nargs : MAX_ARGS;
	bool used = r->testing && !r->in_args;
	const char *hint = r->hint_expr == e ? r->hint : NULL;
	used |= r->hint_expr == e && r->hint_used;
	/* The arguments, in order; each may fork. */
	Results cur = { 0 }, next = { 0 };
	VEC(Val) argv = { 0 };
	push(&cur, st, val_int(0));
	r->in_args++;
	for (uint32_t i = 0; i < nargs && c->argx; i++) {
		next.n = 0;
		for (size_t k = 0; k < cur.n; k++)
			ev(r, fr, c->argx[i], cur.v[k].st, &next);
		Results t = cur;
		cur = next;
		next = t;
		if (cur.n != 1) { /* arguments that fork: rare; the others are taken unknown */
			for (size_t k = 1; k < cur.n; k++)
				pstate_free(&cur.v[k].st);
			cur.n = cur.n ? 1 : 0;
		}
		if (!cur.n)
			break;
		VEC_PUSH(&argv, cur.v[0].v);
	}
	r->in_args--;
	VEC_FREE(&next);
	if (!cur.n) {
		VEC_FREE(&cur);
		VEC_FREE(&argv);
		return;
	}
	st = cur.v[0].st;
	VEC_FREE(&cur);
	while (argv.n < nargs) {
		Val u = fresh(r, fr, &st, e, "?", 0xa0 + argv.n);
		VEC_PUSH(&argv, u);
	}
	const Val *args = argv.v;
	/* The callee: a name, or a pointer the path may know. */
	const char *name = NULL;
	const Expr *callee = x->a >= 0 ? ex(fr, x->a) : NULL;
	bool direct = callee && callee->kind == EX_NAME && fr->fi->local[x->a - (int32_t)fr->fn->expr_first] < 0;
	if (direct)
		name = text_at(fr, x->a);
	else if (callee) {
		Val f = pure(r, fr, x->a, &st);
		if (f.kind == V_FUNC)
			name = f.name;
	}
	const SpecEntry *api = name ? spec_lookup(r->cfg->spec, name) : NULL;
	Val v;
	if (api) {
		exec_api(r, fr, api, c, e, args, nargs, st, used, hint, out);
	} else if (name && builtin(r, fr, c, e, args, nargs, &st, &v)) {
		push(out, st, v);
	} else {
		const FileFacts *where = NULL;
		const Func *fn = name ? resolve_function(r->da, fr->ff, name, &where) : NULL;
		/* A function the directory does not define (or defines, but
		 * left unparsed as it reaches no API). */
		int unparsed = fn || !name ? 0 : function_unparsed(r->da, name);
		const char *unseen = fn || !name || unparsed ? NULL : name;
		if (fn && fn != fr->fn) {
			const FuncInfo *fi = func_info(r->da, where, fn);
			/* One that cannot change what the engine tracks is not
			 * followed, but for an accessor (a body of a few nodes,
			 * `return dev->dev_private;`): what it returns is an
			 * object the path knows, which a fresh symbol would lose.
			 * An accessor calls nothing, so no depth is too deep for it. */
			bool reaches = func_reaches_model(r->da, fi, r->cfg->inline_depth - fr->depth - 1);
			if (!reaches && fn->cfg_count > ACCESSOR_NODES)
				fn = NULL;
			else if (reaches && fr->depth >= r->cfg->inline_depth) {
				bool ptr = false;
				for (uint32_t i = 0; i < nargs; i++)
					ptr |= pointerish(&args[i]);
				if (ptr)
					assume(r, &st, "%s() is not followed (calls %d deep)", name, fr->depth);
				fn = NULL;
			}
		} else if (!fn && !direct) {
			bool ptr = false;
			for (uint32_t i = 0; i < nargs; i++)
				ptr |= pointerish(&args[i]);
			if (ptr)
				assume(r, &st, "%s:%u: the call through %s is not resolved", fr->ff->rel, c->pos.line,
				       c->callee);
		} else
			fn = NULL;
		if (fn) {
			Outs outs = { 0 };
			exec_function(r, fr, where, fn, args, nargs, key_mix(key_of(fr->ctx, NULL, (uint64_t)e),
									       iterations(&st)), st, &outs);
			for (size_t i = 0; i < outs.n; i++)
				push(out, outs.v[i].st, outs.v[i].ret);
			VEC_FREE(&outs);
		} else {
			char buf[160];
			snprintf(buf, sizeof buf, "%s()", name ? name : "?");
			bool constant = name && looks_constant(name) && const_call(r, &st, name, args, nargs, &v);
			for (uint32_t i = 0; i < nargs && !constant; i++)
				if (args[i].kind == V_OBJ)
					slots_forget_local(r, &st, args[i].key, key_mix(key_mix(fr->ctx, iterations(&st)),
											  (uint64_t)e << 8 | i));
			if (constant)
				push(out, st, v);
			else if (unparsed == 2) /* a helper whose every return is `return 0;` */
				push(out, st, val_int(0));
			else if (unparsed)
				push(out, st, helper_result(r, name, args, nargs, hint ? hint : buf));
			else {
				/* Another directory's function tested as it returns
				 * (`if (!is_cn20k(pf->pdev))`) is a predicate: asked
				 * again of the same arguments on the path, it answers
				 * the same.  A result kept in a variable is a status
				 * (`err = foo_sync(...)`): each call its own. */
				Val u = unseen && !hint && r->testing ? helper_result(r, name, args, nargs, buf)
								     : fresh(r, fr, &st, e, hint ? hint : buf, 0xca);
				bool known = false; /* handed an object the path knows */
				for (uint32_t i = 0; i < nargs && unseen; i++) {
					known |= args[i].kind == V_OBJ;
					assume_unseen_use(r, &st, unseen, &args[i], c, i);
				}
				if (known)
					((KeyInfo *)key_info(r, u.key))->opaque = name_intern(r->da, unseen);
				push(out, st, u);
			}
		}
	}
	VEC_FREE(&argv);
}

/* ---- general evaluation ---- */

static void ev_lvalue_base(Run *r, const Frame *fr, int32_t e, PState st, LvResults *out)
{
	const Expr *x = ex(fr, e);
	if (base_by_value(x)) {
		Results rs = { 0 };
		ev(r, fr, x->a, st, &rs);
		/* The lvalue first: going through a pointer can change the
		 * state (it is not NULL from there on), which is then taken. */
		for (size_t i = 0; i < rs.n; i++) {
			Lval lv = lv_from(r, fr, e, &rs.v[i].st, &rs.v[i].v, NULL, NULL);
			LvRes l = { rs.v[i].st, lv };
			VEC_PUSH(out, l);
		}
		VEC_FREE(&rs);
		return;
	}
	LvResults bl = { 0 };
	lv_ev(r, fr, x->a, st, &bl);
	for (size_t i = 0; i < bl.n; i++) {
		PState s = bl.v[i].st;
		Val iv = { 0 };
		if (x->kind == EX_INDEX) {
			Results rs = { 0 };
			ev(r, fr, x->b, s, &rs);
			for (size_t k = 1; k < rs.n; k++)
				pstate_free(&rs.v[k].st);
			if (!rs.n) {
				VEC_FREE(&rs);
				continue;
			}
			s = rs.v[0].st;
			iv = rs.v[0].v;
			VEC_FREE(&rs);
		}
		Lval lv = lv_from(r, fr, e, &s, NULL, &bl.v[i].lv, &iv);
		LvRes l = { s, lv };
		VEC_PUSH(out, l);
	}
	VEC_FREE(&bl);
}

static void lv_ev(Run *r, const Frame *fr, int32_t e, PState st, LvResults *out)
{
	if (!may_fork(fr, e)) {
		LvRes l = { st, { 0 } };
		l.lv = lv_pure(r, fr, e, &l.st);
		VEC_PUSH(out, l);
		return;
	}
	const Expr *x = ex(fr, e);
	if (x->kind == EX_MEMBER || x->kind == EX_INDEX || x->kind == EX_DEREF) {
		ev_lvalue_base(r, fr, e, st, out);
		return;
	}
	/* Not an lvalue (a call's result assigned to): evaluate for effects. */
	Results rs = { 0 };
	ev(r, fr, e, st, &rs);
	for (size_t i = 0; i < rs.n; i++) {
		LvRes l = { rs.v[i].st, { .kind = LV_NONE } };
		VEC_PUSH(out, l);
	}
	VEC_FREE(&rs);
}

static void ev(Run *r, const Frame *fr, int32_t e, PState st, Results *out)
{
	if (e < 0 || !may_fork(fr, e)) {
		Val v = pure(r, fr, e, &st);
		push(out, st, v);
		return;
	}
	const Expr *x = ex(fr, e);
	Results ra = { 0 };
	switch ((ExprKind)x->kind) {
	case EX_CALL:
		exec_call(r, fr, e, st, out);
		return;
	case EX_MEMBER: case EX_INDEX: case EX_DEREF: {
		LvResults ls = { 0 };
		lv_ev(r, fr, e, st, &ls);
		for (size_t i = 0; i < ls.n; i++)
			push(out, ls.v[i].st, load(r, fr, &ls.v[i].st, &ls.v[i].lv, e));
		VEC_FREE(&ls);
		return;
	}
	case EX_ADDR: {
		LvResults ls = { 0 };
		lv_ev(r, fr, x->a, st, &ls);
		for (size_t i = 0; i < ls.n; i++)
			push(out, ls.v[i].st, address_of(r, fr, x->a, &ls.v[i].st, &ls.v[i].lv));
		VEC_FREE(&ls);
		return;
	}
	case EX_UNARY:
		ev(r, fr, x->a, st, &ra);
		for (size_t i = 0; i < ra.n; i++)
			push(out, ra.v[i].st, unary(r, fr, &ra.v[i].st, e, (ExprOp)x->op, &ra.v[i].v));
		break;
	case EX_BINARY:
		if ((x->op == OP_LAND || x->op == OP_LOR) && !may_fork(fr, x->b)) {
			/* No call on the right: the value, not two paths. */
			ev(r, fr, x->a, st, &ra);
			for (size_t i = 0; i < ra.n; i++) {
				PState s = ra.v[i].st;
				int t = val_truth(r, &s, &ra.v[i].v);
				bool and = x->op == OP_LAND;
				if (t == !and) {
					push(out, s, val_int(!and));
					continue;
				}
				Val b = pure(r, fr, x->b, &s);
				int u = val_truth(r, &s, &b);
				push(out, s, u >= 0 && t >= 0 ? val_int(u) : u == !and ? val_int(!and)
					     : fresh(r, fr, &s, e, "?", 0x1a));
			}
			break;
		}
		if (x->op == OP_LAND || x->op == OP_LOR) {
			PStates yes = { 0 }, no = { 0 };
			eval_cond(r, fr, x->a, st, &yes, &no, &ra);
			bool and = x->op == OP_LAND;
			PStates *rest = and ? &yes : &no, *done = and ? &no : &yes;
			for (size_t i = 0; i < done->n; i++)
				push(out, done->v[i], val_int(!and));
			PStates y2 = { 0 }, n2 = { 0 };
			for (size_t i = 0; i < rest->n; i++)
				eval_cond(r, fr, x->b, rest->v[i], &y2, &n2, &ra);
			for (size_t i = 0; i < y2.n; i++)
				push(out, y2.v[i], val_int(1));
			for (size_t i = 0; i < n2.n; i++)
				push(out, n2.v[i], val_int(0));
			VEC_FREE(&yes), VEC_FREE(&no), VEC_FREE(&y2), VEC_FREE(&n2);
			break;
		}
		ev(r, fr, x->a, st, &ra);
		for (size_t i = 0; i < ra.n; i++) {
			Results rb = { 0 };
			ev(r, fr, x->b, ra.v[i].st, &rb);
			for (size_t k = 0; k < rb.n; k++)
				push(out, rb.v[k].st, binary(r, fr, &rb.v[k].st, e, (ExprOp)x->op, &ra.v[i].v, &rb.v[k].v));
			VEC_FREE(&rb);
		}
		break;
	case EX_ASSIGN: {
		LvResults ls = { 0 };
		lv_ev(r, fr, x->a, st, &ls);
		const char *hint = lvalue_text(r->da, fr->ff, x->a);
		for (size_t i = 0; i < ls.n; i++) {
			Results rb = { 0 };
			int32_t saved_e = r->hint_expr;
			const char *saved = r->hint;
			bool saved_used = r->hint_used;
			r->hint_expr = x->b, r->hint = hint;
			r->hint_used = hint && strset_get(&fr->fi->tested, hint, strlen(hint), NULL);
			ev(r, fr, x->b, ls.v[i].st, &rb);
			r->hint_expr = saved_e, r->hint = saved, r->hint_used = saved_used;
			for (size_t k = 0; k < rb.n; k++) {
				PState s = rb.v[k].st;
				Val v = assign_value(r, fr, &s, e, &ls.v[i].lv, (ExprOp)x->op, rb.v[k].v);
				push(out, s, v);
			}
			VEC_FREE(&rb);
		}
		VEC_FREE(&ls);
		return;
	}
	case EX_INCDEC: {
		LvResults ls = { 0 };
		lv_ev(r, fr, x->a, st, &ls);
		for (size_t i = 0; i < ls.n; i++)
			push(out, ls.v[i].st, incdec(r, fr, &ls.v[i].st, e, &ls.v[i].lv, (ExprOp)x->op));
		VEC_FREE(&ls);
		return;
	}
	case EX_COND: {
		/* Arms without calls do not fork the path: where the condition
		 * is undecided the value is one of the two, a symbol of its own
		 * (`mac->desc = mac->desc ?: entry->desc` eight times in a row
		 * would otherwise make 256 paths that differ in nothing the
		 * model sees).  `a ?: b` is `a ? a : b`. */
		int32_t yes_e = x->b >= 0 ? x->b : x->a;
		bool arms_fork = (yes_e >= 0 && may_fork(fr, yes_e)) || (x->c >= 0 && may_fork(fr, x->c));
		if (!arms_fork) {
			ev(r, fr, x->a, st, &ra);
			for (size_t i = 0; i < ra.n; i++) {
				PState s = ra.v[i].st;
				int t = val_truth(r, &s, &ra.v[i].v);
				Val a = t != 0 ? (x->b >= 0 ? pure(r, fr, x->b, &s) : ra.v[i].v) : (Val){ 0 };
				Val b = t != 1 ? pure(r, fr, x->c, &s) : (Val){ 0 };
				push(out, s, t == 1 ? a : t == 0 ? b : val_equal(&a, &b) ? a : fresh(r, fr, &s, e, "?:", 0xc0));
			}
			break;
		}
		PStates yes = { 0 }, no = { 0 };
		eval_cond(r, fr, x->a, st, &yes, &no, &ra);
		for (size_t i = 0; i < yes.n; i++)
			ev(r, fr, yes_e, yes.v[i], out);
		for (size_t i = 0; i < no.n; i++)
			ev(r, fr, x->c, no.v[i], out);
		VEC_FREE(&yes), VEC_FREE(&no);
		break;
	}
	case EX_COMMA:
		ev(r, fr, x->a, st, &ra);
		for (size_t i = 0; i < ra.n; i++)
			ev(r, fr, x->b, ra.v[i].st, out);
		break;
	default:
		push(out, st, pure(r, fr, e, &st));
		return;
	}
	VEC_FREE(&ra);
}

void eval_store(Run *r, const Frame *fr, int32_t e, Val v, PState *s)
{
	Lval lv = lv_pure(r, fr, e, s);
	store(s, &lv, v);
}

void eval_branch(Run *r, const Frame *fr, int32_t e, PState st, PStates *yes, PStates *no)
{
	Results tmp = { 0 };
	eval_cond(r, fr, e, st, yes, no, &tmp);
	VEC_FREE(&tmp);
}

void eval_expr(Run *r, const Frame *fr, int32_t e, PStates *in, PStates *out, Vals *vals)
{
	Results rs = { 0 };
	for (size_t i = 0; i < in->n; i++)
		ev(r, fr, e, in->v[i], &rs);
	in->n = 0;
	for (size_t i = 0; i < rs.n; i++) {
		VEC_PUSH(out, rs.v[i].st);
		if (vals)
			VEC_PUSH(vals, rs.v[i].v);
	}
	VEC_FREE(&rs);
}
