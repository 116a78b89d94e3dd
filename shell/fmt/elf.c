// SPDX-License-Identifier: GPL-3.0-or-later
// ELF vmcores: kdump's /proc/vmcore copies, QEMU dump-guest-memory,
// makedumpfile -E, and the live /proc/kcore.  Layout per the System V gABI
// and the kernel's fs/proc/vmcore.c: PT_LOAD segments map physical memory
// (p_paddr); PT_NOTE segments hold NT_PRSTATUS per CPU, QEMU's per-CPU state
// and the VMCOREINFO note.  Headers are read through the file layer (so a
// flattened -E -F file reads in place); every offset is checked against the
// file size before use.
//
// Each PT_LOAD's p_vaddr -> p_paddr is also kept as it stands (c->vsegs,
// before the overlap rule cuts the ranges): kexec's /proc/vmcore headers
// (kexec-tools, kernel/crash_core.c crash_prepare_elf64_headers) list the
// kernel image and the direct map at their virtual addresses, which is how
// vm.c translates kernel addresses of a machine without a page-table walker.
// A dump whose every p_vaddr is 0 (QEMU dump-guest-memory without paging)
// records no virtual addresses and keeps none.
//
// Overlapping PT_LOAD segments of a vmcore: the later program header wins
// (add_later_wins below), as in drgn and libkdumpfile.  /proc/kcore keeps
// its own rule (drop_overlaps): its text segment aliases RAM, same bytes.
//
// Bytes past p_filesz up to p_memsz: the gABI says they read as zero, but
// in a vmcore only makedumpfile -E writes such segments, and there they are
// the pages it excluded (makedumpfile.c, write_elf_pages_cyclic: a run of
// excluded pages at the end of a segment is cut from p_filesz).  So kdive
// reports them as excluded (KD_ERR_NODATA), never as zeros.  Shorter runs of
// excluded pages inside a segment are written by -E as zero-filled pages
// and cannot be told apart from real zeros.
//
// /proc/kcore (fs/proc/kcore.c): one PT_LOAD per kclist entry, p_vaddr the
// kernel virtual address; p_paddr is __pa() for KCORE_RAM, __pa_symbol() for
// KCORE_TEXT and -1 for vmalloc, modules and vmemmap.  Physical reads go
// through the RAM segments; memory changes under us, so nothing is cached
// (KD_FMT_LIVE).  VMCOREINFO is a PT_NOTE since 4.19; before that
// /sys/kernel/vmcoreinfo gives the physical address of the note.
#include <errno.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format.h"

static bool elf_probe(const void *hdr, size_t len)
{
	return len >= EI_NIDENT && memcmp(hdr, ELFMAG, SELFMAG) == 0;
}

// kcore: a little-endian or big-endian ELF64 core with a PT_LOAD whose
// p_paddr is -1 (vmalloc is always in the kclist); a vmcore never has one.
static bool kcore_probe(const void *hdr, size_t len)
{
	const unsigned char *h = hdr;
	if (len < sizeof(Elf64_Ehdr) || memcmp(h, ELFMAG, SELFMAG) != 0 || h[EI_CLASS] != ELFCLASS64)
		return false;
	bool be = h[EI_DATA] == ELFDATA2MSB;
	uint64_t phoff = kd_get_uint(h + offsetof(Elf64_Ehdr, e_phoff), 8, be);
	uint16_t phnum = (uint16_t)kd_get_uint(h + offsetof(Elf64_Ehdr, e_phnum), 2, be);
	if (kd_get_uint(h + offsetof(Elf64_Ehdr, e_type), 2, be) != ET_CORE)
		return false;
	for (uint16_t i = 0; i < phnum; i++) {
		if (phoff > len || (uint64_t)(i + 1) * sizeof(Elf64_Phdr) > len - phoff)
			break;
		const unsigned char *ph = h + phoff + (uint64_t)i * sizeof(Elf64_Phdr);
		if (kd_get_uint(ph + offsetof(Elf64_Phdr, p_type), 4, be) == PT_LOAD &&
		    kd_get_uint(ph + offsetof(Elf64_Phdr, p_paddr), 8, be) == (Elf64_Addr)-1)
			return true;
	}
	return false;
}

// kcore's text segment aliases part of a RAM segment: keep the larger of two
// overlapping ranges so the range table stays disjoint.
static void drop_overlaps(struct kd_core *c)
{
	kd_core_sort_ranges(c);
	size_t out = 0;
	for (size_t i = 0; i < c->nranges; i++) {
		struct kd_phys_range *r = &c->ranges[i];
		if (out) {
			struct kd_phys_range *last = &c->ranges[out - 1];
			if (r->start - last->start < last->size) {
				if (r->size > last->size)
					*last = *r;
				continue;
			}
		}
		c->ranges[out++] = *r;
	}
	c->nranges = out;
}

// Pre-4.19 kernels: /sys/kernel/vmcoreinfo is "PADDR SIZE" of the note in
// physical memory; read it through kcore's RAM segments.
static struct kd_error *kcore_sysfs_vmcoreinfo(struct kd_core *c, unsigned char **notes, size_t *len);

static struct kd_error *elf_open_common(struct kd_core *c, bool kcore);

static struct kd_error *elf_open(struct kd_core *c)
{
	return elf_open_common(c, false);
}

static struct kd_error *kcore_open(struct kd_core *c)
{
	return elf_open_common(c, true);
}

// The ELF and program headers, in host byte order.  Read through
// kd_file_pread, not libelf, so that makedumpfile's flattened ELF (-E -F)
// is read in place through the file layer's record index like any file.
static struct kd_error *read_ehdr(struct kd_core *c, Elf64_Ehdr *eh)
{
	struct kd_error *err = kd_file_pread(c->file, eh, sizeof(*eh), 0);
	if (err)
		return err;
	bool be = c->big_endian;
	eh->e_type = kd_get_uint(&eh->e_type, 2, be);
	eh->e_machine = kd_get_uint(&eh->e_machine, 2, be);
	eh->e_flags = kd_get_uint(&eh->e_flags, 4, be);
	eh->e_phoff = kd_get_uint(&eh->e_phoff, 8, be);
	eh->e_shoff = kd_get_uint(&eh->e_shoff, 8, be);
	eh->e_phentsize = kd_get_uint(&eh->e_phentsize, 2, be);
	eh->e_phnum = kd_get_uint(&eh->e_phnum, 2, be);
	eh->e_shentsize = kd_get_uint(&eh->e_shentsize, 2, be);
	eh->e_shnum = kd_get_uint(&eh->e_shnum, 2, be);
	return NULL;
}

static struct kd_error *read_phdr(struct kd_core *c, uint64_t off, Elf64_Phdr *ph)
{
	struct kd_error *err = kd_file_pread(c->file, ph, sizeof(*ph), off);
	if (err)
		return err;
	bool be = c->big_endian;
	ph->p_type = kd_get_uint(&ph->p_type, 4, be);
	ph->p_flags = kd_get_uint(&ph->p_flags, 4, be);
	ph->p_offset = kd_get_uint(&ph->p_offset, 8, be);
	ph->p_vaddr = kd_get_uint(&ph->p_vaddr, 8, be);
	ph->p_paddr = kd_get_uint(&ph->p_paddr, 8, be);
	ph->p_filesz = kd_get_uint(&ph->p_filesz, 8, be);
	ph->p_memsz = kd_get_uint(&ph->p_memsz, 8, be);
	return NULL;
}

// The number of program headers: e_phnum, or with PN_XNUM section 0's
// sh_info (gABI, "Extended program header numbering").
static struct kd_error *phdr_count(struct kd_core *c, const Elf64_Ehdr *eh, size_t *ret)
{
	*ret = eh->e_phnum;
	if (eh->e_phnum != PN_XNUM)
		return NULL;
	Elf64_Shdr sh;
	struct kd_error *err = eh->e_shoff ? kd_file_pread(c->file, &sh, sizeof(sh), eh->e_shoff) : NULL;
	kd_error_destroy(err);
	if (!eh->e_shoff || err)
		return kd_error_create(KD_ERR_CORRUPT,
				       "e_phnum is PN_XNUM but section header 0 (at 0x%llx) cannot be read",
				       (unsigned long long)eh->e_shoff);
	*ret = (uint32_t)kd_get_uint(&sh.sh_info, 4, c->big_endian);
	return NULL;
}

// Overlapping PT_LOAD segments (a vmcore producer that maps one physical
// page twice, or a hand-edited dump): the later program header wins, as in
// drgn and libkdumpfile.  Each earlier range is cut around the new segment,
// so the range table stays disjoint and every covered byte has one source.
// Ends are inclusive ("last") so a segment ending at 2^64 does not wrap.
static struct kd_error *add_later_wins(struct kd_core *c, const struct kd_phys_range *r)
{
	uint64_t last = r->start + (r->size - 1);
	size_t n = c->nranges;
	for (size_t i = 0; i < n; i++) {
		struct kd_phys_range old = c->ranges[i];
		uint64_t olast = old.start + (old.size - 1);
		if (old.size == 0 || olast < r->start || old.start > last)
			continue;
		c->ranges[i].size = 0; // dropped unless a piece survives below
		if (old.start < r->start) { // the piece before the new segment
			uint64_t sz = r->start - old.start;
			c->ranges[i].size = sz;
			if (c->ranges[i].file_size > sz)
				c->ranges[i].file_size = sz;
		}
		if (olast > last) { // the piece after it
			uint64_t cut = last + 1 - old.start;
			struct kd_phys_range tail = old;
			tail.start = last + 1;
			tail.size = old.size - cut;
			tail.vaddr = old.vaddr + cut;
			tail.file_off = old.file_off + cut;
			tail.file_size = old.file_size > cut ? old.file_size - cut : 0;
			struct kd_error *err = kd_core_add_range(c, &tail);
			if (err)
				return err;
		}
	}
	size_t out = 0;
	for (size_t i = 0; i < c->nranges; i++)
		if (c->ranges[i].size)
			c->ranges[out++] = c->ranges[i];
	c->nranges = out;
	return kd_core_add_range(c, r);
}

static struct kd_error *elf_open_common(struct kd_core *c, bool kcore)
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

	Elf64_Ehdr eh;
	if (f->size < sizeof(eh))
		return kd_error_create(KD_ERR_CORRUPT, "bad ELF header: the file is shorter than one (truncated dump?)");
	if ((err = read_ehdr(c, &eh)))
		return kd_error_prefix(err, "bad ELF header");
	if (eh.e_type != ET_CORE)
		return kd_error_create(KD_ERR_UNSUPPORTED,
				       "ELF file is not a core dump (e_type %u%s)", eh.e_type,
				       eh.e_type == ET_EXEC ? ", a vmlinux? give it with --vmlinux" : "");
	c->e_machine = eh.e_machine;
	size_t phnum;
	if ((err = phdr_count(c, &eh, &phnum)))
		return err;
	if (phnum == 0)
		return kd_error_create(KD_ERR_CORRUPT, "no program headers");
	if (eh.e_phentsize != sizeof(Elf64_Phdr))
		return kd_error_create(KD_ERR_CORRUPT, "bad program header size %u (ELF64 has %zu)",
				       eh.e_phentsize, sizeof(Elf64_Phdr));
	if (eh.e_phoff > f->size || (uint64_t)phnum * sizeof(Elf64_Phdr) > f->size - eh.e_phoff)
		return kd_error_create(KD_ERR_CORRUPT,
				       "program headers (%zu at 0x%llx) run past the end of the file (truncated dump?)",
				       phnum, (unsigned long long)eh.e_phoff);

	// Collect all PT_NOTE segments into one buffer.
	unsigned char *notes = NULL;
	size_t notes_len = 0;
	for (size_t i = 0; i < phnum; i++) {
		Elf64_Phdr ph;
		err = read_phdr(c, eh.e_phoff + i * sizeof(ph), &ph);
		if (err) {
			free(notes);
			return kd_error_prefix(err, "program header %zu", i);
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
			// A segment may end exactly at the top of the 64-bit
			// space (p_paddr + p_memsz == 2^64); only one that
			// would go past it is dropped.
			if (ph.p_memsz == 0 || ph.p_paddr + (ph.p_memsz - 1) < ph.p_paddr)
				continue;
			struct kd_phys_range r = {
				.start = ph.p_paddr, .size = ph.p_memsz,
				.file_off = ph.p_offset, .file_size = ph.p_filesz, .vaddr = ph.p_vaddr,
			};
			// /proc/kcore style segments without a physical address are not RAM.
			if (ph.p_paddr == (Elf64_Addr)-1)
				continue;
			struct kd_vseg v = { .vaddr = ph.p_vaddr, .paddr = ph.p_paddr, .size = ph.p_memsz };
			if (!kcore && ph.p_vaddr + (ph.p_memsz - 1) >= ph.p_vaddr &&
			    (err = kd_core_add_vseg(c, &v))) {
				free(notes);
				return err;
			}
			err = kcore ? kd_core_add_range(c, &r) : add_later_wins(c, &r);
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
	if (kcore)
		drop_overlaps(c);
	bool any_vaddr = false;
	for (size_t i = 0; i < c->nvsegs; i++)
		any_vaddr |= c->vsegs[i].vaddr != 0;
	if (!any_vaddr)
		c->nvsegs = 0;
	if (notes) {
		err = kd_core_parse_notes(c, notes, notes_len, c->big_endian);
		if (err)
			return err;
	}
	err = kd_core_scan_notes(c);
	if (err)
		return err;
	bool qemu = false;
	for (size_t i = 0; i < c->nnotes; i++)
		if (strcmp(c->notes[i].name, "QEMU") == 0)
			qemu = true;
	// /proc/kcore has one NT_PRSTATUS (the reading task's): the machine
	// is the one we run on, so count its online CPUs.
	if (kcore) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		if (n > 0 && n <= 65536)
			c->nr_cpus = (unsigned)n;
	}
	if (kcore && !c->vmcoreinfo) {
		unsigned char *vn = NULL;
		size_t vlen = 0;
		if (!kcore_sysfs_vmcoreinfo(c, &vn, &vlen) && vn) {
			// a single VMCOREINFO note: take its descriptor
			const unsigned char *q = vn;
			uint32_t namesz, descsz;
			memcpy(&namesz, q, 4);
			memcpy(&descsz, q + 4, 4);
			size_t doff = 12 + (((size_t)namesz + 3) & ~(size_t)3);
			if (vlen >= 12 && doff <= vlen && descsz <= vlen - doff) {
				c->vmcoreinfo = malloc(descsz + 1);
				if (c->vmcoreinfo) {
					memcpy(c->vmcoreinfo, q + doff, descsz);
					c->vmcoreinfo_len = descsz;
				}
			}
		}
		free(vn);
	}
	bool filtered = false;
	for (size_t i = 0; i < c->nranges; i++)
		if (c->ranges[i].file_size < c->ranges[i].size)
			filtered = true;
	const char *what = filtered ? " (filtered: makedumpfile -E)" : qemu ? " (QEMU dump-guest-memory)" : "";
	if (eh.e_flags & 1) // makedumpfile's DUMP_ELF_INCOMPLETE
		what = " (incomplete: makedumpfile ran out of space)";
	if (kcore)
		what = " (live /proc/kcore: memory changes while it is read)";
	if (asprintf(&c->format_desc, "ELF64 %s%s%s%s", kcore ? "kcore" : "vmcore", what,
		     c->file->flat ? ", flattened" : "", c->big_endian ? ", big-endian" : "") < 0) {
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
		else
			return kd_error_addr(KD_ERR_NODATA, paddr,
					     "physical address 0x%llx was excluded from the dump (ELF segment at 0x%llx holds only 0x%llx of its 0x%llx bytes)",
					     (unsigned long long)paddr, (unsigned long long)r->start,
					     (unsigned long long)r->file_size, (unsigned long long)r->size);
		if (from_file) {
			struct kd_error *err = kd_file_pread(c->file, p, from_file, r->file_off + off);
			if (err) {
				kd_error_destroy(err);
				return kd_error_addr(KD_ERR_CORRUPT, paddr,
						     "physical address 0x%llx: its data lies past the end of the dump file (truncated dump?)",
						     (unsigned long long)paddr);
			}
		}
		p += from_file;
		paddr += from_file;
		len -= from_file;
	}
	return NULL;
}

// A whole page for the cache, when one segment holds all of it in the file.
// ELF has no page size of its own: the core's (VMCOREINFO PAGESIZE) it is.
static struct kd_error *elf_read_page(struct kd_core *c, uint64_t pfn, uint64_t ps, void *buf)
{
	uint64_t pa = pfn * ps;
	const struct kd_phys_range *r = kd_core_find_range(c, pa);
	if (!r || r->file_size < ps || pa - r->start > r->file_size - ps)
		return kd_error_addr(KD_ERR_FAULT, pa, "page at 0x%llx is not whole in one segment",
				     (unsigned long long)pa);
	return elf_read(c, pa, buf, (size_t)ps);
}

static struct kd_error *kcore_sysfs_vmcoreinfo(struct kd_core *c, unsigned char **notes, size_t *len)
{
	FILE *f = fopen("/sys/kernel/vmcoreinfo", "re");
	if (!f)
		return kd_error_os(errno, "cannot open /sys/kernel/vmcoreinfo");
	unsigned long long pa = 0, size = 0;
	int n = fscanf(f, "%llx %llx", &pa, &size);
	fclose(f);
	if (n != 2 || size == 0 || size > (1u << 20))
		return kd_error_create(KD_ERR_CORRUPT, "cannot parse /sys/kernel/vmcoreinfo");
	unsigned char *b = malloc(size);
	if (!b)
		return &kd_enomem;
	struct kd_error *err = elf_read(c, pa, b, (size_t)size);
	if (err) {
		free(b);
		return err;
	}
	*notes = b;
	*len = (size_t)size;
	return NULL;
}

static void elf_close(struct kd_core *c)
{
	(void)c; // no state beyond struct kd_core's
}

const struct kd_format_ops kd_format_elf = {
	.name = "elf",
	.probe = elf_probe,
	.open = elf_open,
	.read = elf_read,
	.read_page = elf_read_page,
	.close = elf_close,
};

const struct kd_format_ops kd_format_kcore = {
	.name = "kcore",
	.probe = kcore_probe,
	.open = kcore_open,
	.read = elf_read,
	.close = elf_close,
	.flags = KD_FMT_LIVE,
};
