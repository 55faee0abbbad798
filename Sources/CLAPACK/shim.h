// The Fortran LAPACK routines with C prototypes, from Debian's liblapacke-dev.
#include <stddef.h>
#include <lapack.h>
