/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A synthetic x86_64 ELF vmcore for the fuzz targets that need a session
 * (fuzz_btf, fuzz_tasks): page tables at physical 0x1000-0x3fff map 2 MiB
 * of kernel text at TASKS_BASE (physical TASKS_PHYS), whose first bytes are
 * given; VMCOREINFO is the caller's text.  The dump is written to a memfd
 * whose /proc/self/fd path is returned, so the real open path runs.
 */
#ifndef KD_FUZZ_DUMP_H
#define KD_FUZZ_DUMP_H
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "fuzz_mem.h"

static inline void fuzz_put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* The dump: ELF header, PT_NOTE (VMCOREINFO), PT_LOAD of the page tables, PT_LOAD of mem. */
static inline int fuzz_dump(const char *vmcoreinfo, const void *mem, size_t len, char path[64])
{
	enum { HDR = 0x4000, LOW = 0x4000 };
	if (len > TASKS_WINDOW)
		len = TASKS_WINDOW;
	size_t vlen = strlen(vmcoreinfo);
	if (vlen > HDR - 512)
		return -1;
	size_t total = HDR + LOW + len;
	unsigned char *img = calloc(1, total);
	if (!img)
		return -1;
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_CORE;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 3;
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof(*eh));
	size_t noff = sizeof(*eh) + 3 * sizeof(Elf64_Phdr);
	Elf64_Nhdr nh = { .n_namesz = 11, .n_descsz = (uint32_t)vlen, .n_type = 0 };
	memcpy(img + noff, &nh, sizeof(nh));
	memcpy(img + noff + sizeof(nh), "VMCOREINFO", 11);
	memcpy(img + noff + sizeof(nh) + 12, vmcoreinfo, vlen);
	size_t nlen = sizeof(nh) + 12 + ((vlen + 3) & ~(size_t)3);
	ph[0] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = noff, .p_filesz = nlen };
	ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = HDR, .p_paddr = 0, .p_filesz = LOW,
			      .p_memsz = LOW };
	ph[2] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = HDR + LOW, .p_paddr = TASKS_PHYS,
			      .p_vaddr = TASKS_BASE, .p_filesz = len, .p_memsz = 0x200000 };
	// PGD[511] -> PUD 0x2000; PUD[510] -> PMD 0x3000; PMD[16] -> 2 MiB at TASKS_PHYS.
	unsigned char *low = img + HDR;
	fuzz_put64(low + 0x1000 + 511 * 8, 0x2000 | 0x63);
	fuzz_put64(low + 0x2000 + 510 * 8, 0x3000 | 0x63);
	fuzz_put64(low + 0x3000 + ((TASKS_BASE >> 21) & 511) * 8, TASKS_PHYS | 0xe3);
	if (len)
		memcpy(img + HDR + LOW, mem, len);
	int fd = fuzz_memfd("kdive-fuzz-dump", img, total, path);
	free(img);
	return fd;
}

/* VMCOREINFO lines that make fuzz_dump's page tables usable. */
#define FUZZ_DUMP_VMCOREINFO                                                              \
	"OSRELEASE=6.1.0-fuzz\nPAGESIZE=4096\nNUMBER(phys_base)=0\nKERNELOFFSET=0\n"       \
	"NUMBER(pgtable_l5_enabled)=0\nSYMBOL(init_top_pgt)=ffffffff80001000\n"

#endif
