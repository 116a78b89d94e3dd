// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: the kallsyms decoder (shell/core/kallsyms.c) on arbitrary
// tables.  The input is kernel memory at KSYMS_BASE; its header
// (fuzz_mem.h) places kallsyms_names, the token table and index,
// kallsyms_num_syms, the offsets or addresses and the relative base in it.
// The decoder must not crash, and its memory and time must stay bounded by
// the input's size whatever num_syms and the tokens say.  Seed:
// kallsyms.in (mkseeds_mem).
#include <stdlib.h>
#include <string.h>

#include "core/kallsyms.h"
#include "fuzz.h"
#include "fuzz_mem.h"

struct mem {
	const uint8_t *p;
	size_t len;
};

static struct kd_error *rd(void *arg, uint64_t va, void *buf, size_t len)
{
	const struct mem *m = arg;
	if (va < KSYMS_BASE || va - KSYMS_BASE > m->len || len > m->len - (va - KSYMS_BASE))
		return kd_error_addr(KD_ERR_FAULT, va, "0x%llx is not mapped", (unsigned long long)va);
	memcpy(buf, m->p + (va - KSYMS_BASE), len);
	return NULL;
}

struct count {
	size_t n, bytes;
};

static struct kd_error *emit(void *arg, const char *name, size_t len, char type, uint64_t addr)
{
	struct count *c = arg;
	(void)type;
	(void)addr;
	if (len && !name)
		abort();
	c->n++;
	c->bytes += len;
	return NULL;
}

static uint64_t at(uint32_t off)
{
	return off ? KSYMS_BASE + off : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < KSYMS_HDR)
		return 0;
	struct ksyms_hdr h;
	memcpy(&h, data, sizeof(h));
	struct mem m = { data, size };
	struct kd_kallsyms_layout l = {
		.names = at(h.names),
		.token_table = at(h.token_table),
		.token_index = at(h.token_index),
		.num_syms = at(h.num_syms),
		.offsets = h.flags & KSYMS_ABS ? 0 : at(h.offsets),
		.relative_base = h.flags & KSYMS_ABS ? 0 : at(h.relative_base),
		.addresses = h.flags & KSYMS_ABS ? at(h.addresses) : 0,
		.stext = h.flags & KSYMS_STEXT ? h.stext : 0,
	};
	struct count c = { 0 };
	struct kd_kallsyms_info info;
	kd_error_destroy(kd_kallsyms_decode(&l, rd, &m, emit, &c, &info));
	return 0;
}
