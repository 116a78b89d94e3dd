// SPDX-License-Identifier: GPL-3.0-or-later
// The types of global variables: BTF's VARs (pahole describes per-cpu
// variables only) and the .data..percpu section, else a table of well-known
// variables that commands need (init_task, jiffies, linux_banner...) whose
// C type is checked against the symbol's size; an array of unknown length
// takes it from the symbol.
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/session.h>
#include <kdive/symbols.h>
#include <kdive/types.h>

#include "session_priv.h"
#include "symtab.h"
#include "types.h"

/*
 * Global variables that commands need and BTF has no VAR for (pahole
 * describes per-cpu variables only).  The symbol's size checks the guess.
 */
static const struct {
	const char *name, *type;
} well_known[] = {
	{ "init_task", "struct task_struct" },
	{ "init_mm", "struct mm_struct" },
	{ "init_uts_ns", "struct uts_namespace" },
	{ "init_pid_ns", "struct pid_namespace" },
	{ "init_nsproxy", "struct nsproxy" },
	{ "init_files", "struct files_struct" },
	{ "init_fs", "struct fs_struct" },
	{ "init_cred", "struct cred" },
	{ "init_net", "struct net" },
	{ "init_user_ns", "struct user_namespace" },
	{ "init_struct_pid", "struct pid" },
	{ "jiffies", "unsigned long" },
	{ "jiffies_64", "u64" },
	{ "linux_banner", "char []" },
	{ "modules", "struct list_head" },
	{ "slab_caches", "struct list_head" },
	{ "super_blocks", "struct list_head" },
	{ "prb", "struct printk_ringbuffer *" },
	{ "printk_rb_static", "struct printk_ringbuffer" },
	{ "log_buf_len", "u32" },
	{ "pid_max", "int" },
	{ "nr_cpu_ids", "unsigned int" },
	{ "nr_threads", "int" },
	{ "total_forks", "unsigned long" },
	{ "max_pfn", "unsigned long" },
	{ "totalreserve_pages", "unsigned long" },
	{ "_totalram_pages", "atomic_long_t" },
	{ "page_offset_base", "unsigned long" },
	{ "vmalloc_base", "unsigned long" },
	{ "vmemmap_base", "unsigned long" },
	{ "phys_base", "unsigned long" },
	{ "saved_command_line", "char *" },
	{ "__per_cpu_offset", "unsigned long []" },
	{ "node_data", "struct pglist_data *[]" },
	{ "mem_section", "struct mem_section **" },
	{ "__cpu_online_mask", "struct cpumask" },
	{ "__cpu_possible_mask", "struct cpumask" },
	{ "__cpu_present_mask", "struct cpumask" },
	{ "__cpu_active_mask", "struct cpumask" },
	{ "init_top_pgt", "pgd_t []" },
	{ "vmcoreinfo_data", "unsigned char *" },
	{ "avenrun", "unsigned long []" },
	{ "tainted_mask", "unsigned long" },
	{ "oops_in_progress", "int" },
	{ "panic_cpu", "atomic_t" },
	{ "system_state", "enum system_states" },
	{ "vm_zone_stat", "atomic_long_t []" },
	{ "vm_node_stat", "atomic_long_t []" },
};

const char *kd_types_well_known(const char *symbol)
{
	for (size_t i = 0; i < sizeof(well_known) / sizeof(well_known[0]); i++)
		if (strcmp(well_known[i].name, symbol) == 0)
			return well_known[i].type;
	return NULL;
}

#ifdef HAVE_LIBBPF

enum { MAX_INFERRED_ELEMS = 65536 };

static uint32_t find_var(struct kd_types *t, const char *name)
{
	return kd_types_lookup(t, name, K(BTF_KIND_VAR));
}

bool kd_symbol_is_percpu(struct kd_session *s, const char *symbol)
{
	struct kd_types *t = s->types;
	if (t) {
		uint32_t var = find_var(t, symbol);
		if (t->percpu_sec == UINT32_MAX)
			t->percpu_sec = kd_types_lookup(t, ".data..percpu", K(BTF_KIND_DATASEC));
		if (var && t->percpu_sec) {
			const struct btf_type *sec = btf__type_by_id(t->btf, t->percpu_sec);
			const struct btf_var_secinfo *vi = btf_var_secinfos(sec);
			for (uint32_t i = 0; i < btf_vlen(sec); i++)
				if (vi[i].type == var)
					return true;
		}
	}
	// Without BTF: x86_64 keeps per-cpu symbols absolute (type A, small values).
	struct kd_symbol sym;
	struct kd_error *err = kd_symbol_find(s, symbol, &sym);
	bool r = !err && kd_symbol_is_absolute(&sym) && sym.address < (1ull << 32) && sym.address;
	kd_error_destroy(err);
	return r;
}

struct kd_error *kd_symbol_type(struct kd_session *s, const char *symbol, uint32_t *id_ret,
				bool *inferred_ret)
{
	struct kd_types *t = s->types;
	if (!t)
		return kd_types_none(s);
	uint32_t var = kd_types_lookup(t, symbol, K(BTF_KIND_VAR) | K(BTF_KIND_FUNC));
	if (var) {
		*id_ret = btf__type_by_id(t->btf, var)->type; // a FUNC's is its prototype
		if (inferred_ret)
			*inferred_ret = false;
		return NULL;
	}
	const char *known = kd_types_well_known(symbol);
	if (!known)
		return kd_error_create(KD_ERR_NOTFOUND,
				       "the kernel's BTF has no type for '%s' (it describes per-cpu variables only)",
				       symbol);
	uint64_t addr, extent;
	bool exact;
	if (!kd_symtab_extent(s, symbol, &addr, &extent, &exact))
		return kd_error_create(KD_ERR_NOTFOUND, "no symbol '%s'", symbol);
	// An array of unknown length takes it from the symbol's extent (the
	// distance to the next symbol when no source gives sizes), a string
	// from its text.
	uint32_t elem = 0;
	uint64_t n = 0;
	if (strstr(known, "[]")) {
		char base[128];
		snprintf(base, sizeof(base), "%.*s", (int)(strstr(known, "[]") - known), known);
		elem = kd_types_parse_c(t, base, 0);
		struct kd_type_info ein;
		kd_types_describe(t, kd_types_strip(t, elem), &ein);
		uint64_t esz = elem ? ein.size : 0;
		n = esz ? extent / esz : 0;
		if (n > MAX_INFERRED_ELEMS)
			n = MAX_INFERRED_ELEMS;
		if (ein.kind == KD_TYPE_INT && ein.is_char && esz == 1 && !exact) {
			char buf[4096];
			size_t max = n < sizeof(buf) ? (size_t)n : sizeof(buf);
			struct kd_error *err = kd_read_kernel(s, addr, buf, max);
			if (!err && memchr(buf, '\0', max))
				n = strlen(buf) + 1;
			kd_error_destroy(err);
		}
	}
	uint32_t id = kd_types_parse_c(t, known, n);
	if (!id)
		return kd_error_create(KD_ERR_NOTFOUND, "'%s' should be %s, which the kernel's BTF lacks",
				       symbol, known);
	uint64_t size = kd_types_sizeof(t, id);
	if (extent && (exact ? size != extent && !elem : size > extent))
		return kd_error_create(KD_ERR_CORRUPT,
				       "'%s' should be %s (%" PRIu64 " bytes) but the symbol is %s%" PRIu64 " bytes",
				       symbol, known, size, exact ? "" : "at most ", extent);
	*id_ret = id;
	if (inferred_ret)
		*inferred_ret = true;
	return NULL;
}

#else /* !HAVE_LIBBPF */

struct kd_error *kd_symbol_type(struct kd_session *s, const char *n, uint32_t *r, bool *i) { return kd_types_no_libbpf(); }
bool kd_symbol_is_percpu(struct kd_session *s, const char *n) { (void)s; (void)n; return false; }

#endif
