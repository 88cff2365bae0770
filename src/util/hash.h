/* hash.h — a 128-bit hash of byte strings, for identities that must not collide (see hash.c). */
#ifndef HASH_H
#define HASH_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint64_t a, b;
} Hash128;

enum { HASH_HEX = 33 }; /* 32 hex digits and the NUL */

Hash128 hash_start(void);
/* Mix N bytes of S into H, then a separator no text has, so that ("ab",
 * "c") and ("a", "bc") differ. */
void hash_mix(Hash128 *h, const char *s, size_t n);
/* H as 32 hex digits in OUT. */
const char *hash_hex(Hash128 h, char out[HASH_HEX]);

#endif
