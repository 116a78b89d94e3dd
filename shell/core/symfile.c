// SPDX-License-Identifier: GPL-3.0-or-later
// Symbols from files named on the command line: a System.map (nm's
// "ADDRESS TYPE NAME" lines) or a vmlinux's .symtab (libelf).  Before they
// join the symbol table, the file must belong to the dump: its build ID,
// _stext, a few landmarks and linux_banner are compared with VMCOREINFO,
// the kallsyms already read and the dump's memory.  Its symbols are then
// shifted by the KASLR offset (KERNELOFFSET, else what moves _stext where
// the dump has it) and merged: a name already at that address only lends
// its size.
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "session_priv.h"
#include "symtab.h"

/* Symbols of a file, before they are checked against the dump and merged. */
struct filesyms {
	const char *path;
	const char *kind;  // "System.map", "vmlinux"
	const char *dump;  // the dump's file, for messages
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
		err = kd_symtab_add(f->t, name, strlen(name), nm_type(&sym, sh), sym.st_value, sym.st_size, 0);
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
		err = kd_symtab_add(f->t, name, len, type, addr, 0, 0);
	}
	fclose(fp);
	if (!err && kd_symtab_count(f->t) == 0)
		err = kd_error_create(KD_ERR_USAGE, "'%s' has no symbols in System.map format (%u lines)",
				      f->path, lineno);
	return err;
}

static uint64_t file_sym(const struct filesyms *f, const char *name, bool *found)
{
	struct kd_symbol sym;
	*found = kd_symtab_find(f->t, name, &sym);
	return *found ? sym.address : 0;
}

static bool relocatable(const struct kd_symbol *s)
{
	return !kd_symtab_type_absolute(s->type) && s->address >= KD_SYMTAB_KERNEL_HALF;
}

/*
 * The KASLR shift of the file's symbols: KERNELOFFSET from VMCOREINFO, else
 * what puts the file's _stext where the dump's is.
 */
static uint64_t kaslr_offset(struct kd_session *s, const struct kd_symtab *t, const struct filesyms *f)
{
	uint64_t off;
	if (kd_vmcoreinfo_get(s, "KERNELOFFSET") && !kd_vmcoreinfo_number(s, "KERNELOFFSET", &off))
		return off;
	bool found;
	uint64_t fst = file_sym(f, "_stext", &found);
	uint64_t dst = kd_symtab_vmci_symbol(s, "_stext");
	struct kd_symbol sym;
	if (found && !dst && kd_symtab_find(t, "_stext", &sym))
		dst = sym.address;
	return found && dst ? dst - fst : 0;
}

static struct kd_error *mismatch(const struct filesyms *f, const char *fmt, ...) KD_PRINTF(2, 3);
static struct kd_error *mismatch(const struct filesyms *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct kd_error *err = kd_error_vcreate(KD_ERR_USAGE, fmt, ap);
	va_end(ap);
	return kd_error_prefix(err, "%s '%s' does not belong to the dump '%s'", f->kind, f->path,
			       f->dump ? f->dump : "?");
}

/*
 * Refuse a file from another build: its build ID (vmlinux) against
 * VMCOREINFO's BUILD-ID, then _stext against VMCOREINFO, then linux_banner
 * and a few landmarks against the kallsyms in the dump, and the banner text
 * in the dump's memory at the file's linux_banner.
 */
static struct kd_error *check_file(struct kd_session *s, const struct kd_symtab *t, const struct filesyms *f,
				   uint64_t off)
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
	uint64_t dst = kd_symtab_vmci_symbol(s, "_stext");
	if (found && dst && stext + off != dst)
		return mismatch(f, "_stext is at 0x%" PRIx64 " in it (0x%" PRIx64
			       " with KERNELOFFSET 0x%" PRIx64 "), at 0x%" PRIx64 " in the dump (VMCOREINFO)",
			       stext, stext + off, off, dst);
	static const char *const landmarks[] = {
		"linux_banner", "_stext", "_etext", "_sdata", "init_task", "start_kernel", "__start_BTF",
	};
	for (size_t i = 0; i < sizeof(landmarks) / sizeof(landmarks[0]); i++) {
		struct kd_symbol k;
		bool in_dump = kd_symtab_find(t, landmarks[i], &k);
		uint64_t fa = file_sym(f, landmarks[i], &found);
		if (in_dump && found && fa + off != k.address)
			return mismatch(f, "%s is at 0x%" PRIx64 " in it (with KERNELOFFSET 0x%" PRIx64
				       "), at 0x%" PRIx64 " in the dump's kallsyms",
				       landmarks[i], fa + off, off, k.address);
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
static struct kd_error *merge_file(struct kd_symtab *t, const struct filesyms *f, uint64_t off)
{
	size_t n = kd_symtab_count(f->t);
	for (size_t i = 0; i < n; i++) {
		struct kd_symbol fs;
		kd_symtab_get(f->t, i, &fs);
		uint64_t a = relocatable(&fs) ? fs.address + off : fs.address;
		if (kd_symtab_has_at(t, fs.name, a, fs.size))
			continue;
		struct kd_error *err = kd_symtab_add(t, fs.name, strlen(fs.name), fs.type, a, fs.size, 0);
		if (err)
			return err;
	}
	return NULL;
}

struct kd_error *kd_symfile_load(struct kd_session *s, struct kd_symtab *t, const char *path,
				 const char *kind)
{
	struct filesyms f = { .path = path, .kind = kind, .dump = kd_dump_path(s), .t = kd_symtab_create() };
	if (!f.t)
		return &kd_enomem;
	struct kd_error *err = strcmp(kind, "vmlinux") == 0 ? read_vmlinux(&f) : read_system_map(&f);
	if (!err) {
		uint64_t off = kaslr_offset(s, t, &f);
		err = check_file(s, t, &f, off);
		if (!err)
			err = merge_file(t, &f, off);
	}
	free(f.banner);
	kd_symtab_destroy(f.t);
	// A file named on the command line that cannot be used stops kdive.
	if (err && err != &kd_enomem)
		err->code = KD_ERR_USAGE;
	return err;
}
