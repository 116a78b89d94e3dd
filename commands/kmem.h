/* SPDX-License-Identifier: GPL-3.0-or-later */
// kmem's parts, one file each, linked into commands/kmem.so: the module
// and its dispatch (kmem.c), the kernel's counters (kmem_stat.c: -i, -V, -o,
// -h), nodes, zones and free lists (kmem_zone.c: -z, -f, -F, -n), the page
// array (kmem_page.c: -p, -m, -g, kmem ADDR), and the slab and vmalloc parts
// (kmem_slab.c, kmem_vmalloc.c).  Nothing here is exported from the module.
#ifndef KDIVE_COMMANDS_KMEM_H
#define KDIVE_COMMANDS_KMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kdive/module.h>

/* ---- slab and vmalloc (kmem_slab.c, kmem_vmalloc.c) ---- */
struct kd_error *kmem_slab_show(struct kd_session *s, const char *cache, bool objects);   // -s [CACHE], -S CACHE (objects=true)
struct kd_error *kmem_vmalloc_show(struct kd_session *s);                                 // -v
struct kd_error *kmem_slab_addr(struct kd_session *s, uint64_t addr, bool *found);       // kmem ADDR, slab part
struct kd_error *kmem_vmalloc_addr(struct kd_session *s, uint64_t addr, bool *found);    // kmem ADDR, vmalloc part

/* ---- shared helpers (kmem.c) ---- */
bool kmem_ok(struct kd_error *err);
/** Read an unsigned integer variable of size bytes (1..8) at symbol. */
struct kd_error *kmem_read_sym(struct kd_session *s, const char *sym, unsigned size, uint64_t *ret);
/** An enumerator's value; KD_ERR_NOTFOUND names it. */
struct kd_error *kmem_enum(struct kd_session *s, const char *type, const char *name, int64_t *ret);
/** A scalar member (any path BTF knows) out of a buffer holding a whole type. */
struct kd_error *kmem_field(struct kd_session *s, const char *type, const char *path, const void *buf,
			    size_t len, uint64_t *ret);
/** Read a whole object of a named type (malloc'ed into *buf_ret, its size in *len_ret). */
struct kd_error *kmem_read_obj(struct kd_session *s, const char *type, uint64_t addr, uint8_t **buf_ret,
			       size_t *len_ret);
/** Read a NUL-terminated string of at most size-1 bytes at addr. */
struct kd_error *kmem_read_str(struct kd_session *s, uint64_t addr, char *buf, size_t size);
/** The number of possible CPUs (nr_cpu_ids, else the dump's CPU notes). */
unsigned kmem_nr_cpus(struct kd_session *s);

/* ---- nodes and zones (kmem_zone.c) ---- */
struct kmem_zone {
	uint64_t addr;         // struct zone
	int node, idx;
	char name[16];
	uint64_t start_pfn, spanned, present, managed;
	uint64_t wmark[3], boost; // min, low, high
};
/** Every node's pglist_data and node id. */
struct kd_error *kmem_nodes(struct kd_session *s, uint64_t **addr_ret, int **id_ret, size_t *n_ret);
/** Every zone of every node (populated or not), in node then zone order. */
struct kd_error *kmem_zones(struct kd_session *s, struct kmem_zone **ret, size_t *n_ret);
/** The zone holding pfn, or NULL. */
const struct kmem_zone *kmem_zone_of(const struct kmem_zone *z, size_t n, uint64_t pfn);

struct kd_error *kmem_zone_show(struct kd_session *s);                 // -z
struct kd_error *kmem_free_show(struct kd_session *s, bool each);      // -f, -F
struct kd_error *kmem_nodes_show(struct kd_session *s);                // -n
/** The free block (buddy head and order) that holds pfn, if pfn is free. */
struct kd_error *kmem_free_block(struct kd_session *s, uint64_t pfn, bool *free_ret, uint64_t *head_pfn,
				 unsigned *order);

/* ---- counters (kmem_stat.c) ---- */
struct kd_error *kmem_info_show(struct kd_session *s);                 // -i
struct kd_error *kmem_vmstat_show(struct kd_session *s);               // -V
struct kd_error *kmem_percpu_show(struct kd_session *s);               // -o
struct kd_error *kmem_huge_show(struct kd_session *s);                 // -h

/* ---- the page array (kmem_page.c) ---- */
struct kd_error *kmem_pages_show(struct kd_session *s, int argc, char **argv, const char *members); // -p, -m
struct kd_error *kmem_flags_show(struct kd_session *s, int argc, char **argv);                      // -g
struct kd_error *kmem_addr_show(struct kd_session *s, const char *arg);                             // kmem ADDR

#endif
