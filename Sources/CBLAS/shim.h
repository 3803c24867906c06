#ifndef MARQUEE_CBLAS_SHIM_H
#define MARQUEE_CBLAS_SHIM_H
#include <cblas.h>
#include <lapacke.h>
#endif
