// SPDX-License-Identifier: GPL-3.0-or-later
// mkelf: write a small synthetic ELF64 x86_64 vmcore, the seed for the ELF
// fuzz target: one PT_NOTE (two NT_PRSTATUS notes and a VMCOREINFO note
// whose text is read from a file) and PT_LOADs at physical 0 (8 KiB, a byte
// pattern), at 1 MiB (p_filesz < p_memsz: zero fill) and at the kernel-text
// physical address the VMCOREINFO implies (so kd_read_kernel has bytes).
// Layout per the System V gABI and fs/proc/vmcore.c.
// Usage: mkelf OUT VMCOREINFO_TEXT_FILE
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t note(unsigned char *p, const char *name, uint32_t type, const void *desc, size_t dlen)
{
	Elf64_Nhdr nh = { .n_namesz = (uint32_t)strlen(name) + 1, .n_descsz = (uint32_t)dlen, .n_type = type };
	size_t off = 0;
	memcpy(p, &nh, sizeof(nh));
	off += sizeof(nh);
	memcpy(p + off, name, nh.n_namesz);
	off += (nh.n_namesz + 3) & ~3u;
	memcpy(p + off, desc, dlen);
	off += (dlen + 3) & ~3u;
	return off;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: mkelf OUT VMCOREINFO_TEXT_FILE\n");
		return 2;
	}
	FILE *vf = fopen(argv[2], "rb");
	if (!vf) {
		perror(argv[2]);
		return 1;
	}
	static char vmci[65536];
	size_t vlen = fread(vmci, 1, sizeof(vmci) - 1, vf);
	fclose(vf);
	static unsigned char notes[80000];
	unsigned char prstatus[336] = { 0 };
	size_t nlen = 0;
	for (int cpu = 0; cpu < 2; cpu++) {
		prstatus[32] = (unsigned char)(cpu + 1); // pr_pid
		nlen += note(notes + nlen, "CORE", NT_PRSTATUS, prstatus, sizeof(prstatus));
	}
	nlen += note(notes + nlen, "VMCOREINFO", 0, vmci, vlen);

	enum { NPH = 4 };
	Elf64_Ehdr eh = { 0 };
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = NPH;
	uint64_t off = sizeof(eh) + NPH * sizeof(Elf64_Phdr);
	Elf64_Phdr ph[NPH] = { 0 };
	ph[0] = (Elf64_Phdr){ .p_type = PT_NOTE, .p_offset = off, .p_filesz = nlen };
	off += nlen;
	off = (off + 4095) & ~4095ull;
	ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = off, .p_paddr = 0, .p_filesz = 8192, .p_memsz = 8192 };
	off += 8192;
	ph[2] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = off, .p_paddr = 0x100000, .p_filesz = 2048, .p_memsz = 4096 };
	off += 2048;
	ph[3] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_offset = off, .p_paddr = 0x1000000, .p_filesz = 4096, .p_memsz = 4096 };
	off += 4096;
	FILE *f = fopen(argv[1], "wb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	fwrite(&eh, sizeof(eh), 1, f);
	fwrite(ph, sizeof(ph), 1, f);
	fwrite(notes, 1, nlen, f);
	for (uint64_t pos = (uint64_t)ftell(f); pos < ph[1].p_offset; pos++)
		fputc(0, f);
	for (unsigned i = 0; i < 8192 + 2048 + 4096; i++)
		fputc((int)(i * 7 + 3), f);
	if (fclose(f) != 0) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
