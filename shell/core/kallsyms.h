/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The kallsyms decoder (kallsyms.c): the kernel's own symbol table read
 * through a memory callback, independent of the session, so that the unit
 * tests and the fuzz target drive it alone.  The symbol table
 * (symtab.c) feeds it the dump's memory.
 */
#ifndef KD_CORE_KALLSYMS_H
#define KD_CORE_KALLSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kdive/error.h>

/*
 * Where the kernel's kallsyms tables are, as VMCOREINFO names them
 * (kernel/vmcore_info.c, Linux 6.0+).  0 means unknown.  Either addresses or
 * offsets + relative_base must be known; stext, when known, decides between
 * the address encodings.
 */
struct kd_kallsyms_layout {
	uint64_t names, token_table, token_index, num_syms;
	uint64_t offsets, relative_base, addresses;
	uint64_t stext;
};

/* How the tables were encoded (what the decoder found). */
enum kd_kallsyms_encoding {
	KD_KALLSYMS_ABSOLUTE = 1,      /* kallsyms_addresses[]: plain values */
	KD_KALLSYMS_RELATIVE,          /* relative_base + (u32)offset */
	KD_KALLSYMS_ABSOLUTE_PERCPU,   /* offset >= 0: value; else relative_base - 1 - offset */
};

struct kd_kallsyms_info {
	uint32_t num_syms;
	enum kd_kallsyms_encoding encoding;
	bool big_lengths;   /* some name lengths took two bytes (Linux 6.1+) */
	bool stext_checked; /* the encoding was confirmed by _stext */
	uint64_t relative_base; /* its value, for the relative encodings */
};

/* Reads len bytes of kernel virtual memory at va. */
typedef struct kd_error *kd_kallsyms_read_fn(void *arg, uint64_t va, void *buf, size_t len);
/* One decoded symbol; name is not NUL-terminated, type is its first letter. */
typedef struct kd_error *kd_kallsyms_sym_fn(void *arg, const char *name, size_t len, char type,
					    uint64_t addr);

/*
 * Every symbol decoded at once, in table (address) order: text holds per
 * symbol its type letter, its name and a NUL, from text + start[i] (start
 * has n + 1 entries: start[n] is the text's length); a symbol whose name is
 * empty (start[i + 1] - start[i] < 3) is one the kernel skips too.  The
 * text has at least 8 bytes allocated past start[n] (word-wise hashing).
 */
struct kd_kallsyms_table {
	uint32_t n;
	char *text;
	uint32_t *start;
	uint64_t *addr;
	uint32_t *hash;  /* the symbol table's name hashes, NULL until kd_symtab_hash_names() */
	/* The symbol table's name hash table over indices 0..n-1 (entry idx + 1, 0 empty;
	 * hcap a power of two), built by kd_symtab_hash_names() or kept in the index cache. */
	uint32_t *ht;
	uint32_t hcap;
	/* Non-NULL: the arrays above point into this mapping of the index cache file
	 * (index_cache.c), unmapped by kd_kallsyms_table_free() instead of freed. */
	void *map;
	size_t map_size;
	struct kd_kallsyms_info info;
};
struct kd_error *kd_kallsyms_decode_table(const struct kd_kallsyms_layout *l, kd_kallsyms_read_fn *read,
					  void *read_arg, struct kd_kallsyms_table *ret);
void kd_kallsyms_table_free(struct kd_kallsyms_table *t);
/* Symbol i's address read again from the dump, as info's encoding says. */
struct kd_error *kd_kallsyms_read_addr(const struct kd_kallsyms_layout *l,
				       const struct kd_kallsyms_info *info, kd_kallsyms_read_fn *read,
				       void *read_arg, uint32_t i, uint64_t *ret);

/* Decode every symbol, in table (address) order, through a callback. */
struct kd_error *kd_kallsyms_decode(const struct kd_kallsyms_layout *l, kd_kallsyms_read_fn *read,
				    void *read_arg, kd_kallsyms_sym_fn *emit, void *emit_arg,
				    struct kd_kallsyms_info *info_ret);

#endif
