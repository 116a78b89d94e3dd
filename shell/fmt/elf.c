// SPDX-License-Identifier: GPL-3.0-or-later
// ELF vmcores: kdump's /proc/vmcore copies, QEMU dump-guest-memory, and
// makedumpfile -E.  Layout per the System V gABI and the kernel's
// fs/proc/vmcore.c: PT_LOAD segments map physical memory (p_paddr), bytes past
// p_filesz up to p_memsz read as zero; PT_NOTE segments hold NT_PRSTATUS per
// CPU, QEMU's per-CPU state and the VMCOREINFO note.  Headers are read with
// libelf; every offset is checked against the file size before use.
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

#include "../core/core.h"

struct elf_priv {
	Elf *elf;
};

static bool elf_probe(const void *hdr, size_t len)
{
	return len >= EI_NIDENT && memcmp(hdr, ELFMAG, SELFMAG) == 0;
}

static struct kd_error *elf_open(struct kd_core *c)
{
	const struct kd_file *f = c->file;
	unsigned char ident[EI_NIDENT];
	struct kd_error *err = kd_file_pread(c->file, ident, sizeof(ident), 0);
	if (err)
		return err;
	if (ident[EI_CLASS] == ELFCLASS32)
		return kd_error_create(KD_ERR_UNSUPPORTED, "ELF32 dumps are not supported (32-bit kernels)");
	if (ident[EI_CLASS] != ELFCLASS64)
		return kd_error_create(KD_ERR_CORRUPT, "bad ELF class %u", ident[EI_CLASS]);
	if (ident[EI_DATA] != ELFDATA2LSB && ident[EI_DATA] != ELFDATA2MSB)
		return kd_error_create(KD_ERR_CORRUPT, "bad ELF data encoding %u", ident[EI_DATA]);
	c->big_endian = ident[EI_DATA] == ELFDATA2MSB;

	elf_version(EV_CURRENT);
	struct elf_priv *p = calloc(1, sizeof(*p));
	if (!p)
		return &kd_enomem;
	c->priv = p;
	p->elf = elf_begin(f->fd, ELF_C_READ, NULL);
	if (!p->elf)
		return kd_error_create(KD_ERR_CORRUPT, "libelf: %s", elf_errmsg(-1));
	GElf_Ehdr eh;
	if (!gelf_getehdr(p->elf, &eh))
		return kd_error_create(KD_ERR_CORRUPT, "bad ELF header: %s", elf_errmsg(-1));
	if (eh.e_type != ET_CORE)
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "ELF file is not a core dump (e_type %u%s)", eh.e_type,
				       eh.e_type == ET_EXEC ? ", a vmlinux? give it with --vmlinux" : "");
	c->e_machine = eh.e_machine;
	size_t phnum;
	if (elf_getphdrnum(p->elf, &phnum) != 0)
		return kd_error_create(KD_ERR_CORRUPT, "cannot read program headers: %s", elf_errmsg(-1));
	if (phnum == 0)
		return kd_error_create(KD_ERR_CORRUPT, "no program headers");
	if (eh.e_phoff > f->size || (uint64_t)phnum * sizeof(Elf64_Phdr) > f->size - eh.e_phoff)
		return kd_error_create(KD_ERR_CORRUPT,
				       "program headers (%zu at 0x%llx) run past the end of the file", phnum,
				       (unsigned long long)eh.e_phoff);

	// Collect all PT_NOTE segments into one buffer.
	unsigned char *notes = NULL;
	size_t notes_len = 0;
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(p->elf, (int)i, &ph)) {
			free(notes);
			return kd_error_create(KD_ERR_CORRUPT, "bad program header %zu: %s", i, elf_errmsg(-1));
		}
		if (ph.p_type == PT_LOAD) {
			if (ph.p_filesz > ph.p_memsz || ph.p_offset > f->size ||
			    ph.p_filesz > f->size - ph.p_offset) {
				free(notes);
				return kd_error_create(KD_ERR_CORRUPT,
						       "PT_LOAD %zu (offset 0x%llx, size 0x%llx) runs past the end of the file (size 0x%llx): truncated dump?",
						       i, (unsigned long long)ph.p_offset,
						       (unsigned long long)ph.p_filesz, (unsigned long long)f->size);
			}
			if (ph.p_memsz == 0 || ph.p_paddr + ph.p_memsz < ph.p_paddr)
				continue;
			struct kd_phys_range r = {
				.start = ph.p_paddr, .size = ph.p_memsz,
				.file_off = ph.p_offset, .file_size = ph.p_filesz, .vaddr = ph.p_vaddr,
			};
			// /proc/kcore style segments without a physical address are not RAM.
			if (ph.p_paddr == (GElf_Addr)-1)
				continue;
			err = kd_core_add_range(c, &r);
			if (err) {
				free(notes);
				return err;
			}
		} else if (ph.p_type == PT_NOTE && ph.p_filesz) {
			if (ph.p_offset > f->size || ph.p_filesz > f->size - ph.p_offset ||
			    ph.p_filesz > (64u << 20)) {
				free(notes);
				return kd_error_create(KD_ERR_CORRUPT,
						       "PT_NOTE %zu (offset 0x%llx, size 0x%llx) runs past the end of the file (size 0x%llx): truncated dump?",
						       i, (unsigned long long)ph.p_offset,
						       (unsigned long long)ph.p_filesz, (unsigned long long)f->size);
			}
			unsigned char *n = realloc(notes, notes_len + ph.p_filesz);
			if (!n) {
				free(notes);
				return &kd_enomem;
			}
			notes = n;
			err = kd_file_pread(c->file, notes + notes_len, ph.p_filesz, ph.p_offset);
			if (err) {
				free(notes);
				return err;
			}
			notes_len += ph.p_filesz;
		}
	}
	if (!c->nranges) {
		free(notes);
		return kd_error_create(KD_ERR_CORRUPT, "no PT_LOAD segments with memory");
	}
	if (notes) {
		err = kd_core_parse_notes(c, notes, notes_len, c->big_endian);
		if (err)
			return err;
	}
	bool qemu = false;
	for (size_t i = 0; i < c->nnotes; i++) {
		const struct kd_note *n = &c->notes[i];
		if (strcmp(n->name, "CORE") == 0 && n->type == NT_PRSTATUS)
			c->nr_cpus++;
		else if (strcmp(n->name, "QEMU") == 0)
			qemu = true;
		else if (strcmp(n->name, "VMCOREINFO") == 0 && !c->vmcoreinfo && n->descsz) {
			c->vmcoreinfo = malloc(n->descsz);
			if (!c->vmcoreinfo)
				return &kd_enomem;
			memcpy(c->vmcoreinfo, n->desc, n->descsz);
			c->vmcoreinfo_len = n->descsz;
		}
	}
	const char *what = qemu ? " (QEMU dump-guest-memory)" : "";
	if (eh.e_flags & 1) // makedumpfile's DUMP_ELF_INCOMPLETE
		what = " (incomplete: makedumpfile ran out of space)";
	if (asprintf(&c->format_desc, "ELF64 vmcore%s", what) < 0) {
		c->format_desc = NULL;
		return &kd_enomem;
	}
	return NULL;
}

static struct kd_error *elf_read(struct kd_core *c, uint64_t paddr, void *buf, size_t len)
{
	char *p = buf;
	while (len) {
		const struct kd_phys_range *r = kd_core_find_range(c, paddr);
		if (!r)
			return kd_error_addr(KD_ERR_FAULT, paddr,
					     "physical address 0x%llx is not in the dump",
					     (unsigned long long)paddr);
		uint64_t off = paddr - r->start;
		size_t n = len <= r->size - off ? len : (size_t)(r->size - off);
		size_t from_file = 0;
		if (off < r->file_size)
			from_file = n <= r->file_size - off ? n : (size_t)(r->file_size - off);
		if (from_file) {
			struct kd_error *err = kd_file_pread(c->file, p, from_file, r->file_off + off);
			if (err) {
				kd_error_destroy(err);
				return kd_error_addr(KD_ERR_CORRUPT, paddr,
						     "physical address 0x%llx: its data lies past the end of the dump file (truncated dump?)",
						     (unsigned long long)paddr);
			}
		}
		memset(p + from_file, 0, n - from_file); // p_filesz < p_memsz: zero fill
		p += n;
		paddr += n;
		len -= n;
	}
	return NULL;
}

static void elf_close(struct kd_core *c)
{
	struct elf_priv *p = c->priv;
	if (!p)
		return;
	if (p->elf)
		elf_end(p->elf);
	free(p);
	c->priv = NULL;
}

const struct kd_format_ops kd_format_elf = {
	.name = "elf",
	.probe = elf_probe,
	.open = elf_open,
	.read = elf_read,
	.close = elf_close,
};
