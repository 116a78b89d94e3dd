// SPDX-License-Identifier: GPL-3.0-or-later
// The DWARF reader's hash map (dwarf_map.h): linear probing over a
// power-of-two table that doubles at half full; an empty slot is all zero.
#include <stdlib.h>
#include <string.h>

#include "dwarf_map.h"

static size_t slot_of(uint64_t k1, uint64_t k2)
{
	uint64_t h = (k1 ^ (k2 * 0x9e3779b97f4a7c15ull)) * 0xff51afd7ed558ccdull;
	return (size_t)(h ^ (h >> 29));
}

static bool key_eq(const struct dwarf_map_entry *e, uint64_t k1, uint64_t k2, const char *s)
{
	if (e->k1 != k1 || e->k2 != k2)
		return false;
	return s ? e->s && strcmp(e->s, s) == 0 : !e->s;
}

static bool ment_empty(const struct dwarf_map_entry *e)
{
	return !e->k1 && !e->k2 && !e->s;
}

uint32_t *kd_dwarf_map_get(struct dwarf_map *m, uint64_t k1, uint64_t k2, const char *s)
{
	if (!m->cap)
		return NULL;
	size_t mask = m->cap - 1;
	for (size_t i = slot_of(k1, k2) & mask; !ment_empty(&m->e[i]); i = (i + 1) & mask)
		if (key_eq(&m->e[i], k1, k2, s))
			return &m->e[i].v;
	return NULL;
}

bool kd_dwarf_map_put(struct dwarf_map *m, uint64_t k1, uint64_t k2, const char *s, uint32_t v)
{
	if ((m->n + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 4096;
		struct dwarf_map_entry *e = calloc(cap, sizeof(*e));
		if (!e)
			return false;
		for (size_t i = 0; i < m->cap; i++) {
			if (ment_empty(&m->e[i]))
				continue;
			size_t j = slot_of(m->e[i].k1, m->e[i].k2) & (cap - 1);
			while (!ment_empty(&e[j]))
				j = (j + 1) & (cap - 1);
			e[j] = m->e[i];
		}
		free(m->e);
		m->e = e;
		m->cap = cap;
	}
	size_t mask = m->cap - 1, i = slot_of(k1, k2) & mask;
	while (!ment_empty(&m->e[i]))
		i = (i + 1) & mask;
	m->e[i] = (struct dwarf_map_entry){ k1, k2, s, v };
	m->n++;
	return true;
}
