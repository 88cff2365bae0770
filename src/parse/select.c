/*
 * select.c — which items of a directory are worth parsing.
 *
 * The analysis starts at drivers and follows calls, at most MAX_CALLS deep
 * from an entry point.  What it can ever look at is therefore known before
 * any parse: the items that name a driver struct or a registration function
 * (the roots; where a rule is checked in functions on their own, also the
 * functions that call a managed acquisition: analyze/local.c replays
 * them), the functions they name (the callbacks: entry points), and
 * the function definitions of the directory that those call, transitively,
 * MAX_CALLS calls deep.  A function named without a call (a pointer, as in
 * `devm_add_action(dev, foo_release, ...)`) may be called back by the
 * kernel, so it is an entry point too, whatever the depth it is named at.
 * Names are read from text: any identifier of the item, even in a comment.
 * That over-approximates the calls the analysis follows, never
 * under-approximates them, so the facts of the chosen items are the facts
 * the analysis would have used from a whole parse.  Variables are not
 * followed: an ops table reached from probe (`dev->netdev_ops = &foo_ops`)
 * pulls in no ndo_* function, which no driver entry point calls.
 *
 * A scan then keeps, of the reachable functions, only the live ones: those
 * that mention an API of the spec or name a live function.  The analysis
 * replays a function only if it reaches the model (paths.c, reaches_model)
 * and treats any other as an unknown call, so an unparsed dead function
 * changes no finding.  `teardown drivers`, which shows every callback's
 * definition, keeps them all.
 *
 * A file whose items could not be split is one item, always chosen: it is
 * parsed whole, and what it names is followed like any other item.
 */
#include <stdlib.h>
#include <string.h>

#include "parse/parse.h"
#include "util/clex.h"

typedef VEC(uint32_t) Queue;

/* The function items of one name, as a list through the occurrences of
 * names: a function has one name per item, an item may have several. */
typedef struct {
	uint32_t item;
	uint32_t next; /* index + 1 of the next link of the same name, or 0 */
} Link;
typedef VEC(Link) Links;

enum { UNCHOSEN = 255 };

/* Every identifier of TEXT [a, b) that names a function item of FUNCS
 * (value: index + 1 of the first of its LINKS) gets a
 * distance: D + 1 if called (the identifier is followed by '('), else 1,
 * since a function named but not called may be a callback the kernel calls
 * back (a devm action, say), which the analysis replays as from an entry
 * point.  Items whose distance shrinks within MAX are queued again. */
typedef struct {
	uint32_t from, to; /* item FROM names function item TO */
} Edge;
typedef VEC(Edge) Edges;

/* Is the identifier of TEXT that ends at I (before B) called: followed by '('? */
static bool called(const char *text, size_t i, size_t b)
{
	while (i < b && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n'))
		i++;
	return i < b && text[i] == '(';
}

static void follow(const char *text, uint32_t a, uint32_t b, uint32_t from, uint8_t d, uint8_t max,
		   const StrSet *funcs, const Links *links, uint8_t *dist, Queue *queue, Edges *edges)
{
	IdentScan idents;
	ident_scan_init(&idents, text, a, b);
	for (size_t start, i; ident_scan_next(&idents, &start, &i);) {
		uintptr_t k = (uintptr_t)strset_get(funcs, text + start, i - start, NULL);
		if (!k)
			continue;
		uint8_t to = called(text, i, b) ? (uint8_t)(d + 1) : 1;
		for (; k; k = links->v[k - 1].next) {
			uint32_t item = links->v[k - 1].item;
			if (edges) {
				Edge e = { from, item };
				VEC_PUSH(edges, e);
			}
			if (to <= max && to < dist[item]) {
				dist[item] = to;
				VEC_PUSH(queue, item);
			}
		}
	}
}

/* An accessor: a function short enough to be one statement through a
 * pointer: a getter (`return dev->dev_private;`, a container_of) or a
 * setter (`vdev->intr_mode = mode;`).  It changes no model, but what a
 * getter returns is an object or value the path knows, and it must see
 * what the setter stored: the analysis follows both (eval.c), so they
 * are parsed. */
enum { ACCESSOR_BYTES = 200 };

static bool is_word(const char *w, size_t len, const char *word)
{
	return len == strlen(word) && !memcmp(w, word, len);
}

static bool accessor(const Item *it, const char *text)
{
	if (!it->is_func || it->end - it->start > ACCESSOR_BYTES)
		return false;
	const char *brace = memchr(text + it->start, '{', it->end - it->start);
	if (!brace)
		return false;
	size_t body = (size_t)(brace - text);
	bool through = memmem(brace, it->end - body, "->", 2) != NULL;
	/* Nothing called in the body but container_of (sizeof, and a
	 * parenthesised return value, are no calls). */
	IdentScan idents;
	ident_scan_init(&idents, text, body, it->end);
	for (size_t start, i; ident_scan_next(&idents, &start, &i);) {
		const char *w = text + start;
		size_t len = i - start;
		if (is_word(w, len, "container_of"))
			through = true;
		else if (called(text, i, it->end) && !is_word(w, len, "sizeof") && !is_word(w, len, "return"))
			return false;
	}
	return through;
}

/* Which chosen items can change the model: those that mention a LIVE_KIND
 * name (an API of the spec), and those that name a live function, to a
 * fixed point; and the accessors.  The others the analysis treats as
 * unknown calls anyway. */
static void mark_live(SelectFile *files, size_t nfiles, const size_t *base, const uint8_t *dist,
		      const Edges *edges, const StrSet *names, unsigned live_kind, bool *live)
{
	for (size_t f = 0; f < nfiles; f++)
		for (size_t i = 0; i < files[f].items.n; i++) {
			const Item *it = &files[f].items.v[i];
			live[base[f] + i] = dist[base[f] + i] != UNCHOSEN &&
					    (mentions(names, files[f].text + it->start, it->end - it->start, live_kind) ||
					     accessor(it, files[f].text));
		}
	for (bool changed = true; changed;) {
		changed = false;
		for (size_t e = 0; e < edges->n; e++) {
			const Edge *x = &edges->v[e];
			if (!live[x->from] && live[x->to] && dist[x->to] != UNCHOSEN) {
				live[x->from] = true;
				changed = true;
			}
		}
	}
}

void select_items(SelectFile *files, size_t nfiles, const StrSet *names, const SelectRules *r)
{
	/* All items of the directory in one numbering: file by file. */
	size_t total = 0;
	for (size_t f = 0; f < nfiles; f++)
		total += files[f].items.n;
	uint8_t *dist = xmalloc(total ? total : 1);
	memset(dist, UNCHOSEN, total ? total : 1);
	uint8_t max = (uint8_t)(r->max_calls < 0 ? 0 : r->max_calls > 200 ? 200 : r->max_calls) + 1;
	Links links = { 0 };
	uint32_t *file_of = xcalloc(total ? total : 1, sizeof *file_of);
	StrSet funcs = { 0 };
	Queue queue = { 0 };
	for (size_t f = 0, k = 0; f < nfiles; f++) {
		const SelectFile *sf = &files[f];
		for (size_t i = 0; i < sf->items.n; i++, k++) {
			const Item *it = &sf->items.v[i];
			file_of[k] = (uint32_t)f;
			for (uint32_t m = 0; m < it->nnames; m++) {
				const Name *nm = &sf->names.v[it->first_name + m];
				char *name = xstrndup(sf->text + nm->start, nm->len);
				Link l = { (uint32_t)k, (uint32_t)(uintptr_t)strset_get(&funcs, name, nm->len, NULL) };
				VEC_PUSH(&links, l);
				strset_set(&funcs, name, (void *)(uintptr_t)links.n);
				free(name);
			}
			if (sf->whole || mentions(names, sf->text + it->start, it->end - it->start, r->root_kind)) {
				dist[k] = 0;
				VEC_PUSH(&queue, (uint32_t)k);
			}
		}
	}
	size_t *base = xcalloc(nfiles ? nfiles : 1, sizeof *base);
	for (size_t f = 1; f < nfiles; f++)
		base[f] = base[f - 1] + files[f - 1].items.n;
	Edges edges = { 0 };
	bool *seen = xcalloc(total ? total : 1, sizeof *seen);
	for (size_t q = 0; q < queue.n; q++) {
		uint32_t k = queue.v[q];
		const SelectFile *sf = &files[file_of[k]];
		const Item *it = &sf->items.v[k - base[file_of[k]]];
		follow(sf->text, it->start, it->end, k, dist[k], max, &funcs, &links, dist, &queue,
		       r->live_kind && !seen[k] ? &edges : NULL);
		seen[k] = true;
	}
	bool *live = NULL;
	if (r->live_kind) {
		live = xcalloc(total ? total : 1, sizeof *live);
		mark_live(files, nfiles, base, dist, &edges, names, r->live_kind, live);
	}
	/* Each file's chosen items, in text order: the reachable ones, and of
	 * the functions among them only the live ones if asked. */
	for (size_t f = 0; f < nfiles; f++) {
		SelectFile *sf = &files[f];
		sf->chosen.n = 0;
		for (size_t i = 0; i < sf->items.n; i++) {
			size_t k = base[f] + i;
			if (dist[k] != UNCHOSEN && (!live || dist[k] == 0 || live[k] || sf->whole))
				VEC_PUSH(&sf->chosen, sf->items.v[i]);
		}
	}
	free(live);
	free(seen);
	VEC_FREE(&edges);
	VEC_FREE(&queue);
	strset_free(&funcs);
	free(base);
	free(file_of);
	VEC_FREE(&links);
	free(dist);
}
