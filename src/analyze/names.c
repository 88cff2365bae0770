/*
 * names.c — identities: keys for objects and symbols, and their names.
 *
 * An object or a symbol is named by a key hashed from where it comes from:
 * an allocation site in its activation and loop iteration, the field of
 * another object (`&priv->dev` is the field dev of priv's object), the
 * initial value of a slot no one wrote, the element of a collection.  The
 * same code reached along two paths makes the same key, so equal states
 * compare equal, and a value reached through two expressions (`priv->irq`
 * in probe, `irq` copied from it in remove) is one value.
 *
 * The model compares what it is given by text, so each key also gets a
 * display name, unique within the driver's run: the first expression that
 * named it (`priv`, `pdev->irq`), with `'2`, `'3` appended when another
 * key already has that name (the second iteration's `rdev`).  Names are
 * given in exploration order, which is deterministic.
 *
 * Embedded objects follow C: the field `dev` of the object `pdev` is an
 * object, and container_of() of it is `pdev` again, so `&pdev->dev` in
 * probe and `to_pci_dev(dev)` in a PM callback meet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/internal.h"

const char *name_intern(DirAnalysis *da, const char *s)
{
	return strset_intern(&da->strings, s);
}

Key key_of(Key a, const void *p, uint64_t n)
{
	uint64_t h = key_mix(a, n);
	if (p)
		for (const unsigned char *c = p; *c; c++)
			h = (h ^ *c) * 1099511628211ull;
	return key_mix(h, 0x7e1d);
}

const KeyInfo *key_info(const Run *r, Key k)
{
	return keymap_get(&r->keys, k);
}

/* HINT, or HINT'2, HINT'3...: a name no other key of the run has.  A big
 * driver makes thousands of keys with one hint ("ret", "local"): the next
 * suffix is remembered per hint, so each name costs one try, not one per
 * name before it. */
static const char *unique_name(Run *r, const char *hint)
{
	char buf[256];
	if (!hint || !*hint)
		hint = "?";
	size_t n = strlen(hint);
	uintptr_t i = (uintptr_t)strset_get(&r->suffixes, hint, n, NULL);
	if (i)
		snprintf(buf, sizeof buf, "%s'%u", hint, (unsigned)i);
	else
		snprintf(buf, sizeof buf, "%s", hint), i = 1;
	while (strset_get(&r->names, buf, strlen(buf), NULL))
		snprintf(buf, sizeof buf, "%s'%u", hint, (unsigned)++i);
	strset_set(&r->suffixes, hint, (void *)(i + 1));
	return arena_strndup(&r->da->scratch, buf, strlen(buf));
}

const KeyInfo *key_register(Run *r, Key k, KeyKind kind, const char *hint, const char *api)
{
	KeyInfo *ki = keymap_get(&r->keys, k);
	if (ki)
		return ki;
	ki = arena_alloc(&r->da->scratch, sizeof *ki);
	*ki = (KeyInfo){ .key = k, .kind = (uint8_t)kind, .api = api };
	ki->name = unique_name(r, hint);
	strset_add(&r->names, ki->name, ki);
	keymap_set(&r->keys, k, ki);
	return ki;
}

/* The name of field FIELD of the object named by PARENT. */
static const char *field_name(const KeyInfo *parent, const char *field, char *buf, size_t n)
{
	if (!parent || parent->kind == K_FRAME)
		snprintf(buf, n, "%s", field);
	else
		snprintf(buf, n, "%s%s%s", parent->name, parent->kind == K_SUB ? "." : "->", field);
	return buf;
}

Key obj_sub(Run *r, Key obj, const char *field)
{
	const KeyInfo *pi = key_info(r, obj);
	if (pi && pi->kind == K_CONTAINER && pi->field == field)
		return pi->parent;
	Key k = key_of(obj, field, 0x5b);
	if (key_info(r, k))
		return k;
	char buf[256];
	KeyInfo *ki = (KeyInfo *)key_register(r, k, K_SUB, field_name(pi, field, buf, sizeof buf), NULL);
	ki->parent = obj;
	ki->field = field;
	ki->zeroed = pi && pi->zeroed;
	ki->ctx = pi ? pi->ctx : 0;
	return k;
}

Key obj_container(Run *r, Key obj, const char *field)
{
	/* container_of(p, struct s, a.b): p is &s->a.b, the field b of the
	 * object embedded as a, so step out of b, then out of a. */
	const char *dot = strrchr(field, '.');
	if (dot && dot > field && dot[1]) {
		char outer[256];
		size_t n = (size_t)(dot - field);
		if (n < sizeof outer) {
			memcpy(outer, field, n);
			outer[n] = '\0';
			Key inner = obj_container(r, obj, name_intern(r->da, dot + 1));
			return obj_container(r, inner, name_intern(r->da, outer));
		}
	}
	const KeyInfo *ci = key_info(r, obj);
	if (ci && ci->kind == K_SUB && ci->field == field)
		return ci->parent;
	Key k = key_of(obj, field, 0xc0);
	if (key_info(r, k))
		return k;
	char buf[256];
	snprintf(buf, sizeof buf, "container_of(%s)", ci ? ci->name : "?");
	KeyInfo *ki = (KeyInfo *)key_register(r, k, K_CONTAINER, buf, NULL);
	ki->parent = obj;
	ki->field = field;
	return k;
}

Key obj_of(Run *r, const Val *v)
{
	if (v->kind == V_OBJ)
		return v->key;
	Key k = key_of(val_hash(v), "*", 0xde);
	if (!key_info(r, k)) {
		const KeyInfo *si = v->kind == V_SYM ? key_info(r, v->key) : NULL;
		char buf[256];
		snprintf(buf, sizeof buf, "*%s", si ? si->name : v->kind == V_INT ? "NULL" : "?");
		KeyInfo *ki = (KeyInfo *)key_register(r, k, K_OBJ, buf, NULL);
		ki->pure = true;
	}
	return k;
}

Val slot_initial(Run *r, Key obj, const char *field)
{
	const KeyInfo *oi = key_info(r, obj);
	if (oi && oi->zeroed)
		return val_int(0);
	Key k = key_of(obj, field, 0x1a17);
	if (!key_info(r, k)) {
		char buf[256];
		KeyInfo *ki = (KeyInfo *)key_register(r, k, K_SYM, field_name(oi, field, buf, sizeof buf), NULL);
		ki->pure = true;
		ki->parent = obj;
		ki->field = field;
	}
	return val_sym(k);
}

const char *val_name(Run *r, const PState *s, const Val *v)
{
	(void)s;
	char buf[64];
	const KeyInfo *ki;
	switch ((ValKind)v->kind) {
	case V_INT:
		snprintf(buf, sizeof buf, "%lld", (long long)v->n);
		return name_intern(r->da, buf);
	case V_NAMED: case V_FUNC: case V_STR:
		return v->name;
	case V_SYM: case V_OBJ: case V_BITS: case V_ISERR:
		ki = key_info(r, v->key);
		return ki ? ki->name : "?";
	}
	return "?";
}

Val val_from_name(Run *r, const char *name)
{
	const KeyInfo *ki = strset_get(&r->names, name, strlen(name), NULL);
	if (ki)
		return ki->kind == K_SYM ? val_sym(ki->key) : val_obj(ki->key);
	char *end;
	long long n = strtoll(name, &end, 0);
	if (*name && !*end)
		return val_int(n);
	return (Val){ .kind = V_NAMED, .name = name_intern(r->da, name) };
}
