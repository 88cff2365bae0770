/*
 * args.c — what every command does with a bad argument.
 *
 * A usage error answers the mistake, not with the whole manual: one line
 * that names what was wrong, one that says where the help is, exit 2 (the
 * help itself goes to stdout, with exit 0, when it is asked for).  Numbers
 * are read whole: `--parse-timeout abc` or `-j 4x` is an error, not 0 or 4.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "report/report.h"

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("teardown: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'teardown %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
	return 2;
}

int add_rule_arg(const char *cmd, const char **list, int *n, const char *name)
{
	if (*n == MAX_RULE_ARGS)
		return usage_error(cmd, "at most %d --rule and %d --no-rule", MAX_RULE_ARGS, MAX_RULE_ARGS);
	list[(*n)++] = name;
	return 0;
}

bool parse_number(const char *s, long long min, long long max, long long *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (end == s || *end || errno || v < min || v > max)
		return false;
	*out = v;
	return true;
}
