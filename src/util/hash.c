/*
 * hash.c — two 64-bit FNV-1a streams with different bases, side by side.
 *
 * Identities kept across runs (a finding's fingerprint, the key of a
 * directory's cached analysis) must be the same on every machine and for
 * every run, and two different inputs must not share one by accident:
 * 128 bits of a simple, fixed hash do both, with no library.
 */
#include <stdio.h>

#include "util/hash.h"

Hash128 hash_start(void)
{
	return (Hash128){ 14695981039346656037ull, 0x84222325cbf29ce4ull };
}

void hash_mix(Hash128 *h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		h->a = (h->a ^ c) * 1099511628211ull;
		h->b = (h->b ^ c) * 0x100000001b3ull + 0x9e37;
	}
	h->a = (h->a ^ 0xff) * 1099511628211ull;
	h->b = (h->b ^ 0xfe) * 0x100000001b3ull;
}

const char *hash_hex(Hash128 h, char out[HASH_HEX])
{
	snprintf(out, HASH_HEX, "%016llx%016llx", (unsigned long long)h.a, (unsigned long long)h.b);
	return out;
}
