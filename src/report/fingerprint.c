/*
 * fingerprint.c — a finding's identity across edits of the tree.
 *
 * A list kept over time (teardown diff, SARIF's partialFingerprints) must
 * tell a finding that moved from one that is new.  Line numbers move with
 * every edit above them, so the fingerprint leaves them out, and so the
 * file's path (a file moved is the same driver): it hashes what the
 * finding is about.
 *
 *   - the rule and the driver;
 *   - the function holding the line to change;
 *   - the message, which names the objects (`priv`, `pci_irq_vector(pdev, 0)`);
 *   - the shape of the path: for each step, its function and the call or
 *     event it records (the text up to its first parenthesis or colon).
 *
 * An edit elsewhere in the file, or renaming a function the path does not
 * go through, changes none of these.  The hash is util/hash.c's, printed
 * as 32 hex digits.
 */
#include <stdio.h>
#include <string.h>

#include "report/report.h"
#include "util/hash.h"

static void mix_str(Hash128 *h, const char *s)
{
	hash_mix(h, s ? s : "", s ? strlen(s) : 0);
}

const char *finding_fingerprint(const Finding *f, char out[33])
{
	Hash128 h = hash_start();
	mix_str(&h, f->rule);
	mix_str(&h, f->driver);
	mix_str(&h, f->function);
	mix_str(&h, f->message);
	for (uint32_t i = 0; i < f->nsteps; i++) {
		const Step *st = &f->steps[i];
		mix_str(&h, st->function);
		const char *w = st->what ? st->what : "";
		hash_mix(&h, w, strcspn(w, "(:"));
	}
	return hash_hex(h, out);
}
