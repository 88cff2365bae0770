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
 *   - the shape of the path: for each step that records a call or an
 *     event, its function and that call or event (the text up to its
 *     first parenthesis or colon, without digits: devres node numbers
 *     such as "#5" count the driver's other resources, not this one).
 *
 * The steps that only say which branch the path took ("path: `ret` is
 * false") are left out: the analysis reports one path of many that reach
 * the same finding, and which one it picks changes when unrelated code
 * changes (a comparison of Debian's 6.12 and 7.3 scans halved the
 * findings that looked fixed and new at once by leaving them out).
 *
 * An edit elsewhere in the file, or renaming a function the path does not
 * go through, changes none of these.  The hash is util/hash.c's, printed
 * as 32 hex digits.
 */
#include <ctype.h>
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
		const char *w = st->what ? st->what : "";
		if (!strncmp(w, "path: ", 6))
			continue;
		mix_str(&h, st->function);
		char event[256];
		size_t n = 0, end = strcspn(w, "(:");
		for (size_t k = 0; k < end && n < sizeof event; k++)
			if (!isdigit((unsigned char)w[k]))
				event[n++] = w[k];
		hash_mix(&h, event, n);
	}
	return hash_hex(h, out);
}
