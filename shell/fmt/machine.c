// SPDX-License-Identifier: GPL-3.0-or-later
// Machine names: one table from utsname.machine (what a kdump header records)
// to the ELF e_machine number (what an ELF core records and what the arch
// layer keys on) and the word size, used both ways: by format backends to
// turn a name into EM_*, and by the session to name the dump's machine.
#include "config.h"

#include <elf.h>
#include <string.h>

#include "format.h"

static const struct machine {
	const char *name;  // utsname.machine, or its prefix ("arm" for "armv7l")
	unsigned em;       // EM_*
	unsigned word;     // sizeof(long)
	bool shown;        // the name kdive shows for em (one per em)
} machines[] = {
	// Names match whole, except "arm", which takes any suffix ("armv7l"):
	// so "arm64" comes before it.
	{ "x86_64", EM_X86_64, 8, true }, { "aarch64", EM_AARCH64, 8, true },
	{ "arm64", EM_AARCH64, 8, false }, { "ppc64le", EM_PPC64, 8, false },
	{ "ppc64", EM_PPC64, 8, true }, { "s390x", EM_S390, 8, true },
	{ "riscv64", EM_RISCV, 8, true }, { "loongarch64", EM_LOONGARCH, 8, true },
	{ "mips64", EM_MIPS, 8, false }, { "sparc64", EM_SPARCV9, 8, true },
	{ "ia64", EM_IA_64, 8, true }, { "i386", EM_386, 4, true },
	{ "i486", EM_386, 4, false }, { "i586", EM_386, 4, false },
	{ "i686", EM_386, 4, false }, { "arm", EM_ARM, 4, true },
	{ "ppc", EM_PPC, 4, true }, { "s390", EM_S390, 4, false },
	{ "mips", EM_MIPS, 4, true }, { "riscv32", EM_RISCV, 4, false },
	{ "alpha", EM_ALPHA, 8, true }, { "parisc", EM_PARISC, 4, true },
	{ "sparc", EM_SPARC, 4, true }, { "sh", EM_SH, 4, true },
	{ "m68k", EM_68K, 4, true }, { "arc", EM_ARCV2, 4, true },
	{ "csky", EM_CSKY, 4, true }, { "xtensa", EM_XTENSA, 4, true },
};

#define NMACHINES (sizeof(machines) / sizeof(machines[0]))

unsigned kd_machine_from_uname(const char *m, unsigned *word_ret)
{
	for (size_t i = 0; i < NMACHINES; i++) {
		size_t n = strlen(machines[i].name);
		if (strncmp(m, machines[i].name, n) == 0 &&
		    (m[n] == '\0' || strcmp(machines[i].name, "arm") == 0)) {
			*word_ret = machines[i].word;
			return machines[i].em;
		}
	}
	*word_ret = 8;
	return EM_NONE;
}

// Every machine Linux runs on has its name here, whether kdive translates
// its addresses or not, so that a message about a dump says which machine
// it came from (issue 20); of several names for one EM_*, the one marked
// shown is used.  "unknown" is left for e_machine values no kernel uses.
const char *kd_machine_name(unsigned e_machine)
{
	for (size_t i = 0; i < NMACHINES; i++)
		if (machines[i].em == e_machine && machines[i].shown)
			return machines[i].name;
	return "unknown";
}

unsigned kd_machine_from_vmcoreinfo(const char *text, size_t len)
{
	// Keys only one architecture's crash_core.c / vmcore_info writes.
	static const struct {
		const char *key;
		unsigned em;
	} keys[] = {
		{ "\nNUMBER(kimage_voffset)=", EM_AARCH64 },
		{ "\nSYMBOL(init_top_pgt)=", EM_X86_64 },
	};
	for (size_t i = 0; text && i < sizeof(keys) / sizeof(keys[0]); i++)
		if (memmem(text, len, keys[i].key, strlen(keys[i].key)))
			return keys[i].em;
	return EM_NONE;
}
