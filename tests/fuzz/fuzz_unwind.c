// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzz target: the x86_64 ORC unwinder (arch/x86_64_unwind.c) over arbitrary
// unwind tables and stacks, through a fake context (no dump, no session).
// Input: a 64-byte header, then kernel memory mapped at FZ_BASE:
//   u32 flags       bit 0: start from registers (else from the task's saved
//                   thread.sp), bit 1: the 6.4+ orc_entry (a `signal` field),
//                   bit 2: an orc_lookup table, bit 3: no ORC (frame pointers),
//                   bit 4: CPU 0 has an NMI exception stack (a kdump's CPU
//                   stopped by NMI is looked for there)
//   u32 nentries    ORC entries; u32 ip_off, orc_off: the two tables
//   u32 text_len    _stext = FZ_BASE, _etext = FZ_BASE + text_len
//   u32 task_off    the task_struct (stack pointer at +0, thread.sp at +8)
//   u32 lookup_off, nblocks: orc_lookup and lookup_num_blocks (read from memory)
//   u64 rip, rsp, rbp: the registers for bit 0
//   u32 nmi_off     bit 4: cea_exception_stacks (per-cpu offset 0) is at
//                   nmi_off and holds the address of a 4 KiB NMI_stack
// Layouts are the x86_64 ones the kernel's BTF gives (pt_regs,
// inactive_task_frame), THREAD_SIZE is 4 KiB.  The walk must end within
// KD_UNWIND_MAX_FRAMES frames and a bounded number of reads, whatever the
// input.  KDIVE_FUZZ_UNWIND_SHOW=1 prints the frames (for the smoke test).
#include <stdlib.h>
#include <string.h>

#include "../../arch/x86_64.h"
#include "fuzz.h"

enum { FZ_HDR = 64, FZ_MAX_MEM = 1 << 20 };
#define FZ_BASE 0xffffffff81000000ull

struct fz {
	const uint8_t *mem;
	size_t len;
	uint32_t flags, nentries, ip_off, orc_off, text_len, task_off, lookup_off, nblocks, nmi_off;
	unsigned long reads;
};

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static struct kd_error *rk(void *arg, uint64_t va, void *buf, size_t len)
{
	struct fz *f = arg;
	if (++f->reads > 1000000)
		abort(); // unbounded reading
	if (va < FZ_BASE || va - FZ_BASE > f->len || len > f->len - (va - FZ_BASE))
		return kd_error_addr(KD_ERR_FAULT, va, "0x%llx not mapped", (unsigned long long)va);
	memcpy(buf, f->mem + (va - FZ_BASE), len);
	return NULL;
}

static struct kd_error *rp(void *arg, uint64_t pa, void *buf, size_t len)
{
	(void)arg;
	(void)buf;
	(void)len;
	return kd_error_addr(KD_ERR_FAULT, pa, "no physical memory");
}

static struct kd_error *symbol(void *arg, const char *name, uint64_t *ret)
{
	struct fz *f = arg;
	bool orc = !(f->flags & 8), lookup = f->flags & 4;
	const struct {
		const char *name;
		uint64_t v;
		bool ok;
	} t[] = {
		{ "_stext", FZ_BASE, true },
		{ "_etext", FZ_BASE + f->text_len, true },
		{ "__start_init_task", FZ_BASE, true },
		{ "__end_init_task", FZ_BASE + 4096, true },
		{ "__start_orc_unwind_ip", FZ_BASE + f->ip_off, orc },
		{ "__stop_orc_unwind_ip", FZ_BASE + f->ip_off + 4ull * f->nentries, orc },
		{ "__start_orc_unwind", FZ_BASE + f->orc_off, orc },
		{ "orc_lookup", FZ_BASE + f->lookup_off, lookup },
		{ "orc_lookup_end", FZ_BASE + f->lookup_off + 4ull * f->nblocks, lookup },
		{ "lookup_num_blocks", FZ_BASE + f->lookup_off - 4, lookup },
		{ "cea_exception_stacks", FZ_BASE + f->nmi_off, (f->flags & 16) != 0 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].ok && strcmp(t[i].name, name) == 0) {
			*ret = t[i].v;
			return NULL;
		}
	return kd_error_create(KD_ERR_NOTFOUND, "no symbol '%s'", name);
}

static const char *const ptregs[] = { "r15", "r14", "r13", "r12", "bp", "bx", "r11",
				      "r10", "r9", "r8", "ax", "cx", "dx", "si",
				      "di", "orig_ax", "ip", "cs", "flags", "sp", "ss" };

static struct kd_error *member(void *arg, const char *type, const char *path, struct kd_member_info *ret)
{
	struct fz *f = arg;
	memset(ret, 0, sizeof(*ret));
	ret->size = 8;
	if (strcmp(type, "task_struct") == 0 && strcmp(path, "stack") == 0)
		return NULL;
	if (strcmp(type, "task_struct") == 0 && strcmp(path, "thread.sp") == 0) {
		ret->offset = 8;
		return NULL;
	}
	if (strcmp(type, "inactive_task_frame") == 0 && strcmp(path, "bp") == 0) {
		ret->offset = 40;
		return NULL;
	}
	if (strcmp(type, "inactive_task_frame") == 0 && strcmp(path, "ret_addr") == 0) {
		ret->offset = 48;
		return NULL;
	}
	if (strcmp(type, "cea_exception_stacks") == 0 && strcmp(path, "NMI_stack") == 0) {
		ret->size = 4096;
		return NULL;
	}
	if (strcmp(type, "pt_regs") == 0)
		for (unsigned i = 0; i < sizeof(ptregs) / sizeof(ptregs[0]); i++)
			if (strcmp(path, ptregs[i]) == 0) {
				ret->offset = i * 8;
				return NULL;
			}
	if (strcmp(type, "orc_entry") == 0 && (f->flags & 2)) {
		// 6.4+: s16 sp_offset, s16 bp_offset, sp_reg:4 bp_reg:4 type:3 signal:1
		static const struct {
			const char *n;
			unsigned bit, len;
		} fl[] = { { "sp_offset", 0, 16 }, { "bp_offset", 16, 16 }, { "sp_reg", 32, 4 },
			   { "bp_reg", 36, 4 },    { "type", 40, 3 },       { "signal", 43, 1 } };
		for (size_t i = 0; i < sizeof(fl) / sizeof(fl[0]); i++)
			if (strcmp(path, fl[i].n) == 0) {
				ret->bit_offset = fl[i].bit;
				ret->offset = fl[i].bit / 8;
				ret->bit_size = fl[i].len >= 16 ? 0 : fl[i].len;
				ret->size = fl[i].len >= 16 ? 2 : 4;
				return NULL;
			}
	}
	return kd_error_create(KD_ERR_NOTFOUND, "no member %s.%s", type, path);
}

static struct kd_error *type_size(void *arg, const char *type, uint64_t *ret)
{
	struct fz *f = arg;
	if (strcmp(type, "inactive_task_frame") == 0)
		*ret = 56;
	else if (strcmp(type, "pt_regs") == 0)
		*ret = 168;
	else if (strcmp(type, "orc_entry") == 0 && (f->flags & 2))
		*ret = 6;
	else if (strcmp(type, "cea_exception_stacks") == 0)
		*ret = 4096;
	else
		return kd_error_create(KD_ERR_NOTFOUND, "no type %s", type);
	return NULL;
}

static struct kd_error *percpu(void *arg, unsigned cpu, uint64_t *ret)
{
	(void)arg;
	if (cpu)
		return kd_error_create(KD_ERR_NOTFOUND, "no CPU %u", cpu);
	*ret = 0;
	return NULL;
}

static int frame_cb(const struct kd_frame *fr, void *arg)
{
	unsigned *n = arg;
	if (++*n > KD_UNWIND_MAX_FRAMES)
		abort(); // the bound did not hold
	if (getenv("KDIVE_FUZZ_UNWIND_SHOW"))
		printf("#%u [%016llx] %016llx %s%s\n", fr->level, (unsigned long long)fr->slot,
		       (unsigned long long)fr->pc, fr->stack, fr->flags & KD_FRAME_REGS ? " regs" : "");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < FZ_HDR)
		return 0;
	struct fz f = { .mem = data + FZ_HDR, .len = size - FZ_HDR };
	if (f.len > FZ_MAX_MEM)
		f.len = FZ_MAX_MEM;
	f.flags = get32(data);
	f.nentries = get32(data + 4);
	f.ip_off = get32(data + 8);
	f.orc_off = get32(data + 12);
	f.text_len = get32(data + 16);
	f.task_off = get32(data + 20);
	f.lookup_off = get32(data + 24);
	f.nblocks = get32(data + 28);
	f.nmi_off = get32(data + 56);
	struct kd_arch_ctx c = { .arg = &f, .read_phys = rp, .symbol_address = symbol,
				 .read_kernel = rk, .member = member, .type_size = type_size,
				 .percpu_offset = percpu };
	void *state = NULL;
	struct kd_error *err = kd_x86_64_unwinder.init(&c, &state);
	if (err) {
		kd_error_destroy(err);
		return 0;
	}
	struct kd_arch_unwind_start st = { .task = FZ_BASE + f.task_off, .cpu = f.flags & 16 ? 0 : -1 };
	if (f.flags & 1) {
		st.have_regs = true;
		st.regs.nregs = 27;
		st.regs.regs[16] = get64(data + 32);
		st.regs.regs[19] = get64(data + 40);
		st.regs.regs[4] = get64(data + 48);
	}
	for (int pass = 0; pass < 2; pass++) { // the second pass runs from the lookup cache
		unsigned n = 0;
		struct kd_unwind_result res;
		err = kd_x86_64_unwinder.unwind(state, &c, &st, frame_cb, &n, &res);
		if (!err && n != res.frames)
			abort();
		if (getenv("KDIVE_FUZZ_UNWIND_SHOW") && !pass)
			printf("%s: %u frames, %s\n", res.method ? res.method : "-", res.frames,
			       err ? err->msg : res.stopped ? res.stopped : "end of stack");
		kd_error_destroy(err);
	}
	kd_x86_64_unwinder.fini(state);
	return 0;
}
