/* impact.h — `teardown impact` (impact.c). */
#ifndef IMPACT_H
#define IMPACT_H

#include "scan.h"

/* The command line after "impact"; the exit status. */
int impact_main(int argc, char **argv);

#endif
