/* cli.h — the commands that live outside main.c, and what every command shares. */
#ifndef CLI_H
#define CLI_H

#include <stdbool.h>

/* A usage error: one line saying what is wrong (printf-style), then where
 * the help is; returns 2, the exit status of a usage error. */
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append rule id or prefix NAME to LIST of *N (--rule, --no-rule): 0, or
 * a usage error of CMD (2) when there are too many. */
int add_rule_arg(const char *cmd, const char **list, int *n, const char *name);

/* S as a whole decimal number in MIN..MAX; false when it is not one. */
bool parse_number(const char *s, long long min, long long max, long long *out);

/* teardown --version (version.c): the version, and the data folder used. */
int version_main(void);

/* teardown check [compiler flags] FILE... (check.c): kbuild's CHECK. */
int check_main(int argc, char **argv);

/* teardown explain RULE (explain.c): what a rule means, from docs/rules. */
int explain_main(int argc, char **argv);

/* teardown maintainers FILE... (maintainers.c): FILE's people and lists. */
int maintainers_main(int argc, char **argv);

/* teardown spec derive TREE (derive.c): the devres API read from a tree. */
int spec_main(int argc, char **argv);

#endif
