// SPDX-License-Identifier: GPL-3.0-or-later
// VMCOREINFO for dumps that have none (QEMU dump-guest-memory without
// -device vmcoreinfo), derived from the saved CPU state and the page tables,
// the way crash's kaslr_helper.c "page-table method" does it:
//
//  1. The arch backend's find_kernel hook reads a CPU's saved state from the
//     dump's notes (CR3 and CR4 from QEMU's per-CPU note on x86_64), sets up
//     a translation under that CPU's page tables and finds the kernel image
//     (_stext, phys_base, KERNELOFFSET: see arch/x86_64.c).
//  2. The kallsyms tables (scripts/kallsyms.c) are found by content in the
//     kernel image, read through that translation: kallsyms_token_table
//     holds the single-character tokens "0".."9" as consecutive strings
//     (unmerged characters keep their own code as index),
//     kallsyms_token_index[256] are increasing u16 offsets into it, every
//     table is 8-byte aligned (.balign 8), and kallsyms_num_syms (a u32)
//     sits right before kallsyms_names.  Both orders of the tables are
//     tried: up to Linux 6.5 offsets, relative_base, num_syms, names,
//     markers[, seqs_of_names], token_table, token_index; since 6.6
//     num_syms, names, markers, token_table, token_index, offsets,
//     relative_base.  A candidate is accepted only when the decoder maps
//     _stext to the address found in step 1.
//  3. With the symbols: the page-table root's symbol (SYMBOL(init_top_pgt)),
//     and OSRELEASE from the linux_banner string ("Linux version RELEASE (...").
// The result is plain VMCOREINFO text that the session parses as usual.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../arch/arch.h"
#include "session_priv.h"
#include "symtab.h"

#define IMAGE_MAX        (256ull << 20)

struct derive {
	struct kd_session *s;
	const struct kd_arch_ops *ops;
	struct kd_arch_kernel k;  // what the arch found (k.state translates)
	uint64_t stext;
	uint64_t root, linux_banner, prb;
	bool cached;              // image_page's last translation
	uint64_t cached_va, cached_pa;
};

static bool kernel_addr(const struct derive *d, uint64_t v)
{
	return v >= d->k.window_start && v < d->k.window_end;
}

// One page of the kernel image through the arch's translation, with a
// one-entry cache: the table search reads a word at a time.
static struct kd_error *image_page(struct derive *d, uint64_t va, uint64_t *pa_ret)
{
	uint64_t page = va & ~((uint64_t)d->k.page_size - 1);
	if (!d->cached || d->cached_va != page) {
		uint64_t pa;
		struct kd_error *err = d->ops->translate(d->k.state, NULL, page, KD_XLAT_ANY, &pa, NULL);
		if (err)
			return err;
		d->cached = true;
		d->cached_va = page;
		d->cached_pa = pa;
	}
	*pa_ret = d->cached_pa + (va - page);
	return NULL;
}

// Kernel-image virtual reads through the arch's translation (the
// kernel-text fast path: the image is mapped linearly, so a run of
// physically contiguous pages is read at once).
static struct kd_error *read_image(void *arg, uint64_t va, void *buf, size_t len)
{
	struct derive *d = arg;
	if (!kernel_addr(d, va) || len > d->k.window_end - va)
		return kd_error_addr(KD_ERR_FAULT, va, "0x%" PRIx64 " is outside the kernel image", va);
	char *p = buf;
	while (len) {
		uint64_t pa;
		struct kd_error *err = image_page(d, va, &pa);
		if (err)
			return err;
		uint64_t in_page = d->k.page_size - (va & (d->k.page_size - 1));
		size_t n = len < in_page ? len : (size_t)in_page;
		while (n < len) {
			uint64_t npa;
			err = image_page(d, va + n, &npa);
			if (err || npa != pa + n) {
				kd_error_destroy(err);
				break;
			}
			n += len - n < d->k.page_size ? len - n : d->k.page_size;
		}
		if ((err = kd_read_phys(d->s, pa, p, n)))
			return err;
		p += n;
		va += n;
		len -= n;
	}
	return NULL;
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
	if (d->k.root_symbol && len == strlen(d->k.root_symbol) && memcmp(name, d->k.root_symbol, len) == 0)
		d->root = addr;
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
		if (read_image(d, x - 8, &base, 8) == NULL && kernel_addr(d, base)) {
			l.relative_base = x - 8;
			l.offsets = x - 8 - align8(4ull * n);
		} else {
			// 6.6+: offsets after the token index, relative_base after them.
			l.offsets = align8(index + 512);
			l.relative_base = align8(l.offsets + 4ull * n);
			if (read_image(d, l.relative_base, &base, 8) != NULL || !kernel_addr(d, base))
				continue;
		}
		struct kd_kallsyms_info info;
		d->root = d->linux_banner = d->prb = 0;
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

bool kd_vmcoreinfo_derivable(const struct kd_session *s)
{
	const struct kd_arch_ops *ops = kd_arch_find(kd_dump_machine(s));
	return ops && ops->find_kernel;
}

struct kd_error *kd_vmcoreinfo_derive(struct kd_session *s, char **text_ret)
{
	struct derive d = { .s = s, .ops = kd_arch_find(kd_dump_machine(s)) };
	if (!d.ops || !d.ops->find_kernel)
		return kd_error_create(KD_ERR_UNSUPPORTED, "deriving VMCOREINFO is not done for %s",
				       kd_dump_machine_name(s));
	struct kd_arch_ctx ctx;
	kd_vm_ctx_init(s, &ctx);
	struct kd_error *err = NULL;
	struct kd_kallsyms_layout l = { 0 };
	// Any CPU will do: the kernel half of every page table is the same.
	for (unsigned cpu = 0;; cpu++) {
		kd_error_destroy(err);
		if (d.k.state)
			d.ops->fini(d.k.state);
		d.cached = false;
		err = d.ops->find_kernel(&ctx, cpu, &d.k);
		if (err && d.k.stop)
			break; // no more CPUs: report the last failure
		if (err)
			continue;
		d.stext = d.k.stext;
		if (!(err = find_kallsyms(&d, &l)))
			break;
	}
	char rel[128] = "";
	if (!err && d.linux_banner)
		kd_error_destroy(release_from_banner(&d, rel, sizeof(rel)));
	if (d.k.state)
		d.ops->fini(d.k.state);
	if (err)
		return kd_error_prefix(err, "deriving VMCOREINFO from the CPU state");
	char *t = NULL;
	size_t tlen = 0;
	FILE *f = open_memstream(&t, &tlen);
	if (!f)
		return &kd_enomem;
	if (rel[0])
		fprintf(f, "OSRELEASE=%s\n", rel);
	fprintf(f, "PAGESIZE=%u\n", d.k.page_size);
	if (d.root)
		fprintf(f, "SYMBOL(%s)=%" PRIx64 "\n", d.k.root_symbol, d.root);
	fputs(d.k.vmcoreinfo, f);
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
