/*
 * items.c: unit test of the item splitter and of the selection of the items
 * a scan parses (src/parse/items.c, src/parse/select.c): where items begin
 * and end, which are functions and under which names, what makes a file
 * unsplittable, and which items a directory's drivers reach — including the
 * ones that must stay unparsed.
 *
 * check-name: items: top-level items without a parse, and the ones drivers reach
 * check-command: make -s --no-print-directory -f Makefile -f tests/unit/unit.mk build/tests/unit/items && build/tests/unit/items
 * check-output-start
 * ok split: a prototype, a variable and a function are three items
 * ok split: the function is named and ends at its closing brace
 * ok split: braces in comments, strings and #defines do not count
 * ok split: a brace opened in both branches of an #ifdef counts once
 * ok split: a semicolon-less macro before a function names it too
 * ok split: unbalanced braces make the file unsplittable
 * ok split: rows and columns of an item are its own
 * ok select: the driver struct and its callbacks are chosen
 * ok select: a function probe calls is chosen, in a sibling file too
 * ok select: a callback named but not called is chosen (devm action)
 * ok select: an ops function no driver entry calls stays unparsed
 * ok select: calls deeper than the inline depth stay unparsed
 * ok select: an unsplittable file is chosen whole
 * ok live: functions that reach an API, and the roots, are chosen
 * ok live: functions that reach no API are left to the unknown-call rule
 * ok parse: an item parsed on its own keeps the file's rows
 * check-output-end
 */
#include <stdio.h>
#include <string.h>
#include <tree_sitter/api.h>

#include "parse/parse.h"
#include "walk/walk.h"

static int failures;

static void check(bool ok, const char *what)
{
	printf("%s %s\n", ok ? "ok" : "FAIL", what);
	failures += !ok;
}

typedef struct {
	ItemVec items;
	NameVec names;
	int rc;
} Split;

static Split split(const char *text)
{
	Split s = { 0 };
	s.rc = split_items(text, strlen(text), &s.items, &s.names);
	return s;
}

/* Is the item starting with PREFIX a function named NAME (among others)? */
static bool named(const Split *s, const char *text, size_t k, const char *name)
{
	const Item *it = &s->items.v[k];
	for (uint32_t i = 0; i < it->nnames; i++) {
		const Name *nm = &s->names.v[it->first_name + i];
		if (nm->len == strlen(name) && !memcmp(text + nm->start, name, nm->len))
			return it->is_func;
	}
	return false;
}

static bool item_is(const char *text, const Item *it, const char *want)
{
	return it->end - it->start == strlen(want) && !memcmp(text + it->start, want, it->end - it->start);
}

static void test_split(void)
{
	const char *t1 = "static int foo(int);\nint x = 1;\n/* c */\nstatic int foo(int a)\n{\n\treturn a;\n}\n";
	Split s = split(t1);
	check(s.rc == 0 && s.items.n == 3 && !s.items.v[0].is_func && !s.items.v[1].is_func,
	      "split: a prototype, a variable and a function are three items");
	check(s.items.n == 3 && named(&s, t1, 2, "foo") &&
		      item_is(t1, &s.items.v[2], "static int foo(int a)\n{\n\treturn a;\n}"),
	      "split: the function is named and ends at its closing brace");

	const char *t2 = "#define OPEN {\nint f(void) { /* } */ char *s = \"}\"; char c = '{'; return 0; }\nint y;\n";
	s = split(t2);
	check(s.rc == 0 && s.items.n == 2 && named(&s, t2, 0, "f"),
	      "split: braces in comments, strings and #defines do not count");

	const char *t3 = "int g(int a)\n{\n#ifdef A\n\tif (a) {\n#else\n\tif (!a) {\n#endif\n\t\ta++;\n\t}\n\treturn a;\n}\nint z;\n";
	s = split(t3);
	check(s.rc == 0 && s.items.n == 2 && named(&s, t3, 0, "g"),
	      "split: a brace opened in both branches of an #ifdef counts once");

	const char *t4 = "static DEF_SCSI_QCMD(queue)\n\nstatic void shut(struct d *d)\n{\n\tfree_irq(d->irq, d);\n}\n";
	s = split(t4);
	check(s.rc == 0 && s.items.n == 1 && named(&s, t4, 0, "shut") && named(&s, t4, 0, "DEF_SCSI_QCMD"),
	      "split: a semicolon-less macro before a function names it too");

	s = split("int h(void) { if (1) { return 0; }\n");
	Split s2 = split("int h(void) { return 0; } }\n");
	check(s.rc < 0 && s.items.n == 0 && s2.rc < 0, "split: unbalanced braces make the file unsplittable");

	const char *t5 = "int a;\n\n  int k(void)\n{\n}\n";
	s = split(t5);
	const Item *it = s.items.n == 2 ? &s.items.v[1] : NULL;
	check(it && it->start_row == 2 && it->start_col == 2 && it->end_row == 4 && it->end_col == 1,
	      "split: rows and columns of an item are its own");
}

/* A directory of two files; which items (by their first bytes) are chosen. */
static bool chosen(const SelectFile *f, const char *prefix)
{
	for (size_t i = 0; i < f->chosen.n; i++)
		if (!strncmp(f->text + f->chosen.v[i].start, prefix, strlen(prefix)))
			return true;
	return false;
}

static void test_select(void)
{
	StrSet names = { 0 };
	strset_add(&names, "pci_driver", (void *)(uintptr_t)(MENTION_API | MENTION_DRIVER | MENTION_ROOT));
	strset_add(&names, "module_pci_driver", (void *)(uintptr_t)MENTION_ROOT);
	strset_add(&names, "pci_alloc_irq_vectors", (void *)(uintptr_t)MENTION_API);
	const char *main_c =
		"static void foo_release(void *p) { foo_hw_off(p); }\n"
		"static int foo_open(struct net_device *n) { return foo_up(n); }\n"
		"static const struct net_device_ops foo_ops = { .ndo_open = foo_open };\n"
		"static int foo_probe(struct pci_dev *p, const struct pci_device_id *id)\n{\n"
		"\tp->netdev_ops = &foo_ops;\n\tdevm_add_action(&p->dev, foo_release, p);\n"
		"\treturn foo_setup_irqs(p) ?: d1(p);\n}\n"
		"static void foo_remove(struct pci_dev *p) { }\n"
		"static struct pci_driver foo_driver = { .probe = foo_probe, .remove = foo_remove };\n"
		"module_pci_driver(foo_driver);\n"
		"int d1(struct pci_dev *p) { return d2(p); }\n"
		"int d2(struct pci_dev *p) { return d3(p); }\n"
		"int d3(struct pci_dev *p) { return d4(p); }\n"
		"int d4(struct pci_dev *p) { return d5(p); }\n"
		"int d5(struct pci_dev *p) { return d6(p); }\n"
		"int d6(struct pci_dev *p) { return 0; }\n";
	const char *irq_c = "int foo_setup_irqs(struct pci_dev *p) { return pci_alloc_irq_vectors(p, 1, 4, 0); }\n"
			    "int foo_up(struct net_device *n) { return 0; }\n"
			    "void foo_hw_off(void *p) { }\n";
	const char *broken_c = "int foo_other(void) { if (x) {\n";
	SelectFile files[3] = { { .text = main_c }, { .text = irq_c }, { .text = broken_c } };
	for (int i = 0; i < 2; i++)
		split_items(files[i].text, strlen(files[i].text), &files[i].items, &files[i].names);
	Item whole = { .end = (uint32_t)strlen(broken_c) };
	VEC_PUSH(&files[2].items, whole);
	files[2].whole = true;
	SelectRules every = { MENTION_ROOT, 0, 4 };
	select_items(files, 3, &names, &every);
	check(chosen(&files[0], "static struct pci_driver") && chosen(&files[0], "module_pci_driver") &&
		      chosen(&files[0], "static int foo_probe") && chosen(&files[0], "static void foo_remove"),
	      "select: the driver struct and its callbacks are chosen");
	check(chosen(&files[1], "int foo_setup_irqs") && chosen(&files[0], "int d1"),
	      "select: a function probe calls is chosen, in a sibling file too");
	check(chosen(&files[0], "static void foo_release") && chosen(&files[1], "void foo_hw_off"),
	      "select: a callback named but not called is chosen (devm action)");
	check(!chosen(&files[0], "static int foo_open") && !chosen(&files[0], "static const struct net_device_ops") &&
		      !chosen(&files[1], "int foo_up"),
	      "select: an ops function no driver entry calls stays unparsed");
	/* probe is the entry's frame 0 and d1..d4 frames 1..4, the deepest the
	 * analysis replays; d5 is never looked at. */
	check(chosen(&files[0], "int d4") && !chosen(&files[0], "int d5") && !chosen(&files[0], "int d6"),
	      "select: calls deeper than the inline depth stay unparsed");
	check(files[2].chosen.n == 1, "select: an unsplittable file is chosen whole");

	SelectRules live = { MENTION_ROOT, MENTION_API, 4 };
	select_items(files, 3, &names, &live);
	check(chosen(&files[1], "int foo_setup_irqs") && chosen(&files[0], "static int foo_probe") &&
		      chosen(&files[0], "static struct pci_driver") && chosen(&files[0], "module_pci_driver"),
	      "live: functions that reach an API, and the roots, are chosen");
	check(!chosen(&files[0], "static void foo_remove") && !chosen(&files[0], "int d1") &&
		      !chosen(&files[0], "static void foo_release") && !chosen(&files[1], "void foo_hw_off"),
	      "live: functions that reach no API are left to the unknown-call rule");
	select_items(files, 3, &names, &every);

	/* Parse the chosen items of main.c: positions are the file's. */
	Parser *p = parser_new(10 * 1000 * 1000);
	TSTree *trees[16];
	bool ok = files[0].chosen.n <= 16 &&
		  parser_parse_items(p, main_c, strlen(main_c), files[0].chosen.v, files[0].chosen.n, trees);
	bool rows = ok;
	for (size_t i = 0; ok && i < files[0].chosen.n; i++) {
		TSNode root = ts_tree_root_node(trees[i]);
		rows = rows && !ts_node_has_error(root) &&
		       ts_node_start_point(ts_node_named_child(root, 0)).row == files[0].chosen.v[i].start_row;
		ts_tree_delete(trees[i]);
	}
	check(rows, "parse: an item parsed on its own keeps the file's rows");
	parser_free(p);
}

int main(void)
{
	test_split();
	test_select();
	return failures ? 1 : 0;
}
