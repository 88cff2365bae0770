/*
 * diag.c — the one diagnostic printer.
 *
 * A finding is data (rule, position, message, the steps that lead to it);
 * this file is the only place that turns one into text or JSON, so every
 * command reports the same way.  The text form is gcc's, which editors and
 * CI annotators already understand, followed by the path, one indented line
 * a step, so a reader can check the claim in a minute:
 *
 *   drivers/x/y.c:188:2: warning: vectors freed twice [irq-vectors-hybrid]
 *     drivers/x/y.c:101: foo_probe: pcim_enable_device() makes pdev managed
 *     drivers/x/y.c:120: foo_probe: pci_alloc_irq_vectors()
 *     ...
 */
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

void print_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;
		if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\\')
			fputs("\\\\", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

void diag_print(FILE *f, const Finding *fd)
{
	print_escaped(f, fd->file);
	fprintf(f, ":%u:%u: %s: %s [%s]\n", fd->pos.line, fd->pos.col, severity_name(fd->severity),
		fd->message, fd->rule);
	for (uint32_t i = 0; i < fd->nsteps; i++) {
		const Step *st = &fd->steps[i];
		fputs("    ", f);
		if (st->file) {
			print_escaped(f, st->file);
			fprintf(f, ":%u: ", st->pos.line);
		}
		if (st->function)
			fprintf(f, "%s: ", st->function);
		fprintf(f, "%s\n", st->what);
	}
	if (fd->shared)
		fprintf(f, "    also reached by: %s\n", fd->shared);
	if (fd->latent)
		fprintf(f, "    latent: the path assumes: %s\n", fd->latent);
	if (fd->cut)
		fprintf(f, "    note: the analysis of %s was cut short (%s): its other paths were not all replayed\n",
			fd->driver, fd->cut);
}

void contacts_print(FILE *f, const ContactVec *c, const char *lead)
{
	if (!c->n)
		return;
	fputs(lead, f);
	bool people = false;
	for (int lists = 0; lists < 2; lists++) {
		const char *sep = !lists ? "to: " : people ? "; cc: " : "cc: ";
		for (size_t i = 0; i < c->n; i++)
			if (c->v[i].list == lists) {
				fputs(sep, f);
				print_escaped(f, c->v[i].who);
				sep = ", ";
				people |= !lists;
			}
	}
}

json_t *contacts_json(const ContactVec *c)
{
	json_t *a = json_array();
	for (size_t i = 0; i < c->n; i++) {
		json_t *j = json_object();
		json_object_set_new(j, "who", json_str(c->v[i].who));
		json_object_set_new(j, "role", json_str(c->v[i].role));
		json_array_append_new(a, j);
	}
	return a;
}

static void print_findings(const Printer *p, const DriverVec *drivers, const FindingVec *found, FILE *out,
			   json_t *items)
{
	for (size_t i = 0; i < found->n; i++) {
		ContactVec to = { 0 };
		if (p->maintainers)
			maintainers_of(p->maintainers, found->v[i].file, &to);
		if (items) {
			json_t *j = diag_json(&found->v[i]);
			if (p->maintainers)
				json_object_set_new(j, "maintainers", contacts_json(&to));
			json_array_append_new(items, j);
		} else {
			diag_print(out, &found->v[i]);
			contacts_print(out, &to, "    ");
			if (to.n)
				fputc('\n', out);
		}
		contacts_free(&to);
	}
}

const Printer findings_printer = { .key = "findings", .findings = true, .dir = print_findings };

json_t *json_str(const char *s)
{
	json_t *j = json_string(s ? s : "");
	if (j)
		return j;
	/* Not UTF-8 (a Latin-1 comment, a hostile file name): keep ASCII,
	 * replace every other byte with U+FFFD so the document stays valid. */
	size_t n = strlen(s), k = 0;
	char *clean = xmalloc(3 * n + 1);
	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] < 0x80)
			clean[k++] = s[i];
		else
			k += (size_t)sprintf(clean + k, "\xef\xbf\xbd");
	}
	clean[k] = '\0';
	j = json_string(clean);
	free(clean);
	return j;
}

json_t *pos_json(const char *file, Pos p)
{
	json_t *j = json_object();
	json_object_set_new(j, "file", json_str(file));
	json_object_set_new(j, "line", json_integer(p.line));
	json_object_set_new(j, "column", json_integer(p.col));
	return j;
}

json_t *diag_json(const Finding *fd)
{
	json_t *steps = json_array();
	for (uint32_t i = 0; i < fd->nsteps; i++) {
		const Step *st = &fd->steps[i];
		json_t *j = json_object();
		if (st->file)
			json_object_set_new(j, "location", pos_json(st->file, st->pos));
		if (st->function)
			json_object_set_new(j, "function", json_str(st->function));
		json_object_set_new(j, "what", json_str(st->what));
		json_array_append_new(steps, j);
	}
	json_t *j = json_object();
	char fp[33];
	json_object_set_new(j, "rule", json_str(fd->rule));
	json_object_set_new(j, "fingerprint", json_str(finding_fingerprint(fd, fp)));
	json_object_set_new(j, "severity", json_str(severity_name(fd->severity)));
	json_object_set_new(j, "driver", json_str(fd->driver));
	if (fd->shared) {
		json_t *also = json_array();
		for (const char *p = fd->shared; *p;) {
			size_t n = strcspn(p, ",");
			char *name = xstrndup(p, n);
			json_array_append_new(also, json_str(name));
			free(name);
			p += n + (p[n] ? 2 : 0);
		}
		json_object_set_new(j, "also_reached_by", also);
	}
	json_object_set_new(j, "location", pos_json(fd->file, fd->pos));
	if (fd->function)
		json_object_set_new(j, "function", json_str(fd->function));
	json_object_set_new(j, "message", json_str(fd->message));
	json_object_set_new(j, "path", steps);
	if (fd->latent)
		json_object_set_new(j, "latent", json_str(fd->latent));
	if (fd->cut)
		json_object_set_new(j, "partial", json_str(fd->cut));
	return j;
}
