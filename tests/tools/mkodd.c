// SPDX-License-Identifier: GPL-3.0-or-later
// mkodd: write small synthetic dumps of the odd variants kdive must read or
// must refuse by name (issue 20).  Every data page is filled with a known
// byte, so a test knows what each address holds without asking kdive.
// ELF layout per the System V gABI and the kernel's fs/proc/vmcore.c;
// struct elf_prstatus per include/uapi/linux/elfcore.h.
//
// Usage: mkodd KIND OUT
//   overlap     PT_LOADs A [0,0x3000) 'A', B [0x1000,0x2000) 'B',
//               C [0x2800,0x4000) 'C', D [0x5000,0x6000) 'D' then
//               E [0x5000,0x6000) 'E' (the later segment wins each overlap)
//   xnum        e_phnum = PN_XNUM, the real count (3) in section 0's sh_info;
//               PT_LOADs [0,0x1000) 'X' and [0x2000,0x3000) 'Y'
//   top         one PT_LOAD [2^64-0x1000, 2^64): byte i holds i & 0xff
//   prstatus328 two x86_64 NT_PRSTATUS notes of 328 bytes (no pr_fpvalid):
//               pid 101/102, rip 0xffffffff81000100 + cpu, rsp 0x...8000 + cpu
//   level4      x86_64 VMCOREINFO naming only SYMBOL(init_level4_pgt)
//               (pre-4.13) = 0xffffffff80010000, phys_base 0; page tables map
//               0xffffc90000000000 (4 KiB) to physical 0x20000 ('L')
//   ppc64 s390x arm64  an ELF64 core of that machine (big-endian for the first two)
//   elf32-arm   an ELF32 core of a 32-bit ARM kernel
//   process     a user-space process core (NT_PRPSINFO, NT_AUXV, NT_FILE)
//   lkcd        an LKCD v9 dump header (crash lkcd_common.c: dump_magic_number)
//   sadump      a sadump single-partition header ("sadump\0\0", crash sadump.h)
//   xc_core     a Xen xc_core (non-ELF, magic 0xF00FEBED, crash xendump.h)
//   xc_core_elf a Xen ELF xc_core (sections .note.Xen, .xen_pages)
#include <elf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAXSEG = 8, PAGE = 4096 };

struct seg {
	uint64_t paddr, vaddr, filesz, memsz;
	int fill; // byte value, or -1 for "byte i = i & 0xff", -2: caller's data
	const unsigned char *data;
};

static struct {
	bool be;
	unsigned machine;
	unsigned char notes[8192];
	size_t nlen;
	struct seg seg[MAXSEG];
	int nseg;
	bool xnum; // e_phnum = PN_XNUM, the count in section header 0's sh_info
} d;

static void put(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[d.be ? n - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

static void note(const char *name, uint32_t type, const void *desc, size_t dlen)
{
	unsigned char *p = d.notes + d.nlen;
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	put(p, namesz, 4);
	put(p + 4, dlen, 4);
	put(p + 8, type, 4);
	memcpy(p + 12, name, namesz);
	size_t off = 12 + ((namesz + 3) & ~3u);
	memcpy(p + off, desc, dlen);
	d.nlen += off + ((dlen + 3) & ~(size_t)3);
}

static void vmcoreinfo(const char *text)
{
	note("VMCOREINFO", 0, text, strlen(text));
}

static void seg(uint64_t paddr, uint64_t size, int fill, const unsigned char *data)
{
	d.seg[d.nseg++] = (struct seg){ .paddr = paddr, .vaddr = paddr, .filesz = size, .memsz = size,
					 .fill = fill, .data = data };
}

static int write_elf64(const char *out)
{
	int nph = 1 + d.nseg;
	unsigned char eh[64] = { 0 };
	memcpy(eh, ELFMAG, SELFMAG);
	eh[EI_CLASS] = ELFCLASS64;
	eh[EI_DATA] = d.be ? ELFDATA2MSB : ELFDATA2LSB;
	eh[EI_VERSION] = EV_CURRENT;
	put(eh + 16, ET_CORE, 2);
	put(eh + 18, d.machine, 2);
	put(eh + 20, EV_CURRENT, 4);
	put(eh + 32, 64, 8);            // e_phoff
	put(eh + 52, 64, 2);            // e_ehsize
	put(eh + 54, 56, 2);            // e_phentsize
	put(eh + 56, d.xnum ? PN_XNUM : (uint64_t)nph, 2); // e_phnum
	uint64_t off = 64 + 56 * (uint64_t)nph;
	unsigned char sh0[64] = { 0 };
	if (d.xnum) { // section header 0 right after the program headers
		put(eh + 40, off, 8); // e_shoff
		put(eh + 58, 64, 2);  // e_shentsize
		put(eh + 60, 1, 2);   // e_shnum
		put(sh0 + 44, (uint64_t)nph, 4); // sh_info
		off += sizeof(sh0);
	}
	unsigned char ph[MAXSEG + 1][56];
	memset(ph, 0, sizeof(ph));
	put(ph[0], PT_NOTE, 4);
	put(ph[0] + 8, off, 8);
	put(ph[0] + 32, d.nlen, 8);
	off = (off + d.nlen + PAGE - 1) & ~(uint64_t)(PAGE - 1);
	uint64_t data_start = off;
	for (int i = 0; i < d.nseg; i++) {
		unsigned char *p = ph[i + 1];
		put(p, PT_LOAD, 4);
		put(p + 4, PF_R | PF_W | PF_X, 4);
		put(p + 8, off, 8);
		put(p + 16, d.seg[i].vaddr, 8);
		put(p + 24, d.seg[i].paddr, 8);
		put(p + 32, d.seg[i].filesz, 8);
		put(p + 40, d.seg[i].memsz, 8);
		off += d.seg[i].filesz;
	}
	FILE *f = fopen(out, "wb");
	if (!f) {
		perror(out);
		return 1;
	}
	fwrite(eh, 64, 1, f);
	fwrite(ph, 56, (size_t)nph, f);
	if (d.xnum)
		fwrite(sh0, sizeof(sh0), 1, f);
	fwrite(d.notes, 1, d.nlen, f);
	for (long pos = ftell(f); (uint64_t)pos < data_start; pos++)
		fputc(0, f);
	for (int i = 0; i < d.nseg; i++)
		for (uint64_t b = 0; b < d.seg[i].filesz; b++)
			fputc(d.seg[i].fill == -2 ? d.seg[i].data[b] :
			      d.seg[i].fill == -1 ? (int)(b & 0xff) : d.seg[i].fill, f);
	return fclose(f) != 0;
}

static int write_raw(const char *out, const void *buf, size_t len)
{
	FILE *f = fopen(out, "wb");
	if (!f) {
		perror(out);
		return 1;
	}
	fwrite(buf, 1, len, f);
	return fclose(f) != 0;
}

// struct elf_prstatus on x86_64 without pr_fpvalid: pr_pid at 32, pr_reg
// (27 words: rip is 16, rsp is 19) at 112, 328 bytes.
static void prstatus328(void)
{
	for (int cpu = 0; cpu < 2; cpu++) {
		unsigned char pr[328] = { 0 };
		put(pr + 32, 101 + (uint64_t)cpu, 4);
		put(pr + 112 + 16 * 8, 0xffffffff81000100ull + (uint64_t)cpu, 8);
		put(pr + 112 + 19 * 8, 0xffffc90000008000ull + (uint64_t)cpu, 8);
		note("CORE", NT_PRSTATUS, pr, sizeof(pr));
	}
}

static unsigned char tables[4 * PAGE];

// x86_64 4-level tables at physical 0x10000 (PGD), 0x11000 (PUD), 0x12000
// (PMD), 0x13000 (PTE) mapping 0xffffc90000000000 -> 0x20000.  Entries are
// present|rw (0x3); index of that va: PGD 402, PUD 0, PMD 0, PTE 0.
static void level4(void)
{
	memset(tables, 0, sizeof(tables));
	d.be = false;
	put(tables + 0 * PAGE + 402 * 8, 0x11000 | 3, 8);
	put(tables + 1 * PAGE + 0 * 8, 0x12000 | 3, 8);
	put(tables + 2 * PAGE + 0 * 8, 0x13000 | 3, 8);
	put(tables + 3 * PAGE + 0 * 8, 0x20000 | 3, 8);
	seg(0, 0x10000, 0, NULL);
	seg(0x10000, sizeof(tables), -2, tables);
	seg(0x20000, 0x1000, 'L', NULL);
	vmcoreinfo("OSRELEASE=4.9.0-odd\nPAGESIZE=4096\nSYMBOL(init_level4_pgt)=ffffffff80010000\n"
		   "NUMBER(phys_base)=0\nKERNELOFFSET=0\n");
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: mkodd KIND OUT\n");
		return 2;
	}
	const char *k = argv[1], *out = argv[2];
	d.machine = EM_X86_64;
	const char *vmci = "OSRELEASE=6.1.0-odd\nPAGESIZE=4096\n";
	if (!strcmp(k, "overlap")) {
		seg(0, 0x3000, 'A', NULL);
		seg(0x1000, 0x1000, 'B', NULL);
		seg(0x2800, 0x1800, 'C', NULL);
		seg(0x5000, 0x1000, 'D', NULL);
		seg(0x5000, 0x1000, 'E', NULL);
	} else if (!strcmp(k, "xnum")) {
		d.xnum = true;
		seg(0, 0x1000, 'X', NULL);
		seg(0x2000, 0x1000, 'Y', NULL);
	} else if (!strcmp(k, "top")) {
		seg(0xfffffffffffff000ull, 0x1000, -1, NULL);
	} else if (!strcmp(k, "prstatus328")) {
		prstatus328();
		seg(0, 0x1000, 0, NULL);
	} else if (!strcmp(k, "level4")) {
		level4();
		return write_elf64(out);
	} else if (!strcmp(k, "ppc64") || !strcmp(k, "s390x") || !strcmp(k, "arm64")) {
		d.be = k[0] != 'a';
		d.machine = k[0] == 'p' ? EM_PPC64 : k[0] == 's' ? EM_S390 : EM_AARCH64;
		seg(0, 0x1000, 'M', NULL);
	} else if (!strcmp(k, "elf32-arm")) {
		// Elf32_Ehdr then one PT_LOAD: the header is all a refusal needs.
		unsigned char b[PAGE] = { 0 };
		memcpy(b, ELFMAG, SELFMAG);
		b[EI_CLASS] = ELFCLASS32;
		b[EI_DATA] = ELFDATA2LSB;
		b[EI_VERSION] = EV_CURRENT;
		put(b + 16, ET_CORE, 2);
		put(b + 18, EM_ARM, 2);
		put(b + 20, EV_CURRENT, 4);
		put(b + 28, 52, 4); // e_phoff
		put(b + 40, 52, 2); // e_ehsize
		put(b + 42, 32, 2); // e_phentsize
		put(b + 44, 1, 2);  // e_phnum
		put(b + 52, PT_LOAD, 4);
		return write_raw(out, b, sizeof(b));
	} else if (!strcmp(k, "process")) {
		unsigned char prpsinfo[136] = { 0 }, auxv[32] = { 0 }, file[16] = { 0 };
		memcpy(prpsinfo + 40, "sleep", 5); // pr_fname
		note("CORE", NT_PRSTATUS, (unsigned char[336]){ 0 }, 336);
		note("CORE", NT_PRPSINFO, prpsinfo, sizeof(prpsinfo));
		note("CORE", NT_AUXV, auxv, sizeof(auxv));
		note("CORE", NT_FILE, file, sizeof(file));
		d.seg[d.nseg++] = (struct seg){ .paddr = 0, .vaddr = 0x400000, .filesz = 0x1000,
						 .memsz = 0x1000, .fill = 0 };
		return write_elf64(out);
	} else if (!strcmp(k, "lkcd")) {
		unsigned char b[PAGE] = { 0 };
		put(b, 0xa8190173618f23edull, 8); // dump_magic_number
		put(b + 8, 9, 4);                  // dump_version
		return write_raw(out, b, sizeof(b));
	} else if (!strcmp(k, "sadump")) {
		unsigned char b[PAGE] = { 0 };
		memcpy(b, "sadump\0\0", 8); // signature1, signature2
		put(b + 8, 1, 4);            // enable
		put(b + 12, 1, 4);           // reboot
		return write_raw(out, b, sizeof(b));
	} else if (!strcmp(k, "xc_core")) {
		unsigned char b[PAGE] = { 0 };
		put(b, 0xF00FEBED, 4); // xch_magic
		put(b + 4, 1, 4);      // xch_nr_vcpus
		return write_raw(out, b, sizeof(b));
	} else if (!strcmp(k, "xc_core_elf")) {
		// ELF64 ET_CORE, no program headers; section headers NULL,
		// .shstrtab, .note.Xen, .xen_pages (xen/include/public/elfnote.h,
		// tools/libxc xc_core.h).
		static const char strtab[] = "\0.shstrtab\0.note.Xen\0.xen_pages\0";
		unsigned char b[PAGE] = { 0 };
		memcpy(b, ELFMAG, SELFMAG);
		b[EI_CLASS] = ELFCLASS64;
		b[EI_DATA] = ELFDATA2LSB;
		b[EI_VERSION] = EV_CURRENT;
		put(b + 16, ET_CORE, 2);
		put(b + 18, EM_X86_64, 2);
		put(b + 20, EV_CURRENT, 4);
		put(b + 40, 256, 8); // e_shoff
		put(b + 52, 64, 2);  // e_ehsize
		put(b + 58, 64, 2);  // e_shentsize
		put(b + 60, 4, 2);   // e_shnum
		put(b + 62, 1, 2);   // e_shstrndx
		memcpy(b + 128, strtab, sizeof(strtab));
		unsigned char *sh = b + 256;
		put(sh + 64 + 0, 1, 4);        // .shstrtab: sh_name
		put(sh + 64 + 4, SHT_STRTAB, 4);
		put(sh + 64 + 24, 128, 8);     // sh_offset
		put(sh + 64 + 32, sizeof(strtab), 8);
		put(sh + 128 + 0, 11, 4);      // .note.Xen
		put(sh + 128 + 4, SHT_NOTE, 4);
		put(sh + 192 + 0, 21, 4);      // .xen_pages
		put(sh + 192 + 4, SHT_PROGBITS, 4);
		return write_raw(out, b, sizeof(b));
	} else {
		fprintf(stderr, "mkodd: unknown kind '%s'\n", k);
		return 2;
	}
	vmcoreinfo(vmci);
	return write_elf64(out);
}
