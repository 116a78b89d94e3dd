// SPDX-License-Identifier: GPL-3.0-or-later
// A module's object file (mod -s/-S): the .ko (plain, or compressed with xz,
// zstd or gzip as distributions ship them) read with libelf; its symbols
// (.symtab) placed at the addresses the dump gives its sections -- struct
// module's sect_attrs, the attributes behind /sys/module/NAME/sections
// (kernel/module/sysfs.c: struct module_sect_attrs, each a bin_attribute
// with the section's name and, in struct module_sect_attr or from 6.14 in
// the attribute's private pointer, its address) -- and its .BTF section's
// split BTF merged into the types (types_split.c).  A file is checked
// against the module before anything is added: the name in its
// .gnu.linkonce.this_module (the struct module the kernel copies), its GNU
// build ID against the one the module keeps in memory, and where the dump
// keeps none, the symbols kallsyms also has must sit at the same addresses.
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif
#ifdef HAVE_LZMA
#include <lzma.h>
#endif

#include <kdive/symbols.h>
#include <kdive/types.h>

#include "session_priv.h"
#include "symtab.h"
#include "types.h"

enum {
	KO_MAX = 512 << 20,      // a module file, decompressed
	MAX_SECTIONS = 4096,     // sections the dump lists for a module
	SECTION_NAME_MAX = 128,
};

/* ---- the file ------------------------------------------------------------------- */

static struct kd_error *read_whole(const char *path, unsigned char **ret, size_t *len_ret)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kd_error_os(errno, "%s", path);
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > KO_MAX) {
		int e = errno;
		close(fd);
		return S_ISREG(st.st_mode) ? kd_error_create(KD_ERR_UNSUPPORTED, "%s: %s", path,
							     st.st_size > KO_MAX ? "too large" : strerror(e))
					   : kd_error_create(KD_ERR_UNSUPPORTED, "%s: not a regular file", path);
	}
	unsigned char *buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return &kd_enomem;
	}
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;
			free(buf);
			close(fd);
			return kd_error_os(e, "%s", path);
		}
		got += (size_t)n;
	}
	close(fd);
	*ret = buf;
	*len_ret = got;
	return NULL;
}

// Room for more output, doubling up to KO_MAX.
static struct kd_error *grow(unsigned char **buf, size_t *cap, const char *path)
{
	if (*cap >= KO_MAX)
		return kd_error_create(KD_ERR_UNSUPPORTED, "%s: more than %d MiB decompressed", path, KO_MAX >> 20);
	size_t ncap = *cap ? *cap * 2 : 1 << 20;
	unsigned char *nb = realloc(*buf, ncap);
	if (!nb)
		return &kd_enomem;
	*buf = nb;
	*cap = ncap;
	return NULL;
}

static struct kd_error *gunzip(const char *path, const unsigned char *in, size_t len, unsigned char **out,
			       size_t *out_len)
{
	z_stream z = { 0 };
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return &kd_enomem;
	unsigned char *buf = NULL;
	size_t cap = 0;
	struct kd_error *err = NULL;
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)len;
	int r = Z_OK;
	while (r != Z_STREAM_END) {
		if (z.total_out == cap && (err = grow(&buf, &cap, path)))
			break;
		z.next_out = buf + z.total_out;
		z.avail_out = (uInt)(cap - z.total_out);
		r = inflate(&z, Z_NO_FLUSH);
		if (r != Z_OK && r != Z_STREAM_END && !(r == Z_BUF_ERROR && z.avail_out == 0)) {
			err = kd_error_create(KD_ERR_UNSUPPORTED, "%s: gzip data: %s", path, z.msg ? z.msg : "corrupt");
			break;
		}
	}
	*out_len = z.total_out;
	inflateEnd(&z);
	if (err)
		free(buf);
	else
		*out = buf;
	return err;
}

static struct kd_error *unzstd(const char *path, const unsigned char *in, size_t len, unsigned char **out,
			       size_t *out_len)
{
#ifdef HAVE_ZSTD
	ZSTD_DStream *z = ZSTD_createDStream();
	if (!z)
		return &kd_enomem;
	ZSTD_initDStream(z);
	unsigned char *buf = NULL;
	size_t cap = 0, done = 0;
	struct kd_error *err = NULL;
	ZSTD_inBuffer ib = { in, len, 0 };
	for (;;) {
		if (done == cap && (err = grow(&buf, &cap, path)))
			break;
		ZSTD_outBuffer ob = { buf + done, cap - done, 0 };
		size_t r = ZSTD_decompressStream(z, &ob, &ib);
		done += ob.pos;
		if (ZSTD_isError(r)) {
			err = kd_error_create(KD_ERR_UNSUPPORTED, "%s: zstd data: %s", path, ZSTD_getErrorName(r));
			break;
		}
		if (r == 0 || (ib.pos == ib.size && ob.pos < ob.size))
			break;
	}
	ZSTD_freeDStream(z);
	if (err) {
		free(buf);
		return err;
	}
	*out = buf;
	*out_len = done;
	return NULL;
#else
	(void)in, (void)len, (void)out, (void)out_len;
	return kd_error_create(KD_ERR_UNSUPPORTED, "%s: kdive was built without zstd", path);
#endif
}

static struct kd_error *unxz(const char *path, const unsigned char *in, size_t len, unsigned char **out,
			     size_t *out_len)
{
#ifdef HAVE_LZMA
	lzma_stream z = LZMA_STREAM_INIT;
	if (lzma_stream_decoder(&z, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
		return &kd_enomem;
	unsigned char *buf = NULL;
	size_t cap = 0;
	struct kd_error *err = NULL;
	z.next_in = in;
	z.avail_in = len;
	for (;;) {
		if (z.total_out == cap && (err = grow(&buf, &cap, path)))
			break;
		z.next_out = buf + z.total_out;
		z.avail_out = cap - z.total_out;
		lzma_ret r = lzma_code(&z, LZMA_FINISH);
		if (r == LZMA_STREAM_END)
			break;
		if (r != LZMA_OK && !(r == LZMA_BUF_ERROR && z.avail_out == 0)) {
			err = kd_error_create(KD_ERR_UNSUPPORTED, "%s: xz data is corrupt (liblzma error %d)", path, (int)r);
			break;
		}
	}
	*out_len = z.total_out;
	lzma_end(&z);
	if (err)
		free(buf);
	else
		*out = buf;
	return err;
#else
	(void)in, (void)len, (void)out, (void)out_len;
	return kd_error_create(KD_ERR_UNSUPPORTED, "%s: kdive was built without liblzma (xz)", path);
#endif
}

// The file's bytes as ELF: decompressed by their magic.
static struct kd_error *load_ko(const char *path, unsigned char **ret, size_t *len_ret)
{
	unsigned char *raw = NULL;
	size_t len = 0;
	struct kd_error *err = read_whole(path, &raw, &len);
	if (err)
		return err;
	static const unsigned char xz[] = { 0xfd, '7', 'z', 'X', 'Z', 0 }, zst[] = { 0x28, 0xb5, 0x2f, 0xfd },
				   gz[] = { 0x1f, 0x8b };
	if (len >= 6 && !memcmp(raw, xz, 6))
		err = unxz(path, raw, len, ret, len_ret);
	else if (len >= 4 && !memcmp(raw, zst, 4))
		err = unzstd(path, raw, len, ret, len_ret);
	else if (len >= 2 && !memcmp(raw, gz, 2))
		err = gunzip(path, raw, len, ret, len_ret);
	else {
		*ret = raw;
		*len_ret = len;
		return NULL;
	}
	free(raw);
	return err;
}

/* ---- the sections in the dump ------------------------------------------------------ */

struct section {
	char name[SECTION_NAME_MAX];
	uint64_t addr;
};

// The module's sections as /sys/module/NAME/sections lists them: the
// attribute group's NULL-terminated bin_attrs, each named, with its address.
static struct kd_error *dump_sections(struct kd_session *s, const struct kd_kmodule *km, struct section **ret,
				      size_t *n_ret)
{
	uint64_t sa, attrs;
	struct kd_member_info grp, addr_m, battr_m;
	struct kd_error *err;
	if ((err = kd_read_member_u64(s, "module", "sect_attrs", km->address, &sa)))
		return err;
	if (!sa)
		return kd_error_create(KD_ERR_NOTFOUND, "the module keeps no section attributes");
	if ((err = kd_type_member(s, "module_sect_attrs", "grp", &grp)) ||
	    (err = kd_read_member_u64(s, "attribute_group", "bin_attrs", sa + grp.offset, &attrs)))
		return err;
	// Up to 6.13 each attribute is in a struct module_sect_attr beside its
	// address; from 6.14 the address is the attribute's private pointer.
	bool old = !kd_type_member(s, "module_sect_attr", "address", &addr_m);
	if (old && (err = kd_type_member(s, "module_sect_attr", "battr", &battr_m)))
		return err;
	struct section *v = NULL;
	size_t n = 0;
	for (; n < MAX_SECTIONS; n++) {
		uint64_t ba, name;
		struct section sec = { "", 0 };
		if ((err = kd_read_kernel(s, attrs + 8 * n, &ba, 8)))
			break;
		ba = kd_dump_u64(s, &ba);
		if (!ba)
			break;
		if ((err = kd_read_member_u64(s, "bin_attribute", "attr.name", ba, &name)))
			break;
		if (old)
			err = kd_read_member_u64(s, "module_sect_attr", "address", ba - battr_m.offset, &sec.addr);
		else
			err = kd_read_member_u64(s, "bin_attribute", "private", ba, &sec.addr);
		if (err || (err = kd_read_kernel(s, name, sec.name, sizeof(sec.name) - 1)))
			break;
		sec.name[sizeof(sec.name) - 1] = '\0';
		struct section *nv = realloc(v, (n + 1) * sizeof(*nv));
		if (!nv) {
			err = &kd_enomem;
			break;
		}
		v = nv;
		v[n] = sec;
	}
	if (err) {
		free(v);
		return kd_error_prefix(err, "the section attributes at 0x%" PRIx64, sa);
	}
	*ret = v;
	*n_ret = n;
	return NULL;
}

static const struct section *find_section(const struct section *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

/* ---- the ELF file ------------------------------------------------------------------ */

struct kofile {
	Elf *elf;
	size_t shstrndx, nsec;
	Elf_Scn *symtab, *btf, *this_module;
	GElf_Shdr symtab_sh;
	char build_id[129];
};

static const char *sec_name(struct kofile *f, const GElf_Shdr *sh)
{
	const char *n = elf_strptr(f->elf, f->shstrndx, sh->sh_name);
	return n ? n : "";
}

static struct kd_error *ko_open(struct kofile *f, unsigned char *buf, size_t len, const char *path)
{
	memset(f, 0, sizeof(*f));
	elf_version(EV_CURRENT);
	f->elf = elf_memory((char *)buf, len);
	GElf_Ehdr eh;
	if (!f->elf || elf_kind(f->elf) != ELF_K_ELF || !gelf_getehdr(f->elf, &eh))
		return kd_error_create(KD_ERR_UNSUPPORTED, "%s: not an ELF file", path);
	if (eh.e_type != ET_REL || gelf_getclass(f->elf) != ELFCLASS64)
		return kd_error_create(KD_ERR_UNSUPPORTED, "%s: not a 64-bit kernel module (ELF relocatable)", path);
	if (elf_getshdrstrndx(f->elf, &f->shstrndx) || elf_getshdrnum(f->elf, &f->nsec))
		return kd_error_create(KD_ERR_UNSUPPORTED, "%s: no section names: %s", path, elf_errmsg(-1));
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(f->elf, scn));) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		const char *n = sec_name(f, &sh);
		if (sh.sh_type == SHT_SYMTAB) {
			f->symtab = scn;
			f->symtab_sh = sh;
		} else if (strcmp(n, ".BTF") == 0) {
			f->btf = scn;
		} else if (strcmp(n, ".gnu.linkonce.this_module") == 0) {
			f->this_module = scn;
		} else if (sh.sh_type == SHT_NOTE && strcmp(n, ".note.gnu.build-id") == 0) {
			Elf_Data *d = elf_getdata(scn, NULL);
			GElf_Nhdr nh;
			size_t off = 0, no, doff;
			while (d && (off = gelf_getnote(d, off, &nh, &no, &doff)) > 0) {
				if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
				    memcmp((char *)d->d_buf + no, "GNU", 4) != 0 || 2 * nh.n_descsz + 1 > sizeof(f->build_id))
					continue;
				for (size_t k = 0; k < nh.n_descsz; k++)
					snprintf(f->build_id + 2 * k, 3, "%02x", ((unsigned char *)d->d_buf)[doff + k]);
				break;
			}
		}
	}
	if (!f->symtab)
		return kd_error_create(KD_ERR_UNSUPPORTED, "%s: no symbol table (stripped)", path);
	return NULL;
}

// The module name in the struct module the file carries (at module.name by BTF).
static struct kd_error *ko_check_name(struct kd_session *s, struct kofile *f, const char *module, const char *path)
{
	struct kd_member_info m;
	if (!f->this_module || kd_type_member(s, "module", "name", &m))
		return NULL; // nothing to compare with: the build ID or the symbols decide
	Elf_Data *d = elf_getdata(f->this_module, NULL);
	if (!d || !d->d_buf || d->d_size < m.offset + m.size)
		return NULL;
	char name[128];
	size_t len = m.size < sizeof(name) ? (size_t)m.size : sizeof(name) - 1;
	memcpy(name, (char *)d->d_buf + m.offset, len);
	name[len] = '\0';
	if (strcmp(name, module) != 0)
		return kd_error_create(KD_ERR_UNSUPPORTED, "%s is module '%s', not '%s'", path, name, module);
	return NULL;
}

/* ---- placing the symbols --------------------------------------------------------------- */

// nm's letter for a module symbol, as the kernel's elf_type() gives it.
static char nm_type(const GElf_Sym *sym, const GElf_Shdr *sh)
{
	if (GELF_ST_BIND(sym->st_info) == STB_WEAK)
		return GELF_ST_TYPE(sym->st_info) == STT_OBJECT ? 'V' : 'W';
	char c = sh->sh_flags & SHF_EXECINSTR ? 't' : sh->sh_type == SHT_NOBITS ? 'b' : sh->sh_flags & SHF_WRITE ? 'd' : 'r';
	return GELF_ST_BIND(sym->st_info) == STB_GLOBAL ? (char)toupper(c) : c;
}

struct placed {
	const char *name;
	uint64_t addr, size;
	char type;
	enum { P_NEW, P_AGREE, P_DISAGREE } what;
};

struct same_name {
	const char *module;
	uint64_t addr;
	bool any, same;
};

static int same_name_cb(const struct kd_symbol *sym, void *arg)
{
	struct same_name *m = arg;
	if (!sym->module || strcmp(sym->module, m->module) != 0)
		return 0;
	m->any = true;
	if (sym->address == m->addr)
		m->same = true;
	return m->same;
}

// Every defined symbol of a placed section, at its address in the dump.
static struct kd_error *place_symbols(struct kd_session *s, struct kofile *f, const struct kd_kmodule *km,
				      const struct section *secs, size_t nsecs, struct placed **ret, size_t *n_ret,
				      size_t *nplaced_secs)
{
	Elf_Data *d = elf_getdata(f->symtab, NULL);
	size_t nsyms = d && f->symtab_sh.sh_entsize ? f->symtab_sh.sh_size / f->symtab_sh.sh_entsize : 0;
	struct placed *v = calloc(nsyms + 1, sizeof(*v));
	if (!v)
		return &kd_enomem;
	// Each ELF section's address in the dump, 0 when it is not there.
	uint64_t *base = calloc(f->nsec + 1, sizeof(*base));
	GElf_Shdr *shs = calloc(f->nsec + 1, sizeof(*shs));
	if (!base || !shs) {
		free(v), free(base), free(shs);
		return &kd_enomem;
	}
	*nplaced_secs = 0;
	for (size_t i = 1; i < f->nsec; i++) {
		Elf_Scn *scn = elf_getscn(f->elf, i);
		if (!scn || !gelf_getshdr(scn, &shs[i]) || !(shs[i].sh_flags & SHF_ALLOC))
			continue;
		const char *n = sec_name(f, &shs[i]);
		// Init sections are freed once the module has run.
		const struct section *sec = strncmp(n, ".init", 5) == 0 ? NULL : find_section(secs, nsecs, n);
		if (sec && sec->addr) {
			base[i] = sec->addr;
			(*nplaced_secs)++;
		}
	}
	size_t n = 0;
	struct kd_error *err = NULL;
	for (size_t i = 0; i < nsyms && !err; i++) {
		GElf_Sym sym;
		if (!gelf_getsym(d, (int)i, &sym) || !sym.st_name || sym.st_shndx == SHN_UNDEF ||
		    sym.st_shndx >= SHN_LORESERVE || sym.st_shndx >= f->nsec || !base[sym.st_shndx])
			continue;
		int type = GELF_ST_TYPE(sym.st_info);
		if (type == STT_SECTION || type == STT_FILE)
			continue;
		const char *name = elf_strptr(f->elf, f->symtab_sh.sh_link, sym.st_name);
		// Mapping symbols ($x, $d) mark instruction sets, not objects.
		if (!name || !*name || (name[0] == '$' && strchr("xdat", name[1]) && (!name[2] || name[2] == '.')))
			continue;
		struct placed *p = &v[n++];
		*p = (struct placed){ name, base[sym.st_shndx] + sym.st_value, sym.st_size,
				      nm_type(&sym, &shs[sym.st_shndx]), P_NEW };
		struct same_name m = { km->name, p->addr, false, false };
		err = kd_symbol_foreach_named(s, name, same_name_cb, &m);
		if (kd_error_catch(&err, KD_ERR_NOTFOUND))
			err = NULL;
		p->what = m.same ? P_AGREE : m.any ? P_DISAGREE : P_NEW;
	}
	free(base);
	free(shs);
	if (err) {
		free(v);
		return err;
	}
	*ret = v;
	*n_ret = n;
	return NULL;
}

/* ---- the load ---------------------------------------------------------------------- */

struct kd_error *kd_kmodule_load_file(struct kd_session *s, const char *module, const char *path,
				      struct kd_kmodule_file *ret)
{
	memset(ret, 0, sizeof(*ret));
	uint32_t image;
	struct kd_kmodule *km = kd_kmodules_find(s, module, &image);
	if (!km)
		return kd_error_create(KD_ERR_NOTFOUND, "no module '%s' is loaded", module);
	if (km->object_file) {
		ret->already = true;
		return NULL;
	}
	unsigned char *buf = NULL;
	size_t len = 0;
	struct kd_error *err = load_ko(path, &buf, &len);
	if (err)
		return err;
	struct kofile f;
	struct section *secs = NULL;
	struct placed *syms = NULL;
	size_t nsecs = 0, nsyms = 0;
	char mem_id[129] = "";
	if ((err = ko_open(&f, buf, len, path)) || (err = ko_check_name(s, &f, module, path)))
		goto out;
	snprintf(ret->build_id, sizeof(ret->build_id), "%s", f.build_id);
	err = kd_kmodule_build_id(s, km, mem_id, sizeof(mem_id));
	ret->build_id_memory = !err;
	kd_error_destroy(err);
	err = NULL;
	if (ret->build_id_memory) {
		ret->build_id_match = strcmp(mem_id, f.build_id) == 0;
		if (!ret->build_id_match) {
			err = kd_error_create(KD_ERR_UNSUPPORTED, "%s: build ID %s is not module %s's (%s in the dump)", path,
					      f.build_id[0] ? f.build_id : "(none)", module, mem_id);
			goto out;
		}
	}
	if ((err = dump_sections(s, km, &secs, &nsecs))) {
		err = kd_error_prefix(err, "module %s", module);
		goto out;
	}
	if ((err = place_symbols(s, &f, km, secs, nsecs, &syms, &nsyms, &ret->sections)))
		goto out;
	for (size_t i = 0; i < nsyms; i++) {
		ret->agree += syms[i].what == P_AGREE;
		ret->disagree += syms[i].what == P_DISAGREE;
	}
	// Without a build ID in the dump, the symbols both know decide.
	if (!ret->build_id_memory && (ret->disagree || !ret->agree)) {
		err = kd_error_create(KD_ERR_UNSUPPORTED,
				      "%s does not match module %s: the dump keeps no build ID for it, and of the "
				      "symbols kallsyms also has %zu are elsewhere, %zu in place",
				      path, module, ret->disagree, ret->agree);
		goto out;
	}
	struct kd_symtab *t = s->symtab;
	kd_symtab_set_origin(t, kd_symtab_origin(t, "module file"));
	for (size_t i = 0; i < nsyms && !err; i++) {
		const struct placed *p = &syms[i];
		if (p->what == P_AGREE)
			kd_symtab_has_at(t, p->name, p->addr, p->size); // gives it its size
		else if (p->what == P_NEW && !(err = kd_symtab_add(t, p->name, strlen(p->name), p->type, p->addr,
								    p->size, image)))
			ret->added++;
	}
	kd_symtab_set_origin(t, 0);
	if (!err)
		err = kd_symtab_index(t);
	if (err)
		goto out;
	km->nsyms += ret->added;
	if (!(km->object_file = strdup(path))) {
		err = &kd_enomem;
		goto out;
	}
	// The types, unless the kernel's own copy gave them.
	Elf_Data *bd = f.btf ? elf_getdata(f.btf, NULL) : NULL;
	if (bd && bd->d_size && !km->btf_types && kd_types_available(s)) {
		char what[300];
		snprintf(what, sizeof(what), "%s's .BTF", path);
		err = kd_types_add_split(s, bd->d_buf, bd->d_size, what, &ret->btf_types);
		struct kd_error *e = kd_types_split_done(s);
		if (!err)
			err = e;
		else
			kd_error_destroy(e);
		if (!err && ret->btf_types) {
			km->btf_types = ret->btf_types;
			km->btf_from = km->object_file;
		}
	}
out:
	if (f.elf)
		elf_end(f.elf);
	free(buf);
	free(secs);
	free(syms);
	return err;
}
