/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Types from the DWARF of a debug vmlinux (shell/core/dwarf.c), converted to
 * an in-memory BTF so that the types layer (types_*.c) works unchanged.
 */
#ifndef KD_CORE_DWARF_BTF_H
#define KD_CORE_DWARF_BTF_H

#include <stddef.h>

#include <kdive/error.h>

struct btf;

/* What a conversion did (for the types source line and bench/). */
struct kd_dwarf_stats {
	size_t units;      /* compilation units scanned */
	size_t top_dies;   /* top-level DIEs scanned */
	size_t types;      /* BTF types made */
	size_t vars;       /* global variables described */
	double seconds;    /* wall time of the whole conversion */
};

/*
 * Convert the types of path's .debug_info (every named struct, union, enum
 * and typedef at a unit's top level, what they refer to, anonymous enums and
 * the global variables) to a new BTF; the caller frees it with btf__free().
 * KD_ERR_UNSUPPORTED when kdive was built without libdw.
 */
struct kd_error *kd_dwarf_to_btf(const char *path, struct btf **ret, struct kd_dwarf_stats *st);

#endif
