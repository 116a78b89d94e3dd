// SPDX-License-Identifier: GPL-3.0-or-later
// Loading the types: BTF from the dump's memory (__start_BTF..__stop_BTF,
// found through kallsyms), a raw BTF file (--btf), a vmlinux's .BTF section
// (--vmlinux) or its DWARF converted to BTF (dwarf.c: --types dwarf, or when
// there is no BTF), parsed by libbpf.  A file from the command line must
// agree with the dump's VMCOREINFO.  kd_types_load() runs the load once and
// keeps its error; the lookups in the other types_*.c files never load.
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <kdive/symbols.h>
#include <kdive/types.h>

#include "dwarf_btf.h"
#include "session_priv.h"
#include "symtab.h"
#include "types.h"

#ifdef HAVE_LIBBPF
#include <bpf/libbpf.h>

// libbpf's errors as words: its own codes (4000 and up: "Bad format"...) too.
static const char *bpf_strerror(int e, char *buf, size_t len)
{
	if (libbpf_strerror(e, buf, len) < 0)
		snprintf(buf, len, "%s", strerror(e));
	return buf;
}

// libbpf's own warnings would go to stderr beside kdive's message for the
// same failure ("libbpf: failed to get EHDR from ..."): kdive reports it.
static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level, (void)fmt, (void)ap;
	return 0;
}

static struct kd_types *types_new(struct btf *btf)
{
	struct kd_types *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->btf = btf;
	t->nids = btf__type_cnt(btf);
	t->percpu_sec = UINT32_MAX;
	return t;
}

static void types_free(struct kd_types *t)
{
	if (!t)
		return;
	btf__free(t->btf);
	btf__free(t->base);
	kd_types_split_free(t);
	kd_index_map_free(t->names, &t->names_map);
	kd_index_map_free(t->enumerators, &t->enum_map);
	free(t->synth);
	free(t->sorted);
	free(t->described);
	free(t);
}

static struct kd_error *btf_from_memory(struct kd_session *s, struct btf **ret, size_t *size_ret)
{
	uint64_t start, stop;
	// The BTF is found through the symbols: load them first (once).
	kd_error_destroy(kd_symbols_load(s));
	struct kd_error *err = kd_symbol_address(s, "__start_BTF", &start);
	if (!err)
		err = kd_symbol_address(s, "__stop_BTF", &stop);
	if (err)
		return kd_error_prefix(err, "locating the kernel's BTF");
	if (stop <= start || stop - start > (256u << 20))
		return kd_error_create(KD_ERR_CORRUPT, "__start_BTF..__stop_BTF is %" PRIx64 "..%" PRIx64,
				       start, stop);
	size_t size = (size_t)(stop - start);
	// Mapped with its pages already in place: faulting in a 4 MiB buffer
	// one page at a time cost more than reading it.  Only for this read:
	// libbpf keeps a copy of its own.
	size_t msize = size + (2u << 20);
	char *map = mmap(NULL, msize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return &kd_enomem;
	char *buf = (char *)(((uintptr_t)map + (2u << 20) - 1) & ~(uintptr_t)((2u << 20) - 1));
	madvise(buf, size, MADV_HUGEPAGE);
	err = kd_read_kernel(s, start, buf, size);
	if (err) {
		munmap(map, msize);
		return kd_error_prefix(err, "reading the kernel's BTF");
	}
	struct btf *btf = btf__new(buf, (uint32_t)size);
	int e = errno;
	munmap(map, msize);
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
	s->types = types_new(*ret);
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
	libbpf_set_print(libbpf_quiet);
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
		char ebuf[128];
		if (!btf)
			return kd_error_create(KD_ERR_USAGE, "cannot read BTF from '%s': %s", s->opts.btf,
					       bpf_strerror(errno, ebuf, sizeof(ebuf)));
		if (asprintf(&what, "BTF file '%s'", s->opts.btf) < 0)
			what = NULL;
		s->types = types_new(btf);
	} else {
		size_t size = 0;
		err = btf_from_memory(s, &btf, &size);
		if (!err) {
			s->types = types_new(btf);
		} else if (s->opts.vmlinux) {
			kd_error_destroy(err);
			err = NULL;
			btf = btf__parse_elf(s->opts.vmlinux, NULL);
			int e = errno;
			char ebuf[128];
			if (btf) {
				if (asprintf(&what, "the .BTF of '%s'", s->opts.vmlinux) < 0)
					what = NULL;
				s->types = types_new(btf);
			} else if (mode == TYPES_AUTO && !(err = btf_from_dwarf(s, &btf))) {
				if (asprintf(&what, "the DWARF of '%s'", s->opts.vmlinux) < 0)
					what = NULL;
			} else {
				struct kd_error *r = kd_error_create(KD_ERR_USAGE,
								     "no BTF in the dump, nor in '%s' (%s)%s%s",
								     s->opts.vmlinux, bpf_strerror(e, ebuf, sizeof(ebuf)),
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
	err = what ? kd_types_index_names(s->types) : kd_types_index_names_cached(s, s->types);
	if (!err && what)
		err = check_against_vmcoreinfo(s, what);
	free(what);
	if (err) {
		kd_types_unload(s);
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
		// Data symbols that need types (init_task, per-cpu variables) when
		// kallsyms lacks them (datasyms.c).
		if (!s->types_state.err && s->symtab)
			kd_datasyms_typed(s);
	}
	return kd_error_copy(s->types_state.err);
}

void kd_types_unload(struct kd_session *s)
{
	types_free(s->types);
	s->types = NULL;
	kd_error_destroy(s->types_state.err);
	s->types_state.err = NULL;
	s->types_state.tried = false;
}

/* ---- the state ----------------------------------------------------------------- */

struct kd_error *kd_types_none(const struct kd_session *s)
{
	(void)s;
	return kd_error_create(KD_ERR_UNSUPPORTED, "no types: the dump's BTF was not found "
				"(use --btf FILE or --vmlinux FILE)");
}

bool kd_types_available(const struct kd_session *s)
{
	return s->types != NULL;
}

#else /* !HAVE_LIBBPF */

struct kd_error *kd_types_no_libbpf(void)
{
	return kd_error_create(KD_ERR_UNSUPPORTED, "kdive was built without libbpf: no types");
}

struct kd_error *kd_types_load(struct kd_session *s)
{
	if (s->opts.types && strcmp(s->opts.types, "dwarf") == 0)
		return kd_error_create(KD_ERR_USAGE, "--types dwarf: kdive was built without libbpf");
	if (s->opts.btf)
		return kd_error_create(KD_ERR_USAGE, "--btf: kdive was built without libbpf");
	return kd_types_no_libbpf();
}

void kd_types_unload(struct kd_session *s) { (void)s; }
bool kd_types_available(const struct kd_session *s) { (void)s; return false; }

#endif
