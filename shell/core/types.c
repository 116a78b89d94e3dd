// SPDX-License-Identifier: GPL-3.0-or-later
// Types from BTF, behind <kdive/types.h>.  The BTF comes from the dump's
// memory (__start_BTF..__stop_BTF, found through kallsyms), a raw BTF file
// (--btf), a vmlinux's .BTF section (--vmlinux) or its DWARF converted to BTF
// (dwarf.c: --types dwarf, or when there is no BTF), and is parsed by libbpf.
// kdive adds a name index (libbpf's lookups are linear scans), an index of
// enumerators built on first use, and "synthetic" array types for the
// well-known variables whose array type BTF does not have (linux_banner).
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/symbols.h>
#include <kdive/types.h>

#include "config.h"
#include "dwarf_btf.h"
#include "hash.h"
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

#include <bpf/btf.h>

enum { MAX_INFERRED_ELEMS = 65536 };

struct synth_array {
	uint32_t elem;
	uint64_t nelems;
};

struct kd_types {
	struct btf *btf;
	uint32_t nids;          // btf__type_cnt(): ids 1..nids-1 are BTF's
	char *source;
	uint32_t *names;        // hash of named types: id, 0 empty
	size_t ncap;
	uint64_t *enumerators;  // hash of enumerators: id << 32 | index + 1, 0 empty
	size_t ecap;
	uint32_t percpu_sec;    // the .data..percpu DATASEC, 0 none, UINT32_MAX not looked up
	struct synth_array *synth; // ids nids + i
	size_t nsynth;
	const char **sorted;    // names of structs, unions, enums, typedefs; NULL until completion
	size_t nsorted;
};

static uint32_t hash_str(const char *s)
{
	return kd_hash32_str(s);
}

/* A name from the string section; "" for an offset outside it (corrupted BTF). */
static const char *str_at(const struct kd_types *t, uint32_t off)
{
	const char *n = btf__name_by_offset(t->btf, off);
	return n ? n : "";
}

static const char *tname(const struct kd_types *t, const struct btf_type *bt)
{
	return str_at(t, bt->name_off);
}

static bool indexed_kind(int k)
{
	switch (k) {
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
	case BTF_KIND_TYPEDEF: case BTF_KIND_INT: case BTF_KIND_FLOAT: case BTF_KIND_FWD:
	case BTF_KIND_VAR: case BTF_KIND_DATASEC: case BTF_KIND_FUNC:
		return true;
	default:
		return false;
	}
}

static struct kd_error *build_name_index(struct kd_types *t)
{
	size_t named = 0;
	for (uint32_t id = 1; id < t->nids; id++) {
		const struct btf_type *bt = btf__type_by_id(t->btf, id);
		if (bt->name_off && indexed_kind(btf_kind(bt)))
			named++;
	}
	size_t cap = 1024;
	while (cap < named * 2)
		cap *= 2;
	t->names = calloc(cap, sizeof(*t->names));
	if (!t->names)
		return &kd_enomem;
	t->ncap = cap;
	for (uint32_t id = 1; id < t->nids; id++) {
		const struct btf_type *bt = btf__type_by_id(t->btf, id);
		if (!bt->name_off || !indexed_kind(btf_kind(bt)))
			continue;
		size_t i = hash_str(tname(t, bt)) & (cap - 1);
		while (t->names[i])
			i = (i + 1) & (cap - 1);
		t->names[i] = id;
	}
	return NULL;
}

/* The first type named name whose kind is accepted by want (a bit per kind). */
static uint32_t find_named(const struct kd_types *t, const char *name, uint32_t want)
{
	if (!t->names)
		return 0;
	size_t mask = t->ncap - 1;
	for (size_t i = hash_str(name) & mask; t->names[i]; i = (i + 1) & mask) {
		const struct btf_type *bt = btf__type_by_id(t->btf, t->names[i]);
		if ((want & (1u << btf_kind(bt))) && strcmp(tname(t, bt), name) == 0)
			return t->names[i];
	}
	return 0;
}

static struct kd_error *build_enum_index(struct kd_types *t)
{
	size_t count = 0;
	for (uint32_t id = 1; id < t->nids; id++) {
		const struct btf_type *bt = btf__type_by_id(t->btf, id);
		if (btf_is_any_enum(bt))
			count += btf_vlen(bt);
	}
	size_t cap = 1024;
	while (cap < count * 2)
		cap *= 2;
	uint64_t *h = calloc(cap, sizeof(*h));
	if (!h)
		return &kd_enomem;
	for (uint32_t id = 1; id < t->nids; id++) {
		const struct btf_type *bt = btf__type_by_id(t->btf, id);
		if (!btf_is_any_enum(bt))
			continue;
		for (uint32_t k = 0; k < btf_vlen(bt); k++) {
			uint32_t noff = btf_is_enum(bt) ? btf_enum(bt)[k].name_off : btf_enum64(bt)[k].name_off;
			size_t i = hash_str(str_at(t, noff)) & (cap - 1);
			while (h[i])
				i = (i + 1) & (cap - 1);
			h[i] = (uint64_t)id << 32 | (k + 1);
		}
	}
	t->enumerators = h;
	t->ecap = cap;
	return NULL;
}

static void enum_entry(const struct kd_types *t, const struct btf_type *bt, uint32_t k,
		       const char **name, int64_t *val)
{
	if (btf_is_enum(bt)) {
		const struct btf_enum *e = &btf_enum(bt)[k];
		*name = str_at(t, e->name_off);
		*val = btf_kflag(bt) ? (int64_t)e->val : (int64_t)(uint32_t)e->val;
	} else {
		const struct btf_enum64 *e = &btf_enum64(bt)[k];
		*name = str_at(t, e->name_off);
		*val = (int64_t)btf_enum64_value(e);
	}
}

/* ---- the layer ---------------------------------------------------------------- */

static struct kd_types *types_new(struct btf *btf, const char *fmt, ...) KD_PRINTF(2, 3);
static struct kd_types *types_new(struct btf *btf, const char *fmt, ...)
{
	struct kd_types *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->btf = btf;
	t->nids = btf__type_cnt(btf);
	t->percpu_sec = UINT32_MAX;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&t->source, fmt, ap) < 0)
		t->source = NULL;
	va_end(ap);
	return t;
}

static void types_free(struct kd_types *t)
{
	if (!t)
		return;
	btf__free(t->btf);
	free(t->source);
	free(t->names);
	free(t->enumerators);
	free(t->synth);
	free(t->sorted);
	free(t);
}

static struct kd_error *btf_from_memory(struct kd_session *s, struct btf **ret, size_t *size_ret)
{
	uint64_t start, stop;
	struct kd_error *err = kd_symbol_address(s, "__start_BTF", &start);
	if (!err)
		err = kd_symbol_address(s, "__stop_BTF", &stop);
	if (err)
		return kd_error_prefix(err, "locating the kernel's BTF");
	if (stop <= start || stop - start > (256u << 20))
		return kd_error_create(KD_ERR_CORRUPT, "__start_BTF..__stop_BTF is %" PRIx64 "..%" PRIx64,
				       start, stop);
	size_t size = (size_t)(stop - start);
	void *buf = malloc(size);
	if (!buf)
		return &kd_enomem;
	err = kd_read_kernel(s, start, buf, size);
	if (err) {
		free(buf);
		return kd_error_prefix(err, "reading the kernel's BTF");
	}
	struct btf *btf = btf__new(buf, (uint32_t)size);
	int e = errno;
	free(buf);
	if (!btf)
		return kd_error_create(KD_ERR_CORRUPT, "the BTF at 0x%" PRIx64 " (%zu bytes) does not parse: %s",
				       start, size, strerror(e));
	*ret = btf;
	*size_ret = size;
	return NULL;
}

/*
 * A BTF file must describe this kernel: VMCOREINFO's SIZE() and OFFSET()
 * entries (struct page, list_head, printk's ring buffer...) must agree.
 */
static struct kd_error *check_against_vmcoreinfo(struct kd_session *s, const char *what)
{
	for (size_t i = 0; i < kd_vmcoreinfo_count(s); i++) {
		const char *key, *val;
		kd_vmcoreinfo_entry(s, i, &key, &val);
		bool is_size = strncmp(key, "SIZE(", 5) == 0, is_off = strncmp(key, "OFFSET(", 7) == 0;
		if (!is_size && !is_off)
			continue;
		char name[128];
		const char *open = strchr(key, '(');
		size_t len = strcspn(open + 1, ")");
		if (len >= sizeof(name))
			continue;
		memcpy(name, open + 1, len);
		name[len] = '\0';
		char *end;
		long long want = strtoll(val, &end, 10);
		if (*end)
			continue;
		uint64_t got;
		struct kd_error *err;
		if (is_size) {
			err = kd_type_size(s, name, &got);
		} else {
			char *dot = strchr(name, '.');
			if (!dot)
				continue;
			*dot = '\0';
			struct kd_member_info m;
			err = kd_type_member(s, name, dot + 1, &m);
			got = m.offset;
			*dot = '.';
		}
		// Names VMCOREINFO uses that are not C types (mem_section,
		// printk_info_subsystem...) are skipped.
		if (kd_error_catch(&err, KD_ERR_NOTFOUND))
			continue;
		if (err)
			return err;
		if ((long long)got != want)
			return kd_error_create(KD_ERR_USAGE,
					       "%s does not describe this dump's kernel: %s is %" PRIu64
					       " in it, %lld in VMCOREINFO",
					       what, key, got, want);
	}
	return NULL;
}

/* --types: where types come from. */
enum types_mode { TYPES_AUTO, TYPES_BTF, TYPES_DWARF };

static struct kd_error *types_mode(const struct kd_session *s, enum types_mode *ret)
{
	const char *m = s->opts.types;
	*ret = !m || strcmp(m, "auto") == 0 ? TYPES_AUTO : strcmp(m, "btf") == 0 ? TYPES_BTF :
	       strcmp(m, "dwarf") == 0 ? TYPES_DWARF : (enum types_mode)-1;
	if (*ret == (enum types_mode)-1)
		return kd_error_create(KD_ERR_USAGE, "--types %s: expected auto, btf or dwarf", m);
	if (*ret == TYPES_DWARF && s->opts.btf)
		return kd_error_create(KD_ERR_USAGE, "--types dwarf and --btf exclude each other");
	if (*ret == TYPES_DWARF && !s->opts.vmlinux)
		return kd_error_create(KD_ERR_USAGE, "--types dwarf needs --vmlinux FILE (a vmlinux with DWARF)");
	return NULL;
}

/* The DWARF of --vmlinux, converted to BTF (dwarf.c). */
static struct kd_error *btf_from_dwarf(struct kd_session *s, struct btf **ret)
{
	struct kd_dwarf_stats st;
	struct kd_error *err = kd_dwarf_to_btf(s->opts.vmlinux, ret, &st);
	if (err)
		return err;
	s->types = types_new(*ret, "DWARF of %s (%zu types, %zu variables from %zu units in %.1f s)",
			     s->opts.vmlinux, st.types, st.vars, st.units, st.seconds);
	return NULL;
}

static struct kd_error *types_load(struct kd_session *s)
{
	if (!s->core)
		return NULL;
	struct btf *btf = NULL;
	struct kd_error *err = NULL;
	char *what = NULL;
	enum types_mode mode;
	if ((err = types_mode(s, &mode)))
		return err;
	if (mode == TYPES_DWARF) {
		err = btf_from_dwarf(s, &btf);
		if (err) {
			struct kd_error *e = kd_error_create(KD_ERR_USAGE, "--types dwarf: %s", err->msg);
			kd_error_destroy(err);
			return e;
		}
		if (asprintf(&what, "the DWARF of '%s'", s->opts.vmlinux) < 0)
			what = NULL;
	} else if (s->opts.btf) {
		btf = btf__parse(s->opts.btf, NULL);
		if (!btf)
			return kd_error_create(KD_ERR_USAGE, "cannot read BTF from '%s': %s", s->opts.btf,
					       strerror(errno));
		if (asprintf(&what, "BTF file '%s'", s->opts.btf) < 0)
			what = NULL;
		s->types = types_new(btf, "%s", s->opts.btf);
	} else {
		size_t size = 0;
		err = btf_from_memory(s, &btf, &size);
		if (!err) {
			s->types = types_new(btf, "BTF in the dump (%zu bytes)", size);
		} else if (s->opts.vmlinux) {
			kd_error_destroy(err);
			err = NULL;
			btf = btf__parse_elf(s->opts.vmlinux, NULL);
			int e = errno;
			if (btf) {
				if (asprintf(&what, "the .BTF of '%s'", s->opts.vmlinux) < 0)
					what = NULL;
				s->types = types_new(btf, ".BTF of %s", s->opts.vmlinux);
			} else if (mode == TYPES_AUTO && !(err = btf_from_dwarf(s, &btf))) {
				if (asprintf(&what, "the DWARF of '%s'", s->opts.vmlinux) < 0)
					what = NULL;
			} else {
				struct kd_error *r = kd_error_create(KD_ERR_USAGE,
								     "no BTF in the dump, nor in '%s' (%s)%s%s",
								     s->opts.vmlinux, strerror(e),
								     err ? "; its DWARF: " : "", err ? err->msg : "");
				kd_error_destroy(err);
				return r;
			}
		} else {
			return err;
		}
	}
	if (!s->types) {
		btf__free(btf);
		free(what);
		return &kd_enomem;
	}
	err = build_name_index(s->types);
	if (!err && what)
		err = check_against_vmcoreinfo(s, what);
	free(what);
	if (err) {
		kd_types_fini(s);
		return err;
	}
	return NULL;
}

/*
 * Like the symbol table, types are loaded when first asked for: the
 * dispatcher calls kd_types_load() before a command that declares
 * KD_CMD_NEEDS_TYPES or KD_CMD_USES_TYPES; files from the command line
 * (--btf, --vmlinux, --types) are read when the dump opens so a wrong one is
 * refused at once.  The load runs once and its error is kept.
 */
struct kd_error *kd_types_load(struct kd_session *s)
{
	if (!s->types_state.tried) {
		s->types_state.tried = true;
		s->types_state.err = types_load(s);
	}
	return kd_error_copy(s->types_state.err);
}

void kd_types_fini(struct kd_session *s)
{
	types_free(s->types);
	s->types = NULL;
	kd_error_destroy(s->types_state.err);
	s->types_state.err = NULL;
	s->types_state.tried = false;
}

/* ---- lookups ---------------------------------------------------------------- */

static struct kd_error *no_types(const struct kd_session *s)
{
	(void)s;
	return kd_error_create(KD_ERR_UNSUPPORTED, "no types: the dump's BTF was not found "
				"(use --btf FILE or --vmlinux FILE)");
}

bool kd_types_available(const struct kd_session *s)
{
	return s->types != NULL;
}

const char *kd_types_source(const struct kd_session *s)
{
	return s->types ? s->types->source : NULL;
}

#define K(k) (1u << (k))

/* C spellings to the names gcc gives base types in BTF. */
static const char *base_alias(const char *n)
{
	static const char *const alias[][2] = {
		{ "unsigned long", "long unsigned int" }, { "long", "long int" },
		{ "unsigned long long", "long long unsigned int" }, { "long long", "long long int" },
		{ "unsigned", "unsigned int" }, { "short", "short int" },
		{ "unsigned short", "short unsigned int" }, { "signed char", "signed char" },
		{ "unsigned long int", "long unsigned int" }, { "bool", "_Bool" },
	};
	for (size_t i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
		if (strcmp(alias[i][0], n) == 0)
			return alias[i][1];
	return n;
}

static uint32_t find_type(const struct kd_types *t, const char *name)
{
	while (*name == ' ')
		name++;
	static const struct {
		const char *prefix;
		uint32_t kinds;
	} tagged[] = {
		{ "struct ", K(BTF_KIND_STRUCT) },
		{ "union ", K(BTF_KIND_UNION) },
		{ "enum ", K(BTF_KIND_ENUM) | K(BTF_KIND_ENUM64) },
	};
	for (size_t i = 0; i < 3; i++) {
		size_t pl = strlen(tagged[i].prefix);
		if (strncmp(name, tagged[i].prefix, pl) == 0) {
			uint32_t id = find_named(t, name + pl, tagged[i].kinds);
			return id ? id : find_named(t, name + pl, K(BTF_KIND_FWD));
		}
	}
	static const uint32_t order[] = {
		K(BTF_KIND_STRUCT), K(BTF_KIND_UNION), K(BTF_KIND_ENUM) | K(BTF_KIND_ENUM64),
		K(BTF_KIND_TYPEDEF), K(BTF_KIND_INT) | K(BTF_KIND_FLOAT), K(BTF_KIND_FWD),
	};
	name = base_alias(name);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		uint32_t id = find_named(t, name, order[i]);
		if (id)
			return id;
	}
	return 0;
}

static uint32_t add_synth(struct kd_types *t, uint32_t elem, uint64_t nelems)
{
	for (size_t i = 0; i < t->nsynth; i++)
		if (t->synth[i].elem == elem && t->synth[i].nelems == nelems)
			return t->nids + (uint32_t)i;
	struct synth_array *a = realloc(t->synth, (t->nsynth + 1) * sizeof(*a));
	if (!a)
		return 0;
	t->synth = a;
	a[t->nsynth] = (struct synth_array){ elem, nelems };
	return t->nids + (uint32_t)t->nsynth++;
}

static uint32_t find_ptr_to(const struct kd_types *t, uint32_t target)
{
	for (uint32_t id = 1; id < t->nids; id++) {
		const struct btf_type *bt = btf__type_by_id(t->btf, id);
		if (btf_is_ptr(bt) && bt->type == target)
			return id;
	}
	return 0;
}

/*
 * A type written in C: a name, then "*"s, then one "[]" or "[N]"; "[]" takes
 * its length from array_len.  Pointers are looked up among BTF's own.
 */
static uint32_t parse_c_type(struct kd_types *t, const char *text, uint64_t array_len)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", text);
	char *br = strchr(buf, '[');
	uint64_t n = 0;
	bool array = br != NULL;
	if (br) {
		n = br[1] == ']' ? array_len : strtoull(br + 1, NULL, 10);
		*br = '\0';
	}
	int stars = 0;
	for (char *p = buf + strlen(buf); p > buf && (p[-1] == '*' || p[-1] == ' '); p--) {
		stars += p[-1] == '*';
		p[-1] = '\0';
	}
	uint32_t id = find_type(t, buf);
	if (!id)
		return 0;
	for (int i = 0; i < stars && id; i++)
		id = find_ptr_to(t, id);
	if (array && id)
		id = add_synth(t, id, n);
	return id;
}

struct kd_error *kd_type_find(struct kd_session *s, const char *name, uint32_t *id_ret)
{
	if (!s->types)
		return no_types(s);
	uint32_t id = strpbrk(name, "*[") ? parse_c_type(s->types, name, 0) : find_type(s->types, name);
	if (!id)
		return kd_error_create(KD_ERR_NOTFOUND, "no type '%s' in the kernel's BTF", name);
	*id_ret = id;
	return NULL;
}

static const struct btf_type *bt_of(const struct kd_types *t, uint32_t id)
{
	return id < t->nids ? btf__type_by_id(t->btf, id) : NULL;
}

static enum kd_type_kind kind_of(int k)
{
	switch (k) {
	case BTF_KIND_INT: return KD_TYPE_INT;
	case BTF_KIND_FLOAT: return KD_TYPE_FLOAT;
	case BTF_KIND_PTR: return KD_TYPE_PTR;
	case BTF_KIND_ARRAY: return KD_TYPE_ARRAY;
	case BTF_KIND_STRUCT: return KD_TYPE_STRUCT;
	case BTF_KIND_UNION: return KD_TYPE_UNION;
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64: return KD_TYPE_ENUM;
	case BTF_KIND_FUNC_PROTO: return KD_TYPE_FUNC;
	case BTF_KIND_TYPEDEF: return KD_TYPE_TYPEDEF;
	case BTF_KIND_CONST: return KD_TYPE_CONST;
	case BTF_KIND_VOLATILE: return KD_TYPE_VOLATILE;
	case BTF_KIND_RESTRICT: return KD_TYPE_RESTRICT;
	case BTF_KIND_FWD: return KD_TYPE_FWD;
	default: return KD_TYPE_OTHER;
	}
}

/*
 * A synthetic array type (ids after BTF's own), or NULL.  libbpf does not
 * check every type reference, so a corrupted BTF may name an id past its
 * last type: that is no type at all (void), not a synthetic one.
 */
static const struct synth_array *synth_of(const struct kd_types *t, uint32_t id)
{
	return id >= t->nids && id - t->nids < t->nsynth ? &t->synth[id - t->nids] : NULL;
}

static uint64_t type_size(const struct kd_types *t, uint32_t id)
{
	if (id >= t->nids) {
		const struct synth_array *a = synth_of(t, id);
		return a ? type_size(t, a->elem) * a->nelems : 0;
	}
	int64_t sz = btf__resolve_size(t->btf, id);
	return sz > 0 ? (uint64_t)sz : 0;
}

static void get_info(const struct kd_types *t, uint32_t id, struct kd_type_info *r)
{
	memset(r, 0, sizeof(*r));
	r->id = id;
	r->name = "";
	const struct synth_array *a = synth_of(t, id);
	if (a) {
		r->kind = KD_TYPE_ARRAY;
		r->target = a->elem;
		r->nelems = a->nelems;
		r->size = type_size(t, id);
		return;
	}
	const struct btf_type *bt = bt_of(t, id);
	if (!id || !bt) {
		r->kind = KD_TYPE_VOID;
		r->name = "void";
		return;
	}
	int k = btf_kind(bt);
	r->kind = k == BTF_KIND_TYPE_TAG ? KD_TYPE_OTHER : kind_of(k);
	r->name = tname(t, bt);
	switch (k) {
	case BTF_KIND_INT: {
		uint8_t enc = btf_int_encoding(bt);
		r->is_signed = enc & BTF_INT_SIGNED;
		r->is_char = (enc & BTF_INT_CHAR) || strstr(r->name, "char") != NULL;
		r->is_bool = enc & BTF_INT_BOOL;
		break;
	}
	case BTF_KIND_ENUM:
		r->is_signed = btf_kflag(bt);
		r->nmembers = btf_vlen(bt);
		break;
	case BTF_KIND_ENUM64:
		r->is_signed = btf_kflag(bt);
		r->nmembers = btf_vlen(bt);
		break;
	case BTF_KIND_ARRAY:
		r->target = btf_array(bt)->type;
		r->nelems = btf_array(bt)->nelems;
		break;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_FUNC_PROTO:
		r->nmembers = btf_vlen(bt);
		if (k == BTF_KIND_FUNC_PROTO)
			r->target = bt->type;
		break;
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_CONST: case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
		r->target = bt->type;
		break;
	default:
		break;
	}
	if (k != BTF_KIND_FUNC_PROTO)
		r->size = type_size(t, id);
}

struct kd_error *kd_type_get(struct kd_session *s, uint32_t id, struct kd_type_info *ret)
{
	if (!s->types)
		return no_types(s);
	if (id >= s->types->nids + s->types->nsynth)
		return kd_error_create(KD_ERR_NOTFOUND, "no type id %u", id);
	get_info(s->types, id, ret);
	if (id && ret->kind == KD_TYPE_TYPEDEF) {
		// Signedness and char-ness of what the typedef names.
		struct kd_type_info base;
		get_info(s->types, kd_type_strip(s, id), &base);
		ret->is_signed = base.is_signed;
		ret->is_char = base.is_char;
		ret->is_bool = base.is_bool;
	}
	return NULL;
}

static uint32_t strip(const struct kd_types *t, uint32_t id)
{
	for (int depth = 0; depth < 64 && id && id < t->nids; depth++) {
		const struct btf_type *bt = btf__type_by_id(t->btf, id);
		switch (btf_kind(bt)) {
		case BTF_KIND_TYPEDEF: case BTF_KIND_CONST: case BTF_KIND_VOLATILE:
		case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
			id = bt->type;
			break;
		default:
			return id;
		}
	}
	return id;
}

uint32_t kd_type_strip(struct kd_session *s, uint32_t id)
{
	return s->types ? strip(s->types, id) : id;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct kd_error *kd_type_complete(struct kd_session *s, const char *prefix, kd_type_name_fn *fn,
				  void *arg)
{
	struct kd_types *t = s->types;
	if (!t)
		return no_types(s);
	if (!t->sorted) {
		const char **v = malloc(t->nids * sizeof(*v));
		if (!v)
			return &kd_enomem;
		size_t n = 0;
		for (uint32_t id = 1; id < t->nids; id++) {
			const struct btf_type *bt = btf__type_by_id(t->btf, id);
			int k = btf_kind(bt);
			if (bt->name_off && (k == BTF_KIND_STRUCT || k == BTF_KIND_UNION || k == BTF_KIND_ENUM ||
					     k == BTF_KIND_ENUM64 || k == BTF_KIND_TYPEDEF))
				v[n++] = tname(t, bt);
		}
		qsort(v, n, sizeof(*v), cmp_str);
		t->sorted = v;
		t->nsorted = n;
	}
	size_t plen = strlen(prefix), lo = 0, hi = t->nsorted;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strncmp(t->sorted[mid], prefix, plen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < t->nsorted && strncmp(t->sorted[i], prefix, plen) == 0; i++)
		if ((i == lo || strcmp(t->sorted[i], t->sorted[i - 1]) != 0) && fn(t->sorted[i], arg))
			break;
	return NULL;
}

/* ---- C names ---------------------------------------------------------------- */

struct sbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void sb_insert(struct sbuf *b, size_t at, const char *s)
{
	size_t n = strlen(s);
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		if (!b->p)
			p[0] = '\0';
		b->p = p;
		b->cap = cap;
	}
	memmove(b->p + at + n, b->p + at, b->len - at + 1);
	memcpy(b->p + at, s, n);
	b->len += n;
}

static void sb_prepend(struct sbuf *b, const char *s) { sb_insert(b, 0, s); }
static void sb_append(struct sbuf *b, const char *s) { sb_insert(b, b->len, s); }

/* Wrap the declarator in b around type id: b holds "name", "*name", "[16]"... */
static void declare(const struct kd_types *t, uint32_t id, struct sbuf *b, int depth)
{
	if (depth > 32 || b->oom) {
		sb_prepend(b, "? ");
		return;
	}
	struct kd_type_info in;
	get_info(t, id, &in);
	char num[32];
	switch (in.kind) {
	case KD_TYPE_PTR: {
		struct kd_type_info target;
		get_info(t, strip(t, in.target), &target);
		sb_prepend(b, "*");
		if (target.kind == KD_TYPE_ARRAY || target.kind == KD_TYPE_FUNC) {
			sb_prepend(b, "(");
			sb_append(b, ")");
		}
		declare(t, in.target, b, depth + 1);
		return;
	}
	case KD_TYPE_ARRAY:
		if (in.nelems || id < t->nids)
			snprintf(num, sizeof(num), "[%" PRIu64 "]", in.nelems);
		else
			snprintf(num, sizeof(num), "[]");
		sb_append(b, num);
		declare(t, in.target, b, depth + 1);
		return;
	case KD_TYPE_FUNC: {
		const struct btf_type *bt = bt_of(t, id);
		const struct btf_param *p = btf_params(bt);
		sb_append(b, "(");
		for (uint32_t i = 0; i < in.nmembers; i++) {
			if (i)
				sb_append(b, ", ");
			if (!p[i].type) {
				sb_append(b, "...");
				continue;
			}
			struct sbuf pb = { 0 };
			sb_append(&pb, "");
			declare(t, p[i].type, &pb, depth + 1);
			if (pb.p)
				sb_append(b, pb.p);
			free(pb.p);
		}
		sb_append(b, in.nmembers ? ")" : "void)");
		declare(t, in.target, b, depth + 1);
		return;
	}
	case KD_TYPE_CONST: case KD_TYPE_VOLATILE: case KD_TYPE_RESTRICT: {
		const char *q = in.kind == KD_TYPE_CONST ? "const" : in.kind == KD_TYPE_VOLATILE ? "volatile" : "restrict";
		struct kd_type_info target;
		get_info(t, in.target, &target);
		if (target.kind == KD_TYPE_PTR) {
			sb_prepend(b, b->len ? " " : "");
			sb_prepend(b, q);
			declare(t, in.target, b, depth + 1);
		} else {
			declare(t, in.target, b, depth + 1);
			sb_prepend(b, " ");
			sb_prepend(b, q);
		}
		return;
	}
	case KD_TYPE_OTHER:
		declare(t, in.target, b, depth + 1);
		return;
	default:
		break;
	}
	char base[256];
	const char *tag = in.kind == KD_TYPE_STRUCT ? "struct " : in.kind == KD_TYPE_UNION ? "union "
			  : in.kind == KD_TYPE_ENUM ? "enum " : "";
	if (in.kind == KD_TYPE_FWD)
		tag = btf_kflag(bt_of(t, id)) ? "union " : "struct ";
	snprintf(base, sizeof(base), "%s%s", tag, *in.name ? in.name : "{...}");
	if (b->len)
		sb_prepend(b, " ");
	sb_prepend(b, base);
}

char *kd_type_name(struct kd_session *s, uint32_t id, const char *var)
{
	if (!s->types)
		return strdup("?");
	struct sbuf b = { 0 };
	sb_append(&b, var ? var : "");
	declare(s->types, id, &b, 0);
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

/* ---- members ------------------------------------------------------------------ */

static void member_info(const struct kd_types *t, const struct btf_type *bt, uint32_t i, uint64_t base_bits,
			struct kd_member_info *r)
{
	const struct btf_member *m = &btf_members(bt)[i];
	uint32_t bitsz = btf_member_bitfield_size(bt, i);
	uint64_t bit = base_bits + btf_member_bit_offset(bt, i);
	struct kd_type_info in;
	get_info(t, strip(t, m->type), &in);
	*r = (struct kd_member_info){
		.name = str_at(t, m->name_off),
		.type = m->type,
		.offset = bit / 8,
		.bit_offset = bit,
		.bit_size = bitsz,
		.size = type_size(t, m->type),
		.nelems = in.kind == KD_TYPE_ARRAY ? in.nelems : 0,
	};
	if (!r->name)
		r->name = "";
}

/* Find a member by name in struct/union id, descending into anonymous members. */
static bool find_member(const struct kd_types *t, uint32_t id, const char *name, size_t len,
			uint64_t base_bits, struct kd_member_info *r, int depth)
{
	const struct btf_type *bt = bt_of(t, strip(t, id));
	if (!bt || !btf_is_composite(bt) || depth > 32)
		return false;
	for (uint32_t i = 0; i < btf_vlen(bt); i++) {
		const struct btf_member *m = &btf_members(bt)[i];
		const char *mn = str_at(t, m->name_off);
		if (mn && *mn) {
			if (strncmp(mn, name, len) == 0 && mn[len] == '\0') {
				member_info(t, bt, i, base_bits, r);
				return true;
			}
		} else if (find_member(t, m->type, name, len, base_bits + btf_member_bit_offset(bt, i), r,
				       depth + 1)) {
			return true;
		}
	}
	return false;
}

static struct kd_error *member_path(struct kd_session *s, uint32_t id, const char *tname_for_msg,
				    const char *path, struct kd_member_info *ret)
{
	struct kd_types *t = s->types;
	struct kd_member_info cur = { .name = "", .type = id, .size = type_size(t, id) };
	const char *p = path;
	char *what = kd_type_name(s, id, NULL);
	struct kd_error *err = NULL;
	if (!*p) {
		err = kd_error_create(KD_ERR_USAGE, "empty member name for %s", what ? what : tname_for_msg);
		goto out;
	}
	while (*p) {
		size_t len = strcspn(p, ".[");
		if (len) {
			struct kd_type_info in;
			get_info(t, strip(t, cur.type), &in);
			if (in.kind != KD_TYPE_STRUCT && in.kind != KD_TYPE_UNION) {
				if (p == path)
					err = kd_error_create(KD_ERR_USAGE, "%s is not a struct or union",
							      what ? what : tname_for_msg);
				else
					err = kd_error_create(KD_ERR_USAGE, "'%.*s' is not a struct or union",
							      (int)(p - path - 1), path);
				goto out;
			}
			struct kd_member_info m;
			if (!find_member(t, cur.type, p, len, cur.bit_offset, &m, 0)) {
				char *outer = kd_type_name(s, strip(t, cur.type), NULL);
				if (p == path)
					err = kd_error_create(KD_ERR_NOTFOUND, "%s has no member '%.*s'",
							      outer ? outer : "?", (int)len, p);
				else
					err = kd_error_create(KD_ERR_NOTFOUND, "%s has no member '%.*s' (in %s.%.*s)",
							      outer ? outer : "?", (int)len, p, what ? what : "?",
							      (int)(p - path + len), path);
				free(outer);
				goto out;
			}
			cur = m;
			p += len;
		}
		while (*p == '[') {
			char *end;
			errno = 0;
			uint64_t idx = strtoull(p + 1, &end, 0);
			if (end == p + 1 || *end != ']' || errno) {
				err = kd_error_create(KD_ERR_USAGE, "bad index in '%s'", path);
				goto out;
			}
			struct kd_type_info in;
			get_info(t, strip(t, cur.type), &in);
			if (in.kind != KD_TYPE_ARRAY) {
				err = kd_error_create(KD_ERR_USAGE, "'%.*s' is not an array", (int)(p - path), path);
				goto out;
			}
			uint64_t esz = type_size(t, in.target);
			struct kd_type_info ein;
			get_info(t, strip(t, in.target), &ein);
			cur.bit_offset += idx * esz * 8;
			cur.offset = cur.bit_offset / 8;
			cur.type = in.target;
			cur.size = esz;
			cur.bit_size = 0;
			cur.nelems = ein.kind == KD_TYPE_ARRAY ? ein.nelems : 0;
			p = end + 1;
		}
		if (*p == '.')
			p++;
		else if (*p) {
			err = kd_error_create(KD_ERR_USAGE, "bad member path '%s'", path);
			goto out;
		}
	}
	*ret = cur;
out:
	free(what);
	return err;
}

struct kd_error *kd_type_member_by_id(struct kd_session *s, uint32_t id, const char *path,
				      struct kd_member_info *ret)
{
	if (!s->types)
		return no_types(s);
	return member_path(s, id, "type", path, ret);
}

struct kd_error *kd_type_member(struct kd_session *s, const char *type, const char *path,
				struct kd_member_info *ret)
{
	uint32_t id;
	struct kd_error *err = kd_type_find(s, type, &id);
	if (err)
		return err;
	return member_path(s, id, type, path, ret);
}

struct kd_error *kd_type_size(struct kd_session *s, const char *type, uint64_t *size_ret)
{
	uint32_t id;
	struct kd_error *err = kd_type_find(s, type, &id);
	if (!err)
		*size_ret = type_size(s->types, id);
	return err;
}

struct kd_error *kd_type_member_at(struct kd_session *s, uint32_t id, uint32_t i,
				   struct kd_member_info *ret)
{
	if (!s->types)
		return no_types(s);
	const struct btf_type *bt = bt_of(s->types, strip(s->types, id));
	if (!bt || !btf_is_composite(bt))
		return kd_error_create(KD_ERR_USAGE, "type %u is not a struct or union", id);
	if (i >= btf_vlen(bt))
		return kd_error_create(KD_ERR_NOTFOUND, "member %u out of range", i);
	member_info(s->types, bt, i, 0, ret);
	return NULL;
}

struct kd_error *kd_enum_at(struct kd_session *s, uint32_t id, uint32_t i, const char **name_ret,
			    int64_t *value_ret)
{
	if (!s->types)
		return no_types(s);
	const struct btf_type *bt = bt_of(s->types, strip(s->types, id));
	if (!bt || !btf_is_any_enum(bt))
		return kd_error_create(KD_ERR_USAGE, "type %u is not an enum", id);
	if (i >= btf_vlen(bt))
		return kd_error_create(KD_ERR_NOTFOUND, "enumerator %u out of range", i);
	enum_entry(s->types, bt, i, name_ret, value_ret);
	return NULL;
}

const char *kd_enum_name(struct kd_session *s, uint32_t id, int64_t value)
{
	if (!s->types)
		return NULL;
	const struct btf_type *bt = bt_of(s->types, strip(s->types, id));
	if (!bt || !btf_is_any_enum(bt))
		return NULL;
	for (uint32_t i = 0; i < btf_vlen(bt); i++) {
		const char *n;
		int64_t v;
		enum_entry(s->types, bt, i, &n, &v);
		if (v == value || (btf_vlen(bt) && bt->size < 8 &&
				   (uint64_t)v == ((uint64_t)value & ((1ull << (bt->size * 8)) - 1))))
			return n;
	}
	return NULL;
}

struct kd_error *kd_enum_value(struct kd_session *s, const char *enum_type, const char *name,
			       int64_t *value_ret)
{
	struct kd_types *t = s->types;
	if (!t)
		return no_types(s);
	if (enum_type) {
		uint32_t id;
		struct kd_error *err = kd_type_find(s, enum_type, &id);
		if (err)
			return err;
		const struct btf_type *bt = bt_of(t, strip(t, id));
		if (!bt || !btf_is_any_enum(bt))
			return kd_error_create(KD_ERR_USAGE, "'%s' is not an enum", enum_type);
		for (uint32_t i = 0; i < btf_vlen(bt); i++) {
			const char *n;
			enum_entry(t, bt, i, &n, value_ret);
			if (strcmp(n, name) == 0)
				return NULL;
		}
		return kd_error_create(KD_ERR_NOTFOUND, "enum %s has no value '%s'", enum_type, name);
	}
	if (!t->enumerators) {
		struct kd_error *err = build_enum_index(t);
		if (err)
			return err;
	}
	size_t mask = t->ecap - 1;
	for (size_t i = hash_str(name) & mask; t->enumerators[i]; i = (i + 1) & mask) {
		uint32_t id = (uint32_t)(t->enumerators[i] >> 32);
		uint32_t k = (uint32_t)t->enumerators[i] - 1;
		const char *n;
		int64_t v;
		enum_entry(t, btf__type_by_id(t->btf, id), k, &n, &v);
		if (strcmp(n, name) == 0) {
			*value_ret = v;
			return NULL;
		}
	}
	return kd_error_create(KD_ERR_NOTFOUND, "no enum has a value '%s'", name);
}

/* ---- typed reads ---------------------------------------------------------------- */

struct kd_error *kd_member_extract(struct kd_session *s, const struct kd_member_info *m,
				   const void *buf, size_t buflen, uint64_t *ret)
{
	if (!s->types)
		return no_types(s);
	struct kd_type_info in;
	get_info(s->types, strip(s->types, m->type), &in);
	bool is_signed = (in.kind == KD_TYPE_INT || in.kind == KD_TYPE_ENUM) && in.is_signed;
	if (in.kind != KD_TYPE_INT && in.kind != KD_TYPE_ENUM && in.kind != KD_TYPE_PTR)
		return kd_error_create(KD_ERR_USAGE, "member '%s' is not an integer or a pointer (%s)",
				       m->name ? m->name : "?", in.kind == KD_TYPE_STRUCT ? "a struct"
				       : in.kind == KD_TYPE_UNION ? "a union" : in.kind == KD_TYPE_ARRAY ? "an array"
				       : "not a scalar");
	uint64_t v = 0;
	if (m->bit_size) {
		uint64_t first = m->bit_offset / 8, last = (m->bit_offset + m->bit_size - 1) / 8;
		if (last >= buflen || last - first >= 8)
			return kd_error_create(KD_ERR_USAGE, "bitfield '%s' is outside the buffer", m->name);
		unsigned char b[16] = { 0 };
		memcpy(b, (const unsigned char *)buf + first, (size_t)(last - first + 1));
		uint64_t lo, hi;
		memcpy(&lo, b, 8);
		memcpy(&hi, b + 8, 8);
		unsigned shift = (unsigned)(m->bit_offset % 8);
		v = shift ? (lo >> shift) | (hi << (64 - shift)) : lo;
		if (m->bit_size < 64)
			v &= (1ull << m->bit_size) - 1;
		if (is_signed && m->bit_size < 64 && (v >> (m->bit_size - 1)) & 1)
			v |= ~0ull << m->bit_size;
		*ret = v;
		return NULL;
	}
	uint64_t size = in.size;
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return kd_error_create(KD_ERR_USAGE, "member '%s' has size %" PRIu64, m->name, size);
	if (m->offset + size > buflen)
		return kd_error_create(KD_ERR_USAGE, "member '%s' is outside the buffer", m->name);
	memcpy(&v, (const unsigned char *)buf + m->offset, (size_t)size);
	if (is_signed && size < 8 && (v >> (size * 8 - 1)) & 1)
		v |= ~0ull << (size * 8);
	*ret = v;
	return NULL;
}

struct kd_error *kd_read_member(struct kd_session *s, const char *type, const char *path,
				uint64_t addr, void *buf, size_t len)
{
	struct kd_member_info m;
	struct kd_error *err = kd_type_member(s, type, path, &m);
	if (err)
		return err;
	if (len > m.size)
		len = (size_t)m.size;
	err = kd_read_kernel(s, addr + m.offset, buf, len);
	return err ? kd_error_prefix(err, "reading %s.%s at 0x%" PRIx64, type, path, addr) : NULL;
}

struct kd_error *kd_read_member_u64(struct kd_session *s, const char *type, const char *path,
				    uint64_t addr, uint64_t *ret)
{
	struct kd_member_info m;
	struct kd_error *err = kd_type_member(s, type, path, &m);
	if (err)
		return err;
	uint64_t first = m.bit_offset / 8;
	uint64_t len = m.bit_size ? (m.bit_offset + m.bit_size - 1) / 8 - first + 1 : m.size;
	unsigned char buf[16] = { 0 };
	if (len > 8)
		return kd_error_create(KD_ERR_USAGE, "%s.%s is %" PRIu64 " bytes, not a scalar", type, path, m.size);
	err = kd_read_kernel(s, addr + first, buf, (size_t)len);
	if (err)
		return kd_error_prefix(err, "reading %s.%s at 0x%" PRIx64, type, path, addr);
	struct kd_member_info rel = m;
	rel.offset = 0;
	rel.bit_offset = m.bit_offset - first * 8;
	return kd_member_extract(s, &rel, buf, sizeof(buf), ret);
}

struct kd_error *kd_read_member_string(struct kd_session *s, const char *type, const char *path,
				       uint64_t addr, char *buf, size_t len)
{
	if (!len)
		return kd_error_create(KD_ERR_USAGE, "no room for the string");
	buf[0] = '\0';
	struct kd_member_info m;
	struct kd_error *err = kd_type_member(s, type, path, &m);
	if (err)
		return err;
	struct kd_type_info in;
	get_info(s->types, strip(s->types, m.type), &in);
	uint64_t src = addr + m.offset, max = len - 1;
	if (in.kind == KD_TYPE_ARRAY) {
		if (m.size < max)
			max = m.size;
	} else if (in.kind == KD_TYPE_PTR) {
		err = kd_read_kernel(s, src, &src, sizeof(src));
		if (err)
			return kd_error_prefix(err, "reading %s.%s at 0x%" PRIx64, type, path, addr);
		if (!src)
			return kd_error_create(KD_ERR_FAULT, "%s.%s is NULL", type, path);
	} else {
		return kd_error_create(KD_ERR_USAGE, "%s.%s is not a string", type, path);
	}
	// Up to a page edge at a time, so a short string before an unmapped page reads.
	size_t got = 0;
	while (got < max) {
		size_t n = 4096 - (size_t)((src + got) & 4095);
		if (n > max - got)
			n = (size_t)(max - got);
		err = kd_read_kernel(s, src + got, buf + got, n);
		if (err) {
			buf[got] = '\0';
			return kd_error_prefix(err, "reading %s.%s", type, path);
		}
		if (memchr(buf + got, '\0', n))
			return NULL;
		got += n;
	}
	buf[got] = '\0';
	return NULL;
}

/* ---- variables -------------------------------------------------------------------- */

static uint32_t find_var(struct kd_types *t, const char *name)
{
	return find_named(t, name, K(BTF_KIND_VAR));
}

bool kd_symbol_is_percpu(struct kd_session *s, const char *symbol)
{
	struct kd_types *t = s->types;
	if (t) {
		uint32_t var = find_var(t, symbol);
		if (t->percpu_sec == UINT32_MAX)
			t->percpu_sec = find_named(t, ".data..percpu", K(BTF_KIND_DATASEC));
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
		return no_types(s);
	uint32_t var = find_named(t, symbol, K(BTF_KIND_VAR) | K(BTF_KIND_FUNC));
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
		elem = parse_c_type(t, base, 0);
		struct kd_type_info ein;
		get_info(t, strip(t, elem), &ein);
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
	uint32_t id = parse_c_type(t, known, n);
	if (!id)
		return kd_error_create(KD_ERR_NOTFOUND, "'%s' should be %s, which the kernel's BTF lacks",
				       symbol, known);
	uint64_t size = type_size(t, id);
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

static struct kd_error *no_libbpf(void)
{
	return kd_error_create(KD_ERR_UNSUPPORTED, "kdive was built without libbpf: no types");
}

struct kd_error *kd_types_load(struct kd_session *s)
{
	if (s->opts.types && strcmp(s->opts.types, "dwarf") == 0)
		return kd_error_create(KD_ERR_USAGE, "--types dwarf: kdive was built without libbpf");
	if (s->opts.btf)
		return kd_error_create(KD_ERR_USAGE, "--btf: kdive was built without libbpf");
	return no_libbpf();
}

void kd_types_fini(struct kd_session *s) { (void)s; }
bool kd_types_available(const struct kd_session *s) { (void)s; return false; }
const char *kd_types_source(const struct kd_session *s) { (void)s; return NULL; }
struct kd_error *kd_type_find(struct kd_session *s, const char *n, uint32_t *r) { return no_libbpf(); }
struct kd_error *kd_type_get(struct kd_session *s, uint32_t id, struct kd_type_info *r) { return no_libbpf(); }
uint32_t kd_type_strip(struct kd_session *s, uint32_t id) { return id; }
char *kd_type_name(struct kd_session *s, uint32_t id, const char *var) { return strdup("?"); }
struct kd_error *kd_type_size(struct kd_session *s, const char *t, uint64_t *r) { return no_libbpf(); }
struct kd_error *kd_type_member(struct kd_session *s, const char *t, const char *p, struct kd_member_info *r) { return no_libbpf(); }
struct kd_error *kd_type_member_by_id(struct kd_session *s, uint32_t id, const char *p, struct kd_member_info *r) { return no_libbpf(); }
struct kd_error *kd_type_member_at(struct kd_session *s, uint32_t id, uint32_t i, struct kd_member_info *r) { return no_libbpf(); }
struct kd_error *kd_enum_at(struct kd_session *s, uint32_t id, uint32_t i, const char **n, int64_t *v) { return no_libbpf(); }
struct kd_error *kd_enum_value(struct kd_session *s, const char *e, const char *n, int64_t *v) { return no_libbpf(); }
const char *kd_enum_name(struct kd_session *s, uint32_t id, int64_t v) { return NULL; }
struct kd_error *kd_member_extract(struct kd_session *s, const struct kd_member_info *m, const void *b, size_t l, uint64_t *r) { return no_libbpf(); }
struct kd_error *kd_read_member(struct kd_session *s, const char *t, const char *p, uint64_t a, void *b, size_t l) { return no_libbpf(); }
struct kd_error *kd_read_member_u64(struct kd_session *s, const char *t, const char *p, uint64_t a, uint64_t *r) { return no_libbpf(); }
struct kd_error *kd_read_member_string(struct kd_session *s, const char *t, const char *p, uint64_t a, char *b, size_t l) { return no_libbpf(); }
struct kd_error *kd_symbol_type(struct kd_session *s, const char *n, uint32_t *r, bool *i) { return no_libbpf(); }
struct kd_error *kd_type_complete(struct kd_session *s, const char *p, kd_type_name_fn *fn, void *arg) { return no_libbpf(); }
bool kd_symbol_is_percpu(struct kd_session *s, const char *n) { (void)s; (void)n; return false; }

#endif
