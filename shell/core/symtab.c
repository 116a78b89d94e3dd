// SPDX-License-Identifier: GPL-3.0-or-later
// The symbol table behind <kdive/symbols.h>: one array of symbols with a
// name hash (open addressing), an address-sorted index and, built on first
// use, a name-sorted index for prefix search.
//
// Sources, merged in this order: the kallsyms tables in the dump
// (kallsyms.c), then --system-map and --vmlinux files (shifted by
// KERNELOFFSET and refused when they belong to another build), then, on
// first need, the loaded modules' symbols read from the dump through BTF.
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kdive/symbols.h>
#include <kdive/types.h>

#include "hash.h"
#include "session_priv.h"
#include "symtab.h"

enum { ARENA_CHUNK = 256 * 1024, MODULE_NAME_MAX = 64, MAX_MODULES = 100000 };
#define KERNEL_HALF 0xffff000000000000ull

struct sym {
	uint64_t addr;
	uint64_t size;      // 0 unknown
	const char *name;
	uint32_t hash;
	char type;
	uint32_t mod;       // 0 core, else index into mods + 1
};

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, cap;
	char data[];
};

struct kmod {
	struct kd_kmodule pub;
	size_t first, count;  // its symbols: syms[first .. first + count)
};

enum mod_state { MODS_NOT_READ, MODS_READ, MODS_FAILED };

struct kd_symtab {
	struct sym *syms;
	size_t n, cap;
	struct arena_chunk *arena;
	uint32_t *hash;        // index + 1, 0 empty
	size_t hcap;           // power of two
	uint32_t *by_addr;     // indices sorted by (addr, index)
	size_t n_by_addr;      // how many of syms are in by_addr
	uint32_t *by_name;     // indices sorted by (name, index); NULL until needed
	size_t n_by_name;
	uint64_t core_end;     // end of the kernel image (_end)
	char *source;
	enum mod_state mod_state;
	char *mod_error;
	struct kmod *mods;
	size_t nmods;
};

/* ---- storage ---------------------------------------------------------------- */

static uint32_t name_hash(const char *s, size_t len)
{
	return kd_hash32(s, len);
}

static const char *arena_dup(struct kd_symtab *t, const char *s, size_t len)
{
	struct arena_chunk *c = t->arena;
	if (!c || c->cap - c->used < len + 1) {
		size_t cap = len + 1 > ARENA_CHUNK ? len + 1 : ARENA_CHUNK;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->next = t->arena;
		c->used = 0;
		c->cap = cap;
		t->arena = c;
	}
	char *p = c->data + c->used;
	memcpy(p, s, len);
	p[len] = '\0';
	c->used += len + 1;
	return p;
}

static void hash_insert(struct kd_symtab *t, uint32_t idx)
{
	size_t mask = t->hcap - 1;
	size_t i = t->syms[idx].hash & mask;
	while (t->hash[i])
		i = (i + 1) & mask;
	t->hash[i] = idx + 1;
}

static struct kd_error *hash_grow(struct kd_symtab *t, size_t want)
{
	size_t cap = t->hcap ? t->hcap : 1024;
	while (cap < want * 2)
		cap *= 2;
	if (cap == t->hcap)
		return NULL;
	uint32_t *h = calloc(cap, sizeof(*h));
	if (!h)
		return &kd_enomem;
	free(t->hash);
	t->hash = h;
	t->hcap = cap;
	// Reinserting in index order keeps same-name symbols in insertion order
	// along their probe sequence.
	for (size_t i = 0; i < t->n; i++)
		hash_insert(t, (uint32_t)i);
	return NULL;
}

/* Room for n more symbols, so that a known count costs no regrowth. */
static struct kd_error *reserve(struct kd_symtab *t, size_t n)
{
	if (t->n + n > t->cap) {
		struct sym *s = realloc(t->syms, (t->n + n) * sizeof(*s));
		if (!s)
			return &kd_enomem;
		t->syms = s;
		t->cap = t->n + n;
	}
	return (t->n + n) * 2 > t->hcap ? hash_grow(t, t->n + n) : NULL;
}

static struct kd_error *add_sym(struct kd_symtab *t, const char *name, size_t len, char type,
				uint64_t addr, uint64_t size, uint32_t mod)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 65536;
		struct sym *s = realloc(t->syms, cap * sizeof(*s));
		if (!s)
			return &kd_enomem;
		t->syms = s;
		t->cap = cap;
	}
	if ((t->n + 1) * 2 > t->hcap) {
		struct kd_error *err = hash_grow(t, t->cap);
		if (err)
			return err;
	}
	const char *p = arena_dup(t, name, len);
	if (!p)
		return &kd_enomem;
	struct sym *s = &t->syms[t->n];
	*s = (struct sym){ .addr = addr, .size = size, .name = p, .hash = name_hash(name, len),
			   .type = type, .mod = mod };
	hash_insert(t, (uint32_t)t->n);
	t->n++;
	return NULL;
}

/* Calls fn(t, index, arg) for each symbol named name in insertion order; stops on non-zero. */
static int for_each_named(const struct kd_symtab *t, const char *name, size_t len,
			  int (*fn)(const struct kd_symtab *t, uint32_t idx, void *arg), void *arg)
{
	if (!t || !t->hcap)
		return 0;
	uint32_t h = name_hash(name, len);
	size_t mask = t->hcap - 1;
	for (size_t i = h & mask; t->hash[i]; i = (i + 1) & mask) {
		uint32_t idx = t->hash[i] - 1;
		const struct sym *s = &t->syms[idx];
		if (s->hash == h && strncmp(s->name, name, len) == 0 && s->name[len] == '\0') {
			int r = fn(t, idx, arg);
			if (r)
				return r;
		}
	}
	return 0;
}

static int first_cb(const struct kd_symtab *t, uint32_t idx, void *arg)
{
	(void)t;
	*(int64_t *)arg = idx;
	return 1;
}

static int64_t find_first(const struct kd_symtab *t, const char *name)
{
	int64_t idx = -1;
	for_each_named(t, name, strlen(name), first_cb, &idx);
	return idx;
}

static bool is_absolute(char type)
{
	return type == 'A' || type == 'a';
}

static const struct kd_symtab *sort_ctx;

static int cmp_addr(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	uint64_t ax = sort_ctx->syms[x].addr, ay = sort_ctx->syms[y].addr;
	if (ax != ay)
		return ax < ay ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int cmp_name(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int c = strcmp(sort_ctx->syms[x].name, sort_ctx->syms[y].name);
	if (c)
		return c;
	return x < y ? -1 : x > y;
}

/*
 * Bring a sorted index up to date with the symbols added since: sort the new
 * ones, then merge.  kallsyms is already in address order, so the common
 * case is a linear check.
 */
static struct kd_error *index_update(struct kd_symtab *t, uint32_t **idxp, size_t *np,
				     int (*cmp)(const void *, const void *))
{
	size_t old = *np, n = t->n;
	if (old == n && *idxp)
		return NULL;
	uint32_t *idx = realloc(*idxp, (n ? n : 1) * sizeof(*idx));
	if (!idx)
		return &kd_enomem;
	*idxp = idx;
	for (size_t i = old; i < n; i++)
		idx[i] = (uint32_t)i;
	sort_ctx = t;
	bool sorted = true;
	for (size_t i = old + 1; i < n && sorted; i++)
		sorted = cmp(&idx[i - 1], &idx[i]) < 0;
	if (!sorted)
		qsort(idx + old, n - old, sizeof(*idx), cmp);
	if (old && n > old && cmp(&idx[old - 1], &idx[old]) > 0) {
		uint32_t *m = malloc(n * sizeof(*m));
		if (!m)
			return &kd_enomem;
		size_t i = 0, j = old, k = 0;
		while (i < old && j < n)
			m[k++] = cmp(&idx[i], &idx[j]) <= 0 ? idx[i++] : idx[j++];
		while (i < old)
			m[k++] = idx[i++];
		while (j < n)
			m[k++] = idx[j++];
		memcpy(idx, m, n * sizeof(*m));
		free(m);
	}
	*np = n;
	return NULL;
}

static struct kd_error *sync_by_addr(struct kd_symtab *t)
{
	return index_update(t, &t->by_addr, &t->n_by_addr, cmp_addr);
}

static void symtab_free(struct kd_symtab *t)
{
	if (!t)
		return;
	while (t->arena) {
		struct arena_chunk *c = t->arena;
		t->arena = c->next;
		free(c);
	}
	for (size_t i = 0; i < t->nmods; i++)
		free((char *)t->mods[i].pub.name);
	free(t->mods);
	free(t->mod_error);
	free(t->syms);
	free(t->hash);
	free(t->by_addr);
	free(t->by_name);
	free(t->source);
	free(t);
}

static void append_source(struct kd_symtab *t, const char *what)
{
	char *s = NULL;
	if (asprintf(&s, "%s%s%s", t->source ? t->source : "", t->source ? " + " : "", what) >= 0) {
		free(t->source);
		t->source = s;
	}
}

/* ---- kallsyms from the dump ------------------------------------------------- */

static struct kd_error *read_kernel_cb(void *arg, uint64_t va, void *buf, size_t len)
{
	return kd_read_kernel(arg, va, buf, len);
}

/* A read whose failure someone else reports: true when it failed. */
static bool kd_read_kernel_quiet(struct kd_session *s, uint64_t va, void *buf, size_t len)
{
	struct kd_error *err = kd_read_kernel(s, va, buf, len);
	bool failed = err != NULL;
	kd_error_destroy(err);
	return failed;
}

static struct kd_error *add_kallsyms_cb(void *arg, const char *name, size_t len, char type,
					uint64_t addr)
{
	return add_sym(arg, name, len, type, addr, 0, 0);
}

static uint64_t vmci_symbol(struct kd_session *s, const char *name)
{
	char key[128];
	snprintf(key, sizeof(key), "SYMBOL(%s)", name);
	uint64_t v = 0;
	if (!kd_vmcoreinfo_get(s, key))
		return 0;
	struct kd_error *err = kd_vmcoreinfo_number(s, key, &v);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	return v;
}

static struct kd_error *load_kallsyms(struct kd_session *s, struct kd_symtab *t)
{
	struct kd_kallsyms_layout l = {
		.names = vmci_symbol(s, "kallsyms_names"),
		.token_table = vmci_symbol(s, "kallsyms_token_table"),
		.token_index = vmci_symbol(s, "kallsyms_token_index"),
		.num_syms = vmci_symbol(s, "kallsyms_num_syms"),
		.offsets = vmci_symbol(s, "kallsyms_offsets"),
		.relative_base = vmci_symbol(s, "kallsyms_relative_base"),
		.addresses = vmci_symbol(s, "kallsyms_addresses"),
		.stext = vmci_symbol(s, "_stext"),
	};
	struct kd_kallsyms_info info;
	uint32_t n;
	if (l.num_syms && !kd_read_kernel_quiet(s, l.num_syms, &n, sizeof(n)) && n < 10000000)
		reserve(t, n + n / 8); // the decoder reports a failure to read it
	struct kd_error *err = kd_kallsyms_decode(&l, read_kernel_cb, s, add_kallsyms_cb, t, &info);
	if (err)
		return kd_error_prefix(err, "kallsyms");
	append_source(t, "kallsyms (dump)");
	return NULL;
}

/* ---- System.map and vmlinux ------------------------------------------------- */

/* Symbols of a file, before they are checked against the dump and merged. */
struct filesyms {
	const char *path;
	const char *kind;  // "System.map", "vmlinux"
	struct kd_symtab *t;
	char build_id[129];
	void *banner;      // vmlinux: the bytes of linux_banner, else NULL
	size_t banner_len;
};

static char nm_type(const GElf_Sym *sym, const GElf_Shdr *sh)
{
	char c;
	if (sym->st_shndx == SHN_ABS)
		c = 'a';
	else if (sym->st_shndx == SHN_COMMON)
		c = 'c';
	else if (!sh)
		c = '?';
	else if (sh->sh_flags & SHF_EXECINSTR)
		c = 't';
	else if (sh->sh_type == SHT_NOBITS)
		c = 'b';
	else if (sh->sh_flags & SHF_WRITE)
		c = 'd';
	else
		c = 'r';
	if (GELF_ST_BIND(sym->st_info) == STB_WEAK)
		return GELF_ST_TYPE(sym->st_info) == STT_OBJECT ? 'V' : 'W';
	if (GELF_ST_BIND(sym->st_info) != STB_LOCAL && c != '?')
		c = (char)(c - 'a' + 'A');
	return c;
}

static void build_id_from_notes(Elf_Data *d, char *out, size_t outlen)
{
	GElf_Nhdr nh;
	size_t off = 0, name_off, desc_off;
	while ((off = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    memcmp((char *)d->d_buf + name_off, "GNU", 4) == 0) {
			const unsigned char *b = (const unsigned char *)d->d_buf + desc_off;
			size_t n = nh.n_descsz;
			if (n * 2 + 1 > outlen)
				n = (outlen - 1) / 2;
			for (size_t i = 0; i < n; i++)
				snprintf(out + 2 * i, 3, "%02x", b[i]);
			return;
		}
	}
}

static struct kd_error *read_vmlinux(struct filesyms *f)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return kd_error_create(KD_ERR_UNSUPPORTED, "libelf is too old");
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kd_error_os(errno, "cannot open '%s'", f->path);
	struct kd_error *err = NULL;
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	size_t shstrndx;
	if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getshdrstrndx(elf, &shstrndx) != 0) {
		err = kd_error_create(KD_ERR_USAGE, "'%s' is not an ELF file", f->path);
		goto out;
	}
	Elf_Scn *symscn = NULL;
	GElf_Shdr symsh = { 0 };
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(elf, scn)) != NULL;) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB) {
			symscn = scn;
			symsh = sh;
		} else if (sh.sh_type == SHT_NOTE && !f->build_id[0]) {
			Elf_Data *d = elf_getdata(scn, NULL);
			if (d)
				build_id_from_notes(d, f->build_id, sizeof(f->build_id));
		}
	}
	if (!symscn) {
		err = kd_error_create(KD_ERR_USAGE, "'%s' has no symbol table (.symtab)", f->path);
		goto out;
	}
	Elf_Data *d = elf_getdata(symscn, NULL);
	size_t n = symsh.sh_entsize ? symsh.sh_size / symsh.sh_entsize : 0;
	size_t nsec = 0;
	elf_getshdrnum(elf, &nsec);
	GElf_Shdr *shdrs = calloc(nsec ? nsec : 1, sizeof(*shdrs));
	if (!shdrs) {
		err = &kd_enomem;
		goto out;
	}
	for (size_t i = 1; i < nsec; i++) {
		Elf_Scn *scn = elf_getscn(elf, i);
		if (scn)
			gelf_getshdr(scn, &shdrs[i]);
	}
	for (size_t i = 1; d && i < n && !err; i++) {
		GElf_Sym sym;
		if (!gelf_getsym(d, (int)i, &sym))
			continue;
		int st = GELF_ST_TYPE(sym.st_info);
		if (st == STT_SECTION || st == STT_FILE || sym.st_shndx == SHN_UNDEF)
			continue;
		const char *name = elf_strptr(elf, symsh.sh_link, sym.st_name);
		if (!name || !*name)
			continue;
		const GElf_Shdr *sh = sym.st_shndx < nsec ? &shdrs[sym.st_shndx] : NULL;
		err = add_sym(f->t, name, strlen(name), nm_type(&sym, sh), sym.st_value, sym.st_size, 0);
		// Keep linux_banner's bytes to compare with the dump's.
		if (!err && !f->banner && strcmp(name, "linux_banner") == 0 && sh && sh->sh_type == SHT_PROGBITS &&
		    sym.st_value >= sh->sh_addr && sym.st_size && sym.st_size < 4096) {
			Elf_Scn *bs = elf_getscn(elf, sym.st_shndx);
			Elf_Data *bd = bs ? elf_getdata(bs, NULL) : NULL;
			uint64_t o = sym.st_value - sh->sh_addr;
			if (bd && bd->d_buf && o + sym.st_size <= bd->d_size && (f->banner = malloc(sym.st_size))) {
				memcpy(f->banner, (char *)bd->d_buf + o, sym.st_size);
				f->banner_len = sym.st_size;
			}
		}
	}
	free(shdrs);
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return err;
}

static struct kd_error *read_system_map(struct filesyms *f)
{
	FILE *fp = fopen(f->path, "re");
	if (!fp)
		return kd_error_os(errno, "cannot open '%s'", f->path);
	char line[1024];
	unsigned lineno = 0;
	struct kd_error *err = NULL;
	while (!err && fgets(line, sizeof(line), fp)) {
		lineno++;
		char *end;
		errno = 0;
		uint64_t addr = strtoull(line, &end, 16);
		if (end == line || *end != ' ' || !end[1] || end[2] != ' ')
			continue; // not "ADDRESS TYPE NAME": skipped, as nm's other lines

		char type = end[1];
		char *name = end + 3;
		size_t len = strcspn(name, " \t\r\n");
		if (!len)
			continue;
		err = add_sym(f->t, name, len, type, addr, 0, 0);
	}
	fclose(fp);
	if (!err && f->t->n == 0)
		err = kd_error_create(KD_ERR_USAGE, "'%s' has no symbols in System.map format (%u lines)",
				      f->path, lineno);
	return err;
}

static uint64_t file_sym(const struct filesyms *f, const char *name, bool *found)
{
	int64_t i = find_first(f->t, name);
	*found = i >= 0;
	return i >= 0 ? f->t->syms[i].addr : 0;
}

static bool relocatable(const struct sym *s)
{
	return !is_absolute(s->type) && s->addr >= KERNEL_HALF;
}

/*
 * The KASLR shift of the file's symbols: KERNELOFFSET from VMCOREINFO, else
 * what puts the file's _stext where the dump's is.
 */
static uint64_t kaslr_offset(struct kd_session *s, const struct filesyms *f)
{
	uint64_t off;
	if (kd_vmcoreinfo_get(s, "KERNELOFFSET") && !kd_vmcoreinfo_number(s, "KERNELOFFSET", &off))
		return off;
	bool found;
	uint64_t fst = file_sym(f, "_stext", &found);
	uint64_t dst = vmci_symbol(s, "_stext");
	if (found && !dst && s->symtab) {
		int64_t i = find_first(s->symtab, "_stext");
		dst = i >= 0 ? s->symtab->syms[i].addr : 0;
	}
	return found && dst ? dst - fst : 0;
}

static struct kd_error *mismatch(const struct filesyms *f, const char *fmt, ...) KD_PRINTF(2, 3);
static struct kd_error *mismatch(const struct filesyms *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct kd_error *err = kd_error_vcreate(KD_ERR_USAGE, fmt, ap);
	va_end(ap);
	return kd_error_prefix(err, "%s '%s' does not belong to this dump", f->kind, f->path);
}

/*
 * Refuse a file from another build: its build ID (vmlinux) against
 * VMCOREINFO's BUILD-ID, then _stext against VMCOREINFO, then linux_banner
 * and a few landmarks against the kallsyms in the dump, and the banner text
 * in the dump's memory at the file's linux_banner.
 */
static struct kd_error *check_file(struct kd_session *s, const struct filesyms *f, uint64_t off)
{
	const char *bid = kd_vmcoreinfo_get(s, "BUILD-ID");
	if (f->build_id[0] && bid && *bid) {
		size_t n = strlen(bid) < strlen(f->build_id) ? strlen(bid) : strlen(f->build_id);
		if (strncasecmp(bid, f->build_id, n) != 0)
			return mismatch(f, "its build ID is %s, the dump's (VMCOREINFO BUILD-ID) is %s",
					f->build_id, bid);
	}
	bool found;
	uint64_t stext = file_sym(f, "_stext", &found);
	uint64_t dst = vmci_symbol(s, "_stext");
	if (found && dst && stext + off != dst)
		return mismatch(f, "_stext is at 0x%" PRIx64 " in it (0x%" PRIx64
			       " with KERNELOFFSET 0x%" PRIx64 "), at 0x%" PRIx64 " in the dump (VMCOREINFO)",
			       stext, stext + off, off, dst);
	static const char *const landmarks[] = {
		"linux_banner", "_stext", "_etext", "_sdata", "init_task", "start_kernel", "__start_BTF",
	};
	for (size_t i = 0; s->symtab && i < sizeof(landmarks) / sizeof(landmarks[0]); i++) {
		int64_t k = find_first(s->symtab, landmarks[i]);
		uint64_t fa = file_sym(f, landmarks[i], &found);
		if (k >= 0 && found && fa + off != s->symtab->syms[k].addr)
			return mismatch(f, "%s is at 0x%" PRIx64 " in it (with KERNELOFFSET 0x%" PRIx64
				       "), at 0x%" PRIx64 " in the dump's kallsyms",
				       landmarks[i], fa + off, off, s->symtab->syms[k].addr);
	}
	uint64_t banner = file_sym(f, "linux_banner", &found);
	const char *rel = kd_vmcoreinfo_get(s, "OSRELEASE");
	if (found) {
		char text[256] = "";
		struct kd_error *err = kd_read_kernel(s, banner + off, text, sizeof(text) - 1);
		if (err) {
			kd_error_destroy(err); // no translation for it: nothing to compare
		} else {
			char want[200];
			snprintf(want, sizeof(want), "Linux version %s ", rel ? rel : "");
			if (strncmp(text, want, rel ? strlen(want) : strlen("Linux version ")) != 0)
				return mismatch(f, "the dump has no Linux banner at its linux_banner (0x%" PRIx64 ")",
						banner + off);
			if (f->banner && strncmp(text, f->banner, f->banner_len < 255 ? f->banner_len : 255) != 0)
				return mismatch(f, "its banner differs from the dump's: %.*s",
						(int)strcspn(f->banner, "\n"), (const char *)f->banner);
		}
	}
	return NULL;
}

/* Add the file's symbols that the table lacks (same name at the same address). */
struct merge_ctx {
	uint64_t addr;
	uint64_t size;
	bool dup;
	struct kd_symtab *t;
};

static int same_addr_cb(const struct kd_symtab *t, uint32_t idx, void *arg)
{
	struct merge_ctx *m = arg;
	if (t->syms[idx].addr != m->addr)
		return 0;
	m->dup = true;
	if (!t->syms[idx].size)
		m->t->syms[idx].size = m->size;
	return 1;
}

static struct kd_error *merge_file(struct kd_symtab *t, const struct filesyms *f, uint64_t off)
{
	for (size_t i = 0; i < f->t->n; i++) {
		const struct sym *fs = &f->t->syms[i];
		uint64_t a = relocatable(fs) ? fs->addr + off : fs->addr;
		struct merge_ctx m = { .addr = a, .size = fs->size, .t = t };
		for_each_named(t, fs->name, strlen(fs->name), same_addr_cb, &m);
		if (m.dup)
			continue;
		struct kd_error *err = add_sym(t, fs->name, strlen(fs->name), fs->type, a, fs->size, 0);
		if (err)
			return err;
	}
	return NULL;
}

static struct kd_error *load_file(struct kd_session *s, struct kd_symtab *t, const char *path,
				  const char *kind)
{
	struct filesyms f = { .path = path, .kind = kind, .t = calloc(1, sizeof(struct kd_symtab)) };
	if (!f.t)
		return &kd_enomem;
	struct kd_error *err = strcmp(kind, "vmlinux") == 0 ? read_vmlinux(&f) : read_system_map(&f);
	if (!err) {
		uint64_t off = kaslr_offset(s, &f);
		err = check_file(s, &f, off);
		if (!err)
			err = merge_file(t, &f, off);
	}
	if (!err) {
		char *what = NULL;
		if (asprintf(&what, "%s %s", kind, path) >= 0) {
			append_source(t, what);
			free(what);
		}
	}
	free(f.banner);
	symtab_free(f.t);
	// A file named on the command line that cannot be used stops kdive.
	if (err && err != &kd_enomem)
		err->code = KD_ERR_USAGE;
	return err;
}

/* ---- the layer ------------------------------------------------------------------ */

static struct kd_error *symbols_load(struct kd_session *s)
{
	if (!s->core)
		return NULL;
	struct kd_symtab *t = calloc(1, sizeof(*t));
	if (!t)
		return &kd_enomem;
	s->symtab = t;
	struct kd_error *kerr = load_kallsyms(s, t);
	if (kerr) {
		// Start over: a half-decoded table is worse than none.
		symtab_free(t);
		t = calloc(1, sizeof(*t));
		s->symtab = t;
		if (!t) {
			kd_error_destroy(kerr);
			return &kd_enomem;
		}
	}
	struct kd_error *err = NULL;
	if (s->opts.system_map)
		err = load_file(s, t, s->opts.system_map, "System.map");
	if (!err && s->opts.vmlinux)
		err = load_file(s, t, s->opts.vmlinux, "vmlinux");
	if (!err)
		err = sync_by_addr(t);
	if (!err) {
		int64_t e = find_first(t, "_end");
		t->core_end = e >= 0 ? t->syms[e].addr : 0;
		for (size_t i = 0; !t->core_end && i < t->n; i++)
			if (!is_absolute(t->syms[i].type) && t->syms[i].addr + 4096 > t->core_end)
				t->core_end = t->syms[i].addr + 4096;
	}
	if (err) {
		kd_error_destroy(kerr);
		symtab_free(t);
		s->symtab = NULL;
		return err;
	}
	if (t->n == 0) {
		symtab_free(t);
		s->symtab = NULL;
		if (!kerr)
			kerr = kd_error_create(KD_ERR_NOTFOUND, "no symbols");
		return kd_error_prefix(kerr, "no symbol table (use --system-map or --vmlinux)");
	}
	if (kerr && !s->opts.system_map && !s->opts.vmlinux)
		return kerr;
	kd_error_destroy(kerr);
	return NULL;
}

/*
 * The symbol table is built when first asked for: the dispatcher calls
 * kd_symbols_load() before a command that declares KD_CMD_NEEDS_SYMBOLS or
 * KD_CMD_USES_SYMBOLS, so commands that need no symbols (sys, log, rd -p)
 * start in milliseconds.  Files given on the command line are read when the
 * dump opens (kd_session_create), so a System.map or vmlinux that does not
 * belong to the dump is refused at once.  The load runs once; its error is
 * kept and handed (as a copy) to every later caller.  After it the arch
 * layer gets its second stage (it reads page_offset_base and friends
 * through the symbols, or derives them from the page tables without them).
 */
struct kd_error *kd_symbols_load(struct kd_session *s)
{
	if (!s->symbols_state.tried) {
		s->symbols_state.tried = true;
		s->symbols_state.err = symbols_load(s);
		struct kd_error *err = kd_vm_post_symbols(s);
		if (err) {
			kd_warn(s, "address translation: %s", err->msg);
			kd_error_destroy(err);
		}
	}
	return kd_error_copy(s->symbols_state.err);
}

void kd_symbols_fini(struct kd_session *s)
{
	symtab_free(s->symtab);
	s->symtab = NULL;
	kd_error_destroy(s->symbols_state.err);
	s->symbols_state.err = NULL;
	s->symbols_state.tried = false;
}

bool kd_symtab_extent(struct kd_session *s, const char *name, uint64_t *addr_ret, uint64_t *size_ret,
		      bool *exact_ret)
{
	struct kd_symtab *t = s->symtab;
	int64_t i = t ? find_first(t, name) : -1;
	if (i < 0)
		return false;
	const struct sym *sy = &t->syms[i];
	*addr_ret = sy->addr;
	*exact_ret = sy->size != 0;
	*size_ret = sy->size;
	if (sy->size || sync_by_addr(t))
		return true;
	// Distance to the next higher address.
	size_t lo = 0, hi = t->n_by_addr;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (t->syms[t->by_addr[mid]].addr <= sy->addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	*size_ret = lo < t->n_by_addr ? t->syms[t->by_addr[lo]].addr - sy->addr : 0;
	return true;
}

/* ---- modules -------------------------------------------------------------------- */

static struct kd_error *read_ptr(struct kd_session *s, uint64_t va, uint64_t *ret)
{
	return kd_read_kernel(s, va, ret, sizeof(*ret));
}

static struct kd_error *read_string(struct kd_session *s, uint64_t va, char *buf, size_t len)
{
	// Byte runs up to the next page edge, so a string that ends before an
	// unreadable page is still read.
	size_t got = 0;
	while (got + 1 < len) {
		size_t n = 4096 - (size_t)((va + got) & 4095);
		if (n > len - 1 - got)
			n = len - 1 - got;
		struct kd_error *err = kd_read_kernel(s, va + got, buf + got, n);
		if (err)
			return err;
		if (memchr(buf + got, '\0', n))
			return NULL;
		got += n;
	}
	buf[len - 1] = '\0';
	return NULL;
}

/* Offsets of struct module and struct mod_kallsyms, from BTF. */
struct mod_layout {
	struct kd_member_info list, name, kallsyms, symtab, num_symtab, strtab, typetab;
	struct kd_member_info base, size;
	bool have_typetab, have_layout;
};

static struct kd_error *mod_layout(struct kd_session *s, struct mod_layout *m)
{
	struct kd_error *err;
	if ((err = kd_type_member(s, "module", "list", &m->list)) ||
	    (err = kd_type_member(s, "module", "name", &m->name)) ||
	    (err = kd_type_member(s, "module", "kallsyms", &m->kallsyms)) ||
	    (err = kd_type_member(s, "mod_kallsyms", "symtab", &m->symtab)) ||
	    (err = kd_type_member(s, "mod_kallsyms", "num_symtab", &m->num_symtab)) ||
	    (err = kd_type_member(s, "mod_kallsyms", "strtab", &m->strtab)))
		return err;
	err = kd_type_member(s, "mod_kallsyms", "typetab", &m->typetab);
	m->have_typetab = !err;
	kd_error_destroy(err);
	// Linux < 6.4: core_layout; 6.4+: mem[MOD_TEXT].
	err = kd_type_member(s, "module", "core_layout.base", &m->base);
	if (!err)
		err = kd_type_member(s, "module", "core_layout.size", &m->size);
	if (err) {
		kd_error_destroy(err);
		err = kd_type_member(s, "module", "mem[0].base", &m->base);
		if (!err)
			err = kd_type_member(s, "module", "mem[0].size", &m->size);
	}
	m->have_layout = !err;
	kd_error_destroy(err);
	return NULL;
}

static struct kd_error *read_u(struct kd_session *s, const struct kd_member_info *m, uint64_t obj,
			       uint64_t *ret)
{
	unsigned char buf[8] = { 0 };
	if (m->size > 8)
		return kd_error_create(KD_ERR_CORRUPT, "member %s is %" PRIu64 " bytes", m->name, m->size);
	struct kd_error *err = kd_read_kernel(s, obj + m->offset, buf, (size_t)m->size);
	if (err)
		return err;
	return kd_member_extract(s, &(struct kd_member_info){ .name = m->name, .type = m->type,
							    .size = m->size, .bit_size = m->bit_size,
							    .bit_offset = m->bit_offset - m->offset * 8 },
				 buf, sizeof(buf), ret);
}

static struct kd_error *load_one_module(struct kd_session *s, struct kd_symtab *t,
					const struct mod_layout *ml, uint64_t mod)
{
	char name[MODULE_NAME_MAX] = "";
	size_t nlen = ml->name.size < sizeof(name) ? (size_t)ml->name.size : sizeof(name) - 1;
	struct kd_error *err = kd_read_kernel(s, mod + ml->name.offset, name, nlen);
	if (err)
		return err;
	name[sizeof(name) - 1] = '\0';
	uint64_t ks, symtab, num, strtab, typetab = 0, base = 0, size = 0;
	if ((err = read_ptr(s, mod + ml->kallsyms.offset, &ks)))
		return err;
	if ((err = read_ptr(s, ks + ml->symtab.offset, &symtab)) ||
	    (err = read_u(s, &ml->num_symtab, ks, &num)) ||
	    (err = read_ptr(s, ks + ml->strtab.offset, &strtab)))
		return err;
	if (ml->have_typetab && (err = read_ptr(s, ks + ml->typetab.offset, &typetab)))
		return err;
	if (ml->have_layout && ((err = read_ptr(s, mod + ml->base.offset, &base)) ||
				(err = read_u(s, &ml->size, mod, &size))))
		return err;
	if (num > 1000000)
		return kd_error_create(KD_ERR_CORRUPT, "module %s: %" PRIu64 " symbols", name, num);

	struct kmod *km = realloc(t->mods, (t->nmods + 1) * sizeof(*km));
	if (!km)
		return &kd_enomem;
	t->mods = km;
	km = &t->mods[t->nmods];
	*km = (struct kmod){ .pub = { .name = strdup(name), .address = mod, .base = base, .size = size },
			     .first = t->n };
	if (!km->pub.name)
		return &kd_enomem;
	t->nmods++;

	Elf64_Sym *syms = malloc((size_t)num * sizeof(*syms) + 1);
	char *types = malloc((size_t)num + 1);
	char *strs = NULL;
	if (!syms || !types) {
		err = &kd_enomem;
		goto out;
	}
	if ((err = kd_read_kernel(s, symtab, syms, (size_t)num * sizeof(*syms))))
		goto out;
	if (typetab && (err = kd_read_kernel(s, typetab, types, (size_t)num)))
		goto out;
	uint64_t maxname = 0;
	for (uint64_t i = 0; i < num; i++)
		if (syms[i].st_name > maxname)
			maxname = syms[i].st_name;
	if (maxname > (64u << 20)) {
		err = kd_error_create(KD_ERR_CORRUPT, "module %s: string table offset %" PRIu64, name, maxname);
		goto out;
	}
	size_t slen = (size_t)maxname + 512;
	strs = malloc(slen + 1);
	if (!strs) {
		err = &kd_enomem;
		goto out;
	}
	if ((err = kd_read_kernel(s, strtab, strs, (size_t)maxname)) ||
	    (err = read_string(s, strtab + maxname, strs + maxname, 512)))
		goto out;
	strs[slen] = '\0';
	for (uint64_t i = 0; i < num; i++) {
		const char *sn = strs + syms[i].st_name;
		if (!syms[i].st_name || !*sn || syms[i].st_shndx == SHN_UNDEF)
			continue;
		char type = typetab ? types[i] : 't';
		if ((err = add_sym(t, sn, strlen(sn), type, syms[i].st_value, syms[i].st_size,
				   (uint32_t)t->nmods)))
			goto out;
	}
out:
	km = &t->mods[t->nmods - 1];
	km->count = t->n - km->first;
	km->pub.nsyms = km->count;
	free(syms);
	free(types);
	free(strs);
	return err ? kd_error_prefix(err, "module %s", name) : NULL;
}

static struct kd_error *load_modules(struct kd_session *s)
{
	struct kd_symtab *t = s->symtab;
	if (t->mod_state == MODS_READ)
		return NULL;
	if (t->mod_state == MODS_FAILED)
		return kd_error_create(KD_ERR_UNSUPPORTED, "%s", t->mod_error);
	struct mod_layout ml;
	struct kd_error *err = NULL;
	uint64_t head, next;
	size_t nsyms_before = t->n;
	kd_error_destroy(kd_layers_load(s, 0, KD_LAYER_TYPES)); // the point of use of struct module
	if (!kd_types_available(s))
		err = kd_error_create(KD_ERR_UNSUPPORTED, "no types (BTF) to read struct module with");
	else if (!(err = mod_layout(s, &ml)) && !(err = kd_symbol_address(s, "modules", &head)))
		err = read_ptr(s, head, &next);
	for (size_t count = 0; !err && next != head; count++) {
		if (count >= MAX_MODULES) {
			err = kd_error_create(KD_ERR_CORRUPT, "the modules list does not end");
			break;
		}
		uint64_t mod = next - ml.list.offset;
		if (!(err = load_one_module(s, t, &ml, mod)))
			err = read_ptr(s, next, &next);
	}
	if (!err)
		err = sync_by_addr(t);
	if (err) {
		// Keep what was read before the failure, but say it.
		t->mod_state = MODS_FAILED;
		free(t->mod_error);
		if (asprintf(&t->mod_error, "module symbols: %s (%zu read)", err->msg, t->n - nsyms_before) < 0)
			t->mod_error = NULL;
		kd_error_destroy(err);
		struct kd_error *e2 = sync_by_addr(t);
		kd_error_destroy(e2);
		return kd_error_create(KD_ERR_UNSUPPORTED, "%s", t->mod_error ? t->mod_error : "module symbols");
	}
	t->mod_state = MODS_READ;
	return NULL;
}

/* ---- public API ---------------------------------------------------------------- */

static struct kd_error *no_symbols(void)
{
	return kd_error_create(KD_ERR_UNSUPPORTED, "no symbol table (kallsyms not found in the dump; "
				"use --system-map or --vmlinux)");
}

static void fill(const struct kd_symtab *t, uint32_t idx, struct kd_symbol *ret)
{
	const struct sym *s = &t->syms[idx];
	*ret = (struct kd_symbol){ .name = s->name, .address = s->addr, .size = s->size, .type = s->type,
				   .module = s->mod ? t->mods[s->mod - 1].pub.name : NULL };
}

bool kd_symbols_available(const struct kd_session *s)
{
	return s->symtab != NULL;
}

const char *kd_symbols_source(const struct kd_session *s)
{
	return s->symtab ? s->symtab->source : NULL;
}

bool kd_symbol_is_absolute(const struct kd_symbol *sym)
{
	return is_absolute(sym->type);
}

struct kd_error *kd_symbol_find(struct kd_session *s, const char *name, struct kd_symbol *ret)
{
	struct kd_symtab *t = s->symtab;
	if (!t)
		return no_symbols();
	int64_t i = find_first(t, name);
	if (i < 0 && t->mod_state == MODS_NOT_READ) {
		struct kd_error *err = load_modules(s);
		kd_error_destroy(err);
		i = find_first(t, name);
	}
	if (i < 0)
		return kd_error_create(KD_ERR_NOTFOUND, "no symbol '%s'", name);
	fill(t, (uint32_t)i, ret);
	return NULL;
}

struct kd_error *kd_symbol_address(struct kd_session *s, const char *name, uint64_t *addr_ret)
{
	struct kd_symbol sym;
	struct kd_error *err = kd_symbol_find(s, name, &sym);
	if (!err)
		*addr_ret = sym.address;
	return err;
}

static const struct kmod *module_containing(const struct kd_symtab *t, uint64_t addr)
{
	for (size_t i = 0; i < t->nmods; i++) {
		const struct kmod *m = &t->mods[i];
		if (m->pub.size && addr >= m->pub.base && addr - m->pub.base < m->pub.size)
			return m;
	}
	return NULL;
}

struct kd_error *kd_symbol_at(struct kd_session *s, uint64_t addr, struct kd_symbol *ret,
			      uint64_t *offset_ret)
{
	struct kd_symtab *t = s->symtab;
	if (!t)
		return no_symbols();
	if (addr >= t->core_end && addr >= KERNEL_HALF && t->mod_state == MODS_NOT_READ) {
		struct kd_error *err = load_modules(s);
		kd_error_destroy(err);
	}
	struct kd_error *err = sync_by_addr(t);
	if (err)
		return err;
	// The last group of symbols at an address <= addr with a usable member.
	size_t lo = 0, hi = t->n_by_addr;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (t->syms[t->by_addr[mid]].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo > 0) {
		uint64_t a = t->syms[t->by_addr[lo - 1]].addr;
		size_t first = lo - 1;
		while (first > 0 && t->syms[t->by_addr[first - 1]].addr == a)
			first--;
		for (size_t k = first; k < lo; k++) {
			const struct sym *sy = &t->syms[t->by_addr[k]];
			if (is_absolute(sy->type) && a != addr)
				continue;
			// Inside the kernel image or the module the symbol belongs to
			// (a symbol's own address always is: _end is one).
			bool inside;
			if (is_absolute(sy->type) || a == addr)
				inside = true;
			else if (sy->mod) {
				const struct kmod *m = &t->mods[sy->mod - 1];
				inside = m->pub.size ? module_containing(t, addr) == m
						     : addr - sy->addr < (sy->size ? sy->size : 4096);
			} else {
				inside = addr < t->core_end;
			}
			if (!inside)
				goto notfound;
			fill(t, t->by_addr[k], ret);
			if (offset_ret)
				*offset_ret = addr - sy->addr;
			return NULL;
		}
		lo = first;
	}
notfound:
	return kd_error_create(KD_ERR_NOTFOUND, "no symbol at 0x%" PRIx64, addr);
}

struct kd_error *kd_symbol_lookup_addr(struct kd_session *s, uint64_t addr, const char **name_ret,
				       uint64_t *offset_ret)
{
	struct kd_symbol sym;
	struct kd_error *err = kd_symbol_at(s, addr, &sym, offset_ret);
	if (!err && name_ret)
		*name_ret = sym.name;
	return err;
}

struct kd_error *kd_symbol_foreach(struct kd_session *s, unsigned set, kd_symbol_fn *fn, void *arg)
{
	struct kd_symtab *t = s->symtab;
	if (!t)
		return no_symbols();
	struct kd_error *merr = (set & KD_SYM_MODULES) ? load_modules(s) : NULL;
	struct kd_error *err = sync_by_addr(t);
	if (err) {
		kd_error_destroy(merr);
		return err;
	}
	for (size_t i = 0; i < t->n_by_addr; i++) {
		const struct sym *sy = &t->syms[t->by_addr[i]];
		if (!(set & (sy->mod ? KD_SYM_MODULES : KD_SYM_CORE)))
			continue;
		struct kd_symbol ks;
		fill(t, t->by_addr[i], &ks);
		if (fn(&ks, arg))
			break;
		if ((i & 4095) == 0 && (err = kd_check_interrupt(s))) {
			kd_error_destroy(merr);
			return err;
		}
	}
	return merr;
}

struct named_ctx {
	kd_symbol_fn *fn;
	void *arg;
};

static int named_cb(const struct kd_symtab *t, uint32_t idx, void *arg)
{
	struct named_ctx *c = arg;
	struct kd_symbol ks;
	fill(t, idx, &ks);
	return c->fn(&ks, c->arg);
}

struct kd_error *kd_symbol_foreach_named(struct kd_session *s, const char *name, kd_symbol_fn *fn,
					 void *arg)
{
	struct kd_symtab *t = s->symtab;
	if (!t)
		return no_symbols();
	if (t->mod_state == MODS_NOT_READ) {
		struct kd_error *err = load_modules(s);
		kd_error_destroy(err);
	}
	struct named_ctx c = { fn, arg };
	for_each_named(t, name, strlen(name), named_cb, &c);
	return NULL;
}

struct kd_error *kd_symbol_complete(struct kd_session *s, const char *prefix, kd_symbol_fn *fn,
				    void *arg)
{
	struct kd_symtab *t = s->symtab;
	if (!t)
		return no_symbols();
	if (t->mod_state == MODS_NOT_READ) {
		struct kd_error *err = load_modules(s);
		kd_error_destroy(err);
	}
	struct kd_error *err = index_update(t, &t->by_name, &t->n_by_name, cmp_name);
	if (err)
		return err;
	size_t plen = strlen(prefix);
	size_t lo = 0, hi = t->n_by_name;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strncmp(t->syms[t->by_name[mid]].name, prefix, plen) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	const char *last = NULL;
	for (size_t i = lo; i < t->n_by_name; i++) {
		const struct sym *sy = &t->syms[t->by_name[i]];
		if (strncmp(sy->name, prefix, plen) != 0)
			break;
		if (last && strcmp(last, sy->name) == 0)
			continue;
		last = sy->name;
		struct kd_symbol ks;
		fill(t, t->by_name[i], &ks);
		if (fn(&ks, arg))
			break;
	}
	return NULL;
}

struct kd_error *kd_kmodule_count(struct kd_session *s, size_t *n_ret)
{
	if (!s->symtab)
		return no_symbols();
	struct kd_error *err = load_modules(s);
	*n_ret = s->symtab->nmods;
	return err;
}

const struct kd_kmodule *kd_kmodule_get(struct kd_session *s, size_t i)
{
	return s->symtab && i < s->symtab->nmods ? &s->symtab->mods[i].pub : NULL;
}

struct kd_error *kd_symbol_foreach_module(struct kd_session *s, const char *module, kd_symbol_fn *fn,
					  void *arg)
{
	size_t n;
	struct kd_error *err = kd_kmodule_count(s, &n);
	struct kd_symtab *t = s->symtab;
	for (size_t i = 0; t && i < t->nmods; i++) {
		const struct kmod *m = &t->mods[i];
		if (strcmp(m->pub.name, module) != 0)
			continue;
		kd_error_destroy(err);
		if ((err = sync_by_addr(t)))
			return err;
		// Its symbols in address order.
		for (size_t k = 0; k < t->n_by_addr; k++) {
			uint32_t idx = t->by_addr[k];
			if (t->syms[idx].mod != i + 1)
				continue;
			struct kd_symbol ks;
			fill(t, idx, &ks);
			if (fn(&ks, arg))
				break;
		}
		return NULL;
	}
	if (err)
		return err;
	return kd_error_create(KD_ERR_NOTFOUND, "no module '%s' is loaded", module);
}

struct kd_error *kd_percpu_offset(struct kd_session *s, unsigned cpu, uint64_t *ret)
{
	uint64_t base;
	struct kd_error *err = kd_symbol_address(s, "__per_cpu_offset", &base);
	if (err)
		return err;
	unsigned ncpus = kd_dump_nr_cpus(s);
	if (ncpus && cpu >= ncpus)
		return kd_error_create(KD_ERR_USAGE, "cpu %u: the dump has %u CPUs", cpu, ncpus);
	return read_ptr(s, base + (uint64_t)cpu * 8, ret);
}
