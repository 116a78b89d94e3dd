/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The DWARF reader's one hash map (dwarf_map.c): every index it keeps (DIE
 * offsets, names per key space, shared pointer and array shapes) lives in a
 * single open-addressing table keyed by a string or by two integers.
 */
#ifndef KD_CORE_DWARF_MAP_H
#define KD_CORE_DWARF_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Map keys: a string (s != NULL, k1 its hash) or two integers. */
struct dwarf_map_entry {
	uint64_t k1, k2;
	const char *s;
	uint32_t v;
};

struct dwarf_map {
	struct dwarf_map_entry *e;
	size_t cap, n;
};

/* The value stored under the key, or NULL. */
uint32_t *kd_dwarf_map_get(struct dwarf_map *m, uint64_t k1, uint64_t k2, const char *s);
/* Add a key (not checked for presence; s is kept, not copied); false if out of memory. */
bool kd_dwarf_map_put(struct dwarf_map *m, uint64_t k1, uint64_t k2, const char *s, uint32_t v);

#endif
