// SPDX-License-Identifier: GPL-3.0-or-later
// Dumps kdive does not read, recognised so that the refusal names them
// ("'FILE' is an LKCD dump, which kdive does not read") instead of calling
// them an unknown format or failing deep inside the ELF reader.  The core
// asks here before it probes the format table.  Signatures, from the
// formats' own definitions (no code taken from the readers):
//  - LKCD: u64 dump_magic_number at offset 0, 0xa8190173618f23ed (live
//    dumps ...cd), in the dumped machine's byte order (crash lkcd_*.h);
//  - sadump: a partition header starting "sadump\0\0" (signature1 "sadu",
//    signature2 "mp") at offset 0, or at 4096 behind a media backup header
//    (crash sadump.h, sadump_part_header / sadump_media_header);
//  - Xen xc_core: u32 magic 0xF00FEBED (0xF00FEBEE for HVM) at offset 0 in
//    the old layout (crash xendump.h), or an ELF core with sections
//    ".note.Xen" / ".xen_pages" (Xen tools/libxc xc_core.h);
//  - ELF32 cores: a 32-bit kernel's vmcore (kdive reads 64-bit kernels);
//  - a user-space process core (what the kernel's binfmt_elf or gdb write):
//    "CORE" notes NT_AUXV, NT_FILE or NT_SIGINFO, which no vmcore or
//    /proc/kcore carries.
// sadump is refused rather than read (issue 20 allowed either): reading it
// means its bitmaps, per-CPU state and disk sets, and the only files we can
// make here are our own generator's, which would check our reading of the
// format against the same reading; without a real sadump to compare with,
// naming it in the refusal is the honest part.
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "format.h"

static bool has_sadump_sig(const unsigned char *h, size_t len, size_t off)
{
	return len >= off + 8 && memcmp(h + off, "sadump\0\0", 8) == 0;
}

// An ELF64 core's section names include .xen_pages or .note.Xen.
static bool xen_sections(struct kd_file *f, const unsigned char *h, bool be)
{
	uint64_t shoff = kd_get_uint(h + 40, 8, be);
	unsigned shentsize = (unsigned)kd_get_uint(h + 58, 2, be), shnum = (unsigned)kd_get_uint(h + 60, 2, be);
	unsigned shstrndx = (unsigned)kd_get_uint(h + 62, 2, be);
	if (!shoff || shentsize != sizeof(Elf64_Shdr) || !shnum || shnum > 4096 || shstrndx >= shnum)
		return false;
	unsigned char sh[sizeof(Elf64_Shdr)];
	struct kd_error *err = kd_file_pread(f, sh, sizeof(sh), shoff + (uint64_t)shstrndx * sizeof(sh));
	if (err) {
		kd_error_destroy(err);
		return false;
	}
	uint64_t stroff = kd_get_uint(sh + 24, 8, be), strsize = kd_get_uint(sh + 32, 8, be);
	char names[4096];
	if (strsize == 0)
		return false;
	size_t n = strsize < sizeof(names) ? (size_t)strsize : sizeof(names);
	err = kd_file_pread(f, names, n, stroff);
	if (err) {
		kd_error_destroy(err);
		return false;
	}
	names[n - 1] = '\0';
	for (size_t i = 0; i < n; i += strlen(names + i) + 1)
		if (!strcmp(names + i, ".xen_pages") || !strcmp(names + i, ".note.Xen"))
			return true;
	return false;
}

// A process core: a "CORE" note of a type only user-space cores carry.
static bool process_notes(struct kd_file *f, const unsigned char *h, bool be)
{
	uint64_t phoff = kd_get_uint(h + 32, 8, be);
	unsigned phnum = (unsigned)kd_get_uint(h + 56, 2, be);
	for (unsigned i = 0; i < phnum && i < 4096; i++) {
		unsigned char ph[sizeof(Elf64_Phdr)];
		struct kd_error *err = kd_file_pread(f, ph, sizeof(ph), phoff + (uint64_t)i * sizeof(ph));
		if (err) {
			kd_error_destroy(err);
			return false;
		}
		if (kd_get_uint(ph, 4, be) != PT_NOTE)
			continue;
		uint64_t off = kd_get_uint(ph + 8, 8, be), size = kd_get_uint(ph + 32, 8, be);
		unsigned char buf[16384];
		size_t len = size < sizeof(buf) ? (size_t)size : sizeof(buf);
		err = kd_file_pread(f, buf, len, off);
		if (err) {
			kd_error_destroy(err);
			continue;
		}
		for (size_t o = 0; len - o >= 12;) {
			uint64_t namesz = kd_get_uint(buf + o, 4, be), descsz = kd_get_uint(buf + o + 4, 4, be);
			uint64_t type = kd_get_uint(buf + o + 8, 4, be);
			uint64_t next = o + 12 + ((namesz + 3) & ~3ull) + ((descsz + 3) & ~3ull);
			if (namesz == 5 && o + 17 <= len && !memcmp(buf + o + 12, "CORE", 5) &&
			    (type == NT_AUXV || type == NT_FILE || type == NT_SIGINFO))
				return true;
			if (next > len)
				break;
			o = (size_t)next;
		}
	}
	return false;
}

bool kd_format_refused(struct kd_file *f, const unsigned char *h, size_t len, char *what, size_t whatlen)
{
	if (len >= 8) {
		for (int be = 0; be < 2; be++) {
			uint64_t m = kd_get_uint(h, 8, be);
			if (m == 0xa8190173618f23edull || m == 0xa8190173618f23cdull) {
				snprintf(what, whatlen, "an LKCD dump");
				return true;
			}
			uint64_t x = kd_get_uint(h, 4, be);
			if (x == 0xF00FEBED || x == 0xF00FEBEE) {
				snprintf(what, whatlen, "a Xen xc_core dump");
				return true;
			}
		}
	}
	if (has_sadump_sig(h, len, 0) || has_sadump_sig(h, len, 4096)) {
		snprintf(what, whatlen, "a sadump dump");
		return true;
	}
	if (len < EI_NIDENT || memcmp(h, ELFMAG, SELFMAG) != 0)
		return false;
	bool be = h[EI_DATA] == ELFDATA2MSB;
	if (h[EI_CLASS] == ELFCLASS32 && len >= sizeof(Elf32_Ehdr) && kd_get_uint(h + 16, 2, be) == ET_CORE) {
		snprintf(what, whatlen, "an ELF32 vmcore (a 32-bit %s kernel's dump)",
			 kd_machine_name((unsigned)kd_get_uint(h + 18, 2, be)));
		return true;
	}
	if (h[EI_CLASS] != ELFCLASS64 || len < sizeof(Elf64_Ehdr) || kd_get_uint(h + 16, 2, be) != ET_CORE)
		return false;
	if (xen_sections(f, h, be)) {
		snprintf(what, whatlen, "a Xen xc_core dump (ELF)");
		return true;
	}
	if (process_notes(f, h, be)) {
		snprintf(what, whatlen, "a user-space process core (a program's core file, not a kernel dump)");
		return true;
	}
	return false;
}
