/*
 * clex.c — comments, literals and preprocessor lines, for text scanners.
 *
 * Several passes read C as text before tree-sitter sees it: the prefilter
 * (mentions, below), the item splitter and chooser (parse/items.c,
 * parse/select.c) and the macro masker (parse/mask.c).  They must agree on
 * what is code: a brace or a macro name inside a comment, a string or a
 * `#define` is not.  These rules are the shared part; each scanner keeps its own loop.
 * A string or character literal ends at an unescaped newline as well as at
 * its quote, so one stray quote cannot swallow the rest of the file.
 */
#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "util/clex.h"

#define IDENT_RANGE(a, b) [a ... b] = true
const bool lex_ident_table[256] = {
	IDENT_RANGE('a', 'z'), IDENT_RANGE('A', 'Z'), IDENT_RANGE('0', '9'), ['_'] = true,
};

bool lex_starts_literal(const char *s, size_t i, size_t n)
{
	return s[i] == '"' || s[i] == '\'' ||
	       (s[i] == '/' && i + 1 < n && (s[i + 1] == '/' || s[i + 1] == '*'));
}

size_t lex_skip_literal(const char *s, size_t i, size_t n)
{
	if (s[i] == '/' && i + 1 < n && s[i + 1] == '/') {
		while (i < n && s[i] != '\n')
			i++;
		return i;
	}
	if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
		for (i += 2; i + 1 < n && !(s[i] == '*' && s[i + 1] == '/'); i++)
			;
		return i + 2 < n ? i + 2 : n;
	}
	char q = s[i++];
	for (; i < n && s[i] != q && s[i] != '\n'; i++)
		if (s[i] == '\\')
			i++;
	return i < n ? i + 1 : n;
}

size_t lex_skip_directive(const char *s, size_t i, size_t n)
{
	while (i < n && !(s[i] == '\n' && s[i - 1] != '\\'))
		i++;
	return i;
}

/* Bit k: is S[BASE + k] an identifier character?  Bytes from N on are not.
 * With SSE2 (every x86-64), 16 bytes per compare; else a table lookup each. */
static uint64_t ident_bits(const unsigned char *s, size_t base, size_t n)
{
	uint64_t bits = 0;
	size_t k = 0;
#ifdef __SSE2__
	const __m128i a = _mm_set1_epi8('a' - 1), z = _mm_set1_epi8('z' + 1), case_bit = _mm_set1_epi8(0x20),
		      d0 = _mm_set1_epi8('0' - 1), d9 = _mm_set1_epi8('9' + 1), under = _mm_set1_epi8('_');
	for (; k < 64 && base + k + 16 <= n; k += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(s + base + k));
		__m128i lower = _mm_or_si128(v, case_bit); /* 'A'..'Z' -> 'a'..'z'; bytes >= 0x80 stay negative */
		__m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(lower, a), _mm_cmplt_epi8(lower, z));
		__m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, d0), _mm_cmplt_epi8(v, d9));
		__m128i id = _mm_or_si128(_mm_or_si128(alpha, digit), _mm_cmpeq_epi8(v, under));
		bits |= (uint64_t)(uint16_t)_mm_movemask_epi8(id) << k;
	}
#endif
	for (; k < 64 && base + k < n; k++)
		bits |= (uint64_t)lex_ident_table[s[base + k]] << k;
	return bits;
}

void ident_scan_init(IdentScan *it, const char *s, size_t i, size_t n)
{
	*it = (IdentScan){ (const unsigned char *)s, n, i, i < n ? ident_bits((const unsigned char *)s, i, n) : 0 };
}

/* Advance to the next block; false past the end. */
static bool next_block(IdentScan *it)
{
	it->base += 64;
	it->bits = it->base < it->n ? ident_bits(it->s, it->base, it->n) : 0;
	return it->base < it->n;
}

bool ident_scan_next(IdentScan *it, size_t *start, size_t *end)
{
	for (;;) {
		while (!it->bits)
			if (!next_block(it))
				return false;
		unsigned b = (unsigned)__builtin_ctzll(it->bits);
		size_t from = it->base + b;
		uint64_t rest = ~it->bits & (~0ull << b); /* where the run may end in this block */
		while (!rest) {                           /* it runs on into the next block */
			if (!next_block(it)) {
				rest = 0;
				break;
			}
			rest = ~it->bits;
		}
		size_t to = it->n;
		if (rest) {
			unsigned e = (unsigned)__builtin_ctzll(rest);
			to = it->base + e;
			it->bits &= ~0ull << e;
		}
		if (it->s[from] >= '0' && it->s[from] <= '9')
			continue;
		*start = from, *end = to;
		return true;
	}
}

/* Every identifier is looked up; strset_get tests one bit of the set
 * before it hashes, so the scan costs little more than reading the bytes. */
unsigned mentions(const StrSet *names, const char *text, size_t n, unsigned want)
{
	unsigned seen = 0;
	IdentScan it;
	ident_scan_init(&it, text, 0, n);
	for (size_t a, b; (seen & want) != want && ident_scan_next(&it, &a, &b);)
		seen |= (unsigned)(uintptr_t)strset_get(names, text + a, b - a, NULL);
	return seen & want;
}
