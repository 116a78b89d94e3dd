/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Libraries that only some dumps or options need (snappy for snappy-
 * compressed kdump pages, libdw for a vmlinux's DWARF), opened with dlopen()
 * when first needed instead of linked: loading libdw and snappy (and the C++
 * runtime snappy pulls in) cost ~1 ms of every run, a third of a warm `log`.
 * The library is named by its SONAME (found by configure) and never closed.
 */
#ifndef KD_CORE_DLIB_H
#define KD_CORE_DLIB_H

#include <stdbool.h>
#include <stddef.h>

struct kd_dlib {
	const char *soname;
	bool tried;
	void *handle;
	char why[256];  // why it cannot be used, "" when it can
};

struct kd_dlib_sym {
	const char *name;
	void **fn;      // where the function's address goes
};

/*
 * Open l (once) and resolve every symbol of syms.  NULL when all are there;
 * else why not (the same answer on every later call), and no symbol is set.
 */
const char *kd_dlib_open(struct kd_dlib *l, const struct kd_dlib_sym *syms, size_t n);

#endif
