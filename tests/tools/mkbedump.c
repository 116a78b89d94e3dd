// SPDX-License-Identifier: GPL-3.0-or-later
// mkbedump: write a synthetic dump in a machine's byte order, holding the
// known values of tests/tools/bedump.h at physical address PAGESIZE (page 1).
// Usage: mkbedump kdump|elf s390x|ppc64|ppc64le|riscv64 OUT
//   s390x: big-endian, 4 KiB pages; ppc64: big-endian, 64 KiB pages;
//   ppc64le and riscv64: little-endian (64 KiB and 4 KiB), the control case.
#include <stdio.h>
#include <string.h>

#include "bedump.h"

static const struct {
	const char *name;
	struct bd_spec spec;
} machines[] = {
	{ "s390x", { .be = true, .em = EM_S390, .machine = "s390x", .page_size = 4096 } },
	{ "ppc64", { .be = true, .em = EM_PPC64, .machine = "ppc64", .page_size = 65536 } },
	{ "ppc64le", { .be = false, .em = EM_PPC64, .machine = "ppc64le", .page_size = 65536 } },
	{ "riscv64", { .be = false, .em = EM_RISCV, .machine = "riscv64", .page_size = 4096 } },
};

int main(int argc, char **argv)
{
	if (argc != 4 || (strcmp(argv[1], "kdump") && strcmp(argv[1], "elf"))) {
		fprintf(stderr, "usage: mkbedump kdump|elf s390x|ppc64|ppc64le|riscv64 OUT\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
		if (strcmp(argv[2], machines[i].name))
			continue;
		const struct bd_spec *sp = &machines[i].spec;
		int r = strcmp(argv[1], "kdump") == 0 ? bd_write_kdump(argv[3], sp) : bd_write_elf(argv[3], sp);
		if (r) {
			perror(argv[3]);
			return 1;
		}
		return 0;
	}
	fprintf(stderr, "mkbedump: unknown machine '%s'\n", argv[2]);
	return 2;
}
