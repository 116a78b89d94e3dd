// SPDX-License-Identifier: GPL-3.0-or-later
// The loaded kernel modules, a layer above both symbols and types: the walk
// of the kernel's `modules` list (struct module and struct mod_kallsyms laid
// out by BTF), each module's name, core image (base, size) and its own
// kallsyms (symtab, strtab, typetab), whose symbols join the symbol table
// tagged with the module's name.  Then each module's types: the kernel keeps
// a copy of every module's split BTF (kernel/bpf/btf.c: the btf_modules list
// of struct btf_module, each struct btf's data and data_size), merged into
// the session's types (types_split.c), so a module's structs are known with
// no file at all.  Its GNU build ID is in the notes it keeps for sysfs
// (struct module_notes_attrs, kernel/module/sysfs.c).
//
// Loading is explicit, like the other layers: kd_kmodules_load() runs once
// (the dispatcher calls it for a command with KD_CMD_USES_MODULES, and
// address operands when a name is not in the kernel image) and keeps its
// error; what was read before a failure is kept too.  The getters never load.
#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kdive/dump.h>
#include <kdive/symbols.h>
#include <kdive/types.h>
#include <kdive/walk.h>

#include "session_priv.h"
#include "symtab.h"
#include "types.h"

enum { MODULE_NAME_MAX = 64, MAX_MODULES = 100000 };

struct kmod {
	struct kd_kmodule pub;
	uint32_t image;  // its symbols' tag in the symbol table
};

struct kd_kmodules {
	struct kmod *mods;
	size_t n;
};

// A pointer in the dump's byte order.
static struct kd_error *read_ptr(struct kd_session *s, uint64_t va, uint64_t *ret)
{
	uint8_t b[8];
	struct kd_error *err = kd_read_kernel(s, va, b, sizeof(b));
	if (!err)
		*ret = kd_dump_uint(s, b, sizeof(b));
	return err;
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

static bool member_ok(struct kd_session *s, const char *type, const char *path, struct kd_member_info *m)
{
	struct kd_error *err = kd_type_member(s, type, path, m);
	kd_error_destroy(err);
	return !err;
}

/* Offsets of struct module and struct mod_kallsyms, from BTF. */
struct mod_layout {
	struct kd_member_info list, name, kallsyms, symtab, num_symtab, strtab, typetab;
	struct kd_member_info base, size;
	// 6.4+: struct module_memory mem[MOD_MEM_NUM_TYPES] (text, data, rodata,
	// ro_after_init, init_*), each region placed on its own.
	struct kd_member_info mem, mem_base, mem_size;
	bool have_typetab, have_layout, have_mem;
};

static struct kd_error *mod_layout(struct kd_session *s, struct mod_layout *m)
{
	struct kd_error *err;
	*m = (struct mod_layout){ 0 };
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
		if (!err)
			m->have_mem = member_ok(s, "module", "mem", &m->mem) && m->mem.nelems &&
				      member_ok(s, "module_memory", "base", &m->mem_base) &&
				      member_ok(s, "module_memory", "size", &m->mem_size);
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

static struct kd_error *load_one_module(struct kd_session *s, struct kd_kmodules *l,
					struct kd_symtab *t, const struct mod_layout *ml, uint64_t mod)
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
	// 6.4+: the regions of mem[] (base is the text's); the core image's size
	// is their sum, as /proc/modules shows it.
	uint64_t rbase[8] = { 0 }, rsize[8] = { 0 };
	size_t nr = 0;
	if (ml->have_mem) {
		uint64_t each = ml->mem.size / ml->mem.nelems;
		size = 0;
		for (uint64_t i = 0; i < ml->mem.nelems && nr < 8; i++) {
			uint64_t r = mod + ml->mem.offset + i * each;
			if ((err = read_ptr(s, r + ml->mem_base.offset, &rbase[nr])) ||
			    (err = read_u(s, &ml->mem_size, r, &rsize[nr])))
				return err;
			size += rsize[nr];
			if (rsize[nr])
				nr++;
		}
	}

	struct kmod *km = realloc(l->mods, (l->n + 1) * sizeof(*km));
	if (!km)
		return &kd_enomem;
	l->mods = km;
	km = &l->mods[l->n];
	*km = (struct kmod){ .pub = { .name = strdup(name), .address = mod, .base = base, .size = size } };
	if (!km->pub.name)
		return &kd_enomem;
	if ((err = kd_symtab_add_image(t, name, base, nr ? 0 : size, &km->image))) {
		free((char *)km->pub.name);
		return err;
	}
	for (size_t i = 0; i < nr && !err; i++)
		err = kd_symtab_add_image_range(t, km->image, rbase[i], rsize[i]);
	if (err) {
		free((char *)km->pub.name);
		return err;
	}
	l->n++;
	size_t first = kd_symtab_count(t);

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
	if (kd_dump_big_endian(s)) // the ELF symbols are in the dump's byte order
		for (uint64_t i = 0; i < num; i++) {
			Elf64_Sym *y = &syms[i];
			y->st_name = (uint32_t)kd_dump_uint(s, &y->st_name, 4);
			y->st_shndx = (uint16_t)kd_dump_uint(s, &y->st_shndx, 2);
			y->st_value = kd_dump_uint(s, &y->st_value, 8);
			y->st_size = kd_dump_uint(s, &y->st_size, 8);
		}
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
		// Mapping symbols ($x code, $d data: the Arm and RISC-V ELF ABIs)
		// mark instruction sets, not objects; the kernel's kallsyms skips them.
		if (sn[0] == '$' && (sn[1] == 'x' || sn[1] == 'd' || sn[1] == 'a' || sn[1] == 't') &&
		    (sn[2] == '\0' || sn[2] == '.'))
			continue;
		char type = typetab ? types[i] : 't';
		if ((err = kd_symtab_add(t, sn, strlen(sn), type, syms[i].st_value, syms[i].st_size,
					 km->image)))
			goto out;
	}
out:
	km->pub.nsyms = kd_symtab_count(t) - first;
	free(syms);
	free(types);
	free(strs);
	return err ? kd_error_prefix(err, "module %s", name) : NULL;
}


// What the walk could not read: counted, the first reason kept.
struct losses {
	size_t n;
	struct kd_error *first;
};

static struct kd_error *lose(struct losses *lo, struct kd_error *err)
{
	if (err->code == KD_ERR_NOMEM || err->code == KD_ERR_INTERRUPTED)
		return err;
	lo->n++;
	if (!lo->first)
		lo->first = err;
	else
		kd_error_destroy(err);
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;
	return *x < *y ? -1 : *x > *y;
}

// The modules list: forwards from the `modules` head; a module that cannot be
// read is counted and skipped (its list link is read on its own).  Past a
// link that cannot be followed (or a cycle, or a next chain that leads back
// to the head early), backwards from the head to the first module already
// read, kept in list order.
static struct kd_error *walk_modules(struct kd_session *s, struct kd_kmodules *l, struct kd_symtab *t,
				     struct losses *lo)
{
	struct mod_layout ml;
	uint64_t head, next;
	struct kd_error *err;
	if (!kd_types_available(s))
		return kd_error_create(KD_ERR_UNSUPPORTED, "no types (BTF) to read struct module with");
	if ((err = mod_layout(s, &ml)) || (err = kd_symbol_address(s, "modules", &head)))
		return err;
	uint64_t *seen = NULL;
	size_t nseen = 0;
	for (int dir = 0; dir < 2; dir++) {
		uint64_t at = head + 8 * (uint64_t)dir;
		size_t n0 = l->n;
		struct kd_cycle c = { 0 };
		err = read_ptr(s, at, &next);
		for (size_t count = 0; !err && next != head; count++) {
			if (!next || count >= MAX_MODULES || kd_cycle_step(&c, next)) {
				err = kd_error_create(KD_ERR_CORRUPT, "%s", !next ? "a NULL link" : "it does not end");
				break;
			}
			// The link must lead to a readable list_head before its
			// module is read: else the link is what was lost.
			uint64_t after;
			if ((err = read_ptr(s, next + 8 * (uint64_t)dir, &after))) {
				err = kd_error_prefix(err, "it leads to 0x%" PRIx64, next);
				break;
			}
			uint64_t mod = next - ml.list.offset;
			if (dir == 1 && nseen && bsearch(&mod, seen, nseen, sizeof(*seen), cmp_u64))
				break; // met the forward walk
			if (dir == 0) {
				uint64_t *nv = realloc(seen, (nseen + 1) * sizeof(*nv));
				if (!nv) {
					err = &kd_enomem;
					break;
				}
				seen = nv;
				seen[nseen++] = mod;
			}
			struct kd_error *e = load_one_module(s, l, t, &ml, mod);
			if (e && (e = lose(lo, kd_error_prefix(e, "struct module at 0x%" PRIx64, mod)))) {
				err = e;
				break;
			}
			at = next + 8 * (uint64_t)dir;
			next = after;
		}
		uint64_t prev;
		if (!err && dir == 0 && !read_ptr(s, head + 8, &prev) && prev != at)
			err = kd_error_create(KD_ERR_CORRUPT, "it leads back to the head early");
		if (dir == 1) // found backwards: back in list order
			for (size_t i = n0, j = l->n; i + 1 < j; i++, j--) {
				struct kmod tmp = l->mods[i];
				l->mods[i] = l->mods[j - 1];
				l->mods[j - 1] = tmp;
			}
		if (!err)
			break;
		if (err->code == KD_ERR_NOMEM || err->code == KD_ERR_INTERRUPTED)
			break;
		err = lose(lo, kd_error_prefix(err, "the modules list: the %s link at 0x%" PRIx64,
					       dir ? "prev" : "next", at));
		if (nseen)
			qsort(seen, nseen, sizeof(*seen), cmp_u64);
	}
	free(seen);
	return err ? err : kd_symtab_index(t);
}

/* ---- the modules' BTF the kernel keeps ------------------------------------------- */

enum { BTF_MODULES_MAX = 100000, MODULE_BTF_MAX = 64 << 20 };

static struct kmod *kmod_at(struct kd_kmodules *l, uint64_t mod)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->mods[i].pub.address == mod)
			return &l->mods[i];
	return NULL;
}

struct btf_walk {
	struct kd_kmodules *l;
	uint64_t list_off;
	size_t lost;
};

static int btf_module_one(struct kd_session *s, const struct kd_walk_item *it, void *arg)
{
	struct btf_walk *w = arg;
	uint64_t bm = it->addr - w->list_off, mod, btf, data, size;
	struct kd_error *err;
	if ((err = kd_read_member_u64(s, "btf_module", "module", bm, &mod)) ||
	    (err = kd_read_member_u64(s, "btf_module", "btf", bm, &btf)) || !btf ||
	    (err = kd_read_member_u64(s, "btf", "data", btf, &data)) ||
	    (err = kd_read_member_u64(s, "btf", "data_size", btf, &size))) {
		if (err)
			w->lost++;
		kd_error_destroy(err);
		return 0;
	}
	struct kmod *km = kmod_at(w->l, mod);
	if (!km || km->pub.btf_types || !data || !size || size > MODULE_BTF_MAX)
		return 0;
	void *buf = malloc((size_t)size);
	if (!buf)
		return 1;
	char what[MODULE_NAME_MAX + 32];
	snprintf(what, sizeof(what), "module %s's BTF in memory", km->pub.name);
	uint32_t added = 0;
	err = kd_read_kernel(s, data, buf, (size_t)size);
	if (!err)
		err = kd_types_add_split(s, buf, (size_t)size, what, &added);
	free(buf);
	if (err) {
		w->lost++;
		kd_error_destroy(err);
		return kd_check_interrupt(s) != NULL;
	}
	km->pub.btf_types = added;
	km->pub.btf_from = "memory";
	return 0;
}

static void btf_lost(struct kd_session *s, uint64_t addr, const struct kd_error *why, void *arg)
{
	(void)s, (void)addr, (void)why;
	((struct btf_walk *)arg)->lost++;
}

// Every module's BTF from the kernel's btf_modules list, when the kernel has
// one (CONFIG_DEBUG_INFO_BTF_MODULES, and the list's symbol: KALLSYMS_ALL or
// a System.map); a module whose copy cannot be read just has no types.
static void modules_btf(struct kd_session *s, struct kd_kmodules *l)
{
	uint64_t head;
	struct kd_member_info m;
	struct kd_error *err = kd_symbol_address(s, "btf_modules", &head);
	if (!err)
		err = kd_type_member(s, "btf_module", "list", &m);
	if (err) {
		kd_error_destroy(err);
		return;
	}
	struct btf_walk w = { l, m.offset, 0 };
	struct kd_walk walk = { .fn = btf_module_one, .arg = &w, .lost = btf_lost };
	// Lost links cost those modules' types only.
	kd_error_destroy(kd_walk_list(s, head, &walk));
	struct kd_error *e = kd_types_split_done(s);
	if (e) // the indexes could not be rebuilt (out of memory): no types at all
		kd_types_unload(s);
	kd_error_destroy(e);
}

/* ---- build IDs ---------------------------------------------------------------- */

enum { MAX_NOTES = 64, BUILD_ID_MAX = 64 };

static bool ok(struct kd_error *err)
{
	bool r = !err;
	kd_error_destroy(err);
	return r;
}

// The GNU build ID among the notes the module keeps for
// /sys/module/NAME/notes: each a bin_attribute whose private points at the
// note (Elf64_Nhdr, "GNU\0", the ID).
struct kd_error *kd_kmodule_build_id(struct kd_session *s, const struct kd_kmodule *km, char *out, size_t outsize)
{
	uint64_t na, n, bsize;
	struct kd_member_info attrs, battr;
	struct kd_error *err;
	if (outsize)
		out[0] = '\0';
	if ((err = kd_read_member_u64(s, "module", "notes_attrs", km->address, &na)))
		return kd_error_prefix(err, "module %s's notes", km->name);
	if (!na)
		return kd_error_create(KD_ERR_NOTFOUND, "module %s keeps no notes", km->name);
	if ((err = kd_read_member_u64(s, "module_notes_attrs", "notes", na, &n)) ||
	    (err = kd_type_member(s, "module_notes_attrs", "attrs", &attrs)) ||
	    (err = kd_type_member(s, "bin_attribute", "private", &battr)) ||
	    (err = kd_type_size(s, "bin_attribute", &bsize)))
		return kd_error_prefix(err, "module %s's notes", km->name);
	for (uint64_t i = 0; i < n && i < MAX_NOTES; i++) {
		uint64_t a = na + attrs.offset + i * bsize, name, priv, size;
		char nm[32] = "";
		if (!ok(kd_read_member_u64(s, "bin_attribute", "attr.name", a, &name)) ||
		    !ok(kd_read_member_u64(s, "bin_attribute", "private", a, &priv)) ||
		    !ok(kd_read_member_u64(s, "bin_attribute", "size", a, &size)) ||
		    !ok(kd_read_kernel(s, name, nm, sizeof(nm) - 1)))
			continue;
		nm[sizeof(nm) - 1] = '\0';
		if (strcmp(nm, ".note.gnu.build-id") != 0 || size < 16 || size > 16 + BUILD_ID_MAX)
			continue;
		unsigned char note[16 + BUILD_ID_MAX];
		if ((err = kd_read_kernel(s, priv, note, (size_t)size)))
			return kd_error_prefix(err, "module %s's build ID note", km->name);
		uint32_t namesz = kd_dump_u32(s, note), descsz = kd_dump_u32(s, note + 4);
		uint32_t type = kd_dump_u32(s, note + 8);
		// NT_GNU_BUILD_ID, owner "GNU".
		if (type != NT_GNU_BUILD_ID || namesz != 4 || memcmp(note + 12, "GNU", 4) != 0 ||
		    descsz > size - 16 || 2 * descsz + 1 > outsize)
			return kd_error_create(KD_ERR_CORRUPT, "module %s's build ID note at 0x%" PRIx64 " is malformed",
					       km->name, priv);
		for (uint32_t k = 0; k < descsz; k++)
			snprintf(out + 2 * k, 3, "%02x", note[16 + k]);
		return NULL;
	}
	return kd_error_create(KD_ERR_NOTFOUND, "module %s keeps no build ID note", km->name);
}

struct kd_kmodule *kd_kmodules_find(struct kd_session *s, const char *name, uint32_t *image_ret)
{
	for (size_t i = 0; i < kd_kmodule_count(s); i++) {
		struct kmod *m = &s->kmodules->mods[i];
		if (strcmp(m->pub.name, name) == 0) {
			*image_ret = m->image;
			return &m->pub;
		}
	}
	return NULL;
}

/* ---- loading ------------------------------------------------------------------- */

static struct kd_error *kmodules_load(struct kd_session *s)
{
	// struct module is read through the types, its list head is a symbol.
	kd_error_destroy(kd_layers_load(s, 0, KD_LAYER_SYMBOLS | KD_LAYER_TYPES));
	struct kd_symtab *t = s->symtab;
	if (!t)
		return kd_error_create(KD_ERR_UNSUPPORTED, "module symbols: no symbol table");
	struct kd_kmodules *l = calloc(1, sizeof(*l));
	if (!l)
		return &kd_enomem;
	s->kmodules = l;
	size_t nsyms_before = kd_symtab_count(t);
	struct losses lo = { 0 };
	struct kd_error *err = walk_modules(s, l, t, &lo);
	if (kd_types_available(s))
		modules_btf(s, l);
	if (!err && lo.first) {
		err = lo.n == 1 ? lo.first
				: kd_error_create(KD_ERR_CORRUPT, "%zu modules or links unreadable, the first: %s",
						  lo.n, lo.first->msg);
		if (err != lo.first)
			kd_error_destroy(lo.first);
	} else {
		kd_error_destroy(lo.first);
	}
	if (!err)
		return NULL;
	// Keep what was read before the failure, but say it.
	char *msg = NULL;
	if (asprintf(&msg, "module symbols: %s (%zu read)", err->msg, kd_symtab_count(t) - nsyms_before) < 0)
		msg = NULL;
	kd_error_destroy(err);
	kd_error_destroy(kd_symtab_index(t));
	err = kd_error_create(KD_ERR_UNSUPPORTED, "%s", msg ? msg : "module symbols");
	free(msg);
	return err;
}

struct kd_error *kd_kmodules_load(struct kd_session *s)
{
	if (!s->modules_state.tried) {
		s->modules_state.tried = true;
		s->modules_state.err = kmodules_load(s);
	}
	return kd_error_copy(s->modules_state.err);
}

void kd_kmodules_unload(struct kd_session *s)
{
	struct kd_kmodules *l = s->kmodules;
	for (size_t i = 0; l && i < l->n; i++) {
		free((char *)l->mods[i].pub.name);
		free((char *)l->mods[i].pub.object_file);
	}
	if (l)
		free(l->mods);
	free(l);
	s->kmodules = NULL;
	kd_error_destroy(s->modules_state.err);
	s->modules_state.err = NULL;
	s->modules_state.tried = false;
}

size_t kd_kmodule_count(const struct kd_session *s)
{
	return s->kmodules ? s->kmodules->n : 0;
}

const struct kd_kmodule *kd_kmodule_get(const struct kd_session *s, size_t i)
{
	return i < kd_kmodule_count(s) ? &s->kmodules->mods[i].pub : NULL;
}

struct kd_error *kd_symbol_foreach_module(struct kd_session *s, const char *module, kd_symbol_fn *fn,
					  void *arg)
{
	if (!s->symtab)
		return kd_error_create(KD_ERR_UNSUPPORTED, "no symbol table (kallsyms not found in the dump; "
					"use --system-map or --vmlinux)");
	for (size_t i = 0; i < kd_kmodule_count(s); i++) {
		const struct kmod *m = &s->kmodules->mods[i];
		if (strcmp(m->pub.name, module) == 0)
			return kd_symtab_foreach_image(s->symtab, m->image, fn, arg);
	}
	// Not among the modules read: say why when the walk failed or did not run.
	if (!s->modules_state.tried)
		return kd_error_create(KD_ERR_UNSUPPORTED, "module symbols: not loaded");
	if (s->modules_state.err)
		return kd_error_copy(s->modules_state.err);
	return kd_error_create(KD_ERR_NOTFOUND, "no module '%s' is loaded", module);
}
