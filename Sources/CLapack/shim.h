// OpenBLAS (CBLAS) and LAPACKE from Debian's libopenblas-dev and liblapacke-dev.
#include <lapacke.h>
#include <cblas.h>
