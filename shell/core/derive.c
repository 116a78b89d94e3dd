// SPDX-License-Identifier: GPL-3.0-or-later
// VMCOREINFO for x86_64 dumps that have none (QEMU dump-guest-memory without
// -device vmcoreinfo), derived from the saved CPU state and the page tables,
// the way crash's kaslr_helper.c "page-table method" does it:
//
//  1. CR3 and CR4 come from QEMU's per-CPU note ("QEMU", type 0): the
//     QEMUCPUState of QEMU's target/i386/arch_dump.c, version 1: u32 version,
//     u32 size, 16 general registers, rip, rflags, 10 segment descriptors of
//     24 bytes, then cr[0..4]: cr3 at byte 416, cr4 at 424.  CR4.LA57 (bit 12)
//     tells 4- from 5-level paging.
//  2. The first page mapped in the kernel-text window [__START_KERNEL_map,
//     +1 GiB) is _text (cleanup_highmap() in arch/x86/kernel/head64.c clears
//     what lies below it), which on x86_64 is also _stext
//     (arch/x86/kernel/vmlinux.lds.S).  KERNELOFFSET = _stext - __START_KERNEL
//     (0xffffffff81000000 with the default CONFIG_PHYSICAL_START) and
//     phys_base = pa(_stext) - (_stext - __START_KERNEL_map).
//  3. The kallsyms tables (scripts/kallsyms.c) are found by content in the
//     kernel image: kallsyms_token_table holds the single-character tokens
//     "0".."9" as consecutive strings (unmerged characters keep their own
//     code as index), kallsyms_token_index[256] are increasing u16 offsets
//     into it, every table is 8-byte aligned (.balign 8), and
//     kallsyms_num_syms (a u32) sits right before kallsyms_names.  Both
//     orders of the tables are tried: up to Linux 6.5 offsets,
//     relative_base, num_syms, names, markers[, seqs_of_names], token_table,
//     token_index; since 6.6 num_syms, names, markers, token_table,
//     token_index, offsets, relative_base.  A candidate is accepted only
//     when the decoder maps _stext to the address found in step 2.
//  4. With the symbols: SYMBOL(init_top_pgt), and OSRELEASE from the
//     linux_banner string ("Linux version RELEASE (...").
// The result is plain VMCOREINFO text that the session parses as usual.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session_priv.h"
#include "symtab.h"

#define START_KERNEL_MAP 0xffffffff80000000ull
#define START_KERNEL     0xffffffff81000000ull
#define PTE_PRESENT      0x1ull
#define PTE_PSE          0x80ull
#define PTE_ADDR         0x000ffffffffff000ull
#define CR4_LA57         (1ull << 12)
#define QEMU_CR3_OFF     416
#define QEMU_CR4_OFF     424
#define IMAGE_MAX        (256ull << 20)

struct derive {
	struct kd_session *s;
	uint64_t cr3, cr4;
	bool la57;
	uint64_t stext, stext_pa, phys_base;
	uint64_t init_top_pgt, linux_banner, prb;
};

static uint64_t get_u64(const void *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

// Walk the page tables under cr3 for va: its physical address and the size
// of the page that maps it.
static struct kd_error *walk(struct derive *d, uint64_t va, uint64_t *pa_ret, uint64_t *size_ret)
{
	int levels = d->la57 ? 5 : 4;
	uint64_t table = d->cr3 & PTE_ADDR;
	for (int lvl = levels; lvl >= 1; lvl--) {
		unsigned shift = 12 + 9 * (unsigned)(lvl - 1);
		uint64_t e;
		struct kd_error *err = kd_read_phys(d->s, table + ((va >> shift) & 511) * 8, &e, 8);
		if (err)
			return err;
		if (!(e & PTE_PRESENT))
			return kd_error_addr(KD_ERR_FAULT, va, "0x%" PRIx64 " is not mapped", va);
		if (lvl == 1 || ((lvl == 2 || lvl == 3) && (e & PTE_PSE))) {
			uint64_t size = 1ull << shift;
			*pa_ret = (e & PTE_ADDR & ~(size - 1)) | (va & (size - 1));
			*size_ret = size;
			return NULL;
		}
		table = e & PTE_ADDR;
	}
	return kd_error_create(KD_ERR_CORRUPT, "page walk did not end");
}

// Step 2: the first mapped page in the kernel-text window, in 2 MiB steps
// (KASLR aligns the kernel to 2 MiB, CONFIG_PHYSICAL_ALIGN).
static struct kd_error *find_text(struct derive *d)
{
	for (uint64_t va = START_KERNEL_MAP; va < START_KERNEL_MAP + (1ull << 30); va += 2ull << 20) {
		uint64_t pa = 0, size = 0;
		struct kd_error *err = walk(d, va, &pa, &size);
		if (err) {
			kd_error_destroy(err);
			continue;
		}
		d->stext = va;
		d->stext_pa = pa;
		d->phys_base = pa - (va - START_KERNEL_MAP);
		return NULL;
	}
	return kd_error_create(KD_ERR_NOTFOUND,
			       "nothing is mapped at the kernel text window under CR3 0x%" PRIx64, d->cr3);
}

// Kernel-image virtual reads: the image is mapped linearly at phys_base.
static struct kd_error *read_image(void *arg, uint64_t va, void *buf, size_t len)
{
	struct derive *d = arg;
	if (va < START_KERNEL_MAP || va - START_KERNEL_MAP >= (1ull << 30) ||
	    len > (1ull << 30) - (va - START_KERNEL_MAP))
		return kd_error_addr(KD_ERR_FAULT, va, "0x%" PRIx64 " is outside the kernel image", va);
	return kd_read_phys(d->s, va - START_KERNEL_MAP + d->phys_base, buf, len);
}

static bool kernel_addr(uint64_t v)
{
	return v >= START_KERNEL_MAP && v < START_KERNEL_MAP + (1ull << 30);
}

static uint64_t align8(uint64_t v)
{
	return (v + 7) & ~7ull;
}

static struct kd_error *note_sym(void *arg, const char *name, size_t len, char type, uint64_t addr)
{
	struct derive *d = arg;
	(void)type;
#define IS(lit) (len == sizeof(lit) - 1 && memcmp(name, lit, len) == 0)
	if (IS("init_top_pgt"))
		d->init_top_pgt = addr;
	else if (IS("linux_banner"))
		d->linux_banner = addr;
	else if (IS("prb"))
		d->prb = addr;
#undef IS
	return NULL;
}

// Step 3b: given the token table and index, try the num_syms candidates
// below the token table.
static struct kd_error *find_tables(struct derive *d, uint64_t table, uint64_t index,
				    struct kd_kallsyms_layout *ret)
{
	for (uint64_t x = (table & ~7ull) - 8; x > d->stext && table - x < (32ull << 20); x -= 8) {
		uint32_t w[2];
		if (read_image(d, x, w, sizeof(w)) != NULL)
			break;
		uint32_t n = w[0];
		if (w[1] != 0 || n < 1000 || n > 4000000)
			continue;
		struct kd_kallsyms_layout l = {
			.names = x + 8, .num_syms = x, .token_table = table, .token_index = index,
			.stext = d->stext,
		};
		uint64_t base;
		// Up to 6.5: relative_base right before num_syms, offsets before it.
		if (read_image(d, x - 8, &base, 8) == NULL && kernel_addr(base)) {
			l.relative_base = x - 8;
			l.offsets = x - 8 - align8(4ull * n);
		} else {
			// 6.6+: offsets after the token index, relative_base after them.
			l.offsets = align8(index + 512);
			l.relative_base = align8(l.offsets + 4ull * n);
			if (read_image(d, l.relative_base, &base, 8) != NULL || !kernel_addr(base))
				continue;
		}
		struct kd_kallsyms_info info;
		d->init_top_pgt = d->linux_banner = d->prb = 0;
		struct kd_error *err = kd_kallsyms_decode(&l, read_image, d, note_sym, d, &info);
		if (!err && info.stext_checked) {
			*ret = l;
			return NULL;
		}
		kd_error_destroy(err);
	}
	return kd_error_create(KD_ERR_NOTFOUND, "kallsyms_num_syms not found below the token table");
}

// Step 3a: "0\0" .. "9\0" in the image, then the index that points at it.
static struct kd_error *find_kallsyms(struct derive *d, struct kd_kallsyms_layout *ret)
{
	static const char digits[] = "0\0" "1\0" "2\0" "3\0" "4\0" "5\0" "6\0" "7\0" "8\0" "9";
	const size_t dlen = sizeof(digits); // with the final NUL
	const size_t chunk = 1u << 20;
	unsigned char *buf = malloc(chunk + dlen);
	if (!buf)
		return &kd_enomem;
	struct kd_error *err = NULL;
	for (uint64_t off = 0; off < IMAGE_MAX; off += chunk) {
		if ((err = kd_check_interrupt(d->s)))
			break;
		struct kd_error *rerr = read_image(d, d->stext + off, buf, chunk + dlen);
		if (rerr) {
			kd_error_destroy(rerr);
			break; // the end of the image
		}
		for (size_t i = 0; i < chunk;) {
			unsigned char *hit = memmem(buf + i, chunk + dlen - i, digits, dlen);
			if (!hit || (size_t)(hit - buf) >= chunk)
				break;
			i = (size_t)(hit - buf) + 1;
			uint64_t a = d->stext + off + (size_t)(hit - buf);
			// The index follows the table, 8-byte aligned, within the
			// remaining tokens (at most 256 of them, short).
			for (uint64_t p = align8(a + dlen); p < a + 8192; p += 8) {
				uint16_t idx[256];
				if (read_image(d, p, idx, sizeof(idx)) != NULL)
					break;
				if (idx[0] != 0 || idx['9'] - idx['0'] != 18 || idx['0'] > a - d->stext)
					continue;
				bool inc = true;
				for (int k = 1; k < 256 && inc; k++)
					inc = idx[k] > idx[k - 1];
				uint64_t table = a - idx['0'];
				if (!inc || (table & 7) || table + idx[255] >= p)
					continue;
				err = find_tables(d, table, p, ret);
				if (!err)
					goto out;
				kd_error_destroy(err);
				err = NULL;
			}
		}
	}
	if (!err)
		err = kd_error_create(KD_ERR_NOTFOUND, "the kallsyms tables are not in the kernel image");
out:
	free(buf);
	return err;
}

static struct kd_error *cpu_state(struct derive *d, unsigned cpu)
{
	unsigned k = 0;
	for (size_t i = 0; i < kd_note_count(d->s); i++) {
		const struct kd_note *n = kd_note_get(d->s, i);
		if (strcmp(n->name, "QEMU") != 0 || n->type != 0 || k++ != cpu)
			continue;
		if (n->descsz < QEMU_CR4_OFF + 8)
			return kd_error_create(KD_ERR_CORRUPT, "QEMU CPU state note of %zu bytes is too short",
					       n->descsz);
		uint32_t size;
		memcpy(&size, (const char *)n->desc + 4, 4);
		if (size < QEMU_CR4_OFF + 8 || size > n->descsz)
			return kd_error_create(KD_ERR_CORRUPT, "QEMU CPU state note: bad size %u", size);
		d->cr3 = get_u64((const char *)n->desc + QEMU_CR3_OFF);
		d->cr4 = get_u64((const char *)n->desc + QEMU_CR4_OFF);
		d->la57 = (d->cr4 & CR4_LA57) != 0;
		return NULL;
	}
	return kd_error_create(KD_ERR_NOTFOUND, "no QEMU CPU state for CPU %u", cpu);
}

static struct kd_error *release_from_banner(struct derive *d, char *rel, size_t len)
{
	char b[256];
	struct kd_error *err = read_image(d, d->linux_banner, b, sizeof(b) - 1);
	if (err)
		return err;
	b[sizeof(b) - 1] = '\0';
	if (strncmp(b, "Linux version ", 14) != 0)
		return kd_error_create(KD_ERR_CORRUPT, "linux_banner does not start with 'Linux version '");
	size_t n = strcspn(b + 14, " \n");
	if (n == 0 || n >= len)
		return kd_error_create(KD_ERR_CORRUPT, "linux_banner has no release");
	memcpy(rel, b + 14, n);
	rel[n] = '\0';
	return NULL;
}

struct kd_error *kd_vmcoreinfo_derive(struct kd_session *s, char **text_ret)
{
	if (kd_dump_machine(s) != 62 /* EM_X86_64 */)
		return kd_error_create(KD_ERR_UNSUPPORTED, "deriving VMCOREINFO is only done for x86_64");
	struct derive d = { .s = s };
	struct kd_error *err = NULL;
	struct kd_kallsyms_layout l = { 0 };
	// Any CPU will do: the kernel half of every page table is the same.
	for (unsigned cpu = 0;; cpu++) {
		kd_error_destroy(err);
		err = cpu_state(&d, cpu);
		if (err)
			break; // no more CPUs: report the last failure
		if ((err = find_text(&d)))
			continue;
		if (!(err = find_kallsyms(&d, &l)))
			break;
	}
	if (err)
		return kd_error_prefix(err, "deriving VMCOREINFO from the CPU state");
	char rel[128] = "";
	if (d.linux_banner)
		kd_error_destroy(release_from_banner(&d, rel, sizeof(rel)));
	char *t = NULL;
	size_t tlen = 0;
	FILE *f = open_memstream(&t, &tlen);
	if (!f)
		return &kd_enomem;
	if (rel[0])
		fprintf(f, "OSRELEASE=%s\n", rel);
	fprintf(f, "PAGESIZE=4096\n");
	if (d.init_top_pgt)
		fprintf(f, "SYMBOL(init_top_pgt)=%" PRIx64 "\n", d.init_top_pgt);
	fprintf(f, "SYMBOL(_stext)=%" PRIx64 "\n", d.stext);
	fprintf(f, "NUMBER(phys_base)=%" PRId64 "\n", (int64_t)d.phys_base);
	fprintf(f, "NUMBER(pgtable_l5_enabled)=%d\n", d.la57 ? 1 : 0);
	fprintf(f, "KERNELOFFSET=%" PRIx64 "\n", (uint64_t)(d.stext - START_KERNEL));
	fprintf(f, "SYMBOL(kallsyms_names)=%" PRIx64 "\n", l.names);
	fprintf(f, "SYMBOL(kallsyms_num_syms)=%" PRIx64 "\n", l.num_syms);
	fprintf(f, "SYMBOL(kallsyms_token_table)=%" PRIx64 "\n", l.token_table);
	fprintf(f, "SYMBOL(kallsyms_token_index)=%" PRIx64 "\n", l.token_index);
	fprintf(f, "SYMBOL(kallsyms_offsets)=%" PRIx64 "\n", l.offsets);
	fprintf(f, "SYMBOL(kallsyms_relative_base)=%" PRIx64 "\n", l.relative_base);
	if (d.prb)
		fprintf(f, "SYMBOL(prb)=%" PRIx64 "\n", d.prb);
	if (fclose(f) != 0) {
		free(t);
		return &kd_enomem;
	}
	*text_ret = t;
	return NULL;
}
