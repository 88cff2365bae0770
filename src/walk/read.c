/*
 * read.c — read a source file, or say why not; the prefilter.
 *
 * A scan reads every byte of the tree once, here.  Files are opened
 * non-blocking (a FIFO that appeared after the walk must not hang a worker),
 * checked to be regular after opening (the walk's stat is only advice) and
 * read whole up to a size limit.  A NUL byte in the first 8 KiB marks a
 * binary file, as git and grep decide it.
 *
 * The prefilter (mentions(), util/clex.c) then decides whether the file is
 * worth a parse: most of the kernel's files never mention a driver struct or
 * a resource API.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "walk/walk.h"

enum { BINARY_PROBE = 8192 };

char *read_source(const WalkFile *f, size_t max_bytes, size_t *len, SkipReason *why, char *detail,
		  size_t detail_size)
{
	detail[0] = '\0';
	int fd = open(f->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		*why = SKIP_UNREADABLE;
		snprintf(detail, detail_size, "%s", strerror(errno));
		return NULL;
	}
	struct stat st;
	char *buf = NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*why = SKIP_NOT_REGULAR;
		goto fail;
	}
	if ((size_t)st.st_size > max_bytes) {
		*why = SKIP_TOO_LARGE;
		snprintf(detail, detail_size, "%lld bytes, read limit %zu", (long long)st.st_size,
			 max_bytes);
		goto fail;
	}
	/* Read to EOF, not to st_size: the file may change under us. */
	size_t cap = (size_t)st.st_size + 1, n = 0;
	buf = xmalloc(cap + 1);
	for (;;) {
		if (n == cap) {
			if (cap > max_bytes) {
				*why = SKIP_TOO_LARGE;
				snprintf(detail, detail_size, "grew past the limit of %zu bytes", max_bytes);
				goto fail;
			}
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*why = SKIP_UNREADABLE;
			snprintf(detail, detail_size, "%s", strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	if (memchr(buf, '\0', n < BINARY_PROBE ? n : BINARY_PROBE)) {
		*why = SKIP_BINARY;
		snprintf(detail, detail_size, "NUL byte in the first %d bytes", BINARY_PROBE);
		free(buf);
		return NULL;
	}
	*len = n;
	*why = SKIP_NONE;
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}
