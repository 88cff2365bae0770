/*
 * idents.c: unit test of the identifier scanner (src/util/clex.c), which
 * classifies 64 bytes at a time.  Its answers are compared with the plain
 * definition — a maximal run of [A-Za-z0-9_], not starting with a digit —
 * checked byte by byte, on texts built to put runs across block edges, at
 * the very end, after bytes >= 0x80, and from starting points inside a run.
 *
 * check-name: idents: the block scanner finds what a byte-by-byte scan finds
 * check-command: make -s --no-print-directory -f Makefile -f tests/unit/unit.mk build/tests/unit/idents && build/tests/unit/idents
 * check-output-start
 * ok a line of C: pdev, dev, devm_kzalloc, sizeof, priv and GFP_KERNEL, not 0x1f
 * ok an identifier across the 64-byte edge is one identifier
 * ok a run of 200 identifier bytes is one identifier, ending at the text's end
 * ok bytes >= 0x80 and NUL end an identifier
 * ok a scan from inside a run starts there; an empty range has none
 * ok 20000 random texts: same identifiers as the byte-by-byte scan
 * ok mentions stops once every wanted kind is seen
 * check-output-end
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clex.h"

static int failures;

static void check(bool ok, const char *what)
{
	printf("%s %s\n", ok ? "ok" : "FAIL", what);
	failures += !ok;
}

/* The identifiers of S [I, N) as "start-end," pairs, by the scanner. */
static void scanned(const char *s, size_t i, size_t n, char *out, size_t cap)
{
	IdentScan it;
	size_t k = 0;
	out[0] = '\0';
	ident_scan_init(&it, s, i, n);
	for (size_t a, b; ident_scan_next(&it, &a, &b) && k + 32 < cap;)
		k += (size_t)snprintf(out + k, cap - k, "%zu-%zu,", a, b);
}

/* The same, by the definition. */
static void reference(const char *s, size_t i, size_t n, char *out, size_t cap)
{
	size_t k = 0;
	out[0] = '\0';
	while (i < n && k + 32 < cap) {
		if (!lex_ident_char((unsigned char)s[i])) {
			i++;
			continue;
		}
		size_t a = i;
		while (i < n && lex_ident_char((unsigned char)s[i]))
			i++;
		if (!(s[a] >= '0' && s[a] <= '9'))
			k += (size_t)snprintf(out + k, cap - k, "%zu-%zu,", a, i);
	}
}

static bool same(const char *s, size_t i, size_t n)
{
	static char x[1 << 16], y[1 << 16];
	scanned(s, i, n, x, sizeof x);
	reference(s, i, n, y, sizeof y);
	if (strcmp(x, y))
		fprintf(stderr, "scanner: %s\nreference: %s\n", x, y);
	return !strcmp(x, y);
}

/* The identifiers of S as text, space-separated. */
static const char *words(const char *s)
{
	static char out[512];
	IdentScan it;
	size_t k = 0;
	out[0] = '\0';
	ident_scan_init(&it, s, 0, strlen(s));
	for (size_t a, b; ident_scan_next(&it, &a, &b);)
		k += (size_t)snprintf(out + k, sizeof out - k, "%s%.*s", k ? " " : "", (int)(b - a), s + a);
	return out;
}

int main(void)
{
	check(!strcmp(words("priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL) + 0x1f;"),
		      "priv devm_kzalloc pdev dev sizeof priv GFP_KERNEL"),
	      "a line of C: pdev, dev, devm_kzalloc, sizeof, priv and GFP_KERNEL, not 0x1f");

	char edge[160];
	memset(edge, ' ', sizeof edge);
	memcpy(edge + 60, "across_the_edge", 15);
	edge[sizeof edge - 1] = '\0';
	check(!strcmp(words(edge), "across_the_edge") && same(edge, 0, strlen(edge)),
	      "an identifier across the 64-byte edge is one identifier");

	char run[202];
	memset(run, 'x', 200);
	run[0] = ' ', run[200] = '\0';
	check(same(run, 0, 200) && same(run, 0, 130), "a run of 200 identifier bytes is one identifier, ending at the text's end");

	const char high[] = "ab\xc3\xa9" "cd\0ef \x80gh";
	check(same(high, 0, sizeof high - 1), "bytes >= 0x80 and NUL end an identifier");

	const char *line = "static int foo_probe(struct pci_dev *pdev)";
	check(same(line, 13, strlen(line)) && same(line, 5, 5) && same(line, 3, 2),
	      "a scan from inside a run starts there; an empty range has none");

	/* Random texts: identifier characters broken by separators (among
	 * them a byte >= 0x80 and digits) once in about SEP bytes, so runs are
	 * from one byte to hundreds long; lengths around multiples of 64. */
	static const char idchars[] = "aZ_9", seps[] = " (\n.\x80-0x";
	static char text[600];
	bool all = true;
	srand(2026);
	for (int t = 0; t < 20000 && all; t++) {
		size_t n = (size_t)rand() % sizeof text, i = n ? (size_t)rand() % (n + 1) : 0;
		int sep = 1 + rand() % 200;
		for (size_t k = 0; k < n; k++)
			text[k] = rand() % sep ? idchars[rand() % 4] : seps[rand() % (int)(sizeof seps - 1)];
		all = same(text, i, n);
	}
	check(all, "20000 random texts: same identifiers as the byte-by-byte scan");

	StrSet names = { 0 };
	strset_set(&names, "pci_driver", (void *)(uintptr_t)1);
	strset_set(&names, "devm_kzalloc", (void *)(uintptr_t)2);
	const char *src = "static struct pci_driver d; p = devm_kzalloc(x);";
	check(mentions(&names, src, strlen(src), 3) == 3 && mentions(&names, src, 27, 3) == 1 &&
		      mentions(&names, src, strlen(src), 2) == 2,
	      "mentions stops once every wanted kind is seen");
	strset_free(&names);
	return failures != 0;
}
